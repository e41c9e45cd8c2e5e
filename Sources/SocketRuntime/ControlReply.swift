import Foundation

/// The lines the control socket answers with (README "Local control"): `{"ok":true, ...fields}` or
/// `{"ok":false,"error":{"code":"...","message":"..."}}`, one JSON object a line, keys sorted.
public enum ControlReply {
    /// `{"ok":true}` with `body`'s fields beside `ok`, as one line without its newline.
    public static func success(_ body: some Encodable) -> String { json(Success(body: body)) }

    /// `{"ok":false,"error":{...}}`, as one line without its newline.
    public static func failure(_ error: ControlError) -> String { json(Failure(error: error)) }

    /// `send`'s answer: the console's replies, in order (none when the command has no answer).
    public struct Replies: Codable, Equatable, Sendable {
        public var replies: [String]
    }

    /// `sms`'s answer: the SMS is in the outbox, committed.
    public struct Queued: Codable, Equatable, Sendable {
        public var queued: String
    }

    /// `log`'s first line: how many history lines follow it (the newest, oldest first); with `follow`, more
    /// come as they are written.
    public struct LogHeader: Codable, Equatable, Sendable {
        public var records: Int
        public init(records: Int) { self.records = records }
    }

    /// `log`'s lines after the first: one history line each.
    public struct LogLine: Codable, Equatable, Sendable {
        public var record: HistoryRecord
        public init(record: HistoryRecord) { self.record = record }
    }

    /// `export`'s answer: the settings document.
    public struct Exported: Codable, Equatable, Sendable {
        public var settings: SettingsDocument
        public init(settings: SettingsDocument) { self.settings = settings }
    }

    /// The body of a success line as `Body`.
    ///
    /// - Throws: the server's ``ControlError`` for an `{"ok":false}` line; ``ControlClientError`` with
    ///   ``ControlClientError/Kind/garbled`` when the line is not such a reply.
    public static func decode<Body: Decodable>(_ line: String, as _: Body.Type) throws -> Body {
        let data = Data(line.utf8)
        let outcome: Outcome
        do {
            outcome = try JSONDecoder().decode(Outcome.self, from: data)
        } catch {
            throw ControlClientError(.garbled, "the controller's answer is not a reply line: \(line.prefix(200))")
        }
        if !outcome.ok {
            throw outcome.error ?? ControlError(.init(rawValue: "unknown"), "the controller refused the request without saying why")
        }
        do {
            return try JSONDecoder().decode(Body.self, from: data)
        } catch {
            throw ControlClientError(.garbled, "the controller's answer lacks what was asked for (\(error)): \(line.prefix(200))")
        }
    }

    /// Sorted keys, so that a line reads the same every time; `/` as it is.
    static func json(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Every value here encodes (strings, numbers, booleans); a failure would be a programming error.
        guard let data = try? encoder.encode(value) else {
            return #"{"error":{"code":"internal","message":"the answer could not be encoded"},"ok":false}"#
        }
        return String(decoding: data, as: UTF8.self)
    }

    private struct Success<Body: Encodable>: Encodable {
        var body: Body
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: OKKey.self)
            try container.encode(true, forKey: .ok)
            try body.encode(to: encoder)
        }
    }

    private struct Failure: Encodable {
        var ok = false
        var error: ControlError
    }

    private struct Outcome: Decodable {
        var ok: Bool
        var error: ControlError?
    }

    private enum OKKey: String, CodingKey { case ok }
}

/// An empty body: `{"ok":true}`.
public struct ControlNothing: Codable, Equatable, Sendable {
    public init() {}
}
