/// Where each table and key of a TOML file is first written, for error messages: `thermometer` → the line
/// of `[thermometer]`, `thermometer.sensor` → the line of its `sensor = ...`. Made by the parser.
public struct TOMLSourceMap: Sendable, Equatable {
    private var lines: [String: Int]

    /// `lines`: the line of each dotted key path.
    public init(lines: [String: Int] = [:]) {
        self.lines = lines
    }

    /// The line of `path` (`thermometer.sensor`, `thermometer`, `model`), if it is written in the file.
    public func line(of path: String) -> Int? { lines[path] }
}
