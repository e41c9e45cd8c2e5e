import CLua
import CLuaShim

/// Reads values off a Lua stack without ever raising a Lua error: only the API calls that cannot raise
/// (see CLuaShim.h). Everything that allocates inside Lua happens in the C shim instead.
struct LuaStack {
    let state: OpaquePointer

    init(_ state: OpaquePointer) { self.state = state }

    /// How deep tables may nest in a value read from a rule (`data` and results).
    static let maximumDepth = 32

    var top: Int32 { lua_gettop(state) }

    func type(at index: Int32) -> Int32 { lua_type(state, index) }

    /// The bytes of the string at `index` as text (U+FFFD for bytes that are not UTF-8); nil when the value
    /// is not a string (numbers included: converting one in place would allocate).
    func text(at index: Int32) -> String? {
        bytes(at: index).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The bytes of the string at `index`, valid while the string stays on the stack; nil for other types.
    func bytes(at index: Int32) -> UnsafeRawBufferPointer? {
        guard lua_type(state, index) == LUA_TSTRING else { return nil }
        var length = 0
        guard let start = lua_tolstring(state, index, &length) else { return nil }
        return UnsafeRawBufferPointer(start: start, count: length)
    }

    /// The number at `index`, integer or float; nil when it is not a number (strings are not converted).
    func number(at index: Int32) -> LuaValue? {
        guard lua_type(state, index) == LUA_TNUMBER else { return nil }
        if lua_isinteger(state, index) != 0 { return .integer(Int64(lua_tointegerx(state, index, nil))) }
        return .number(lua_tonumberx(state, index, nil))
    }

    /// Why a value cannot be kept as `data`: where in it (`data.log[3]`) and what.
    struct Unstorable: Error {
        let path: String
        let reason: String
    }

    /// The value at `index` as a ``LuaValue``.
    ///
    /// - Parameter storable: the rules of `data`: functions, threads, userdata, cycles, nesting deeper than
    ///   ``maximumDepth`` and strings that are not UTF-8 are refused. Otherwise they are left out (a table
    ///   value becomes absent, a cycle is cut) and strings are repaired.
    /// - Parameter path: the name of the value in messages.
    func value(at index: Int32, storable: Bool, path: String) throws(Unstorable) -> LuaValue {
        let base = lua_gettop(state)
        defer { lua_settop(state, base) }
        var open: Set<UnsafeRawPointer> = []
        return try read(lua_absindex(state, index), storable: storable, path: path, depth: 0, open: &open) ?? .nil
    }

    /// Nil for a value that is left out (lenient reading only).
    private func read(
        _ index: Int32, storable: Bool, path: String, depth: Int, open: inout Set<UnsafeRawPointer>
    ) throws(Unstorable) -> LuaValue? {
        switch lua_type(state, index) {
        case LUA_TNIL:
            return .nil
        case LUA_TBOOLEAN:
            return .boolean(lua_toboolean(state, index) != 0)
        case LUA_TNUMBER:
            return number(at: index)
        case LUA_TSTRING:
            guard let bytes = bytes(at: index) else { return .nil }
            if storable {
                guard let text = String(validating: bytes, as: UTF8.self) else {
                    throw Unstorable(path: path, reason: "a string that is not UTF-8 text cannot be stored")
                }
                return .string(text)
            }
            return .string(String(decoding: bytes, as: UTF8.self))
        case LUA_TTABLE:
            return try readTable(index, storable: storable, path: path, depth: depth, open: &open)
        default:
            guard storable else { return nil }
            let kind = String(cString: lua_typename(state, lua_type(state, index)))
            throw Unstorable(path: path, reason: "a \(kind) cannot be stored")
        }
    }

    private func readTable(
        _ index: Int32, storable: Bool, path: String, depth: Int, open: inout Set<UnsafeRawPointer>
    ) throws(Unstorable) -> LuaValue? {
        guard let identity = lua_topointer(state, index) else { return nil }
        guard !open.contains(identity) else {
            if storable { throw Unstorable(path: path, reason: "a table that contains itself cannot be stored") }
            return nil
        }
        guard depth < Self.maximumDepth, lua_checkstack(state, 3) != 0 else {
            if storable {
                throw Unstorable(path: path, reason: "tables nested deeper than \(Self.maximumDepth) cannot be stored")
            }
            return nil
        }
        open.insert(identity)
        defer { open.remove(identity) }
        var fields: [LuaValue: LuaValue] = [:]
        lua_pushnil(state)  // Stack: …, nil (the first key)
        while lua_next(state, index) != 0 {  // Stack: …, key, value
            let keyIndex = lua_gettop(state) - 1
            let keyPath = path + Self.subscriptText(LuaStack(state), keyIndex)
            let key = try read(keyIndex, storable: storable, path: keyPath, depth: depth + 1, open: &open)
            let value = try read(keyIndex + 1, storable: storable, path: keyPath, depth: depth + 1, open: &open)
            lua_settop(state, keyIndex)  // Stack: …, key
            if let key, key != .nil, let value { fields[key] = value }
        }
        return .table(fields)
    }

    /// `.name` for a key that is an identifier, `[3]` or `["a b"]` otherwise.
    private static func subscriptText(_ stack: LuaStack, _ index: Int32) -> String {
        if let number = stack.number(at: index) {
            switch number {
            case .integer(let value): return "[\(value)]"
            case .number(let value): return "[\(value)]"
            default: break
            }
        }
        guard let text = stack.text(at: index) else {
            return "[" + String(cString: lua_typename(stack.state, lua_type(stack.state, index))) + "]"
        }
        func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }
        func isWordByte(_ byte: UInt8) -> Bool { (0x61...0x7A).contains(byte | 0x20) || isDigit(byte) || byte == 0x5F }
        let isIdentifier = text.utf8.first.map { !isDigit($0) } == true && text.utf8.allSatisfy(isWordByte)
        return isIdentifier ? "." + text : "[\"" + text + "\"]"
    }
}
