// SMSocket reads TOML with this parser of its own instead of a library. The one Swift TOML library at hand,
// TOMLKit 0.6.0 (a wrapper of the C++ toml++), aborts the whole process on an assertion for two-byte typos
// such as `[=`, `[#` or `[é]`, and recurses once per nesting level, so a header 50,000 levels deep overflows
// the stack: a configuration file could stop `check`, `run` and `simulate`, which it must never do. This
// parser reads TOML 1.0 whole (dates and times excepted, refused by name), loops over the input, recurses
// only into arrays and inline tables and never deeper than `maxDepth`, and names a line in every error.

/// Reads a TOML 1.0 document (https://toml.io/en/v1.0.0) into a ``TOMLDocument``.
struct TOMLParser {
    /// How deeply tables and arrays may nest. SMSocket's own files nest 2 deep; anything past this is a
    /// mistake or an attack, refused before it costs stack or time.
    static let maxDepth = 32

    private var lexer: TOMLLexer
    private let root = TOMLTable(origin: .header, line: 1, depth: 0)
    /// The table the latest header opened (the root before any header), and its path.
    private var current: TOMLTable
    private var currentPath: [String] = []
    /// The line where each key path (`modem.kind`) is first written.
    private var lines: [String: Int] = [:]

    private init(lexer: TOMLLexer) {
        self.lexer = lexer
        current = root
    }

    static func parse(_ bytes: [UInt8], file: String) throws(ConfigError) -> TOMLDocument {
        try checkUTF8(bytes, file: file)
        var parser = TOMLParser(lexer: TOMLLexer(bytes: bytes, file: file))
        try parser.document()
        guard case .table(let values) = parser.root.value else { preconditionFailure("the root is a table") }
        return TOMLDocument(values: values, sourceMap: TOMLSourceMap(lines: parser.lines))
    }

    /// TOML is UTF-8 throughout; the line of the first byte that is not.
    private static func checkUTF8(_ bytes: [UInt8], file: String) throws(ConfigError) {
        guard String(validating: bytes, as: UTF8.self) == nil else { return }
        var line = 1
        for text in bytes.split(separator: .lf, omittingEmptySubsequences: false) {
            if String(validating: text, as: UTF8.self) == nil { break }
            line += 1
        }
        throw ConfigError(file: file, line: line, key: nil, message: "not valid TOML: the line is not UTF-8 text")
    }

    private mutating func document() throws(ConfigError) {
        while true {
            lexer.skipSpaces()
            try lexer.skipComment()
            if try lexer.newline() { continue }
            if lexer.atEnd { return }
            if lexer.isAt("[") {
                try header()
            } else {
                try keyValue(in: current, path: currentPath)
                try lexer.endOfLine(after: "the value")
            }
        }
    }

    // MARK: Headers

