/// The settings of one role's table (`[thermometer]`), read by the plugin that fills the role.
///
/// Each accessor checks the type and range and throws a ``ConfigError`` naming the file, line and key.
/// The keys a plugin reads are remembered; ``rejectUnknownKeys()`` then reports any other key, so a
/// misspelt setting is an error instead of being silently ignored.
public struct PluginSettings: Sendable {
    public let file: String
    /// The table's name, e.g. `thermometer`.
    public let table: String
    private let values: [String: ConfigValue]
    private let sourceMap: TOMLSourceMap
    private var read: Set<String> = ["kind"]
    /// Who knows the keys, in the unknown-key message: `this plugin`, or `[location]` for a table the
    /// controller reads itself.
    private let reader: String

    public init(file: String, table: String, values: [String: ConfigValue], sourceMap: TOMLSourceMap, reader: String = "this plugin") {
        self.file = file
        self.table = table
        self.values = values
        self.sourceMap = sourceMap
        self.reader = reader
    }

    /// An error about `key` of this table (or the table itself when `key` is nil).
    public func error(_ key: String?, _ message: String) -> ConfigError {
        let path = key.map { "\(table).\($0)" } ?? table
        return ConfigError(file: file, line: sourceMap.line(of: path) ?? sourceMap.line(of: table), key: path, message: message)
    }

    private mutating func value(_ key: String) -> ConfigValue? {
        read.insert(key)
        return values[key]
    }

    public mutating func string(_ key: String) throws(ConfigError) -> String? {
        guard let v = value(key) else { return nil }
        guard case .string(let s) = v else { throw error(key, "expected a string, found \(v.typeName)") }
        return s
    }

    public mutating func requiredString(_ key: String, _ what: String) throws(ConfigError) -> String {
        guard let s = try string(key) else { throw error(key, "missing; expected \(what)") }
        return s
    }

    public mutating func int(_ key: String, in range: ClosedRange<Int>) throws(ConfigError) -> Int? {
        guard let v = value(key) else { return nil }
        guard case .int(let n) = v else { throw error(key, "expected a whole number, found \(v.typeName)") }
        guard range.contains(n) else { throw error(key, "expected a whole number from \(range.lowerBound) to \(range.upperBound), not \(n)") }
        return n
    }

    public mutating func double(_ key: String, in range: ClosedRange<Double>) throws(ConfigError) -> Double? {
        guard let v = value(key) else { return nil }
        let d: Double
        switch v {
        case .double(let x): d = x
        case .int(let n): d = Double(n)
        default: throw error(key, "expected a number, found \(v.typeName)")
        }
        guard range.contains(d) else { throw error(key, "expected a number from \(range.lowerBound) to \(range.upperBound), not \(d)") }
        return d
    }

    public mutating func bool(_ key: String) throws(ConfigError) -> Bool? {
        guard let v = value(key) else { return nil }
        guard case .bool(let b) = v else { throw error(key, "expected true or false, found \(v.typeName)") }
        return b
    }

    /// A string that must be one of `choices`.
    public mutating func choice(_ key: String, _ choices: [String]) throws(ConfigError) -> String? {
        guard let s = try string(key) else { return nil }
        guard choices.contains(s) else {
            throw error(key, "expected one of \(choices.map { "\"\($0)\"" }.joined(separator: ", ")), not \"\(s)\"")
        }
        return s
    }

    public mutating func stringArray(_ key: String) throws(ConfigError) -> [String]? {
        guard let v = value(key) else { return nil }
        guard case .array(let items) = v else { throw error(key, "expected a list of strings, found \(v.typeName)") }
        var out: [String] = []
        for item in items {
            guard case .string(let s) = item else { throw error(key, "expected a list of strings, found \(item.typeName) in it") }
            out.append(s)
        }
        return out
    }

    /// The line of the table's header (or of the key that made it), if it is written in the file.
    public var line: Int? { sourceMap.line(of: table) }

    /// Fails on the first key no accessor asked for.
    public func rejectUnknownKeys() throws(ConfigError) {
        if let first = unknownKeys().first { throw first }
    }

    /// An error for each key no accessor asked for, in file order.
    public func unknownKeys() -> [ConfigError] {
        let known = read.subtracting(["kind"]).sorted()
        let message = "unknown key; \(reader) knows " + (known.isEmpty ? "no other keys" : known.joined(separator: ", "))
        return values.keys.sorted().filter { !read.contains($0) }.map { error($0, message) }.inFileOrder()
    }
}
