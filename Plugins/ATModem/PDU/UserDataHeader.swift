/// The concatenation information of one part of a long SMS (IE 00 with an 8-bit reference, IE 08 with a
/// 16-bit one).
public struct Concatenation: Hashable, Sendable {
    public var reference: UInt16
    /// Number of parts, 1…255.
    public var total: Int
    /// This part's number, 1…total.
    public var sequence: Int
    public var hasSixteenBitReference: Bool

    public init(reference: UInt16, total: Int, sequence: Int, hasSixteenBitReference: Bool = false) {
        self.reference = reference
        self.total = total
        self.sequence = sequence
        self.hasSixteenBitReference = hasSixteenBitReference
    }

    /// The information element as it goes into a UDH: `00 03 ref total seq` or `08 04 refHi refLo total seq`.
    var informationElement: InformationElement {
        if hasSixteenBitReference {
            return InformationElement(
                identifier: 0x08,
                data: [UInt8(reference >> 8), UInt8(reference & 0xFF), UInt8(total), UInt8(sequence)])
        }
        return InformationElement(identifier: 0x00, data: [UInt8(reference & 0xFF), UInt8(total), UInt8(sequence)])
    }
}

/// One information element of a user data header.
public struct InformationElement: Hashable, Sendable {
    public var identifier: UInt8
    public var data: [UInt8]

    public init(identifier: UInt8, data: [UInt8]) {
        self.identifier = identifier
        self.data = data
    }
}

/// TP-UDH: the information elements in front of the user data.
public struct UserDataHeader: Hashable, Sendable {
    public var elements: [InformationElement]

    public init(elements: [InformationElement]) { self.elements = elements }

    /// The last valid concatenation element. An element with a zero total, or a sequence number of 0 or above
    /// the total, is ignored, as TS 23.040 §9.2.3.24.1 asks.
    public var concatenation: Concatenation? {
        var result: Concatenation? = nil
        for element in elements {
            let concatenation: Concatenation
            switch element.identifier {
            case 0x00 where element.data.count == 3:
                concatenation = Concatenation(
                    reference: UInt16(element.data[0]), total: Int(element.data[1]), sequence: Int(element.data[2]))
            case 0x08 where element.data.count == 4:
                concatenation = Concatenation(
                    reference: UInt16(element.data[0]) << 8 | UInt16(element.data[1]), total: Int(element.data[2]),
                    sequence: Int(element.data[3]), hasSixteenBitReference: true)
            default: continue
            }
            if concatenation.total > 0, concatenation.sequence >= 1, concatenation.sequence <= concatenation.total {
                result = concatenation
            }
        }
        return result
    }

    /// Parses the header in `bytes` (UDHL first); `base` is the offset of the UDHL octet in the PDU.
    /// Known elements (00, 08) must have their fixed lengths.
    static func decode(_ bytes: ArraySlice<UInt8>, base: Int) throws(PDUError) -> UserDataHeader {
        var elements: [InformationElement] = []
        var i = bytes.startIndex + 1
        let end = bytes.endIndex
        while i < end {
            guard i + 1 < end else {
                throw PDUError(.invalidUserDataHeader, at: base + (i - bytes.startIndex), "element header overruns the UDH")
            }
            let identifier = bytes[i]
            let length = Int(bytes[i + 1])
            guard i + 2 + length <= end else {
                throw PDUError(.invalidUserDataHeader, at: base + (i - bytes.startIndex), "element \(identifier) of \(length) octets overruns the UDH")
            }
            if (identifier == 0x00 && length != 3) || (identifier == 0x08 && length != 4) {
                throw PDUError(.invalidUserDataHeader, at: base + (i - bytes.startIndex), "concatenation element \(identifier) of length \(length)")
            }
            elements.append(InformationElement(identifier: identifier, data: Array(bytes[(i + 2)..<(i + 2 + length)])))
            i += 2 + length
        }
        return UserDataHeader(elements: elements)
    }

    /// The header with its UDHL octet.
    var encoded: [UInt8] {
        var out: [UInt8] = [0]
        for element in elements {
            out.append(element.identifier)
            out.append(UInt8(element.data.count))
            out.append(contentsOf: element.data)
        }
        out[0] = UInt8(out.count - 1)
        return out
    }
}
