/// Where each table and key of a TOML file is written, for error messages (the TOML parser reports
/// positions only for syntax errors).
public struct TOMLSourceMap: Sendable {
    private var lines: [String: Int] = [:]

    /// Maps `text`: table headers (`[thermometer]`) and simple `key = value` assignments.
    public init(_ text: String) {
        var table = ""
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.drop(while: { $0 == " " || $0 == "\t" })
            if line.hasPrefix("[") {
                let name = line.dropFirst().prefix(while: { $0 != "]" }).filter { $0 != " " && $0 != "\"" }
                table = String(name)
                if lines[table] == nil { lines[table] = index + 1 }
                continue
            }
            guard let equals = line.firstIndex(of: "="), !line.hasPrefix("#") else { continue }
            let key = line[..<equals].trimmingSpaces().filter { $0 != "\"" }
            guard !key.isEmpty else { continue }
            let full = table.isEmpty ? String(key) : table + "." + key
            if lines[full] == nil { lines[full] = index + 1 }
        }
    }

    /// The line of `path` (`thermometer.sensor`, `thermometer`, `model`), if it is written in the file.
    public func line(of path: String) -> Int? { lines[path] }
}

extension Substring {
    func trimmingSpaces() -> Substring {
        var s = self
        while let c = s.first, c == " " || c == "\t" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\t" { s = s.dropLast() }
        return s
    }
}
