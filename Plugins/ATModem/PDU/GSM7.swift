import SocketCore

/// GSM 03.38 septets: lookup tables derived from ``SocketCore/GSMAlphabet`` (the one copy of the alphabet),
/// packing and unpacking.
enum GSM7 {
    static let escape: UInt8 = 0x1B

    /// Septet → scalar of the basic table (0x1B maps to a space: a second escape is "reserved", shown as space).
    static let basicScalars: [Unicode.Scalar] = GSMAlphabet.basic.enumerated().map { index, character in
        index == 0x1B ? " " : character.unicodeScalars.first!
    }

    /// Septet after an escape → scalar of the extension table; nil where the table has no entry.
    static let extensionScalars: [Unicode.Scalar?] = {
        var table = [Unicode.Scalar?](repeating: nil, count: 128)
        for (character, code) in GSMAlphabet.extensionTable { table[Int(code)] = character.unicodeScalars.first! }
        return table
    }()

    /// Scalar value (below `directLimit`) → encoding: `0…0x7F` one basic septet, `0x100 | x` the pair 1B x,
    /// `0xFFFF` not in the alphabet.
    static let directLimit = 0x400
    static let encodeTable: [UInt16] = {
        var table = [UInt16](repeating: 0xFFFF, count: directLimit)
        for (index, scalar) in basicScalars.enumerated() where index != 0x1B && Int(scalar.value) < directLimit {
            table[Int(scalar.value)] = UInt16(index)
        }
        for (code, scalar) in extensionScalars.enumerated() {
            if let scalar, Int(scalar.value) < directLimit { table[Int(scalar.value)] = 0x100 | UInt16(code) }
        }
        return table
    }()
    /// Extension characters above `directLimit` (the euro sign).
    static let encodeHigh: [UInt32: UInt16] = {
        var table: [UInt32: UInt16] = [:]
        for (code, scalar) in extensionScalars.enumerated() {
            if let scalar, Int(scalar.value) >= directLimit { table[scalar.value] = 0x100 | UInt16(code) }
        }
        for (index, scalar) in basicScalars.enumerated() where index != 0x1B && Int(scalar.value) >= directLimit {
            table[scalar.value] = UInt16(index)
        }
        return table
    }()

    /// The septets of `text` (escape pairs as two septets), or nil when a scalar is not in the alphabet.
    static func septets(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        let table = encodeTable
        for scalar in text.unicodeScalars {
            let v = scalar.value
            let code: UInt16
            if v < UInt32(directLimit) {
                code = table[Int(v)]
            } else {
                code = encodeHigh[v] ?? 0xFFFF
            }
            if code < 0x80 {
                out.append(UInt8(code))
            } else if code == 0xFFFF {
                return nil
            } else {
                out.append(escape)
                out.append(UInt8(code & 0x7F))
            }
        }
        return out
    }

    /// Appends the text of `septets` to `utf8`: escape pairs through the extension table, an unknown second
    /// septet as its basic-table character, a trailing lone escape dropped.
    static func decode<C: Collection>(_ septets: C, into utf8: inout [UInt8]) where C.Element == UInt8 {
        let basic = basicScalars
        let ext = extensionScalars
        var escaped = false
        for s in septets {
            let septet = Int(s & 0x7F)
            if escaped {
                escaped = false
                appendUTF8(ext[septet] ?? basic[septet], to: &utf8)
            } else if septet == 0x1B {
                escaped = true
            } else {
                appendUTF8(basic[septet], to: &utf8)
            }
        }
    }

    static func string<C: Collection>(_ septets: C) -> String where C.Element == UInt8 {
        var utf8: [UInt8] = []
        utf8.reserveCapacity(septets.count + 8)
        decode(septets, into: &utf8)
        return String(decoding: utf8, as: UTF8.self)
    }

    @inline(__always) static func appendUTF8(_ scalar: Unicode.Scalar, to out: inout [UInt8]) {
        let v = scalar.value
        if v < 0x80 {
            out.append(UInt8(v))
        } else if v < 0x800 {
            out.append(UInt8(0xC0 | (v >> 6)))
            out.append(UInt8(0x80 | (v & 0x3F)))
        } else if v < 0x10000 {
            out.append(UInt8(0xE0 | (v >> 12)))
            out.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (v & 0x3F)))
        } else {
            out.append(UInt8(0xF0 | (v >> 18)))
            out.append(UInt8(0x80 | ((v >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (v & 0x3F)))
        }
    }

    /// Packs septets LSB-first after `fillBits` zero bits, appending the octets to `out`.
    static func pack<C: Collection>(_ septets: C, fillBits: Int = 0, into out: inout [UInt8]) where C.Element == UInt8 {
        var acc: UInt32 = 0
        var bits = fillBits
        for s in septets {
            acc |= UInt32(s & 0x7F) << UInt32(bits)
            bits += 7
            while bits >= 8 {
                out.append(UInt8(truncatingIfNeeded: acc))
                acc >>= 8
                bits -= 8
            }
        }
        if bits > 0 { out.append(UInt8(truncatingIfNeeded: acc)) }
    }

    /// `count` septets unpacked from `bytes`, starting `bitOffset` bits in. The caller checks that
    /// `bitOffset + 7 * count` bits are there.
    static func unpack(_ bytes: ArraySlice<UInt8>, bitOffset: Int, count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        let base = bytes.startIndex
        let end = bytes.endIndex
        for i in 0..<count {
            let bit = bitOffset + 7 * i
            let index = base + bit >> 3
            let shift = bit & 7
            var value = UInt16(bytes[index]) >> UInt16(shift)
            if shift > 1 && index + 1 < end { value |= UInt16(bytes[index + 1]) << UInt16(8 - shift) }
            out[i] = UInt8(value & 0x7F)
        }
        return out
    }
}
