import Logging
import PluginKit
import SocketCore
import SystemCalls

/// The configuration file (TOML): the model, where state and rules live, how much to log, and which
/// plugin fills each role of the board. Documented key by key in etc/smsocket.toml.
///
/// Every error names the file, the line and the key and says what was expected; an unknown key or table
/// is an error, never silently ignored.
public struct ControllerConfig: Sendable {
    public var file: String
    public var model: Model = .gsm707
    /// The state database; nil = not given (`run` then uses ``defaultStatePath``).
    public var statePath: String?
    public static let defaultStatePath = "/var/lib/smsocket/state.sqlite"
    public var rulesPath: String?
    /// `control_socket`: where `smsocket status|send|sms|reload` reach the running controller; nil = not given
    /// (``defaultControlSocketPath``).
    public var controlSocketPath: String?
    public static let defaultControlSocketPath = "/run/smsocket/control.sock"
    /// `rule_memory_kib`: the most memory one Lua rule may use, in KiB (rules-api.md; default 1024).
    public var ruleMemoryKiB = 1024
    public var logLevel = Logger.Level.info
    /// What SERIALNUM reports; by default derived from /etc/machine-id.
    public var serialNumber: String?
    /// The table of each configured role, with its plugin kind.
    public var roles: [Role: (kind: String, settings: PluginSettings)] = [:]
    /// `[location]`; nil without the table.
    public var location: Location?

    static let topLevelKeys = ["model", "state", "rules", "control_socket", "log_level", "serial", "rule_memory_kib"]

    /// `[location]` (spec rules-api.md, "Location"): where the controller is, for sun times, and the time
    /// zone its clock follows.
    public struct Location: Sendable {
        /// Nil when the table gives no latitude and longitude (sun times are then unavailable).
        public var coordinates: Coordinates?
        /// The zone's IANA name and its rules, read from the system's tz database.
        public var timezone: String
        public var zone: ZoneRules

        /// `location: 60.17, 24.94, time zone Europe/Helsinki (UTC+02:00 at 2026-01-05T08:00:00Z)`, what
        /// `smsocket check` prints, with the offset in force at `now`.
        public func summary(at now: Instant) -> String {
            let offset = zone.offset(at: now.seconds)
            let sign = offset < 0 ? "-" : "+"
            let utc = "UTC\(sign)\(CivilTime.two(abs(offset) / 3600)):\(CivilTime.two(abs(offset) / 60 % 60))"
            let place = coordinates.map { "\($0.latitude), \($0.longitude), " } ?? ""
            return "location: \(place)time zone \(timezone) (\(utc) at \(now))"
        }
    }

    /// Where each key and table is written, for the checks that name a line.
    public var sourceMap = TOMLSourceMap()

    /// Reads and checks the file at `path` (a regular file of at most 1 MiB); `zones` is where its time zone
    /// is looked up.
    ///
    /// - Throws: the first ``ConfigError`` in file order.
    public static func load(path: String, zones: ZoneDatabase = ZoneDatabase()) throws(ConfigError) -> ControllerConfig {
        try parse(ConfigFile.contents(of: path), file: path, zones: zones)
    }

    /// Parses configuration text; `file` names it in errors.
    public static func parse(_ text: String, file: String, zones: ZoneDatabase = ZoneDatabase()) throws(ConfigError) -> ControllerConfig {
        try parse(Array(text.utf8), file: file, zones: zones)
    }

    static func parse(_ bytes: [UInt8], file: String, zones: ZoneDatabase = ZoneDatabase()) throws(ConfigError) -> ControllerConfig {
        let (config, problems) = read(try TOMLDocument(parsing: bytes, file: file), file: file, zones: zones)
        if let first = problems.first { throw first }
        return config
    }

