/// An address field (TP-OA, TP-DA, TP-RA, the service centre): its digits or alphanumeric text, and the
/// type-of-address octet as it was sent.
public struct PDUAddress: Hashable, Sendable, CustomStringConvertible {
    /// Type of number: bits 6–4 of the type-of-address octet.
    public enum Kind: UInt8, Hashable, Sendable {
        case unknown = 0, international, national, networkSpecific, subscriber, alphanumeric, abbreviated, reserved
    }

    /// Digits without the `+` (for numbers; `*`, `#`, `a`, `b`, `c` for the semi-octets A–E), or the text
    /// of an alphanumeric address.
    public var value: String
    /// The type-of-address octet: 0x91 international, 0x81 unknown, 0xA1 national, 0xD0 alphanumeric, …
    public var typeOfAddress: UInt8

    public init(value: String, typeOfAddress: UInt8) {
        self.value = value
        self.typeOfAddress = typeOfAddress
    }

    /// A phone number: `+` and digits is international (0x91), anything else unknown (0x81).
    /// Encoding checks the characters.
    public init(number: String) {
        if number.utf8.first == UInt8(ascii: "+") {
            self.init(value: String(number.dropFirst()), typeOfAddress: 0x91)
        } else {
            self.init(value: number, typeOfAddress: 0x81)
        }
    }

    /// An alphanumeric sender (0xD0), at most 11 GSM 7-bit septets.
    public static func alphanumeric(_ text: String) -> PDUAddress { PDUAddress(value: text, typeOfAddress: 0xD0) }

    public var kind: Kind { Kind(rawValue: (typeOfAddress >> 4) & 0x07)! }

    /// `+` and the digits for an international number, otherwise the value as it is.
    public var description: String { kind == .international ? "+" + value : value }

    static let bcdDigits: [UInt8] = Array("0123456789*#abc".utf8)

    /// Decodes an address whose length is in semi-octets (`isServiceCentre` false: OA/DA/RA) or in octets
    /// including the type octet (service centre).
    static func decode(_ reader: inout ByteReader, isServiceCentre: Bool) throws(PDUError) -> PDUAddress? {
        let lengthOffset = reader.offset
        let length = Int(try reader.byte())
        let octets: Int
        if isServiceCentre {
            if length == 0 { return nil }
            guard length <= 11 else {
                throw PDUError(.invalidAddress, at: lengthOffset, "service centre address of \(length) octets")
            }
            octets = length - 1
        } else {
            guard length <= 20 else {
                throw PDUError(.invalidAddress, at: lengthOffset, "address of \(length) semi-octets")
            }
            octets = (length + 1) / 2
        }
        guard reader.remaining >= 1 + octets else {
            throw PDUError(.lengthBeyondData, at: lengthOffset, "address needs \(octets + 1) octets, \(reader.remaining) left")
        }
        let type = try reader.byte()
        let body = try reader.take(octets)
        if (type >> 4) & 0x07 == 5 {
            let count = isServiceCentre ? octets * 8 / 7 : length * 4 / 7
            let septets = GSM7.unpack(body, bitOffset: 0, count: count)
            return PDUAddress(value: GSM7.string(septets), typeOfAddress: type)
        }
        var digits: [UInt8] = []
        digits.reserveCapacity(octets * 2)
        let digitCount = isServiceCentre ? octets * 2 : length
        for i in 0..<digitCount {
            let byte = body[body.startIndex + i / 2]
            let nibble = i & 1 == 0 ? byte & 0x0F : byte >> 4
            if nibble < 0x0F { digits.append(bcdDigits[Int(nibble)]) }  // F is the filler
        }
        return PDUAddress(value: String(decoding: digits, as: UTF8.self), typeOfAddress: type)
    }

    /// Appends the address field: length (semi-octets, or octets for the service centre), type, body.
    func encode(into out: inout [UInt8], isServiceCentre: Bool) throws(PDUError) {
        if kind == .alphanumeric {
            guard let septets = GSM7.septets(value), septets.count <= 11 else {
                throw PDUError(.invalidAddress, at: 0, "alphanumeric address must be at most 11 GSM 7-bit septets")
            }
            var body: [UInt8] = []
            GSM7.pack(septets, into: &body)
            let semiOctets = (septets.count * 7 + 3) / 4
            out.append(UInt8(isServiceCentre ? body.count + 1 : semiOctets))
            out.append(typeOfAddress)
            out.append(contentsOf: body)
            return
        }
        var nibbles: [UInt8] = []
        nibbles.reserveCapacity(value.utf8.count)
        for (index, c) in value.utf8.enumerated() {
            guard let digit = PDUAddress.bcdDigits.firstIndex(of: c) else {
                throw PDUError(.invalidAddress, at: index, "'\(Character(Unicode.Scalar(c)))' cannot be sent in a number")
            }
            nibbles.append(UInt8(digit))
        }
        guard nibbles.count <= 20 else {
            throw PDUError(.invalidAddress, at: 20, "a number has at most 20 digits")
        }
        let octets = (nibbles.count + 1) / 2
        out.append(UInt8(isServiceCentre ? octets + 1 : nibbles.count))
        out.append(typeOfAddress)
        var i = 0
        while i < nibbles.count {
            let lo = nibbles[i]
            let hi = i + 1 < nibbles.count ? nibbles[i + 1] : 0x0F
            out.append(hi << 4 | lo)
            i += 2
        }
    }
}
