import Logging
import PluginKit
import SocketCore

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
    public var logLevel = Logger.Level.info
    /// What SERIALNUM reports; by default derived from /etc/machine-id.
    public var serialNumber: String?
    /// The table of each configured role, with its plugin kind.
    public var roles: [Role: (kind: String, settings: PluginSettings)] = [:]

    static let topLevelKeys = ["model", "state", "rules", "log_level", "serial"]

    /// Where each key and table is written, for the checks that name a line.
    public var sourceMap = TOMLSourceMap()

    /// Reads and checks the file at `path` (a regular file of at most 1 MiB).
    ///
    /// - Throws: the first ``ConfigError`` in file order.
    public static func load(path: String) throws(ConfigError) -> ControllerConfig {
        try parse(ConfigFile.contents(of: path), file: path)
    }

    /// Parses configuration text; `file` names it in errors.
    public static func parse(_ text: String, file: String) throws(ConfigError) -> ControllerConfig {
        try parse(Array(text.utf8), file: file)
    }

    static func parse(_ bytes: [UInt8], file: String) throws(ConfigError) -> ControllerConfig {
        let (config, problems) = read(try TOMLDocument(parsing: bytes, file: file), file: file)
        if let first = problems.first { throw first }
        return config
    }

    /// The configuration `document` describes, with defaults where a key is wrong, and every problem of
    /// its top-level keys and role tables in file order (the plugins read the tables' other keys later).
    static func read(_ document: TOMLDocument, file: String) -> (ControllerConfig, [ConfigError]) {
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
            case "state": config.statePath = Self.path(try string(key, value), besides: file)
            case "rules": config.rulesPath = Self.path(try string(key, value), besides: file)
            case "serial": config.serialNumber = try string(key, value)
            case "log_level":
                let name = try string(key, value)
                guard let level = Logger.Level(rawValue: name) else {
                    throw fail(key, "expected one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")), not \"\(name)\"")
                }
                config.logLevel = level
            default:
                let known = topLevelKeys + Role.allCases.map { "[\($0.rawValue)]" }
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

    /// A path from the file: absolute as written, relative to the configuration file's folder otherwise (so
    /// `check` and `run` find the same folder from any working directory). `temporary` stays a word.
    static func path(_ value: String, besides file: String) -> String {
        guard !value.hasPrefix("/"), value != "temporary", let slash = file.lastIndex(of: "/") else { return value }
        return String(file[...slash]) + value
    }
}
