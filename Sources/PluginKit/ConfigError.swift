/// A configuration error: `FILE:LINE: KEY: what was expected`. Every error names the file, and the line
/// and key where there is one, so a person can go straight to it.
public struct ConfigError: Error, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    /// The key's full name, e.g. `thermometer.sensor`.
    public var key: String?
    public var message: String

    public init(file: String, line: Int?, key: String?, message: String) {
        self.file = file
        self.line = line
        self.key = key
        self.message = message
    }

    public var description: String {
        var place = file
        if let line { place += ":\(line)" }
        return place + ": " + (key.map { "\($0): " } ?? "") + message
    }
}

extension Sequence {
    /// The elements by their line in the file, as a person reads it; those without a line (a table that is
    /// missing) last, and those of one line in the order they came.
    public func inFileOrder(by line: (Element) -> Int?) -> [Element] {
        enumerated()
            .sorted { (line($0.element) ?? .max, $0.offset) < (line($1.element) ?? .max, $1.offset) }
            .map(\.element)
    }
}

extension Sequence<ConfigError> {
    /// The errors by line (see ``Swift/Sequence/inFileOrder(by:)``).
    public func inFileOrder() -> [ConfigError] { inFileOrder(by: \.line) }
}
