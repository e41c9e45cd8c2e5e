import Logging
import PluginKit
import SocketCore
import TOMLKit

#if canImport(Glibc)
    import Glibc
#endif

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

    /// Reads and checks the file at `path`.
    public static func load(path: String) throws(ConfigError) -> ControllerConfig {
        guard let file = fopen(path, "r") else {
            throw ConfigError(file: path, line: nil, key: nil, message: "cannot read the file: \(String(cString: strerror(errno)))")
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = fread(&buffer, 1, buffer.count, file)
            if n <= 0 { break }
            bytes += buffer[0..<n]
        }
        return try parse(String(decoding: bytes, as: UTF8.self), file: path)
    }

    /// Parses configuration text; `file` names it in errors.
    public static func parse(_ text: String, file: String) throws(ConfigError) -> ControllerConfig {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigError(file: file, line: error.source.begin.line, key: nil, message: "not valid TOML: \(error.description)")
        } catch {
            throw ConfigError(file: file, line: nil, key: nil, message: "not valid TOML: \(error)")
        }
        let map = TOMLSourceMap(text)
        var config = ControllerConfig(file: file)
        let values = convert(table)
        func fail(_ key: String, _ message: String) -> ConfigError {
            ConfigError(file: file, line: map.line(of: key), key: key, message: message)
        }
        func string(_ key: String, _ value: ConfigValue) throws(ConfigError) -> String {
            guard case .string(let s) = value else { throw fail(key, "expected a string, found \(value.typeName)") }
            return s
        }
        for key in values.keys.sorted() {
            let value = values[key]!
            if let role = Role(rawValue: key) {
                guard case .table(let entries) = value else { throw fail(key, "expected a table [\(key)], found \(value.typeName)") }
                guard let kindValue = entries["kind"] else {
                    throw fail(key, "missing kind; known kinds: \(PluginRegistry.kinds.joined(separator: ", "))")
                }
                let kind = try string("\(key).kind", kindValue)
                config.roles[role] = (kind, PluginSettings(file: file, table: key, values: entries, sourceMap: map))
                continue
            }
            switch key {
            case "model":
                let name = try string(key, value)
                guard let model = Model(rawValue: name) else {
                    throw fail(key, "expected one of \(Model.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")), not \"\(name)\"")
                }
                config.model = model
            case "state": config.statePath = try string(key, value)
            case "rules": config.rulesPath = try string(key, value)
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
        return config
    }

    /// TOMLKit's values as plain ``ConfigValue``s.
    static func convert(_ table: TOMLTable) -> [String: ConfigValue] {
        var out: [String: ConfigValue] = [:]
        for (key, value) in table { out[key] = convert(value) }
        return out
    }

    static func convert(_ value: TOMLValueConvertible) -> ConfigValue {
        if let s = value.string { return .string(s) }
        if let b = value.bool { return .bool(b) }
        if let i = value.int { return .int(i) }
        if let d = value.double { return .double(d) }
        if let t = value.table { return .table(convert(t)) }
        if let a = value.array { return .array(a.map { convert($0) }) }
        return .string(value.debugDescription)
    }
}
