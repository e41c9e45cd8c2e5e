import LuaRules
import Testing

@Suite("The liblua5.4 bridge")
struct LuaBridgeTests {
    @Test func linksLua54() {
        #expect(LuaBridge.linkedVersion == 504)
    }

    @Test(arguments: [("1 + 2", "3"), ("string.format('%d', 7 * 6)", "42"), ("'a' .. 'b'", "ab")])
    func evaluates(_ expression: String, _ expected: String) {
        #expect(LuaBridge.evaluate(expression) == expected)
    }

    @Test func aSyntaxErrorIsNil() {
        #expect(LuaBridge.evaluate("1 +") == nil)
    }
}
