import SocketCore
import Testing
@testable import ATModem

@Suite struct PDUDecodeTests {
    struct Expected: Sendable, CustomTestStringConvertible {
        var hex: String
        var serviceCentre: String?
        var firstOctet: UInt8
        var sender: String
        var senderType: UInt8
        var timestamp: NetworkTimestamp
        var text: String
        var concatenation: Concatenation? = nil
        var alphabet: DataCodingScheme.Alphabet = .gsm7
        var testDescription: String { text }
    }

    /// Section D vectors 1–9: every field the table names.
    @Test(arguments: [
        Expected(
            hex: Vectors.v1, serviceCentre: "+27381000015", firstOctet: 0x04, sender: "27838890001", senderType: 0xC8,
            timestamp: pduStamp(1999, 3, 29, 15, 16, 59, zone: 8), text: "hellohello"),
        Expected(
            hex: Vectors.v2, serviceCentre: "+447802000332", firstOctet: 0x24, sender: "diafaan", senderType: 0xD0,
            timestamp: pduStamp(2011, 1, 11, 13, 25, 41, zone: 0), text: "diafaan.com"),
        Expected(
            hex: Vectors.v3, serviceCentre: "+2782913593", firstOctet: 0x04, sender: "+27821234567", senderType: 0x91,
            timestamp: pduStamp(2013, 3, 8, 15, 2, 16, zone: 8), text: "Test2"),
        Expected(
            hex: Vectors.v4, serviceCentre: "+85290000000", firstOctet: 0x04, sender: "+85291234567",
            senderType: 0x91, timestamp: pduStamp(2007, 4, 12, 23, 25, 42, zone: 32),
            text: "It is easy to read text messages via AT commands."),
        Expected(
            hex: Vectors.v5, serviceCentre: "+2782913593", firstOctet: 0x04, sender: "+27821234567", senderType: 0x91,
            timestamp: pduStamp(2013, 3, 26, 13, 35, 25, zone: 8), text: "@{tést}!"),
        Expected(
            hex: Vectors.v6, serviceCentre: "+2781191", firstOctet: 0x40, sender: "2781188", senderType: 0x81,
            timestamp: pduStamp(2013, 6, 25, 16, 40, 48, zone: 8),
            text: "Hello!You have R 19.50 FREE airtime available. R 19.50 will expire on 01/07/2013. ",
            concatenation: Concatenation(reference: 0xC3, total: 1, sequence: 1)),
        Expected(
            hex: Vectors.v7, serviceCentre: "+79262000331", firstOctet: 0x40, sender: "Megafon", senderType: 0xD0,
            timestamp: pduStamp(2014, 5, 27, 14, 1, 48, zone: 16),
            text: "SMS code: 4856, confirmation of association between account and Meg",
            concatenation: Concatenation(reference: 0x56, total: 2, sequence: 1), alphabet: .ucs2),
        Expected(
            hex: Vectors.v8, serviceCentre: "+46705008999", firstOctet: 0x04, sender: "+46705930301", senderType: 0x91,
            timestamp: pduStamp(1998, 12, 22, 12, 4, 41, zone: 0), text: "TEST"),
        Expected(
            hex: Vectors.v9, serviceCentre: "+31624000000", firstOctet: 0x04, sender: "+31641600986", senderType: 0x91,
            timestamp: pduStamp(2002, 8, 26, 19, 37, 41, zone: 0), text: "How are you?"),
    ])
    func deliverVectors(_ e: Expected) throws {
        let pdu = try decodeDeliver(e.hex)
        #expect(pdu.serviceCentre?.description == e.serviceCentre)
        #expect(pdu.firstOctet == e.firstOctet)
        #expect(pdu.sender.description == e.sender)
        #expect(pdu.sender.typeOfAddress == e.senderType)
        #expect(pdu.timestamp == e.timestamp)
        #expect(pdu.text == e.text)
        #expect(pdu.concatenation == e.concatenation)
        #expect(pdu.dataCoding.alphabet == e.alphabet)
        #expect(pdu.raw == (try Hex.bytes(e.hex)))
        #expect(try DeliverPDU(hex: e.hex) == pdu)
    }