    /// `[a.b]` or `[[a.b]]`.
    private mutating func header() throws(ConfigError) {
        let line = lexer.line
        let isArray = lexer.byte(at: 1) == UInt8(ascii: "[")
        lexer.advance(isArray ? 2 : 1)
        lexer.skipSpaces()
        let path = try keyPath(below: 0)
        let close = isArray ? "]]" : "]"
        guard lexer.isAt("]"), !isArray || lexer.byte(at: 1) == UInt8(ascii: "]") else {
            if lexer.isAt("]") { lexer.advance() }
            throw lexer.error("expected \(close) to close the header [\(isArray ? "[" : "")\(path.joined(separator: "."))\(close), found \(lexer.found)")
        }
        lexer.advance(close.utf8.count)
        try lexer.endOfLine(after: "the header")

        var table = root
        for index in path.indices.dropLast() {
            table = try headerStep(into: table, path: path[...index], line: line)
        }
        let name = path.joined(separator: ".")
        let key = path.last!
        if isArray {
            current = try appendTable(to: table, key: key, name: name, line: line)
        } else {
            current = try defineTable(in: table, key: key, name: name, line: line)
        }
        currentPath = path
        if lines[name] == nil { lines[name] = line }
    }

    /// A table on the way to a header's last key: made if missing; the latest table of an array of tables.
    private mutating func headerStep(into table: TOMLTable, path: ArraySlice<String>, line: Int) throws(ConfigError) -> TOMLTable {
        let key = path.last!
        switch table.entries[key] {
        case nil:
            let child = TOMLTable(origin: .implicit, line: line, depth: table.depth + 1)
            table.entries[key] = .table(child)
            return child
        case .table(let child):
            return child
        case .tables(let array):
            return array.tables.last!
        case .value(_, let first):
            throw conflict(path, "already a value (line \(first)), not a table", line: line)
        }
    }

    private func defineTable(in table: TOMLTable, key: String, name: String, line: Int) throws(ConfigError) -> TOMLTable {
        switch table.entries[key] {
        case nil:
            let child = TOMLTable(origin: .header, line: line, depth: table.depth + 1)
            table.entries[key] = .table(child)
            return child
        case .table(let child):
            switch child.origin {
            case .implicit:
                child.origin = .header
                child.line = line
                return child
            case .header:
                throw conflict(name, "the table is already defined on line \(child.line); a table is defined once", line: line)
            case .dotted:
                throw conflict(name, "the table is already defined by dotted keys on line \(child.line); a table is defined once", line: line)
            }
        case .tables(let array):
            throw conflict(name, "an array of tables ([[\(name)]] on line \(array.line)); [[\(name)]] adds a table to it", line: line)
        case .value(_, let first):
            throw conflict(name, "already a value (line \(first)); a key is defined once", line: line)
        }
    }

    private func appendTable(to table: TOMLTable, key: String, name: String, line: Int) throws(ConfigError) -> TOMLTable {
        let child = TOMLTable(origin: .header, line: line, depth: table.depth + 1)
        switch table.entries[key] {
        case nil:
            table.entries[key] = .tables(TOMLTableArray(first: child))
        case .tables(let array):
            array.tables.append(child)
        case .table(let existing):
            throw conflict(name, "already a table (line \(existing.line)), not an array of tables", line: line)
        case .value(_, let first):
            throw conflict(name, "already a value (line \(first)); [[\(name)]] adds only to an array of tables", line: line)
        }
        return child
    }

    // MARK: Keys and values

    /// `a.b."c d"`: the parts of a key, each a step deeper below a table at depth `depth`.
    private mutating func keyPath(below depth: Int) throws(ConfigError) -> [String] {
        var path = [try lexer.simpleKey()]
        while true {
            lexer.skipSpaces()
            guard lexer.isAt(".") else { return path }
            lexer.advance()
            lexer.skipSpaces()
            guard depth + path.count < Self.maxDepth else { throw tooDeep() }
            path.append(try lexer.simpleKey())
        }
    }

    /// `key = value` into `table`, whose path is `path`; the caller reads what follows on the line.
    private mutating func keyValue(in table: TOMLTable, path: [String]) throws(ConfigError) {
        let line = lexer.line
        let keys = try keyPath(below: table.depth)
        let full = path + keys
        guard lexer.isAt("=") else {
            throw lexer.error("expected = after the key \(keys.joined(separator: ".")), found \(lexer.found)")
        }
        lexer.advance()
        lexer.skipSpaces()
        var target = table
        for index in keys.indices.dropLast() {
            target = try dottedStep(into: target, path: full[...(path.count + index)], line: line)
        }
        if let existing = target.entries[keys.last!] {
            throw conflict(full[...], "already defined on line \(existing.line); a key is defined once", line: line)
        }
        let value = try value(depth: target.depth + 1, path: full)
        target.entries[keys.last!] = .value(value, line: line)
        let name = full.joined(separator: ".")
        if lines[name] == nil { lines[name] = line }
    }

    /// A table a dotted key goes through: made if missing, and never one a header defined.
    private mutating func dottedStep(into table: TOMLTable, path: ArraySlice<String>, line: Int) throws(ConfigError) -> TOMLTable {
        let key = path.last!
        switch table.entries[key] {
        case nil:
            let child = TOMLTable(origin: .dotted, line: line, depth: table.depth + 1)
            table.entries[key] = .table(child)
            let name = path.joined(separator: ".")
            if lines[name] == nil { lines[name] = line }
            return child
        case .table(let child):
            switch child.origin {
            case .dotted:
                return child
            case .implicit:
                child.origin = .dotted
                return child
            case .header:
                let name = path.joined(separator: ".")
                throw conflict(path, "defined by the header [\(name)] on line \(child.line); write its keys under that header", line: line)
            }
        case .tables(let array):
            throw conflict(path, "an array of tables ([[\(path.joined(separator: "."))]] on line \(array.line)); a dotted key cannot add to it", line: line)
        case .value(_, let first):
            throw conflict(path, "already a value (line \(first)), not a table", line: line)
        }
    }

    /// A value nested at `depth`, at its first byte.
    private mutating func value(depth: Int, path: [String]) throws(ConfigError) -> ConfigValue {
        guard depth <= Self.maxDepth else { throw tooDeep() }
        switch lexer.current {
        case .quote:
            let multiline = lexer.byte(at: 1) == .quote && lexer.byte(at: 2) == .quote
            return .string(multiline ? try lexer.multilineString(.quote) : try lexer.basicString())
        case .apostrophe:
            let multiline = lexer.byte(at: 1) == .apostrophe && lexer.byte(at: 2) == .apostrophe
            return .string(multiline ? try lexer.multilineString(.apostrophe) : try lexer.literalString())
        case UInt8(ascii: "["):
            return try array(depth: depth, path: path)
        case UInt8(ascii: "{"):
            return try inlineTable(depth: depth, path: path)
        default:
            do throws(ConfigError) {
                return try lexer.scalar()
            } catch {
                // The key the value belongs to, since the error does not repeat the value.
                var named = error
                named.key = path.joined(separator: ".")
                throw named
            }
        }
    }

    /// `[1, 2, 3,]`, over several lines and with comments if need be.
    private mutating func array(depth: Int, path: [String]) throws(ConfigError) -> ConfigValue {
        let startLine = lexer.line
        lexer.advance()
        var items: [ConfigValue] = []
        while true {
            try lexer.skipBlankLines()
            if lexer.isAt("]") { break }
            if lexer.atEnd { throw lexer.error("the array opened on line \(startLine) is never closed with ]") }
            items.append(try value(depth: depth + 1, path: path))
            try lexer.skipBlankLines()
            if lexer.isAt("]") { break }
            if lexer.atEnd { throw lexer.error("the array opened on line \(startLine) is never closed with ]") }
            guard lexer.isAt(",") else {
                throw lexer.error("expected , or ] in the array opened on line \(startLine), found \(lexer.found)")
            }
            lexer.advance()
        }
        lexer.advance()
        return .array(items)
    }

    /// `{ key = value, other.key = value }`, on one line.
    private mutating func inlineTable(depth: Int, path: [String]) throws(ConfigError) -> ConfigValue {
        let table = TOMLTable(origin: .dotted, line: lexer.line, depth: depth)
        lexer.advance()
        lexer.skipSpaces()
        if lexer.isAt("}") {
            lexer.advance()
            return table.value
        }
        while true {
            try keyValue(in: table, path: path)
            lexer.skipSpaces()
            if lexer.isAt("}") { break }
            guard lexer.isAt(",") else {
                throw lexer.error("expected , or } in the inline table, found \(lexer.found) (an inline table is written on one line)")
            }
            lexer.advance()
            lexer.skipSpaces()
            if lexer.isAt("}") { throw lexer.error("a comma before } in an inline table; only arrays allow one") }
        }
        lexer.advance()
        return table.value
    }

    // MARK: Errors

    private func conflict(_ path: ArraySlice<String>, _ message: String, line: Int) -> ConfigError {
        conflict(path.joined(separator: "."), message, line: line)
    }

    private func conflict(_ name: String, _ message: String, line: Int) -> ConfigError {
        ConfigError(file: lexer.file, line: line, key: name, message: message)
    }

    private func tooDeep() -> ConfigError {
        lexer.error("tables and arrays nested more than \(Self.maxDepth) levels deep")
    }
}