    /// The configuration `document` describes, with defaults where a key is wrong, and every problem of
    /// its top-level keys and role tables in file order (the plugins read the tables' other keys later).
    static func read(_ document: TOMLDocument, file: String, zones: ZoneDatabase = ZoneDatabase()) -> (ControllerConfig, [ConfigError]) {
        let map = document.sourceMap
        var config = ControllerConfig(file: file)
        config.sourceMap = map
        var problems: [ConfigError] = []
        func fail(_ key: String, _ message: String) -> ConfigError {
            ConfigError(file: file, line: map.line(of: key), key: key, message: message)
        }
        func string(_ key: String, _ value: ConfigValue) throws(ConfigError) -> String {
            guard case .string(let s) = value else { throw fail(key, "expected a string, found \(value.typeName)") }
            return s
        }
        func readKey(_ key: String, _ value: ConfigValue) throws(ConfigError) {
            if let role = Role(rawValue: key) {
                guard case .table(let entries) = value else { throw fail(key, "expected a table [\(key)], found \(value.typeName)") }
                guard let kindValue = entries["kind"] else {
                    throw fail(key, "missing kind; known kinds: \(PluginRegistry.kinds.joined(separator: ", "))")
                }
                let kind = try string("\(key).kind", kindValue)
                config.roles[role] = (kind, PluginSettings(file: file, table: key, values: entries, sourceMap: map))
                return
            }
            switch key {
            case "model":
                let name = try string(key, value)
                guard let model = Model(rawValue: name) else {
                    throw fail(key, "expected one of \(Model.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")), not \"\(name)\"")
                }
                config.model = model
            case "state":
                let path = try string(key, value)
                config.statePath = path == TemporaryState.configValue ? path : Self.path(path, besides: file)
            case "rules": config.rulesPath = Self.path(try string(key, value), besides: file)
            case "control_socket":
                config.controlSocketPath = try controlSocketPath(try string(key, value), file: file, line: map.line(of: key))
            case "serial": config.serialNumber = try string(key, value)
            case "rule_memory_kib":
                guard case .int(let kib) = value, (64...1_048_576).contains(kib) else {
                    throw fail(key, "expected a whole number of KiB from 64 to 1048576, found \(value)")
                }
                config.ruleMemoryKiB = kib
            case "location":
                guard case .table(let entries) = value else { throw fail(key, "expected a table [location], found \(value.typeName)") }
                var settings = PluginSettings(file: file, table: key, values: entries, sourceMap: map, reader: "[location]")
                config.location = try location(&settings, zones: zones)
            case "log_level":
                let name = try string(key, value)
                guard let level = Logger.Level(rawValue: name) else {
                    throw fail(key, "expected one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")), not \"\(name)\"")
                }
                config.logLevel = level
            default:
                let known = topLevelKeys + ["[location]"] + Role.allCases.map { "[\($0.rawValue)]" }
                throw fail(key, "unknown key; known keys and tables: \(known.joined(separator: ", "))")
            }
        }
        for (key, value) in document.values {
            do throws(ConfigError) {
                try readKey(key, value)
            } catch {
                problems.append(error)
            }
        }
        return (config, problems.inFileOrder())
    }

    /// The control socket the configuration file at `path` names (``defaultControlSocketPath`` when it names
    /// none), for the control commands. Only that key is read: the file must be TOML, but a mistake elsewhere
    /// in it (which `smsocket check` reports) does not keep `smsocket status` from reaching the controller.
    ///
    /// - Throws: a ``ConfigError``: the file cannot be read or is not TOML, or `control_socket` is not the path
    ///   of a socket.
    public static func controlSocket(inConfigFile path: String) throws(ConfigError) -> String {
        let document = try TOMLDocument(parsing: ConfigFile.contents(of: path), file: path)
        guard let value = document.values["control_socket"] else { return defaultControlSocketPath }
        let line = document.sourceMap.line(of: "control_socket")
        guard case .string(let socket) = value else {
            throw ConfigError(file: path, line: line, key: "control_socket", message: "expected a string, found \(value.typeName)")
        }
        return try controlSocketPath(socket, file: path, line: line)
    }

    /// The value of `control_socket` as a path (``path(_:besides:)``), refused at `line` unless a socket can be
    /// bound there: a file's path (not empty, not a folder's), without NUL, that fits a socket address.
    static func controlSocketPath(_ value: String, file: String, line: Int?) throws(ConfigError) -> String {
        func refused(_ message: String) -> ConfigError {
            ConfigError(file: file, line: line, key: "control_socket", message: message)
        }
        guard !value.isEmpty, !value.hasSuffix("/"), !value.utf8.contains(0) else {
            throw refused("expected the socket's path, e.g. \"\(defaultControlSocketPath)\"")
        }
        let path = Self.path(value, besides: file)
        guard path.utf8.count <= UnixSocket.maximumPathLength else {
            throw refused("\(path) is too long: a socket's path has at most \(UnixSocket.maximumPathLength) bytes")
        }
        return path
    }

    /// A path from the file: absolute as written, relative to the configuration file's folder otherwise (so
    /// `check` and `run` find the same folder from any working directory).
    static func path(_ value: String, besides file: String) -> String {
        guard !value.hasPrefix("/"), let slash = file.lastIndex(of: "/") else { return value }
        return String(file[...slash]) + value
    }

    /// `[location]`: `timezone` (required, a zone of `zones`), `latitude` and `longitude` (both or neither).
    static func location(_ settings: inout PluginSettings, zones: ZoneDatabase) throws(ConfigError) -> Location {
        let latitude = try settings.double("latitude", in: -90...90)
        let longitude = try settings.double("longitude", in: -180...180)
        let name = try settings.requiredString("timezone", "the time zone's IANA name, e.g. \"Europe/Helsinki\"")
        try settings.rejectUnknownKeys()
        let zone: ZoneRules
        do throws(ZoneError) {
            zone = try zones.rules(for: name)
        } catch {
            throw settings.error("timezone", error.description)
        }
        var coordinates: Coordinates?
        switch (latitude, longitude) {
        case (let latitude?, let longitude?): coordinates = Coordinates(latitude: latitude, longitude: longitude)
        case (nil, nil): coordinates = nil
        case (nil, _?): throw settings.error("latitude", "missing; longitude needs it (degrees, north positive, e.g. 60.17)")
        case (_?, nil): throw settings.error("longitude", "missing; latitude needs it (degrees, east positive, e.g. 24.94)")
        }
        return Location(coordinates: coordinates, timezone: name, zone: zone)
    }
}