    @Test func vector1SenderKindAndCoreEvent() throws {
        let pdu = try decodeDeliver(Vectors.v1)
        #expect(pdu.sender.kind == .subscriber)
        #expect(pdu.protocolIdentifier == 0)
        #expect(!pdu.moreMessagesToSend)
        #expect(pdu.incomingSMS == IncomingSMS(sender: "27838890001", text: "hellohello", timestamp: pdu.timestamp))
    }

    @Test func vector2FirstOctetFlags() throws {
        let pdu = try decodeDeliver(Vectors.v2)
        #expect(pdu.statusReportIndication)
        #expect(pdu.sender.kind == .alphanumeric)
        #expect(!pdu.replyPath)
    }

    @Test func vector6HeaderHasOneElementAndFillBit() throws {
        let pdu = try decodeDeliver(Vectors.v6)
        #expect(pdu.header == UserDataHeader(elements: [InformationElement(identifier: 0, data: [0xC3, 0x01, 0x01])]))
    }

    @Test func vector10IsAStatusReport() throws {
        guard case .statusReport(let report) = try SMSPDU(hex: Vectors.v10) else {
            Issue.record("not a status report")
            return
        }
        #expect(report.serviceCentre == nil)
        #expect(report.messageReference == 214)
        #expect(report.recipient.description == "+31628870634")
        #expect(report.serviceCentreTimestamp == pduStamp(2011, 1, 11, 17, 59, 15, zone: 4))
        #expect(report.dischargeTime == pduStamp(2011, 1, 11, 17, 59, 17, zone: 4))
        #expect(report.status == 0)
        #expect(throws: PDUError(.unexpectedMessageType, at: 1, "")) { try DeliverPDU(hex: Vectors.v10) }
    }

    @Test func vector11IsASubmit() throws {
        guard case .submit(let submit) = try SMSPDU(hex: Vectors.v11) else {
            Issue.record("not a submit")
            return
        }
        #expect(submit.serviceCentre == nil)
        #expect(submit.firstOctet == 0x01)
        #expect(submit.messageReference == 0)
        #expect(submit.destination.description == "+27820001111")
        #expect(submit.validityPeriod == nil)
        #expect(submit.text == "Hello World!")
        #expect(submit.raw.count - 1 == 24)
    }

    // MARK: Vector 12: pieces.

    @Test(arguments: [
        ("E8329BFD4697D9EC37", "hellohello"),
        ("32D0A60C8287E5A0F63B3D07", "2 € par mois"),
    ])
    func packedGSM7Pieces(hex: String, text: String) throws {
        let bytes = try Hex.bytes(hex)
        #expect(GSM7.string(GSM7.unpack(bytes[...], bitOffset: 0, count: bytes.count * 8 / 7)) == text)
        var packed: [UInt8] = []
        GSM7.pack(GSM7.septets(text)!, into: &packed)
        #expect(packed == bytes)
    }

    @Test(arguments: [
        ("0003170301", Concatenation(reference: 23, total: 3, sequence: 1)),
        ("080401800402", Concatenation(reference: 384, total: 4, sequence: 2, hasSixteenBitReference: true)),
    ])
    func concatenationElements(hex: String, expected: Concatenation) throws {
        let body = try Hex.bytes(hex)
        let header = try UserDataHeader.decode([UInt8(body.count)][...] + body[...], base: 0)
        #expect(header.concatenation == expected)
        #expect(UserDataHeader(elements: [expected.informationElement]).encoded == [UInt8(body.count)] + body)
    }

    @Test(arguments: [
        ("51117200000080", pduStamp(2015, 11, 27, 0, 0, 0, zone: 8)),
        ("7040213252242B", pduStamp(2007, 4, 12, 23, 25, 42, zone: -32)),
        ("99309251619580", pduStamp(1999, 3, 29, 15, 16, 59, zone: 8)),
        ("20806291731408", pduStamp(2002, 8, 26, 19, 37, 41, zone: 0)),
        ("96211331959500", pduStamp(2069, 12, 31, 13, 59, 59, zone: 0)),
        ("07101000000000", pduStamp(1970, 1, 1, 0, 0, 0, zone: 0)),
    ])
    func timestamps(hex: String, expected: NetworkTimestamp) throws {
        var reader = ByteReader(try Hex.bytes(hex))
        #expect(try SCTS.decode(&reader).get() == expected)
        var out: [UInt8] = []
        SCTS.encode(expected, into: &out)
        // -0 (octet 08) re-encodes as +0.
        #expect(Hex.string(out) == (hex == "20806291731408" ? "20806291731400" : hex))
    }

