/// The lexemes of TOML 1.0 read from UTF-8 bytes for ``TOMLParser``: spaces, comments and newlines, keys,
/// strings, numbers and booleans, with the line being read.
///
/// Which lexeme comes next depends on where the parser is (`1234` is a key before `=` and a number after
/// it), so the parser asks for each one by name. Every read is a loop over the bytes, never a recursion, and
/// every error is a ``ConfigError`` on the line where the reading stopped.
struct TOMLLexer {
    let bytes: [UInt8]
    let file: String
    private(set) var index = 0
    /// 1-based; advanced only by ``newline()``, so no other method may step over a line feed.
    private(set) var line = 1

    init(bytes: [UInt8], file: String) {
        self.bytes = bytes
        self.file = file
        // Some editors start a UTF-8 file with a byte order mark.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
    }

    var atEnd: Bool { index >= bytes.count }
    var current: UInt8? { byte(at: 0) }

    func byte(at offset: Int) -> UInt8? {
        let i = index + offset
        return i < bytes.count ? bytes[i] : nil
    }

    func isAt(_ ascii: Unicode.Scalar) -> Bool { current == UInt8(ascii: ascii) }

    /// Steps over `count` bytes the caller has looked at, none of them a line feed.
    mutating func advance(_ count: Int = 1) { index += count }

    /// A syntax error on the current line.
    func error(_ message: String) -> ConfigError {
        error(message, line: line)
    }

    func error(_ message: String, line: Int) -> ConfigError {
        ConfigError(file: file, line: line, key: nil, message: "not valid TOML: " + message)
    }

    /// The current byte as an error message names it: `'='`, `'é'`, `U+0007`, `the end of the line`.
    var found: String {
        guard let b = current else { return "the end of the file" }
        if b == .lf || b == .cr { return "the end of the line" }
        if b.isControl { return "the control character " + codePoint(UInt32(b)) }
        if b < 0x80 { return "'\(Character(Unicode.Scalar(b)))'" }
        // A multi-byte character: the input was checked to be UTF-8, so it decodes.
        var length = 1
        while let next = byte(at: length), next & 0xC0 == 0x80 { length += 1 }
        let character = String(decoding: bytes[index..<index + length], as: UTF8.self)
        return "'\(character)' (\(codePoint(character.unicodeScalars.first!.value)))"
    }

