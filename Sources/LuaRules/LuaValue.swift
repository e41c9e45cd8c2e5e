/// A Lua value as it crosses between a rule and the program: event arguments going in, handler results, the
/// answers of queries and the persistent `data` coming out.
///
/// Only plain data crosses: functions, threads and userdata stay inside the rule's state. Integers and floats
/// stay apart because Lua 5.4 keeps them apart (`1` and `1.0` print differently). A table is a dictionary of
/// keys to values; a list is a table with the keys 1…n (see ``list(_:)``). Lua strings are bytes: text read
/// back from a rule that is not UTF-8 is repaired with U+FFFD, except in `data`, where it is refused
/// (``RuleHost/data(of:)``).
public enum LuaValue: Hashable, Sendable {
    case `nil`
    case boolean(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    /// Keys are never `.nil` (Lua has no nil keys); a table read from a rule never holds `.nil` values.
    case table([LuaValue: LuaValue])

    /// A Lua sequence: the table `{values[0], values[1], …}` with keys 1…n.
    public static func list(_ values: [LuaValue]) -> LuaValue {
        .table(Dictionary(uniqueKeysWithValues: values.enumerated().map { (.integer(Int64($0.offset + 1)), $0.element) }))
    }

    /// The value at `key` when this is a table, `.nil` otherwise or when absent, like Lua's `t[key]`.
    public subscript(key: LuaValue) -> LuaValue {
        if case .table(let fields) = self { return fields[key] ?? .nil }
        return .nil
    }

    /// The text of a string value; nil for every other kind.
    public var string: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The value of an integer, or of a float with an exact integer value; nil for every other kind.
    public var integer: Int64? {
        switch self {
        case .integer(let value): return value
        case .number(let value): return Int64(exactly: value)
        default: return nil
        }
    }

    /// The elements 1…n of a sequence, stopping at the first missing index as Lua's `ipairs` does; nil when
    /// this is not a table.
    public var elements: [LuaValue]? {
        guard case .table(let fields) = self else { return nil }
        var result: [LuaValue] = []
        while let next = fields[.integer(Int64(result.count + 1))] { result.append(next) }
        return result
    }
}

extension LuaValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(booleanLiteral value: Bool) { self = .boolean(value) }
    public init(arrayLiteral elements: LuaValue...) { self = .list(elements) }
    /// A record: later duplicates of a key win.
    public init(dictionaryLiteral elements: (LuaValue, LuaValue)...) {
        self = .table(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
