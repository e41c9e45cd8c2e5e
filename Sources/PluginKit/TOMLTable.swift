/// A table of a TOML document while ``TOMLParser`` reads it: its entries, and how it came to be, which
/// decides whether a later header or dotted key may add to it (TOML 1.0, "Table" and "Array of Tables").
final class TOMLTable {
    enum Origin {
        /// Named on the way to a deeper header (`a` of `[a.b]`): a later `[a]` may still define it.
        case implicit
        /// Defined by its own header `[a]` or `[[a]]`.
        case header
        /// Made by a dotted key (`a.b = 1` makes `a`), or inside an inline table.
        case dotted
    }

    enum Entry {
        /// A value written with `=`, whole: inline tables and arrays included, which nothing may extend.
        case value(ConfigValue, line: Int)
        case table(TOMLTable)
        case tables(TOMLTableArray)
    }

    var entries: [String: Entry] = [:]
    var origin: Origin
    /// The line that defined it, or first named it while it is implicit.
    var line: Int
    /// 0 for the document; one more for each table or array it is nested in.
    let depth: Int

    init(origin: Origin, line: Int, depth: Int) {
        self.origin = origin
        self.line = line
        self.depth = depth
    }

    /// The table as a plain value (recursing at most the document's bounded depth).
    var value: ConfigValue {
        .table(entries.mapValues { entry in
            switch entry {
            case .value(let value, _): value
            case .table(let table): table.value
            case .tables(let array): .array(array.tables.map(\.value))
            }
        })
    }
}

/// The tables of `[[name]]` headers, one per header so far; a class so that appending does not copy them.
final class TOMLTableArray {
    var tables: [TOMLTable]
    let line: Int

    init(first: TOMLTable) {
        tables = [first]
        line = first.line
    }
}

extension TOMLTable.Entry {
    /// The line where the entry was first written, for "already defined" errors.
    var line: Int {
        switch self {
        case .value(_, let line): line
        case .table(let table): table.line
        case .tables(let array): array.line
        }
    }
}
