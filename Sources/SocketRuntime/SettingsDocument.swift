import Foundation
import Simulated
import SocketCore

/// The device's settings as a JSON document, for a backup and for moving to a new board (`smsocket export`,
/// `smsocket import`; README "Backup and moving to a new board").
///
/// Everything SMS commands set, none of the device's state: not the relays and their timer, the alarm log,
/// the clock, the rules' data, the history or the outbox. Keys in a fixed (sorted) order, every key always
/// present, `null` for a setting that is off or unset:
///
/// ```json
/// {"format":"smsocket-settings","settings":{"alarm_armed":false,"alert_mode":"SMS","alert_numbers":[],
///  "error_replies":true,...,"scheduler":["08:30,*,ON"],...,"trisealert":null},"version":1}
/// ```
///
/// The scalar keys and their values are those of the state database's `setting` table (`StateRecord`),
/// typed: flags are `true`/`false`, numbers are numbers, choices the command's words (`HEATING`); the lists
/// are `sec_numbers`, `alert_numbers` (digits, as SECNUMBER? shows them) and `scheduler` (rules as
/// SCHEDULER? shows them). The passwords are in it: keep the file as you keep the board.
public struct SettingsDocument: Sendable, Equatable {
    public static let format = "smsocket-settings"
    /// The version this program writes and reads. A later version that changes the document raises it, and
    /// reads every earlier one.
    public static let version = 1

    /// The settings, on top of factory device state (``PersistentState/adoptingSettings(of:)``).
    public var settings: PersistentState

    public init(settingsOf state: PersistentState) {
        settings = PersistentState().adoptingSettings(of: state)
    }

    // MARK: - The schema

    private enum Shape { case flag, number, choice, optionalNumber, optionalText }

    /// The scalar settings and their JSON types; their ranges and words are checked by `StateRecord`, as for
    /// a row of the database.
    private static let scalars: [(key: String, shape: Shape)] = [
        ("alarm_armed", .flag), ("alert_mode", .choice), ("error_replies", .flag), ("microrelay_time", .number),
        ("password", .optionalText), ("power_state", .choice), ("renew_password", .optionalText), ("restart_time", .number),
        ("ring", .choice), ("ring_confirm", .flag), ("ring_confirm_type", .choice), ("saldo_code", .optionalText),
        ("seclist", .flag), ("sensor_type", .choice), ("sms_confirm", .flag), ("sms_confirm_unauth", .flag),
        ("tempcal", .number), ("tempoff", .number), ("tfallalert", .optionalNumber), ("thermalert", .flag),
        ("thermostat_enabled", .flag), ("thermostat_mode", .choice), ("trisealert", .optionalNumber),
    ]
    private static let lists = ["alert_numbers", "scheduler", "sec_numbers"]
    private static let keys = Set(scalars.map(\.key) + lists)

    // MARK: - Writing

    /// The document as JSON: one line, or indented for a file (`pretty`).
    public func json(pretty: Bool) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        // Strings, numbers, booleans and lists of them always encode.
        guard let data = try? encoder.encode(self) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    // MARK: - Reading

    /// A document that cannot be imported: where (a JSON path from the document's top, `settings.tempcal`,
    /// `settings.sec_numbers[2]`; empty for the document as a whole) and what is wrong. It never shows a
    /// password's value.
    public struct Invalid: Error, Equatable, CustomStringConvertible {
        public var path: String
        public var problem: String
        public var description: String { path.isEmpty ? problem : "\(path): \(problem)" }
    }

    /// Reads and checks a document: every field, the format and version, and what the commands would
    /// refuse to combine (SECLIST=ON with no number, RING without SECLIST, a renew password with no
    /// protection, THERMALERT with no ALERTNUMBER).
    ///
    /// - Throws: ``Invalid``, for the first problem found.
    public static func parse(_ data: Data) throws(Invalid) -> SettingsDocument {
        do {
            return try JSONDecoder().decode(SettingsDocument.self, from: data)
        } catch {
            throw invalid(error, dropping: 0)
        }
    }

