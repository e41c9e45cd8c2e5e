import SocketCore
import Testing
@testable import ATModem

/// What real modems and SMS centres send that is not quite TS 23.040, and still decodes (issue 7, item 1).
@Suite struct PDUQuirkTests {
    /// An SMS-DELIVER "STATUS" from +3589123456789 whose zone octet is C2, as a live network sent it.
    static let status = "00040D91539821436587F90000621192810015C206536A905A9D02"
    /// DELIVER from +27821234567 up to the DCS (PID 00); the DCS, SCTS, UDL and UD follow.
    static let head = "00040B917228214365F700"
    static let stamp = "31308051206180"

    @Test func zoneOctetC2ReadsAsUnknownZone() throws {
        let pdu = try decodeDeliver(Self.status)
        #expect(pdu.sender.description == "+3589123456789")
        #expect(pdu.text == "STATUS")
        #expect(pdu.timestamp == NetworkTimestamp(local: CivilTime(year: 2026, month: 11, day: 29, hour: 18, minute: 0, second: 51), zoneQuarterHours: nil))
        #expect(pdu.incomingSMS.timestamp?.zoneTag == "+00")
        #expect(pdu.missingUserDataOctets == 0)
    }

    struct Quirk: Sendable, CustomTestStringConvertible {
        var name: String
        var hex: String
        var text: String
        var timestamp: NetworkTimestamp?
        var missing = 0
        var testDescription: String { name }
    }

    static let stamped = pduStamp(2013, 3, 8, 15, 2, 16, zone: 8)
    static let unzoned = NetworkTimestamp(local: stamped.local, zoneQuarterHours: nil)

    @Test(arguments: [
        Quirk(name: "day octet 3A (not decimal): no time stamp", hex: head + "00" + "313A8051206180" + "05D4F29C2E03", text: "Test2"),
        Quirk(name: "month 13: no time stamp", hex: head + "00" + "31318051206180" + "05D4F29C2E03", text: "Test2"),
        Quirk(name: "31 February: no time stamp", hex: head + "00" + "31201351206180" + "05D4F29C2E03", text: "Test2"),
        Quirk(name: "hour 25: no time stamp", hex: head + "00" + "31308052206180" + "05D4F29C2E03", text: "Test2"),
        Quirk(name: "zone A0: zone unknown", hex: head + "00" + "313080512061A0" + "05D4F29C2E03", text: "Test2", timestamp: unzoned),
        Quirk(name: "zone 79 quarters: zone unknown", hex: head + "00" + "31308051206197" + "05D4F29C2E03", text: "Test2", timestamp: unzoned),
        Quirk(
            name: "zone -32 quarters is read", hex: head + "00" + "3130805120612B" + "05D4F29C2E03", text: "Test2",
            timestamp: pduStamp(2013, 3, 8, 15, 2, 16, zone: -32)),
        Quirk(name: "GSM 7-bit UDL 6, 5 octets", hex: head + "00" + stamp + "06D4F29C2E03", text: "Test2", timestamp: stamped, missing: 1),
        Quirk(name: "GSM 7-bit UDL 10, no octet", hex: head + "00" + stamp + "0A", text: "", timestamp: stamped, missing: 9),
        Quirk(name: "GSM 7-bit escape cut off", hex: head + "00" + stamp + "03C10D", text: "A", timestamp: stamped, missing: 1),
        Quirk(name: "UCS2 odd octet cut off", hex: head + "08" + stamp + "060041004200", text: "AB", timestamp: stamped, missing: 1),
        Quirk(name: "UCS2 surrogate pair cut off", hex: head + "08" + stamp + "060061D83D", text: "a", timestamp: stamped, missing: 2),
        Quirk(name: "8-bit data cut off", hex: head + "04" + stamp + "05414243", text: "ABC", timestamp: stamped, missing: 2),
        Quirk(
            name: "header whole, text cut off", hex: "00440B917228214365F70008" + stamp + "0C" + "050003070201" + "00410042",
            text: "AB", timestamp: stamped, missing: 2),
    ])
    func quirks(_ q: Quirk) throws {
        // The SCA is the one octet 00: the header's length is every other octet.
        let pdu = try #require(try SMSPDU(line: q.hex, tpduLength: q.hex.utf8.count / 2 - 1).deliver)
        #expect(pdu.text == q.text)
        #expect(pdu.timestamp == q.timestamp)
        #expect(pdu.missingUserDataOctets == q.missing)
        #expect(pdu.sender.description == "+27821234567")
    }

