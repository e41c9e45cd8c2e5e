import Testing

@testable import PluginKit

@Suite("The TOML parser")
struct TOMLParserTests {
    static func parse(_ text: String) throws(ConfigError) -> [String: ConfigValue] {
        try TOMLDocument(parsing: Array(text.utf8), file: "t.toml").values
    }

    /// Valid TOML 1.0 documents and what they hold.
    static let valid: [(String, [String: ConfigValue])] = [
        ("", [:]),
        ("\u{FEFF}a = 1", ["a": .int(1)]),
        ("# only a comment\n\n   \t\n", [:]),
        ("a = 1 # a comment\r\nb = 2\r\n", ["a": .int(1), "b": .int(2)]),
        ("\t a\t=\t1\t", ["a": .int(1)]),
        // Keys.
        ("bare_key-1 = 1\n1234 = 2\ntrue = 3", ["bare_key-1": .int(1), "1234": .int(2), "true": .int(3)]),
        (#""a b" = 1"# + "\n'c.d' = 2\n\"\" = 3\n\"\\u00e9\" = 4", ["a b": .int(1), "c.d": .int(2), "": .int(3), "é": .int(4)]),
        ("a.b.c = 1\na . b . d = 2", ["a": .table(["b": .table(["c": .int(1), "d": .int(2)])])]),
        ("3.14 = 1", ["3": .table(["14": .int(1)])]),
        (#""a.b".c = 1"#, ["a.b": .table(["c": .int(1)])]),
        // Tables.
        ("[a]\nx = 1\n[b]\ny = 2", ["a": .table(["x": .int(1)]), "b": .table(["y": .int(2)])]),
        ("[ a . \"b c\" . 'd' ]\nx = 1", ["a": .table(["b c": .table(["d": .table(["x": .int(1)])])])]),
        ("[x.y.z]\na = 1\n[x]\nb = 2", ["x": .table(["b": .int(2), "y": .table(["z": .table(["a": .int(1)])])])]),
        (
            "[fruit]\napple.color = \"red\"\napple.taste.sweet = true\n[fruit.apple.texture]\nsmooth = true",
            ["fruit": .table(["apple": .table([
                "color": .string("red"), "taste": .table(["sweet": .bool(true)]), "texture": .table(["smooth": .bool(true)]),
            ])])]
        ),
        ("[a]\n[a.b]\n[c]", ["a": .table(["b": .table([:])]), "c": .table([:])]),
        // Strings.
        (#"s = "\b\t\n\f\r\"\\\u00E9\U0001F600/""#, ["s": .string("\u{8}\t\n\u{C}\r\"\\é😀/")]),
        ("s = \"tab\there é\"", ["s": .string("tab\there é")]),
        (#"s = 'C:\Users\"x"'"#, ["s": .string(#"C:\Users\"x""#)]),
        ("s = \"\"\"\nfirst\nsecond\"\"\"", ["s": .string("first\nsecond")]),
        ("s = \"\"\"\r\nwindows\r\nlines\r\n\"\"\"", ["s": .string("windows\nlines\n")]),
        ("s = \"\"\"one \\\n    two \\   \n\n   three\"\"\"", ["s": .string("one two three")]),
        ("s = \"\"\"a \"quoted\" \"\"word\"\"\"\"\"", ["s": .string("a \"quoted\" \"\"word\"\"")]),
        ("s = \"\"\"\"\"\"", ["s": .string("")]),
        ("s = '''\nraw \\n 'x' ''y''\n'''", ["s": .string("raw \\n 'x' ''y''\n")]),
        ("s = ''''a'''''", ["s": .string("'a''")]),
        // Integers.
        ("a = +99\nb = 42\nc = 0\nd = -17\ne = -0\nf = +0", ["a": .int(99), "b": .int(42), "c": .int(0), "d": .int(-17), "e": .int(0), "f": .int(0)]),
        ("a = 1_000\nb = 5_349_221\nc = 1_2_3", ["a": .int(1000), "b": .int(5_349_221), "c": .int(123)]),
        ("a = 0xDEADBEEF\nb = 0xdead_beef\nc = 0o01234567\nd = 0o755\ne = 0b11010110\nf = 0x00", [
            "a": .int(0xDEAD_BEEF), "b": .int(0xDEAD_BEEF), "c": .int(0o1234567), "d": .int(0o755), "e": .int(0b1101_0110), "f": .int(0),
        ]),
        ("a = 9223372036854775807\nb = -9223372036854775808\nc = 0x7FFFFFFFFFFFFFFF", ["a": .int(.max), "b": .int(.min), "c": .int(.max)]),
        // Floats.
        ("a = +1.0\nb = 3.1415\nc = -0.01\nd = 5e+22\ne = 1e06\nf = -2E-2\ng = 6.626e-34", [
            "a": .double(1), "b": .double(3.1415), "c": .double(-0.01), "d": .double(5e22), "e": .double(1e6), "f": .double(-0.02),
            "g": .double(6.626e-34),
        ]),
        ("a = 224_617.445_991_228\nb = 0.0\nc = -0.0\nd = 1e1_0", ["a": .double(224_617.445_991_228), "b": .double(0), "c": .double(-0.0), "d": .double(1e10)]),
        ("a = inf\nb = +inf\nc = -inf", ["a": .double(.infinity), "b": .double(.infinity), "c": .double(-.infinity)]),
        // Booleans.
        ("a = true\nb = false", ["a": .bool(true), "b": .bool(false)]),
        // Arrays.
        ("a = []\nb = [ ]\nc = [1, 2, 3]", ["a": .array([]), "b": .array([]), "c": .array([.int(1), .int(2), .int(3)])]),
        ("a = [1, \"two\", [3.0, [true]], {x = 4}]", [
            "a": .array([.int(1), .string("two"), .array([.double(3), .array([.bool(true)])]), .table(["x": .int(4)])]),
        ]),
        ("a = [\n  1, # one\n  2,\n\n  # done\n]", ["a": .array([.int(1), .int(2)])]),
        ("a = [\"/usr/local/bin/relay\", \"1\",]", ["a": .array([.string("/usr/local/bin/relay"), .string("1")])]),
        // Inline tables.
        ("a = {}\nb = { x = 1, y.z = \"2\" }", ["a": .table([:]), "b": .table(["x": .int(1), "y": .table(["z": .string("2")])])]),
        ("a = { b = { c = [ 1,\n 2 ] } }", ["a": .table(["b": .table(["c": .array([.int(1), .int(2)])])])]),
        ("modem = { kind = \"simulated\" }", ["modem": .table(["kind": .string("simulated")])]),
        // Arrays of tables.
        ("[[p]]\nname = \"a\"\n[[p]]\n[[p]]\nname = \"c\"", ["p": .array([.table(["name": .string("a")]), .table([:]), .table(["name": .string("c")])])]),
        (
            "[[fruits]]\nname = \"apple\"\n[fruits.physical]\ncolor = \"red\"\n[[fruits.varieties]]\nname = \"gala\"\n[[fruits]]\nname = \"banana\"",
            ["fruits": .array([
                .table([
                    "name": .string("apple"), "physical": .table(["color": .string("red")]),
                    "varieties": .array([.table(["name": .string("gala")])]),
                ]),
                .table(["name": .string("banana")]),
            ])]
        ),
        ("[a]\n[[a.b]]\nx = 1\n[[a.b]]\nx = 2", ["a": .table(["b": .array([.table(["x": .int(1)]), .table(["x": .int(2)])])])]),
    ]

    @Test("valid TOML is read right", arguments: valid.indices)
    func validDocument(_ index: Int) throws {
        let (text, expected) = Self.valid[index]
        #expect(try Self.parse(text) == expected, "\(text)")
    }

    @Test func notANumber() throws {
        for text in ["a = nan", "a = +nan", "a = -nan"] {
            guard case .double(let value)? = try Self.parse(text)["a"] else {
                Issue.record("not a number: \(text)")
                continue
            }
            #expect(value.isNaN)
        }
    }

    @Test func linesOfTablesAndKeys() throws {
        let text = "model = \"707\"\n\n[modem]\nkind = \"atmodem\"\n# comment\ndevice.path = \"x\"\ns = \"\"\"\n\n\"\"\"\nafter = 1\n[[t]]\n[[t]]\ninline = { a = 1 }\n"
        let map = try TOMLDocument(parsing: Array(text.utf8), file: "t.toml").sourceMap
        let lines = ["model", "modem", "modem.kind", "modem.device", "modem.device.path", "modem.s", "modem.after", "t", "t.inline", "t.inline.a"]
            .map { map.line(of: $0) }
        #expect(lines == [1, 3, 4, 6, 6, 7, 10, 11, 13, 13])
        #expect(map.line(of: "modem.nothing") == nil)
    }

    /// Invalid TOML and its error: the file, the line, the key where there is one.
    static let invalid: [(String, String)] = [
        // Tables and keys defined twice.
        ("a = 1\na = 2", "t.toml:2: a: already defined on line 1; a key is defined once"),
        ("[a]\nx = 1\n[a]", "t.toml:3: a: the table is already defined on line 1; a table is defined once"),
        ("[a]\nb = 1\n[a.b]", "t.toml:3: a.b: already a value (line 2); a key is defined once"),
        ("a = {}\n[a]", "t.toml:2: a: already a value (line 1); a key is defined once"),
        ("a = {}\na.b = 1", "t.toml:2: a: already a value (line 1), not a table"),
        ("a.b = 1\n[a]", "t.toml:2: a: the table is already defined by dotted keys on line 1; a table is defined once"),
        ("[a.b]\n[a]\nb.c = 1", "t.toml:3: a.b: defined by the header [a.b] on line 1; write its keys under that header"),
        ("a = [1]\n[[a]]", "t.toml:2: a: already a value (line 1); [[a]] adds only to an array of tables"),
        ("[[a]]\n[a]", "t.toml:2: a: an array of tables ([[a]] on line 1); [[a]] adds a table to it"),
        ("[a]\n[[a]]", "t.toml:2: a: already a table (line 1), not an array of tables"),
        ("[[a]]\nb.c = 1\n[a.b]", "t.toml:3: a.b: the table is already defined by dotted keys on line 2; a table is defined once"),
        ("[[x.a]]\n[x]\na.b = 1", "t.toml:3: x.a: an array of tables ([[x.a]] on line 1); a dotted key cannot add to it"),
        ("a = 1\n[a.b]", "t.toml:2: a: already a value (line 1), not a table"),
        ("x = { a = 1, a = 2 }", "t.toml:1: x.a: already defined on line 1; a key is defined once"),
        // Headers.
        ("[é]", "t.toml:1: not valid TOML: expected a key (letters, digits, _ and -, or a quoted name), found 'é' (U+00E9)"),
        ("[=", "t.toml:1: not valid TOML: expected a key (letters, digits, _ and -, or a quoted name), found '='"),
        ("\n[\n", "t.toml:2: not valid TOML: expected a key (letters, digits, _ and -, or a quoted name), found the end of the line"),
        ("[a]]", "t.toml:1: not valid TOML: expected the end of the line after the header, found ']'"),
        ("[[a]", "t.toml:1: not valid TOML: expected ]] to close the header [[a]], found the end of the file"),
        ("[a] x = 1", "t.toml:1: not valid TOML: expected the end of the line after the header, found 'x'"),
        ("[\"\"\"a\"\"\"]", "t.toml:1: not valid TOML: a key cannot be a multi-line string"),
        // Keys and values.
        ("= 1", "t.toml:1: not valid TOML: expected a key (letters, digits, _ and -, or a quoted name), found '='"),
        ("a\n= 1", "t.toml:1: not valid TOML: expected = after the key a, found the end of the line"),
        ("a =", "t.toml:1: a: not valid TOML: expected a value, found the end of the file"),
        ("a = 1 b = 2", "t.toml:1: not valid TOML: expected the end of the line after the value, found 'b'"),
        ("kind = simulated", "t.toml:1: kind: not valid TOML: simulated is not a value; a string is written in quotes: \"simulated\""),
        // Numbers, dates: named by their key, never repeated (a PIN written without quotes may start with 0).
        ("a = 01", "t.toml:1: a: not valid TOML: not a valid number; text, such as a PIN, is written in quotes"),
        ("a = 1__0", "t.toml:1: a: not valid TOML: not a valid number; text, such as a PIN, is written in quotes"),
        ("a = _1", "t.toml:1: a: not valid TOML: not a valid number; text, such as a PIN, is written in quotes"),
        ("a = 1_", "t.toml:1: a: not valid TOML: not a valid number; text, such as a PIN, is written in quotes"),
        ("a = 1.", "t.toml:1: a: not valid TOML: not a valid number; text, such as a PIN, is written in quotes"),
        ("a = .5", "t.toml:1: a: not valid TOML: not a valid number; text, such as a PIN, is written in quotes"),
        ("a = 1.e5", "t.toml:1: a: not valid TOML: not a valid number; text, such as a PIN, is written in quotes"),
        ("a = 0x", "t.toml:1: a: not valid TOML: not a valid number; text, such as a PIN, is written in quotes"),
        ("a = 0xG", "t.toml:1: a: not valid TOML: not a valid number; text, such as a PIN, is written in quotes"),
        ("a = -0x1", "t.toml:1: a: not valid TOML: not a valid number; text, such as a PIN, is written in quotes"),
        ("a = 0b102", "t.toml:1: a: not valid TOML: not a valid number; text, such as a PIN, is written in quotes"),
        ("a = 1e", "t.toml:1: a: not valid TOML: not a valid number; text, such as a PIN, is written in quotes"),
        ("a = 9223372036854775808", "t.toml:1: a: not valid TOML: too large a whole number; whole numbers go from -9223372036854775808 to 9223372036854775807 (text, such as a long number, is written in quotes)"),
        ("a = 0x8000000000000000", "t.toml:1: a: not valid TOML: too large a whole number; whole numbers go from -9223372036854775808 to 9223372036854775807 (text, such as a long number, is written in quotes)"),
        ("a = 1e999", "t.toml:1: a: not valid TOML: too large a number"),
        ("a = 1979-05-27", "t.toml:1: a: not valid TOML: a date or time; dates and times are not supported in SMSocket configs"),
        ("a = 1979-05-27T07:32:00Z", "t.toml:1: a: not valid TOML: a date or time; dates and times are not supported in SMSocket configs"),
        ("a = 07:32:00", "t.toml:1: a: not valid TOML: a date or time; dates and times are not supported in SMSocket configs"),
        // Strings.
        ("a = \"abc", "t.toml:1: not valid TOML: unterminated string: a \"...\" string ends on its own line (\"\"\"...\"\"\" spans lines)"),
        ("a = 'abc\nb = 1", "t.toml:1: not valid TOML: unterminated string: a '...' string ends on its own line ('''...''' spans lines)"),
        ("a = \"\"\"abc\n\n", "t.toml:1: not valid TOML: unterminated string: the \"\"\" opened on line 1 is never closed"),
        ("\na = '''abc", "t.toml:2: not valid TOML: unterminated string: the ''' opened on line 2 is never closed"),
        (#"a = "\q""#, #"t.toml:1: not valid TOML: unknown escape: a backslash followed by 'q'; the escapes are \b \t \n \f \r \" \\ \uXXXX and \UXXXXXXXX"#),
        (#"a = "\u12""#, #"t.toml:1: not valid TOML: \u needs 4 hexadecimal digits, found '"'"#),
        (#"a = "\uD800""#, "t.toml:1: not valid TOML: U+D800 in an escape is not a Unicode character"),
        (#"a = "\U00110000""#, "t.toml:1: not valid TOML: U+110000 in an escape is not a Unicode character"),
        ("a = \"x\u{7}\"", "t.toml:1: not valid TOML: the control character U+0007 in a string; write it as an escape, e.g. \\u0007"),
        ("a = \"\"\"\u{0}\"\"\"", "t.toml:1: not valid TOML: the control character U+0000 in a string; write it as an escape, e.g. \\u0007"),
        ("a = \"\"\"a\"\"\"\"\"\"", "t.toml:1: not valid TOML: 6 quotes in a row in a multi-line string; at most 2 can stand before the closing 3"),
        ("# bell \u{7}", "t.toml:1: not valid TOML: the control character U+0007 in a comment"),
        ("a = 1\rb = 2", "t.toml:1: not valid TOML: a carriage return (U+000D) not followed by a line feed"),
        // Arrays and inline tables.
        ("a = [1, 2", "t.toml:1: not valid TOML: the array opened on line 1 is never closed with ]"),
        ("a = [1 2]", "t.toml:1: not valid TOML: expected , or ] in the array opened on line 1, found '2'"),
        ("a = [,]", "t.toml:1: a: not valid TOML: expected a value, found ','"),
        ("a = {b = 1,}", "t.toml:1: not valid TOML: a comma before } in an inline table; only arrays allow one"),
        ("a = {b = 1\n}", "t.toml:1: not valid TOML: expected , or } in the inline table, found the end of the line (an inline table is written on one line)"),
        ("a = " + String(repeating: "[", count: 40), "t.toml:1: not valid TOML: tables and arrays nested more than 32 levels deep"),
        ("[" + Array(repeating: "a", count: 40).joined(separator: ".") + "]", "t.toml:1: not valid TOML: tables and arrays nested more than 32 levels deep"),
    ]

    @Test("invalid TOML is an error naming the file and line", arguments: invalid.indices)
    func invalidDocument(_ index: Int) {
        let (text, message) = Self.invalid[index]
        let error = #expect(throws: ConfigError.self, "\(text)") { try Self.parse(text) }
        #expect(error?.description == message, "\(text)")
    }

    @Test func bytesThatAreNotUTF8() {
        let error = #expect(throws: ConfigError.self) {
            try TOMLDocument(parsing: Array("a = 1\n# ".utf8) + [0xC3, 0x28] + Array("\n".utf8), file: "t.toml")
        }
        #expect(error?.description == "t.toml:2: not valid TOML: the line is not UTF-8 text")
    }

    @Test func nestingUpToTheLimitIsRead() throws {
        let depth = TOMLParser.maxDepth
        let arrays = try Self.parse("a = " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth))
        #expect(arrays["a"] != nil)
        let tables = try Self.parse("[" + Array(repeating: "a", count: depth).joined(separator: ".") + "]")
        #expect(tables["a"] != nil)
        let dotted = try Self.parse(Array(repeating: "a", count: depth).joined(separator: ".") + " = 1")
        #expect(dotted["a"] != nil)
    }

    @Test func nestingPastTheLimitIsRefused() {
        let depth = TOMLParser.maxDepth + 1
        for text in [
            "a = " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth),
            "[" + Array(repeating: "a", count: depth).joined(separator: ".") + "]",
            Array(repeating: "a", count: depth).joined(separator: ".") + " = 1",
            "[x]\n" + Array(repeating: "a", count: depth - 1).joined(separator: ".") + " = 1",
            "a = " + String(repeating: "{b = ", count: depth) + "1" + String(repeating: "}", count: depth),
        ] {
            let error = #expect(throws: ConfigError.self) { try Self.parse(text) }
            #expect(error?.message == "not valid TOML: tables and arrays nested more than \(TOMLParser.maxDepth) levels deep")
        }
    }
}
