import SocketCore
import Testing
@testable import ATModem

/// Messages that are not text commands (spec §5 A69), built by hand after TS 23.040 §9.2.3.9 (TP-PID),
/// §9.2.3.24 (information elements) and TS 23.038 §4 (TP-DCS).
@Suite struct PDUNonCommandTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var hex: String
        var reason: NonCommandReason?
        var testDescription: String { name }

        /// A DELIVER from +27821234567 with `pid`, `dcs`, TP-UDL `udl` and the user data `ud`; TP-UDHI set when
        /// `header`.
        init(_ name: String, pid: UInt8 = 0, dcs: UInt8, header: Bool = false, udl: Int, ud: String, _ reason: NonCommandReason?) {
            self.name = name
            hex = "00" + (header ? "44" : "04") + "0B917228214365F7" + Hex.string([pid, dcs]) + "31308051206180"
                + Hex.string([UInt8(udl)]) + ud
            self.reason = reason
        }
    }

    @Test(arguments: [
        // Ordinary texts: may be commands.
        Case("GSM 7-bit text", dcs: 0x00, udl: 7, ud: "31D98C067A3A01", nil),
        Case("UCS2 text", dcs: 0x08, udl: 4, ud: "00410042", nil),
        Case("class 1 text", dcs: 0x11, udl: 2, ud: "C824", nil),
        Case("class 2 text, PID 00 (stored on the SIM, still text)", dcs: 0xF2, udl: 2, ud: "C824", nil),
        Case("reserved DCS group 1000", dcs: 0x80, udl: 2, ud: "C824", nil),
        Case("telematic PID 0x32 (e-mail)", pid: 0x32, dcs: 0x00, udl: 2, ud: "C824", nil),
        Case("concatenation header only", dcs: 0x08, header: true, udl: 8, ud: "050003070101" + "0041", nil),
        // Empty.
        Case("no user data", dcs: 0x00, udl: 0, ud: "", .emptyBody),
        Case("space, LF, space", dcs: 0x00, udl: 3, ud: "200508", .emptyBody),
        Case("UCS2 space, CR, LF, no-break space", dcs: 0x08, udl: 8, ud: "0020000D000A00A0", .emptyBody),
        Case("header and no text", dcs: 0x08, header: true, udl: 6, ud: "050003070101", .emptyBody),
        // Binary: 8-bit coding in every group that has it, application ports.
        Case("DCS 0x04 8-bit", dcs: 0x04, udl: 3, ud: "414243", .binaryData),
        Case("DCS 0x15 8-bit class 1", dcs: 0x15, udl: 3, ud: "414243", .binaryData),
        Case("DCS 0x44 8-bit auto-delete", dcs: 0x44, udl: 3, ud: "414243", .binaryData),
        Case("DCS 0xF4 8-bit class 0", dcs: 0xF4, udl: 3, ud: "414243", .binaryData),
        Case("DCS 0xF6 8-bit class 2, PID 00", dcs: 0xF6, udl: 3, ud: "414243", .binaryData),
        Case("WAP push: 16-bit ports 2948", dcs: 0x08, header: true, udl: 9, ud: "0605040B8423F0" + "0041", .binaryData),
        Case("picture message: 8-bit ports", dcs: 0x08, header: true, udl: 7, ud: "040402E200" + "0041", .binaryData),
        // Message waiting.
        Case("DCS 0xC0 discard, voice mail off", dcs: 0xC0, udl: 2, ud: "C824", .messageWaiting),
        Case("DCS 0xC8 discard, voice mail on", dcs: 0xC8, udl: 0, ud: "", .messageWaiting),
        Case("DCS 0xD9 store, fax on", dcs: 0xD9, udl: 2, ud: "C824", .messageWaiting),
        Case("DCS 0xE0 store UCS2", dcs: 0xE0, udl: 2, ud: "0041", .messageWaiting),
        Case("special SMS indication IEI 01", dcs: 0x08, header: true, udl: 7, ud: "0401028001" + "0041", .messageWaiting),
        Case("enhanced voice mail IEI 23", dcs: 0x08, header: true, udl: 6, ud: "0323010A" + "0041", .messageWaiting),
        Case("return call PID 0x5F", pid: 0x5F, dcs: 0x00, udl: 2, ud: "C824", .messageWaiting),
        // Data downloads.
        Case("(U)SIM data download PID 0x7F, class 2 8-bit", pid: 0x7F, dcs: 0xF6, udl: 3, ud: "414243", .dataDownload),
        Case("ANSI-136 R-DATA PID 0x7C", pid: 0x7C, dcs: 0xF6, udl: 3, ud: "414243", .dataDownload),
        Case("ME data download PID 0x7D", pid: 0x7D, dcs: 0x04, udl: 3, ud: "414243", .dataDownload),
        Case("ME de-personalization PID 0x7E", pid: 0x7E, dcs: 0x00, udl: 2, ud: "C824", .dataDownload),
        // Replace and type 0.
        Case("replace type 1 PID 0x41", pid: 0x41, dcs: 0x00, udl: 2, ud: "C824", .replaceMessage(type: 1)),
        Case("replace type 7 PID 0x47", pid: 0x47, dcs: 0x00, udl: 2, ud: "C824", .replaceMessage(type: 7)),
        Case("type 0 PID 0x40", pid: 0x40, dcs: 0x00, udl: 2, ud: "C824", .typeZero),
        Case("type 0 wins over 8-bit", pid: 0x40, dcs: 0xF6, udl: 0, ud: "", .typeZero),
        Case("PID 0x48 (reserved) is text", pid: 0x48, dcs: 0x00, udl: 2, ud: "C824", nil),
    ])
    func classification(_ c: Case) throws {
        let pdu = try decodeDeliver(c.hex)
        #expect(pdu.notACommand == c.reason)
        #expect(ReassembledMessage(parts: [pdu]).notACommand == c.reason)
    }

    @Test func theLiveStatusMessageIsACandidate() throws {
        #expect(try decodeDeliver(PDUQuirkTests.status).notACommand == nil)
    }

    @Test(arguments: [(UInt8(0x40), NonCommandReason.typeZero), (0x43, .replaceMessage(type: 3)), (0x7F, .dataDownload), (0x5F, .messageWaiting), (0x00, nil)])
    func encodedProtocolIdentifiers(pid: UInt8, reason: NonCommandReason?) throws {
        let parts = try DeliverPDU.encode(
            text: "1234 ON", from: PDUAddress(number: "+3581"), timestamp: pduStamp(2026, 1, 5, 8, 0, 0, zone: 8),
            protocolIdentifier: pid)
        #expect(try DeliverPDU(bytes: parts[0].bytes).notACommand == reason)
    }

    @Test func aWholeMessageAsksEveryPart() throws {
        let stamp = pduStamp(2026, 1, 5, 8, 0, 0, zone: 8)
        func message(_ text: String, pid: UInt8 = 0) throws -> ReassembledMessage {
            ReassembledMessage(
                parts: try DeliverPDU.encode(text: text, from: PDUAddress(number: "+3581"), timestamp: stamp, reference: 4, protocolIdentifier: pid)
                    .map { try DeliverPDU(bytes: $0.bytes) })
        }
        #expect(try message(String(repeating: "ON ", count: 60)).notACommand == nil)
        let spaces = try message(String(repeating: " ", count: 200))
        #expect(spaces.parts.count == 2)
        #expect(spaces.notACommand == .emptyBody)
        // A part of spaces alone is empty; with a part of text, the whole is a candidate.
        let first = try message(String(repeating: " ", count: 153) + String(repeating: "x", count: 47)).parts
        #expect(first[0].notACommand == .emptyBody)
        #expect(ReassembledMessage(parts: first).notACommand == nil)
        #expect(try message(String(repeating: "y", count: 200), pid: 0x40).notACommand == .typeZero)
    }

    @Test func descriptionsArePlainWords() {
        #expect(NonCommandReason.emptyBody.description == "empty message")
        #expect(NonCommandReason.replaceMessage(type: 2).description == "replace-type message (type 2)")
        #expect(NonCommandReason.typeZero.description == "silent type 0 message")
    }
}
