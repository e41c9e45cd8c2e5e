import Foundation
import Simulated
import LuaRules
import SocketCore

/// One request on the control socket: the one line of JSON a client writes (README "Local control"), e.g.
/// `{"request":"send","text":"STATUS"}`. Each request is one case here, one branch of ``parse(_:)`` and
/// one of ``ControlHandler``.
public enum ControlRequest: Sendable, Equatable {
    /// `{"request":"status"}`: ``ControlStatus``.
    case status
    /// `{"request":"send","text":"STATUS"}`: an iSocket command with the local console's trust; the replies.
    case send(text: String)
    /// `{"request":"sms","number":"+358401234567","text":"hello"}`: an SMS queued in the outbox.
    case sms(number: String, text: String)
    /// `{"request":"reload"}`: the Lua rules loaded again, as SIGHUP does.
    case reload
    /// `{"request":"log","kinds":["sms","temperature"],"limit":20,"hourly":false,"follow":false}`: the newest
    /// `limit` lines of the history (every field optional: every entry kind, 20 lines); with `follow`, then each
    /// new line until the client closes.
    case log(HistoryQuery, follow: Bool)
    /// `{"request":"export"}`: the settings document (``SettingsDocument``).
    case export
    /// `{"request":"import","settings":{...}}`: a settings document replaces the settings, committed before
    /// the answer.
    case importSettings(SettingsDocument)

    /// The longest `text` of `send` and `sms`, in bytes: what a rule may send (``RuleHost/maximumTextLength``).
    public static let maximumTextLength = RuleHost.maximumTextLength

    /// The request in `line` (the bytes before the newline).
    ///
    /// - Throws: ``ControlError/Code/badRequest`` for invalid UTF-8, JSON that is not an object with a string
    ///   `request`, or a missing or mistyped field; ``ControlError/Code/unknownRequest``;
    ///   ``ControlError/Code/badNumber``, ``ControlError/Code/badText`` for values out of bounds.
    public static func parse(_ line: some Collection<UInt8>) throws(ControlError) -> ControlRequest {
        guard String(validating: line, as: UTF8.self) != nil else {
            throw ControlError(.badRequest, "the request is not valid UTF-8")
        }
        let data = Data(line)
        switch try decode(Name.self, data).request {
        case "status":
            return .status
        case "send":
            return .send(text: try checkedText(decode(TextField.self, data).text))
        case "sms":
            let fields = try decode(SMSFields.self, data)
            guard CommandParser.isDialableNumber(fields.number) else {
                throw ControlError(.badNumber, "\(jsonStringLiteral(fields.number)) is not a phone number: an optional + and 1 to 15 digits")
            }
            return .sms(number: fields.number, text: try checkedText(fields.text))
        case "reload":
            return .reload
        case "log":
            let fields = try decode(LogFields.self, data)
            let kinds: (Set<HistoryEntry.Kind>, Bool)
            switch HistoryQuery.kinds(named: fields.kinds) {
            case .success(let named): kinds = named
            case .failure(let unknown): throw ControlError(.badRequest, "kinds: \(unknown)")
            }
            let limit = fields.limit ?? HistoryQuery.defaultLimit
            guard (1...HistoryQuery.maxLimit).contains(limit) else {
                throw ControlError(.badRequest, "limit must be 1 to \(HistoryQuery.maxLimit), not \(limit)")
            }
            return .log(HistoryQuery(kinds: kinds.0, temperature: kinds.1, hourly: fields.hourly ?? false, limit: limit), follow: fields.follow ?? false)
        case "export":
            return .export
        case "import":
            do {
                return .importSettings(try JSONDecoder().decode(ImportFields.self, from: data).settings)
            } catch DecodingError.keyNotFound(let key, let context) where context.codingPath.isEmpty {
                throw ControlError(.badRequest, "the request has no \(jsonStringLiteral(key.stringValue)) field")
            } catch {
                let invalid = SettingsDocument.invalid(error, dropping: 1)
                throw ControlError(.badSettings, "the settings document cannot be imported: \(invalid)")
            }
        case let name:
            throw ControlError(
                .unknownRequest, "no request \(jsonStringLiteral(name)); known: \(known.joined(separator: ", "))")
        }
    }

    /// The requests ``parse(_:)`` knows, for the error that names them.
    static let known = ["status", "send", "sms", "reload", "log", "export", "import"]

    /// The request as its line, without the newline.
    public var json: String {
        switch self {
        case .status: ControlReply.json(["request": "status"])
        case .send(let text): ControlReply.json(["request": "send", "text": text])
        case .sms(let number, let text): ControlReply.json(["request": "sms", "number": number, "text": text])
        case .reload: ControlReply.json(["request": "reload"])
        case .export: ControlReply.json(["request": "export"])
        case .log(let query, let follow):
            ControlReply.json(
                LogRequest(
                    kinds: query.kinds.map(\.rawValue).sorted() + (query.temperature ? [HistoryQuery.temperatureName] : []),
                    limit: query.limit, hourly: query.hourly, follow: follow))
        case .importSettings(let document): ControlReply.json(ImportRequest(settings: document))
        }
    }

    private struct LogFields: Decodable {
        var kinds: [String]?
        var limit: Int?
        var hourly: Bool?
        var follow: Bool?
    }
    private struct LogRequest: Encodable {
        var request = "log"
        var kinds: [String]
        var limit: Int
        var hourly: Bool
        var follow: Bool
    }
    private struct ImportFields: Decodable { var settings: SettingsDocument }
    private struct ImportRequest: Encodable {
        var request = "import"
        var settings: SettingsDocument
    }

    private struct Name: Decodable { var request: String }
    private struct TextField: Decodable { var text: String }
    private struct SMSFields: Decodable {
        var number: String
        var text: String
    }

    private static func decode<T: Decodable>(_: T.Type, _ data: Data) throws(ControlError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch DecodingError.keyNotFound(let key, _) {
            throw ControlError(.badRequest, "the request has no \(jsonStringLiteral(key.stringValue)) field")
        } catch DecodingError.typeMismatch(_, let context) {
            let field = context.codingPath.last.map { "the field \(jsonStringLiteral($0.stringValue))" } ?? "the request"
            throw ControlError(.badRequest, "\(field) has the wrong type (\(context.debugDescription))")
        } catch {
            throw ControlError(.badRequest, "the request is not one JSON object, e.g. {\"request\":\"status\"}")
        }
    }

    private static func checkedText(_ text: String) throws(ControlError) -> String {
        guard !text.isEmpty, text.utf8.count <= maximumTextLength else {
            throw ControlError(.badText, "the text must have 1 to \(maximumTextLength) bytes, not \(text.utf8.count)")
        }
        return text
    }
}