    /// ``Invalid`` for an error of decoding a document found under `prefix` keys of a larger one (the
    /// control socket's `{"request":"import","settings":{...}}` has 1).
    static func invalid(_ error: any Error, dropping prefix: Int) -> Invalid {
        switch error {
        case let error as Invalid:
            return error
        case DecodingError.keyNotFound(let key, let context):
            return Invalid(path: path(context.codingPath.dropFirst(prefix) + [key]), problem: "missing")
        case DecodingError.typeMismatch(let type, let context):
            return Invalid(path: path(context.codingPath.dropFirst(prefix)), problem: "expected \(words(for: type))")
        case DecodingError.valueNotFound(let type, let context):
            return Invalid(path: path(context.codingPath.dropFirst(prefix)), problem: "null, expected \(words(for: type))")
        case DecodingError.dataCorrupted(let context) where !context.codingPath.dropFirst(prefix).isEmpty:
            // A number with a fraction or beyond 64 bits, where a whole number belongs.
            return Invalid(path: path(context.codingPath.dropFirst(prefix)), problem: "expected a whole number")
        default:
            return Invalid(path: "", problem: "not a JSON document (\(error))")
        }
    }

    private static func words(for type: Any.Type) -> String {
        switch type {
        case is Bool.Type: "true or false"
        case is Int.Type, is Double.Type: "a whole number"
        case is String.Type: "text"
        case is [String].Type, is [Any].Type: "a list"
        default: "an object"
        }
    }

    static func path(_ keys: some Collection<any CodingKey>) -> String {
        var text = ""
        for key in keys {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += (text.isEmpty ? "" : ".") + key.stringValue
            }
        }
        return text
    }

    /// Builds the settings from the `settings` object, checked as described at ``parse(_:)``.
    private static func settings(from container: KeyedDecodingContainer<Key>, at base: [any CodingKey]) throws -> PersistentState {
        func invalid(_ key: String, _ problem: String) -> Invalid { Invalid(path: path(base + [Key(key)]), problem: problem) }
        if let unknown = container.allKeys.map(\.stringValue).sorted().first(where: { !keys.contains($0) }) {
            throw invalid(unknown, "no such setting (known: \(keys.sorted().joined(separator: ", ")))")
        }
        var rows: [String: String] = [:]
        for (name, shape) in scalars {
            let key = Key(name)
            guard container.contains(key) else { throw DecodingError.keyNotFound(key, .init(codingPath: container.codingPath, debugDescription: "")) }
            switch shape {
            case .flag: rows[name] = StateRecord.flag(try container.decode(Bool.self, forKey: key))
            case .number: rows[name] = String(try wholeNumber(container, key, at: base))
            case .choice: rows[name] = try container.decode(String.self, forKey: key)
            case .optionalNumber: rows[name] = try container.decodeNil(forKey: key) ? nil : String(try wholeNumber(container, key, at: base))
            case .optionalText: rows[name] = try container.decode(String?.self, forKey: key)
            }
        }
        var state = PersistentState()
        do {
            try StateRecord.apply(rows, to: &state)
        } catch {
            throw invalid(error.row ?? "", "\(error.value) (expected \(error.expected))")
        }
        /// A list of at most `capacity` distinct entries, each read by `parse`.
        func list<T: Hashable>(_ name: String, capacity: Int, _ parse: (String) -> T?) throws -> [T] {
            guard container.contains(Key(name)) else {
                throw DecodingError.keyNotFound(Key(name), .init(codingPath: container.codingPath, debugDescription: ""))
            }
            let items = try container.decode([String].self, forKey: Key(name))
            guard items.count <= capacity else { throw invalid(name, "\(items.count) entries (expected at most \(capacity))") }
            var seen: Set<T> = []
            return try items.enumerated().map { index, item in
                let at = path(base + [Key(name), Key(index)])
                guard let value = parse(item) else {
                    throw Invalid(path: at, problem: "\(jsonStringLiteral(String(item.prefix(40)))) (expected \(listWords[name] ?? "another value"))")
                }
                guard seen.insert(value).inserted else { throw Invalid(path: at, problem: "listed twice") }
                return value
            }
        }
        let number = { (text: String) in CommandParser.isListNumber(text) ? text : nil }
        state.secNumbers = try list("sec_numbers", capacity: PersistentState.numberListCapacity, number)
        state.alertNumbers = try list("alert_numbers", capacity: PersistentState.numberListCapacity, number)
        state.schedule = try list("scheduler", capacity: PersistentState.scheduleCapacity, CommandParser.scheduleRule(text:))
        // What the commands refuse to combine (§2.13, §2.15, §3.2, §3.5).
        if state.secListActive, state.secNumbers.isEmpty { throw invalid("seclist", "true, but sec_numbers is empty (SECLIST=ON needs a number)") }
        if state.ring != .noAction, !state.secListActive { throw invalid("ring", "\(state.ring.rawValue) needs seclist true") }
        if state.renewPassword != nil, state.password == nil, !state.secListActive {
            throw invalid("renew_password", "set, but neither password nor seclist protects the board")
        }
        if state.thermAlert, state.alertNumbers.isEmpty { throw invalid("thermalert", "true, but alert_numbers is empty") }
        return state
    }

    /// A whole number, read as any JSON number so that `7.5` is named where it stands (JSONDecoder reports a
    /// fraction where an Int is asked for as a document that is not JSON at all).
    private static func wholeNumber(_ container: KeyedDecodingContainer<Key>, _ key: Key, at base: [any CodingKey]) throws -> Int {
        let value = try container.decode(Double.self, forKey: key)
        guard value == value.rounded(), abs(value) < 1e15 else { throw Invalid(path: path(base + [key]), problem: "expected a whole number") }
        return Int(value)
    }

    private static let listWords = [
        "sec_numbers": "1 to 15 digits", "alert_numbers": "1 to 15 digits",
        "scheduler": "a rule such as 08:30,*,ON or 22:00,5,AOF: hh:mm, a weekday 1-7 or *, ON, OFF, INF, AON, AOF or a rule's action",
    ]
}

