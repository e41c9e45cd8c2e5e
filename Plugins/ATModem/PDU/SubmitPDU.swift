import SocketCore

/// TP-VP of an SMS-SUBMIT.
public enum ValidityPeriod: Hashable, Sendable {
    /// Relative format octet: 0–143 = (n+1)·5 minutes, 144–167 = 12 h + (n−143)·30 min, 168–196 = (n−166)
    /// days, 197–255 = (n−192) weeks. 0xA7 = 24 hours, 0xAA = 4 days.
    case relative(UInt8)
    case absolute(NetworkTimestamp)
    /// The seven octets of the enhanced format, uninterpreted.
    case enhanced([UInt8])

    var formatBits: UInt8 {
        switch self {
        case .relative: return 0x10
        case .enhanced: return 0x08
        case .absolute: return 0x18
        }
    }
}

/// An SMS-SUBMIT: a message for the network to send.
public struct SubmitPDU: Hashable, Sendable {
    public var serviceCentre: PDUAddress?
    public var firstOctet: UInt8
    /// TP-MR (0 lets the modem choose).
    public var messageReference: UInt8
    public var destination: PDUAddress
    public var protocolIdentifier: UInt8
    public var dataCoding: DataCodingScheme
    public var validityPeriod: ValidityPeriod?
    public var header: UserDataHeader?
    public var text: String
    public var data: [UInt8]?
    public var raw: [UInt8]

    public var concatenation: Concatenation? { header?.concatenation }
    public var requestsStatusReport: Bool { firstOctet & 0x20 != 0 }

    init(_ reader: inout ByteReader, serviceCentre: PDUAddress?, firstOctet: UInt8) throws(PDUError) {
        self.serviceCentre = serviceCentre
        self.firstOctet = firstOctet
        messageReference = try reader.byte()
        destination = try PDUAddress.decode(&reader, isServiceCentre: false)!
        protocolIdentifier = try reader.byte()
        let dcsOffset = reader.offset
        dataCoding = DataCodingScheme(rawValue: try reader.byte())
        switch (firstOctet >> 3) & 0x03 {
        case 2: validityPeriod = .relative(try reader.byte())
        case 1: validityPeriod = .enhanced(Array(try reader.take(7)))
        case 3: validityPeriod = .absolute(try SCTS.decode(&reader).get())
        default: validityPeriod = nil
        }
        let userData = try UserData.decode(
            &reader, dcs: dataCoding, dcsOffset: dcsOffset, hasHeader: firstOctet & 0x40 != 0)
        header = userData.header
        text = userData.text
        data = userData.data
        raw = reader.bytes
    }

    /// Encodes `text` for `AT+CMGS`: GSM 7-bit when every character fits (extension characters take two
    /// septets), else UCS2; texts longer than one SMS become concatenated parts (153 septets / 67 UTF-16
    /// units each) with the 8-bit `reference`.
    /// - Parameters:
    ///   - destination: `+` and digits (international), or digits (unknown type).
    ///   - validityPeriod: nil leaves TP-VP out (first octet 0x01).
    /// - Returns: the parts, each with its hex PDU (SCA `00` first) and the TPDU length for `AT+CMGS`.
    public static func encode(
        text: String, to destination: String, reference: UInt8 = 0, validityPeriod: ValidityPeriod? = nil,
        requestStatusReport: Bool = false
    ) throws(PDUError) -> [EncodedPDU] {
        let address = PDUAddress(number: destination)
        return try EncodedPDU.parts(text, reference: UInt16(reference), serviceCentre: nil) {
            (udhi: Bool, dcs: UInt8, out: inout [UInt8]) throws(PDUError) in
            var first: UInt8 = 0x01 | (validityPeriod?.formatBits ?? 0)
            if udhi { first |= 0x40 }
            if requestStatusReport { first |= 0x20 }
            out.append(first)
            out.append(0x00)  // TP-MR: the modem sets it
            try address.encode(into: &out, isServiceCentre: false)
            out.append(0x00)
            out.append(dcs)
            switch validityPeriod {
            case .relative(let octet): out.append(octet)
            case .absolute(let timestamp): SCTS.encode(timestamp, into: &out)
            case .enhanced(let octets): out.append(contentsOf: (octets + [UInt8](repeating: 0, count: 7)).prefix(7))
            case nil: break
            }
        }
    }
}
