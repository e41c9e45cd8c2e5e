import CLua
import CLuaShim

/// A Lua status code other than `LUA_OK`, as a typed Swift error carrying the error object's text: the one
/// place where the host turns C statuses into Swift errors (as swift-system does for errno).
struct LuaStatusError: Error, CustomStringConvertible {
    enum Code: Equatable {
        /// `LUA_ERRRUN`
        case runtime
        /// `LUA_ERRSYNTAX`
        case syntax
        /// `LUA_ERRMEM`
        case memory
        /// `LUA_ERRERR`: an error while handling an error.
        case errorHandler
        /// Any other number, kept as it was.
        case other(Int32)

        init(_ status: Int32) {
            switch status {
            case LUA_ERRRUN: self = .runtime
            case LUA_ERRSYNTAX: self = .syntax
            case LUA_ERRMEM: self = .memory
            case LUA_ERRERR: self = .errorHandler
            default: self = .other(status)
            }
        }
    }

    let code: Code
    /// The error object as text, read before it was popped.
    let message: String

    var description: String { message }
}

extension LuaStatusError {
    /// Checks the status of a protected host operation on `state`. On failure pops the error object off the
    /// top of `state`'s stack and throws it.
    static func check(_ status: Int32, _ state: OpaquePointer) throws(LuaStatusError) {
        guard status != LUA_OK else { return }
        let message = LuaStack(state).text(at: -1) ?? "error object is not a string"
        lua_settop(state, -2)
        throw LuaStatusError(code: Code(status), message: message)
    }
}