    @Test func eightBitDataCutOffKeepsTheOctetsPresent() throws {
        let hex = Self.head + "04" + Self.stamp + "05414243"
        #expect(try SMSPDU(line: hex, tpduLength: 22).deliver?.data == [0x41, 0x42, 0x43])
    }

    /// Without a header's length, short user data may be a line cut on its way from the modem: an error,
    /// so that the port reads the message again rather than act on a cut text.
    @Test func shortUserDataNeedsTheHeadersLength() throws {
        let short = Self.head + "00" + Self.stamp + "06D4F29C2E03"
        #expect(throws: PDUError(.lengthBeyondData, at: 19, "")) { try SMSPDU(hex: short) }
        #expect(throws: PDUError(.lengthBeyondData, at: 19, "")) { try SMSPDU(line: short, tpduLength: nil) }
        // The stored message is whole (26 octets after the SCA) but its line lost its last two octets.
        #expect(throws: PDUError(.truncated, at: 25, "")) {
            try SMSPDU(line: String(Self.status.dropLast(4)), tpduLength: 26)
        }
    }

    /// What stays an error: a header that does not fit, a UDL beyond an SMS, odd complete UCS2.
    @Test(arguments: [
        ("header cut off by the end", "00440B917228214365F70008" + stamp + "0C" + "0500030702", PDUError(.lengthBeyondData, at: 19, "")),
        ("header beyond UDL", "00440B917228214365F70008" + stamp + "03" + "050003070201", PDUError(.invalidUserDataHeader, at: 20, "")),
        ("UCS2 odd and complete", head + "08" + stamp + "03004100", PDUError(.invalidUserData, at: 19, "")),
        ("SCTS cut off", head + "00" + "313080", PDUError(.truncated, at: 12, "")),
    ] as [(String, String, PDUError)])
    func stillErrors(name: String, hex: String, error: PDUError) {
        #expect(throws: error) { try SMSPDU(hex: hex) }
    }

    @Test(arguments: [
        ("Ctrl-Z", status + "\u{1A}"),
        ("OK run in", status + "OK"),
        ("a space and noise", status + " ~~"),
        ("CR", status + "\r"),
        ("a lone last digit", status + "0"),
        ("a lone digit then noise", status + "0x"),
        ("leading spaces", "  " + status),
        ("lower case", status.lowercased()),
    ] as [(String, String)])
    func lineWithTrailingGarbageDecodesFromItsHexPrefix(name: String, line: String) throws {
        guard case .deliver(let pdu) = try SMSPDU(line: line, tpduLength: nil) else {
            Issue.record("not a DELIVER")
            return
        }
        #expect(pdu.text == "STATUS")
        #expect(pdu.raw == (try Hex.bytes(Self.status)))
    }

    @Test func tpduLengthDecodesExactlyThoseOctets() throws {
        // 27 octets: the SCA octet 00 and a TPDU of 26.
        guard case .deliver(let exact) = try SMSPDU(line: Self.status + "FFFF", tpduLength: 26) else {
            Issue.record("not a DELIVER")
            return
        }
        #expect(exact.text == "STATUS")
        #expect(exact.raw == (try Hex.bytes(Self.status)))
        // With an SCA: vector 3's SCA is 7 octets, its TPDU 24.
        guard case .deliver(let withSCA) = try SMSPDU(line: Vectors.v3 + "00", tpduLength: 24) else {
            Issue.record("not a DELIVER")
            return
        }
        #expect(withSCA.text == "Test2")
        #expect(withSCA.raw == (try Hex.bytes(Vectors.v3)))
    }

    @Test func tpduLengthCutsTheUserDataTheHeaderDoesNotCount() throws {
        // The header says 25: the last user data octet is not the message's.
        let pdu = try #require(try SMSPDU(line: Self.status, tpduLength: 25).deliver)
        #expect(pdu.text == "STATU")
        #expect(pdu.missingUserDataOctets == 1)
    }

    @Test(arguments: [
        (27, PDUError(.truncated, at: 27, "")),
        (200, PDUError(.truncated, at: 27, "")),
        (5, PDUError(.lengthBeyondData, at: 2, "")),
        (-3, PDUError(.truncated, at: 1, "")),
        (Int.max, PDUError(.truncated, at: 27, "")),
        (Int.min, PDUError(.truncated, at: 1, "")),
    ] as [(Int, PDUError)])
    func tpduLengthThatDoesNotFit(length: Int, error: PDUError) {
        #expect(throws: error) { try SMSPDU(line: Self.status, tpduLength: length) }
    }
}

extension SMSPDU {
    var deliver: DeliverPDU? {
        guard case .deliver(let pdu) = self else { return nil }
        return pdu
    }
}
