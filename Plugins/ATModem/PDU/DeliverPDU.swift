import SocketCore

/// An SMS-DELIVER: a message the network delivered to us.
public struct DeliverPDU: Hashable, Sendable {
    public var serviceCentre: PDUAddress?
    public var firstOctet: UInt8
    public var sender: PDUAddress
    /// TP-PID; 0x40 is a silent "type 0" message.
    public var protocolIdentifier: UInt8
    public var dataCoding: DataCodingScheme
    /// TP-SCTS, the service centre's time stamp with its zone; nil when a date or time octet is not decimal
    /// or out of range (the message is still read). An unreadable zone alone gives a zone of nil.
    public var timestamp: NetworkTimestamp?
    public var header: UserDataHeader?
    /// The text (for 8-bit data: the octets read as ISO 8859-1).
    public var text: String
    /// The octets after the header for 8-bit data; nil for text.
    public var data: [UInt8]?
    /// Octets of user data that TP-UDL announced and the PDU does not hold; 0 for a complete message.
    ///
    /// Such a PDU decodes only through ``SMSPDU/init(line:tpduLength:)`` with the header's length (which
    /// vouches that the octets are the whole message), and when its header (if TP-UDHI says there is one) is
    /// whole: `text` holds every whole character present — a septet cut short, an escape without its second
    /// septet, the odd octet of a UTF-16 unit and a lead surrogate without its trail are dropped — and 8-bit
    /// `data` every octet present; a header cut off is a ``PDUError`` `.lengthBeyondData`. A cut text can
    /// read as another command (`SWITCHON 10` cut to `SWITCHON 1`): a caller may refuse what is incomplete.
    public var missingUserDataOctets: Int
    /// The PDU as decoded: the service-centre part and the TPDU (exactly `tpduLength` octets of it when
    /// decoded with a header's length).
    public var raw: [UInt8]

    public var concatenation: Concatenation? { header?.concatenation }
    /// TP-MMS is 0: the service centre has more messages waiting.
    public var moreMessagesToSend: Bool { firstOctet & 0x04 == 0 }
    public var statusReportIndication: Bool { firstOctet & 0x20 != 0 }
    public var replyPath: Bool { firstOctet & 0x80 != 0 }

    /// Decodes a DELIVER. - Throws: ``PDUError`` (`.unexpectedMessageType` for a valid PDU of another type).
    public init(hex: String) throws(PDUError) {
        try self.init(bytes: Hex.bytes(hex))
    }

    public init(bytes: [UInt8]) throws(PDUError) {
        guard case .deliver(let pdu) = try SMSPDU(bytes: bytes) else {
            throw PDUError(.unexpectedMessageType, at: bytes.isEmpty ? 0 : Int(bytes[0]) + 1, "not an SMS-DELIVER")
        }
        self = pdu
    }

    init(_ reader: inout ByteReader, serviceCentre: PDUAddress?, firstOctet: UInt8) throws(PDUError) {
        self.serviceCentre = serviceCentre
        self.firstOctet = firstOctet
        sender = try PDUAddress.decode(&reader, isServiceCentre: false)!
        protocolIdentifier = try reader.byte()
        let dcsOffset = reader.offset
        dataCoding = DataCodingScheme(rawValue: try reader.byte())
        timestamp = try SCTS.decode(&reader).success
        let userData = try UserData.decode(
            &reader, dcs: dataCoding, dcsOffset: dcsOffset, hasHeader: firstOctet & 0x40 != 0)
        header = userData.header
        text = userData.text
        data = userData.data
        missingUserDataOctets = userData.missingOctets
        raw = reader.bytes
    }

    /// What the controller's core receives.
    public var incomingSMS: IncomingSMS {
        IncomingSMS(sender: sender.value.isEmpty ? nil : sender.description, text: text, timestamp: timestamp)
    }

    /// Encodes `text` as DELIVER PDUs (for the modem simulator and tests): GSM 7-bit when it fits, else UCS2;
    /// split into concatenated parts with `reference` when it does not fit one SMS.
    public static func encode(
        text: String, from sender: PDUAddress, timestamp: NetworkTimestamp, reference: UInt16 = 0,
        sixteenBitReference: Bool = false, serviceCentre: PDUAddress? = nil, protocolIdentifier: UInt8 = 0
    ) throws(PDUError) -> [EncodedPDU] {
        try EncodedPDU.parts(
            text, reference: reference, sixteenBitReference: sixteenBitReference, serviceCentre: serviceCentre
        ) { (udhi: Bool, dcs: UInt8, out: inout [UInt8]) throws(PDUError) in
            out.append(0x04 | (udhi ? 0x40 : 0))  // DELIVER, no more messages waiting
            try sender.encode(into: &out, isServiceCentre: false)
            out.append(protocolIdentifier)
            out.append(dcs)
            SCTS.encode(timestamp, into: &out)
        }
    }
}