    // MARK: Data coding schemes.

    struct DCSCase: Sendable {
        var raw: UInt8
        var alphabet: DataCodingScheme.Alphabet
        var messageClass: Int?
        var waiting: DataCodingScheme.MessageWaiting? = nil
        var compressed = false
        var autoDelete = false
    }

    @Test(arguments: [
        DCSCase(raw: 0x00, alphabet: .gsm7),
        DCSCase(raw: 0x04, alphabet: .eightBit),
        DCSCase(raw: 0x08, alphabet: .ucs2),
        DCSCase(raw: 0x0C, alphabet: .gsm7),
        DCSCase(raw: 0x10, alphabet: .gsm7, messageClass: 0),
        DCSCase(raw: 0x12, alphabet: .gsm7, messageClass: 2),
        DCSCase(raw: 0x18, alphabet: .ucs2, messageClass: 0),
        DCSCase(raw: 0x20, alphabet: .gsm7, compressed: true),
        DCSCase(raw: 0x48, alphabet: .ucs2, autoDelete: true),
        DCSCase(raw: 0x80, alphabet: .gsm7),
        DCSCase(
            raw: 0xC0, alphabet: .gsm7,
            waiting: .init(isActive: false, kind: .voicemail, storeMessage: false)),
        DCSCase(raw: 0xD9, alphabet: .gsm7, waiting: .init(isActive: true, kind: .fax, storeMessage: true)),
        DCSCase(raw: 0xEA, alphabet: .ucs2, waiting: .init(isActive: true, kind: .email, storeMessage: true)),
        DCSCase(raw: 0xF0, alphabet: .gsm7, messageClass: 0),
        DCSCase(raw: 0xF6, alphabet: .eightBit, messageClass: 2),
    ])
    func dataCodingSchemes(_ c: DCSCase) {
        let dcs = DataCodingScheme(rawValue: c.raw)
        #expect(dcs.alphabet == c.alphabet)
        #expect(dcs.messageClass == c.messageClass)
        #expect(dcs.messageWaiting == c.waiting)
        #expect(dcs.isCompressed == c.compressed)
        #expect(dcs.isAutoDelete == c.autoDelete)
    }

    @Test func eightBitDataKeepsItsOctets() throws {
        // Vector 3 with DCS 04 and the 5 octets D4 F2 9C 2E 03 read as data.
        let hex = "06917228195339040B917228214365F700043130805120618005D4F29C2E03"
        let pdu = try decodeDeliver(hex)
        #expect(pdu.data == [0xD4, 0xF2, 0x9C, 0x2E, 0x03])
        #expect(pdu.text.unicodeScalars.map(\.value) == [0xD4, 0xF2, 0x9C, 0x2E, 0x03])
    }

    @Test func ucs2SurrogatePairs() throws {
        // "a😀" in UCS2: 0061 D83D DE00; a lone high surrogate becomes U+FFFD.
        let base = "00040B917228214365F70008313080512061800"
        #expect(try decodeDeliver(base + "6" + "0061D83DDE00").text == "a😀")
        #expect(try decodeDeliver(base + "4" + "D83D0062").text == "\u{FFFD}b")
    }

    @Test func unknownEscapeShowsTheBaseCharacter() throws {
        // Septets 1B 41 ("A" after escape: not in the extension table), 1B 65 (€).
        var packed: [UInt8] = []
        GSM7.pack([0x1B, 0x41, 0x1B, 0x65], into: &packed)
        let hex = "00040B917228214365F7000031308051206180" + "04" + Hex.string(packed)
        #expect(try decodeDeliver(hex).text == "A€")
    }

    @Test func sixteenBitConcatenationInGSM7() throws {
        let hex = try DeliverPDU.encode(
            text: String(repeating: "x", count: 200), from: PDUAddress(number: "+123"),
            timestamp: pduStamp(2020, 1, 1, 0, 0, 0, zone: 0), reference: 0x1234, sixteenBitReference: true)
        #expect(hex.count == 2)
        let second = try DeliverPDU(bytes: hex[1].bytes)
        #expect(second.concatenation == Concatenation(reference: 0x1234, total: 2, sequence: 2, hasSixteenBitReference: true))
        #expect(second.text == String(repeating: "x", count: 48))  // 152 septets beside the 7-octet header
    }
}
