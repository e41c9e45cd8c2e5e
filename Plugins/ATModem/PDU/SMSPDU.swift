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

    /// Decodes the PDU line of a `+CMGR`, `+CMGL` or `+CMT` answer as a modem hands it over.
    ///
    /// What is accepted beyond ``init(hex:)``:
    /// - the line is read up to its first character that is not a hex digit (a stray Ctrl-Z, `OK` run into
    ///   the line, noise): the hex digits before it are the PDU, and a lone last digit is left out;
    /// - with `tpduLength`, exactly that many octets after the service-centre part are decoded and any octets
    ///   after them ignored; and since the header vouches that they are the whole message, user data shorter
    ///   than TP-UDL was sent so and is read as far as it goes (``DeliverPDU/missingUserDataOctets`` says
    ///   what is read). Without a length, a line cut on its way from the modem cannot be told from such a
    ///   message, and short user data is an error (`.lengthBeyondData` at TP-UDL), so that the port reads it
    ///   again rather than act on a cut text;
    /// - as for every PDU: time stamps that cannot be read (``DeliverPDU/timestamp`` nil, or its zone nil).
    /// - Parameters:
    ///   - line: the PDU line (service-centre part first).
    ///   - tpduLength: the `<length>` field of the header before the line (TS 27.005 §3.1; the headers:
    ///     §3.4.1 `+CMT`, §3.4.2 `+CMGL`, §3.4.3 `+CMGR`; ``ATResponseParser/StoredPDU/tpduLength`` and
    ///     ``ATResponseParser/tpduLength(direct:)`` read it): the TPDU's octets, the service-centre part not
    ///     counted. nil decodes every octet of the line; a negative length reads as 0.
    /// - Throws: ``PDUError``; `.truncated` at the end of the line's octets when they are fewer than the
    ///   service-centre part and `tpduLength` octets; otherwise as ``init(bytes:)``.
    public init(line: String, tpduLength: Int?) throws(PDUError) {
        try self.init(bytes: Hex.leadingBytes(line), tpduLength: tpduLength)
    }

    public init(bytes: [UInt8]) throws(PDUError) {
        try self.init(bytes: bytes, tpduLength: nil)
    }

    init(bytes: [UInt8], tpduLength: Int?) throws(PDUError) {
        var reader = ByteReader(bytes)
        let serviceCentre = try PDUAddress.decode(&reader, isServiceCentre: true)
        if let tpduLength {
            guard tpduLength <= reader.remaining else {
                throw PDUError(
                    .truncated, at: bytes.count, "the header names \(tpduLength) TPDU octets, the line holds \(reader.remaining)")
            }
            reader = ByteReader(Array(bytes[..<(reader.offset + max(0, tpduLength))]), offset: reader.offset, isComplete: true)
        }
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
        let headerOctets = UserDataHeader(
            elements: [Concatenation(reference: reference, total: 1, sequence: 1, hasSixteenBitReference: sixteenBitReference).informationElement]
        ).encoded.count
        let ranges = prepared.partRanges(headerOctets: headerOctets)
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
