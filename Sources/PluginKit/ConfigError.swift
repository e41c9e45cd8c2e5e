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
