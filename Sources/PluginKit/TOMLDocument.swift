/// A TOML file read into plain values, with the line of each key for error messages.
public struct TOMLDocument: Sendable, Equatable {
    /// The top-level keys and tables.
    public var values: [String: ConfigValue]
    public var sourceMap: TOMLSourceMap

    public init(values: [String: ConfigValue], sourceMap: TOMLSourceMap) {
        self.values = values
        self.sourceMap = sourceMap
    }

    /// Reads `bytes` as TOML 1.0 (dates and times excepted).
    ///
    /// - Throws: a ``ConfigError`` naming `file` and the line: `not valid TOML: ...` for the syntax, or the
    ///   key and where it was first defined for a key or table defined twice.
    public init(parsing bytes: [UInt8], file: String) throws(ConfigError) {
        self = try TOMLParser.parse(bytes, file: file)
    }
}
