import SocketCore
import Testing
@testable import ATModem

/// Every part the encoder makes fits one SMS with its concatenation header, whatever the length, alphabet and
/// reference size, and the parts go back together (TS 23.040 §9.2.3.16: 160 septets / 140 octets of TP-UD).
@Suite struct PDUPartSizeTests {
    static let stamp = pduStamp(2026, 1, 5, 8, 0, 0, zone: 8)
    static let sender = PDUAddress(number: "+3581")
    /// Where TP-UDL is in a DELIVER from `sender`: SCA 00, first octet, OA (4 octets), PID, DCS, SCTS (7).
    static let udlIndex = 15

    struct Alphabet: Sendable, CustomTestStringConvertible {
        var name: String
        /// The text of `length` characters (units for UCS2, septets for GSM 7-bit, before pairs are counted).
        var text: @Sendable (Int) -> String
        var maximumLength: Int
        var testDescription: String { name }
    }

    @Test(arguments: [
        Alphabet(name: "GSM 7-bit a", text: { String(repeating: "a", count: $0) }, maximumLength: 480),
        Alphabet(name: "GSM 7-bit with escapes", text: { String("ab€{".cycled($0)) }, maximumLength: 480),
        Alphabet(name: "UCS2 ж", text: { String(repeating: "ж", count: $0) }, maximumLength: 210),
        Alphabet(name: "UCS2 with surrogate pairs", text: { String("ж😀a".cycled($0)) }, maximumLength: 210),
    ])
    func everyPartFitsAndReassembles(_ alphabet: Alphabet) throws {
        for sixteenBit in [false, true] {
            for length in 1...alphabet.maximumLength {
                let text = alphabet.text(length)
                let parts = try DeliverPDU.encode(
                    text: text, from: Self.sender, timestamp: Self.stamp, reference: 0x1234, sixteenBitReference: sixteenBit)
                var reassembler = ConcatenationReassembler<PDUTestInstant>(timeout: .seconds(60))
                var message: ReassembledMessage? = nil
                for part in parts.reversed() {
                    let udl = Int(part.bytes[Self.udlIndex])
                    let userDataOctets = part.bytes.count - Self.udlIndex - 1
                    if part.alphabet == .gsm7 {
                        #expect(udl <= 160 && userDataOctets == (udl * 7 + 7) / 8, "\(alphabet.name) \(length) \(sixteenBit)")
                    } else {
                        #expect(udl <= 140 && userDataOctets == udl, "\(alphabet.name) \(length) \(sixteenBit)")
                    }
                    let pdu = try DeliverPDU(bytes: part.bytes)
                    #expect(pdu.concatenation?.hasSixteenBitReference ?? sixteenBit == sixteenBit)
                    #expect(pdu.missingUserDataOctets == 0)
                    let result = reassembler.receive(pdu, at: PDUTestInstant(seconds: 0))
                    #expect(result.evicted == nil)
                    message = result.message ?? message
                }
                #expect(message?.text == text, "\(alphabet.name) \(length) \(sixteenBit)")
                #expect(reassembler.pendingSetCount == 0)
            }
        }
    }

    @Test(arguments: [
        ("a", 161, false, [153, 8]), ("a", 161, true, [152, 9]), ("a", 304, true, [152, 152]), ("a", 305, true, [152, 152, 1]),
        ("ж", 71, false, [67, 4]), ("ж", 71, true, [66, 5]), ("ж", 132, true, [66, 66]), ("ж", 133, true, [66, 66, 1]),
    ] as [(Character, Int, Bool, [Int])])
    func partLengths(character: Character, count: Int, sixteenBit: Bool, lengths: [Int]) throws {
        let parts = try DeliverPDU.encode(
            text: String(repeating: character, count: count), from: Self.sender, timestamp: Self.stamp,
            sixteenBitReference: sixteenBit)
        #expect(try parts.map { try DeliverPDU(bytes: $0.bytes).text.count } == lengths)
    }

    @Test func submitPartsFitToo() throws {
        for text in [String(repeating: "a", count: 161), String(repeating: "ж", count: 71), String("x€".cycled(400))] {
            for part in try SubmitPDU.encode(text: text, to: "+3581", reference: 9) {
                // SUBMIT without TP-VP: SCA, first octet, MR, DA (4), PID, DCS, then TP-UDL.
                let udl = Int(part.bytes[9])
                #expect(part.alphabet == .gsm7 ? udl <= 160 : udl <= 140)
                #expect(part.bytes.count - 10 <= 140)
            }
        }
    }
}

extension String {
    /// The first `count` characters of this string repeated.
    func cycled(_ count: Int) -> Substring {
        String(repeating: self, count: count / self.count + 1).prefix(count)
    }
}
