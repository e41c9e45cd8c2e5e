import SocketCore
import TOMLKit

#if canImport(Glibc)
    import Glibc
#endif

/// The controller's configuration file (TOML): the model, where state and rules live, how much to log.
///
/// Every error names the file, the line and the key, and says what was expected; unknown keys are errors.
public struct ConfigFile: Sendable, Equatable {
    public var model: Model = .gsm707
    public var statePath: String?
    public var rulesPath: String?
    public var logLevel = "info"

    static let keys = ["model", "state", "rules", "log_level"]
    static let logLevels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]

    public init() {}

    /// Reads and checks the file at `path`.
    public static func load(path: String) throws(ConfigError) -> ConfigFile {
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
    public static func parse(_ text: String, file: String) throws(ConfigError) -> ConfigFile {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigError(file: file, line: error.source.begin.line, key: nil, message: "not valid TOML: \(error.description)")
        } catch {
            throw ConfigError(file: file, line: nil, key: nil, message: "not valid TOML: \(error)")
        }
        var config = ConfigFile()
        for key in table.keys.sorted() {
            let line = lineOf(key: key, in: text)
            let value = table[key]!
            func string() throws(ConfigError) -> String {
                guard let s = value.string else {
                    throw ConfigError(file: file, line: line, key: key, message: "expected a string")
                }
                return s
            }
            switch key {
            case "model":
                let name = try string()
                guard let model = Model(rawValue: name) else {
                    throw ConfigError(file: file, line: line, key: key,
                        message: "expected one of \(Model.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")), not \"\(name)\"")
                }
                config.model = model
            case "state": config.statePath = try string()
            case "rules": config.rulesPath = try string()
            case "log_level":
                let level = try string()
                guard logLevels.contains(level) else {
                    throw ConfigError(file: file, line: line, key: key, message: "expected one of \(logLevels.joined(separator: ", "))")
                }
                config.logLevel = level
            default:
                throw ConfigError(file: file, line: line, key: key, message: "unknown key; known keys: \(keys.joined(separator: ", "))")
            }
        }
        return config
    }

    /// The 1-based line where `key` is assigned at the top level.
    static func lineOf(key: String, in text: String) -> Int? {
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let stripped = line.drop(while: { $0 == " " || $0 == "\t" })
            if stripped.hasPrefix("[") { return nil }
            guard stripped.hasPrefix(key) else { continue }
            let after = stripped.dropFirst(key.count).drop(while: { $0 == " " || $0 == "\t" })
            if after.hasPrefix("=") { return index + 1 }
        }
        return nil
    }
}

/// A configuration error: `FILE:LINE: KEY: what was expected`.
public struct ConfigError: Error, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var key: String?
    public var message: String

    public var description: String {
        var place = file
        if let line { place += ":\(line)" }
        return place + ": " + (key.map { "\($0): " } ?? "") + message
    }
}
