/// Decoding the text of a `+CUSD: <m>,"<str>",<dcs>` reply.
public enum USSDText {
    /// How the modem put the text in the quotes.
    public enum Form: Hashable, Sendable {
        /// Guess from the dcs and the text (see ``decode(_:dcs:form:)``).
        case automatic
        /// The text as it is: a modem that sends ASCII or Latin-1 whatever `AT+CSCS` says.
        case plain
        /// Characters of the GSM 7-bit default alphabet, unpacked, one byte each (TS 27.007 §5.5 `+CSCS`
        /// "GSM", TS 23.038 §6.2.1): what a modem that accepted `AT+CSCS="GSM"` sends. The port chooses this
        /// form when `AT+CSCS="GSM"` was answered OK and the modem does not pack (Huawei `AT^USSDMODE=1`
        /// sends packed hex: `.automatic`). See ``decode(_:dcs:form:)`` for what betrays plain text.
        case gsmCharacterSet
        /// UTF-16BE in hex (dcs 72, or any dcs with `AT+CSCS="UCS2"`).
        case ucs2Hex
        /// Packed GSM 7-bit in hex (Huawei with `AT^USSDMODE=1`).
        case packedGSM7Hex
    }

    /// The alphabet a USSD/CBS data coding scheme (TS 23.038 chapter 5) gives.
    public static func alphabet(dcs: Int) -> DataCodingScheme.Alphabet {
        let d = UInt8(truncatingIfNeeded: dcs)
        switch d >> 4 {
        case 0x1: return d == 0x11 ? .ucs2 : .gsm7
        case 0x4...0x7, 0x9:
            let bits = (d >> 2) & 0x03
            return bits == 1 ? .eightBit : bits == 2 ? .ucs2 : .gsm7
        case 0xF: return d & 0x04 != 0 ? .eightBit : .gsm7
        default: return .gsm7
        }
    }

    /// The text of a USSD reply.
    ///
    /// With `.automatic`: UCS2 hex when the dcs says UCS2 (72 = 0x48, 0x11) and the text is hex in groups of
    /// four; UCS2 hex also when the dcs says GSM but the text is hex in groups of four holding at least one
    /// unit below U+0100 and no control characters (`AT+CSCS="UCS2"` converts every reply); packed GSM 7-bit
    /// hex when the text is an even run of hex digits with a letter A–F (Huawei; every septet is printable,
    /// so the letter is the only tell: a plain reply such as "CAFE" would be misread, pass `.plain` when the
    /// modem is known not to pack); otherwise the text as it is. The padding CR of packed text (7 spare bits) is removed.
    ///
    /// With `.gsmCharacterSet`: UCS2 hex when the dcs says UCS2 (modems hand UCS2 replies over as hex whatever
    /// the character set); otherwise each character U+0000…U+007F is read as the GSM 7-bit code point of its
    /// value — `{` (0x7B) is `ä`, `@` (0x40) is `¡`, `$` (0x24) is `¤`, 0x00 is `@`, 0x02 is `$`, and ESC
    /// (0x1B) with the next code is an extension character (`1B 65` is `€`). What betrays plain text is a
    /// character above U+007F — a Latin-1 or UTF-8 letter, or the U+FFFD the channel puts for a byte that is
    /// not UTF-8 — which no GSM code point gives: such a text is returned as it is. Between U+0020 and
    /// U+007F the two sets differ only at `$`, `@`, `[`, `\`, `]`, `^`, `_`, the grave accent, `{`, `|`, `}`,
    /// `~` and DEL, so a modem that sends ASCII with `AT+CSCS="GSM"` cannot be told apart by its bytes: such a
    /// modem needs `.plain`. (``ATDecoder`` drops control bytes, so GSM code points 0x00–0x1F other than
    /// tab, LF and CR — `@`, `£`, `$`, `è`, `Δ`, `É`… and the ESC of extension characters — never reach here.)
    /// - Parameters:
    ///   - string: what stood between the quotes.
    ///   - dcs: the third field, nil when absent.
    public static func decode(_ string: String, dcs: Int?, form: Form = .automatic) -> String {
        let utf8 = Substring(string).utf8
        switch form {
        case .plain: return string
        case .gsmCharacterSet:
            if dcs.map(alphabet(dcs:)) == .ucs2, let text = ucs2(utf8, strict: false) { return text }
            return gsmCharacterSet(string) ?? string
        case .ucs2Hex: return ucs2(utf8, strict: false) ?? string
        case .packedGSM7Hex: return packed(utf8, strict: false) ?? string
        case .automatic:
            let dcsAlphabet = dcs.map(alphabet(dcs:)) ?? .gsm7
            guard Hex.isHex(utf8) else { return string }
            if dcsAlphabet == .ucs2, let text = ucs2(utf8, strict: false) { return text }
            if let text = ucs2(utf8, strict: true) { return text }
            if dcsAlphabet == .gsm7, let text = packed(utf8, strict: true) { return text }
            return string
        }
    }

    /// The text of GSM 7-bit code points given one per character; nil when a character is above U+007F.
    private static func gsmCharacterSet(_ string: String) -> String? {
        var septets: [UInt8] = []
        septets.reserveCapacity(string.utf8.count)
        for scalar in string.unicodeScalars {
            guard scalar.isASCII else { return nil }
            septets.append(UInt8(scalar.value))
        }
        return GSM7.string(septets)
    }

    private static func hexBytes(_ utf8: Substring.UTF8View) -> [UInt8]? {
        try? Hex.bytes(String(Substring(utf8)))
    }

    private static func ucs2(_ utf8: Substring.UTF8View, strict: Bool) -> String? {
        guard utf8.count % 4 == 0, let bytes = hexBytes(utf8) else { return nil }
        if strict {
            var sawLatin = false
            for i in stride(from: 0, to: bytes.count, by: 2) {
                let unit = UInt16(bytes[i]) << 8 | UInt16(bytes[i + 1])
                if unit < 0x20 && unit != 0x0A && unit != 0x0D { return nil }
                if unit < 0x100 { sawLatin = true }
            }
            guard sawLatin else { return nil }
        }
        return UserData.ucs2String(bytes[...])
    }

    private static func packed(_ utf8: Substring.UTF8View, strict: Bool) -> String? {
        if strict && !utf8.contains(where: { (0x41...0x46).contains($0) || (0x61...0x66).contains($0) }) { return nil }
        guard let bytes = hexBytes(utf8) else { return nil }
        var septets = GSM7.unpack(bytes[...], bitOffset: 0, count: bytes.count * 8 / 7)
        if septets.count % 8 == 0, septets.last == 0x0D { septets.removeLast() }
        return GSM7.string(septets)
    }
}