    private func codePoint(_ value: UInt32) -> String {
        let hex = String(value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    // MARK: Spaces, comments, newlines

    mutating func skipSpaces() {
        while let b = current, b == .space || b == .tab { index += 1 }
    }

    /// Consumes a line feed or CR LF; false when there is none here.
    mutating func newline() throws(ConfigError) -> Bool {
        switch current {
        case .lf:
            index += 1
        case .cr:
            guard byte(at: 1) == .lf else { throw error("a carriage return (U+000D) not followed by a line feed") }
            index += 2
        default:
            return false
        }
        line += 1
        return true
    }

    /// A comment, from `#` up to (not including) the end of its line.
    mutating func skipComment() throws(ConfigError) {
        guard current == .hash else { return }
        index += 1
        while let b = current, b != .lf {
            if b == .cr, byte(at: 1) == .lf { return }
            if b.isControl && b != .tab { throw error("\(found) in a comment") }
            index += 1
        }
    }

    /// Spaces, comments and line breaks, as between the values of an array.
    mutating func skipBlankLines() throws(ConfigError) {
        repeat {
            skipSpaces()
            try skipComment()
        } while try newline()
    }

    /// The rest of a line after a header or a `key = value`: spaces, a comment, then the line break or the
    /// end of the file.
    mutating func endOfLine(after what: String) throws(ConfigError) {
        skipSpaces()
        try skipComment()
        if atEnd { return }
        if try newline() { return }
        throw error("expected the end of the line after \(what), found \(found)")
    }

    // MARK: Keys

    /// One part of a key: bare (`A-Z a-z 0-9 _ -`), "basic" or 'literal'.
    mutating func simpleKey() throws(ConfigError) -> String {
        switch current {
        case .quote, .apostrophe:
            if byte(at: 1) == current, byte(at: 2) == current { throw error("a key cannot be a multi-line string") }
            return current == .quote ? try basicString() : try literalString()
        case let b? where b.isBareKeyByte:
            let start = index
            while let b = current, b.isBareKeyByte { index += 1 }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        default:
            throw error("expected a key (letters, digits, _ and -, or a quoted name), found \(found)")
        }
    }

    // MARK: Strings

    /// `"..."`, at its opening quote.
    mutating func basicString() throws(ConfigError) -> String {
        index += 1
        var out: [UInt8] = []
        while true {
            guard let b = current, b != .lf, b != .cr else {
                throw error("unterminated string: a \"...\" string ends on its own line (\"\"\"...\"\"\" spans lines)")
            }
            switch b {
            case .quote:
                index += 1
                return String(decoding: out, as: UTF8.self)
            case .backslash:
                try escape(into: &out)
            default:
                try checkNotControl(b, in: "a string")
                out.append(b)
                index += 1
            }
        }
    }

    /// `'...'`, at its opening apostrophe: the text as written, no escapes.
    mutating func literalString() throws(ConfigError) -> String {
        index += 1
        let start = index
        while true {
            guard let b = current, b != .lf, b != .cr else {
                throw error("unterminated string: a '...' string ends on its own line ('''...''' spans lines)")
            }
            if b == .apostrophe { break }
            try checkNotControl(b, in: "a string")
            index += 1
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        index += 1
        return text
    }

    /// `"""..."""` (escapes, and a backslash at the end of a line that joins it to the next non-blank text)
    /// or `'''...'''` (the text as written), at the opening `delimiter`s; line breaks are kept as line feeds.
    mutating func multilineString(_ delimiter: UInt8) throws(ConfigError) -> String {
        let startLine = line
        let escapes = delimiter == .quote
        index += 3
        // A line break right after the opening delimiter is not part of the string.
        _ = try newline()
        var out: [UInt8] = []
        while true {
            guard let b = current else {
                let name = String(repeating: Character(Unicode.Scalar(delimiter)), count: 3)
                throw error("unterminated string: the \(name) opened on line \(startLine) is never closed", line: startLine)
            }
            switch b {
            case delimiter:
                if try closesMultiline(delimiter, into: &out) { return String(decoding: out, as: UTF8.self) }
            case .backslash where escapes:
                var after = 1
                while let s = byte(at: after), s == .space || s == .tab { after += 1 }
                if byte(at: after) == .lf || (byte(at: after) == .cr && byte(at: after + 1) == .lf) {
                    index += after
                    repeat { skipSpaces() } while try newline()
                } else {
                    try escape(into: &out)
                }
            case .lf, .cr:
                _ = try newline()
                out.append(.lf)
            default:
                try checkNotControl(b, in: "a string")
                out.append(b)
                index += 1
            }
        }
    }

    /// At a run of `delimiter`s inside a multi-line string: three close it, and up to two more before them
    /// belong to the text (`""""` is a quote, then the end).
    private mutating func closesMultiline(_ delimiter: UInt8, into out: inout [UInt8]) throws(ConfigError) -> Bool {
        var count = 0
        while byte(at: count) == delimiter { count += 1 }
        guard count <= 5 else { throw error("\(count) quotes in a row in a multi-line string; at most 2 can stand before the closing 3") }
        let text = count >= 3 ? count - 3 : count
        out.append(contentsOf: repeatElement(delimiter, count: text))
        index += count
        return count >= 3
    }

    /// A backslash escape, at the backslash.
    private mutating func escape(into out: inout [UInt8]) throws(ConfigError) {
        guard let letter = byte(at: 1), letter != .lf, letter != .cr else {
            throw error("a backslash at the end of a \"...\" string; write \\\\ for a backslash")
        }
        let simple: [UInt8: UInt8] = [
            UInt8(ascii: "b"): 0x08, UInt8(ascii: "t"): .tab, UInt8(ascii: "n"): .lf, UInt8(ascii: "f"): 0x0C,
            UInt8(ascii: "r"): .cr, .quote: .quote, .backslash: .backslash,
        ]
        if let byte = simple[letter] {
            out.append(byte)
            index += 2
            return
        }
        let digits: Int
        switch letter {
        case UInt8(ascii: "u"): digits = 4
        case UInt8(ascii: "U"): digits = 8
        default:
            index += 1
            throw error("unknown escape: a backslash followed by \(found); the escapes are \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX and \\UXXXXXXXX")
        }
        index += 2
        var value: UInt32 = 0
        for _ in 0..<digits {
            guard let b = current, let digit = b.hexValue else {
                throw error("\\\(Character(Unicode.Scalar(letter))) needs \(digits) hexadecimal digits, found \(found)")
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        guard let scalar = Unicode.Scalar(value) else {
            throw error("\(codePoint(value)) in an escape is not a Unicode character")
        }
        out.append(contentsOf: String(scalar).utf8)
    }

    private func checkNotControl(_ b: UInt8, in what: String) throws(ConfigError) {
        if b.isControl && b != .tab { throw error("\(found) in \(what); write it as an escape, e.g. \\u0007") }
    }

    // MARK: Numbers and booleans

    /// A value that is not a string, array or inline table: `true`, `false`, an integer, a float. Dates and
    /// times are TOML but not something a setting of SMSocket holds, so they are refused by name.
    mutating func scalar() throws(ConfigError) -> ConfigValue {
        let start = index
        while let b = current, b.isScalarByte { index += 1 }
        let token = bytes[start..<index]
        let text = String(decoding: token, as: UTF8.self)
        guard let first = token.first else { throw error("expected a value, found \(found)") }
        switch text {
        case "true": return .bool(true)
        case "false": return .bool(false)
        case "inf", "+inf": return .double(.infinity)
        case "-inf": return .double(-.infinity)
        case "nan", "+nan", "-nan": return .double(.nan)
        default: break
        }
        if first.isLetter {
            throw error("\(text) is not a value; a string is written in quotes: \"\(text)\"")
        }
        // From here on the token is not repeated: a PIN written without its quotes ("0123") must not reach the
        // log through its error. The parser names the key instead.
        if Self.looksLikeDateOrTime(token) {
            throw error("a date or time; dates and times are not supported in SMSocket configs")
        }
        switch Self.number(token) {
        case .value(let value): return value
        case .notANumber: throw error("not a valid number; text, such as a PIN, is written in quotes")
        case .integerOutOfRange:
            throw error("too large a whole number; whole numbers go from \(Int.min) to \(Int.max) (text, such as a long number, is written in quotes)")
        case .floatOutOfRange: throw error("too large a number")
        }
    }

    /// `1979-05-27…` or `07:32…`.
    private static func looksLikeDateOrTime(_ token: ArraySlice<UInt8>) -> Bool {
        let leadingDigits = token.prefix { $0.isDigit }.count
        let next = token.dropFirst(leadingDigits).first
        return (leadingDigits == 4 && next == .minus) || (leadingDigits == 2 && next == .colon)
    }

    private enum NumberReading {
        case value(ConfigValue)
        case notANumber, integerOutOfRange, floatOutOfRange

        init(integer: Int?) { self = integer.map { .value(.int($0)) } ?? .integerOutOfRange }
    }

    /// An integer (decimal, `0x`, `0o`, `0b`) or a float.
    private static func number(_ token: ArraySlice<UInt8>) -> NumberReading {
        let radixes: [UInt8: Int] = [UInt8(ascii: "x"): 16, UInt8(ascii: "o"): 8, UInt8(ascii: "b"): 2]
        if token.count > 2, token.first == .zero, let radix = radixes[token[token.startIndex + 1]] {
            guard let digits = digits(token.dropFirst(2), radix: radix) else { return .notANumber }
            return NumberReading(integer: integer(digits, radix: radix, negative: false))
        }
        var rest = token
        let negative = rest.first == .minus
        if rest.first == .minus || rest.first == .plus { rest = rest.dropFirst() }
        let integerPart = rest.prefix { $0.isDigit || $0 == .underscore }
        rest = rest.dropFirst(integerPart.count)
        guard let whole = digits(integerPart, radix: 10), whole.first != .zero || whole.count == 1 else { return .notANumber }
        if rest.isEmpty { return NumberReading(integer: integer(whole, radix: 10, negative: negative)) }

        var literal = negative ? "-" : ""
        literal += String(decoding: whole, as: UTF8.self)
        if rest.first == .dot {
            let fraction = rest.dropFirst().prefix { $0.isDigit || $0 == .underscore }
            guard let digits = digits(fraction, radix: 10) else { return .notANumber }
            literal += "." + String(decoding: digits, as: UTF8.self)
            rest = rest.dropFirst(1 + fraction.count)
        }
        if let e = rest.first, e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            rest = rest.dropFirst()
            literal += "e"
            if let sign = rest.first, sign == .plus || sign == .minus {
                literal += sign == .minus ? "-" : "+"
                rest = rest.dropFirst()
            }
            // The exponent may have leading zeros.
            guard let digits = digits(rest, radix: 10) else { return .notANumber }
            literal += String(decoding: digits, as: UTF8.self)
            rest = []
        }
        guard rest.isEmpty, let value = Double(literal) else { return .notANumber }
        return value.isFinite ? .value(.double(value)) : .floatOutOfRange
    }

    /// The digits of `text` without the underscores, which may only stand between two digits; nil when
    /// `text` is empty or holds anything else.
    private static func digits(_ text: ArraySlice<UInt8>, radix: Int) -> [UInt8]? {
        var out: [UInt8] = []
        var afterDigit = false
        for b in text {
            if b == .underscore {
                guard afterDigit else { return nil }
                afterDigit = false
                continue
            }
            guard let value = b.hexValue, Int(value) < radix else { return nil }
            out.append(b)
            afterDigit = true
        }
        return afterDigit ? out : nil
    }

    /// The value of checked `digits`, nil when it does not fit in an `Int`.
    private static func integer(_ digits: [UInt8], radix: Int, negative: Bool) -> Int? {
        var magnitude: UInt64 = 0
        for b in digits {
            let (shifted, o1) = magnitude.multipliedReportingOverflow(by: UInt64(radix))
            let (sum, o2) = shifted.addingReportingOverflow(UInt64(b.hexValue!))
            guard !o1, !o2 else { return nil }
            magnitude = sum
        }
        if negative {
            guard magnitude <= UInt64(Int.max) + 1 else { return nil }
            return magnitude == UInt64(Int.max) + 1 ? Int.min : -Int(magnitude)
        }
        guard magnitude <= UInt64(Int.max) else { return nil }
        return Int(magnitude)
    }
}

extension UInt8 {
    static let tab: UInt8 = 0x09
    static let lf: UInt8 = 0x0A
    static let cr: UInt8 = 0x0D
    static let space = UInt8(ascii: " ")
    static let quote = UInt8(ascii: "\"")
    static let apostrophe = UInt8(ascii: "'")
    static let hash = UInt8(ascii: "#")
    static let backslash = UInt8(ascii: "\\")
    static let plus = UInt8(ascii: "+")
    static let minus = UInt8(ascii: "-")
    static let dot = UInt8(ascii: ".")
    static let colon = UInt8(ascii: ":")
    static let underscore = UInt8(ascii: "_")
    static let zero = UInt8(ascii: "0")

    /// U+0000 to U+001F and U+007F, which TOML allows nowhere but tab (and line breaks between lines).
    var isControl: Bool { self < 0x20 || self == 0x7F }
    var isDigit: Bool { self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9") }
    var isLetter: Bool { (self | 0x20) >= UInt8(ascii: "a") && (self | 0x20) <= UInt8(ascii: "z") }
    var isBareKeyByte: Bool { isDigit || isLetter || self == .underscore || self == .minus }
    /// The bytes a number, boolean, date or time can be made of (the reading stops at anything else).
    var isScalarByte: Bool { isBareKeyByte || self == .plus || self == .dot || self == .colon }

    var hexValue: UInt8? {
        if isDigit { return self - UInt8(ascii: "0") }
        let lower = self | 0x20
        if lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "f") { return lower - UInt8(ascii: "a") + 10 }
        return nil
    }
}
