/// Hex strings to bytes and back, on UTF-8 bytes without intermediate Strings.
public enum Hex {
    /// The bytes of a hex string (upper or lower case, no separators).
    /// - Throws: ``PDUError`` `.oddHexLength` (offset = byte count), `.invalidHexCharacter` (offset = byte index).
    public static func bytes(_ hex: String) throws(PDUError) -> [UInt8] {
        var hex = hex
        let result = hex.withUTF8 { utf8 -> Result<[UInt8], PDUError> in
            guard utf8.count % 2 == 0 else {
                return .failure(PDUError(.oddHexLength, at: utf8.count / 2, "odd number of hex digits (\(utf8.count))"))
            }
            var out = [UInt8](repeating: 0, count: utf8.count / 2)
            for i in 0..<out.count {
                let hi = nibble(utf8[2 * i])
                let lo = nibble(utf8[2 * i + 1])
                guard hi < 16, lo < 16 else {
                    return .failure(PDUError(.invalidHexCharacter, at: i, "not a hex digit at character \(hi < 16 ? 2 * i + 1 : 2 * i)"))
                }
                out[i] = hi << 4 | lo
            }
            return .success(out)
        }
        return try result.get()
    }

    /// The octets of the hex digits that begin `line` (after spaces and tabs): reading stops at the first
    /// character that is not a hex digit, and a lone last digit is left out. A line of no hex digit gives
    /// no octet.
    public static func leadingBytes(_ line: String) -> [UInt8] {
        let utf8 = line.utf8
        var start = utf8.startIndex
        while start < utf8.endIndex, utf8[start] == 0x20 || utf8[start] == 0x09 { start = utf8.index(after: start) }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count / 2)
        var high: UInt8? = nil
        for c in utf8[start...] {
            let digit = nibble(c)
            guard digit < 16 else { break }
            if let h = high {
                out.append(h << 4 | digit)
                high = nil
            } else {
                high = digit
            }
        }
        return out
    }

    /// Upper-case hex of `bytes`.
    public static func string<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        String(unsafeUninitializedCapacity: bytes.count * 2) { buffer in
            var i = 0
            for byte in bytes {
                buffer[i] = digits[Int(byte >> 4)]
                buffer[i + 1] = digits[Int(byte & 0x0F)]
                i += 2
            }
            return i
        }
    }

    /// Whether `text` is a non-empty run of hex digits.
    static func isHex(_ text: Substring.UTF8View) -> Bool {
        !text.isEmpty && text.allSatisfy { nibble($0) < 16 }
    }

    @inline(__always) static func nibble(_ c: UInt8) -> UInt8 {
        switch c {
        case 0x30...0x39: return c &- 0x30
        case 0x41...0x46: return c &- 0x37
        case 0x61...0x66: return c &- 0x57
        default: return 0xFF
        }
    }

    private static let digits: [UInt8] = Array("0123456789ABCDEF".utf8)
}
