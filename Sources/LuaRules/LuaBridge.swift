import CLua

/// The link to Debian's liblua5.4. The rule host (sandbox, coroutines, API) builds on this module.
public enum LuaBridge {
    /// The version number of the Lua library the program is linked with (504 for Lua 5.4), read from a
    /// fresh interpreter so a mismatched library is caught at start.
    public static var linkedVersion: Int {
        guard let state = luaL_newstate() else { return 0 }
        defer { lua_close(state) }
        return Int(lua_version(state))
    }

    /// Evaluates a Lua 5.4 expression in an interpreter with only the safe base, string, table and math
    /// libraries, and returns its value as text: a check that the interpreter runs.
    public static func evaluate(_ expression: String) -> String? {
        guard let state = luaL_newstate() else { return nil }
        defer { lua_close(state) }
        luaL_requiref(state, "_G", luaopen_base, 1)
        luaL_requiref(state, "string", luaopen_string, 1)
        luaL_requiref(state, "table", luaopen_table, 1)
        luaL_requiref(state, "math", luaopen_math, 1)
        lua_settop(state, 0)
        guard luaL_loadstring(state, "return " + expression) == LUA_OK,
            lua_pcallk(state, 0, 1, 0, 0, nil) == LUA_OK,
            let text = lua_tolstring(state, -1, nil)
        else { return nil }
        return String(cString: text)
    }
}
