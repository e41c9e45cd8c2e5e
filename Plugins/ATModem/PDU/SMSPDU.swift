/// A PDU as `+CMGR`/`+CMGL`/`+CMT` hand it over (service-centre address first), by message type.
public enum SMSPDU: Hashable, Sendable {
    case deliver(DeliverPDU)
    /// A stored outgoing message (SIM storage keeps them beside received ones).
    case submit(SubmitPDU)
    /// A delivery report: the controller recognises and ignores it.
    case statusReport(StatusReportPDU)

    /// Decodes a hex PDU.
    /// - Throws: ``PDUError`` with the byte offset of the fault; never traps on any input.
    public init(hex: String) throws(PDUError) {
        try self.init(bytes: Hex.bytes(hex))
    }

    public init(bytes: [UInt8]) throws(PDUError) {
        var reader = ByteReader(bytes)
        let serviceCentre = try PDUAddress.decode(&reader, isServiceCentre: true)
        let firstOctetOffset = reader.offset
        let firstOctet = try reader.byte()
        switch firstOctet & 0x03 {
        case 0: self = .deliver(try DeliverPDU(&reader, serviceCentre: serviceCentre, firstOctet: firstOctet))
        case 1: self = .submit(try SubmitPDU(&reader, serviceCentre: serviceCentre, firstOctet: firstOctet))
        case 2: self = .statusReport(try StatusReportPDU(&reader, serviceCentre: serviceCentre, firstOctet: firstOctet))
        default:
            throw PDUError(.unsupportedMessageType, at: firstOctetOffset, "reserved message type indicator 3")
        }
    }

    /// The whole PDU as decoded.
    public var raw: [UInt8] {
        switch self {
        case .deliver(let pdu): return pdu.raw
        case .submit(let pdu): return pdu.raw
        case .statusReport(let pdu): return pdu.raw
        }
    }
}

/// An encoded PDU ready for `AT+CMGS=<tpduLength>` followed by `hex` and Ctrl-Z.
public struct EncodedPDU: Hashable, Sendable {
    /// The whole PDU, service-centre address (usually the single octet 00) first.
    public let bytes: [UInt8]
    /// Octets after the service-centre address: the number `AT+CMGS` wants.
    public let tpduLength: Int
    /// Concatenation of this part, nil for a single-part message.
    public let concatenation: Concatenation?
    public let alphabet: DataCodingScheme.Alphabet

    /// The PDU in upper-case hex.
    public var hex: String { Hex.string(bytes) }
}

extension EncodedPDU {
    /// Builds the parts of a message: `body(part, header, &out)` appends everything up to the DCS and
    /// `PreparedText` appends UDL and UD.
    static func parts(
        _ text: String, reference: UInt16, sixteenBitReference: Bool = false, serviceCentre: PDUAddress?,
        body: (_ udhi: Bool, _ dcs: UInt8, _ out: inout [UInt8]) throws(PDUError) -> Void
    ) throws(PDUError) -> [EncodedPDU] {
        let prepared = PreparedText(text)
        let ranges = prepared.partRanges()
        guard ranges.count <= 255 else {
            throw PDUError(.textTooLong, at: ranges[255].lowerBound, "the text needs \(ranges.count) parts, at most 255 fit")
        }
        var scaBytes: [UInt8] = [0]
        if let serviceCentre {
            scaBytes.removeAll()
            try serviceCentre.encode(into: &scaBytes, isServiceCentre: true)
        }
        let dcs: UInt8 = prepared.alphabet == .gsm7 ? 0x00 : 0x08
        var parts: [EncodedPDU] = []
        parts.reserveCapacity(ranges.count)
        for (index, range) in ranges.enumerated() {
            var out = scaBytes
            out.reserveCapacity(scaBytes.count + 40 + range.count * 2)
            var concatenation: Concatenation? = nil
            var header: [UInt8]? = nil
            if ranges.count > 1 {
                let c = Concatenation(
                    reference: reference, total: ranges.count, sequence: index + 1,
                    hasSixteenBitReference: sixteenBitReference)
                concatenation = c
                header = UserDataHeader(elements: [c.informationElement]).encoded
            }
            try body(header != nil, dcs, &out)
            prepared.encodePart(range, header: header, into: &out)
            parts.append(
                EncodedPDU(
                    bytes: out, tpduLength: out.count - scaBytes.count, concatenation: concatenation,
                    alphabet: prepared.alphabet))
        }
        return parts
    }
}
