/// The GSM 03.38 default alphabet and its extension table: what fits a 7-bit SMS, and how long it is.
public enum GSMAlphabet {
    /// The basic table, in septet order.
    public static let basic: [Character] = Array(
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u{1B}ÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
    /// Characters reached through the escape septet 0x1B, with their second septet.
    public static let extensionTable: [Character: UInt8] = [
        "\u{0C}": 0x0A, "^": 0x14, "{": 0x28, "}": 0x29, "\\": 0x2F, "[": 0x3C, "~": 0x3D, "]": 0x3E, "|": 0x40, "€": 0x65,
    ]
    static let basicSet: Set<Character> = Set(basic).subtracting(["\u{1B}"])

    /// Septets needed for `text` in GSM 7-bit, or nil if some character is not in the alphabet.
    public static func septetCount(_ text: String) -> Int? {
        var count = 0
        for character in text {
            if basicSet.contains(character) {
                count += 1
            } else if extensionTable[character] != nil {
                count += 2
            } else {
                return nil
            }
        }
        return count
    }

    /// `text` cut to what one SMS carries: 160 septets in GSM 7-bit, else 70 UTF-16 units (UCS2).
    public static func truncatedToOneSMS(_ text: String) -> String {
        if septetCount(text) != nil {
            var used = 0
            var result = ""
            for character in text {
                let width = basicSet.contains(character) ? 1 : 2
                guard used + width <= 160 else { break }
                used += width
                result.append(character)
            }
            return result
        }
        var used = 0
        var result = ""
        for character in text {
            let width = character.utf16.count
            guard used + width <= 70 else { break }
            used += width
            result.append(character)
        }
        return result
    }
}