extension SettingsDocument: Codable {
    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int?
        init(_ string: String) { stringValue = string }
        init(_ index: Int) {
            stringValue = String(index)
            intValue = index
        }
        init?(stringValue: String) { self.init(stringValue) }
        init?(intValue: Int) { self.init(intValue) }
    }

    public init(from decoder: any Decoder) throws {
        let top = try decoder.container(keyedBy: Key.self)
        let base = decoder.codingPath
        if let unknown = top.allKeys.map(\.stringValue).sorted().first(where: { !["format", "settings", "version"].contains($0) }) {
            throw Invalid(path: Self.path(base + [Key(unknown)]), problem: "no such field (known: format, settings, version)")
        }
        let format = try top.decode(String.self, forKey: Key("format"))
        guard format == Self.format else {
            throw Invalid(path: Self.path(base + [Key("format")]), problem: "\(jsonStringLiteral(String(format.prefix(40)))) (expected \(jsonStringLiteral(Self.format)))")
        }
        let version = try Self.wholeNumber(top, Key("version"), at: base)
        guard version == Self.version else {
            let why = version > Self.version ? "written by a newer SMSocket; this one reads version \(Self.version)" : "expected \(Self.version)"
            throw Invalid(path: Self.path(base + [Key("version")]), problem: "\(version) (\(why))")
        }
        let settings = try top.nestedContainer(keyedBy: Key.self, forKey: Key("settings"))
        self.init(settingsOf: try Self.settings(from: settings, at: base + [Key("settings")]))
    }

    public func encode(to encoder: any Encoder) throws {
        var top = encoder.container(keyedBy: Key.self)
        try top.encode(Self.format, forKey: Key("format"))
        try top.encode(Self.version, forKey: Key("version"))
        var container = top.nestedContainer(keyedBy: Key.self, forKey: Key("settings"))
        let rows = StateRecord.settings(of: settings)
        for (name, shape) in Self.scalars {
            let key = Key(name)
            switch shape {
            case .flag: try container.encode(rows[name] == StateRecord.flag(true), forKey: key)
            case .number, .optionalNumber:
                if let value = rows[name].flatMap({ Int($0) }) { try container.encode(value, forKey: key) } else { try container.encodeNil(forKey: key) }
            case .choice, .optionalText:
                if let value = rows[name] { try container.encode(value, forKey: key) } else { try container.encodeNil(forKey: key) }
            }
        }
        try container.encode(settings.secNumbers, forKey: Key("sec_numbers"))
        try container.encode(settings.alertNumbers, forKey: Key("alert_numbers"))
        try container.encode(settings.schedule.map(\.text), forKey: Key("scheduler"))
    }
}

extension Store {
    /// `smsocket import --state PATH`, while no controller runs: the document's settings replace the stored
    /// ones (the device state stays), committed before this returns; the controller derives the rest when it
    /// starts.
    public func importSettings(_ document: SettingsDocument, at now: Instant) throws(StoreError) {
        let current = try loadState()
        var change = Change(at: now)
        change.state = (current, current.adoptingSettings(of: document.settings))
        try commit(change)
    }
}
