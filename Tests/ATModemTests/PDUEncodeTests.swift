import SocketCore
import TestSupport
import Testing
@testable import ATModem

@Suite struct PDUEncodeTests {
    @Test func vector11Exactly() throws {
        let parts = try SubmitPDU.encode(text: "Hello World!", to: "+27820001111")
        #expect(parts.count == 1)
        #expect(parts[0].hex == "0001000B917228001011F100000CC8329BFD065DDF72363904")
        #expect(parts[0].tpduLength == 24)
        #expect(parts[0].concatenation == nil)
    }

    @Test func submitWithValidityAndStatusReport() throws {
        // The hardware-notes example: first octet 0x11, relative validity 0xAA.
        let plain = try SubmitPDU.encode(text: "hellohello", to: "+46708251358", validityPeriod: .relative(0xAA))
        #expect(plain[0].hex == "0011000B916407281553F80000AA0AE8329BFD4697D9EC37")
        #expect(plain[0].tpduLength == 23)
        let report = try SubmitPDU.encode(text: "hi", to: "0821234567", requestStatusReport: true)
        guard case .submit(let decoded) = try SMSPDU(bytes: report[0].bytes) else {
            Issue.record("not a submit")
            return
        }
        #expect(decoded.requestsStatusReport)
        #expect(decoded.destination == PDUAddress(value: "0821234567", typeOfAddress: 0x81))
        let absolute = pduStamp(2026, 2, 3, 4, 5, 6, zone: -12)
        let withAbsolute = try SubmitPDU.encode(text: "x", to: "+1", validityPeriod: .absolute(absolute))
        guard case .submit(let decodedAbsolute) = try SMSPDU(bytes: withAbsolute[0].bytes) else { return }
        #expect(decodedAbsolute.validityPeriod == .absolute(absolute))
    }

    @Test(arguments: ["+27820001111", "0821234567", "*100#", "+"])
    func destinationsRoundTrip(_ number: String) throws {
        let parts = try SubmitPDU.encode(text: "t", to: number)
        guard case .submit(let decoded) = try SMSPDU(bytes: parts[0].bytes) else { return }
        #expect(decoded.destination.description == number)
    }

    @Test(arguments: ["+27-82", "12x", "+1234567890123456789012"])
    func badDestinations(_ number: String) {
        #expect(performing: { try SubmitPDU.encode(text: "t", to: number) }, throws: { ($0 as? PDUError)?.code == .invalidAddress })
    }

    struct SplitCase: Sendable, CustomTestStringConvertible {
        var name: String
        var text: String
        var parts: Int
        var alphabet: DataCodingScheme.Alphabet
        var testDescription: String { name }
    }

    static let euroAtBoundary = String(repeating: "a", count: 152) + "€" + String(repeating: "b", count: 10)
    static let emojiAtBoundary = String(repeating: "ж", count: 66) + "😀" + String(repeating: "ы", count: 10)

    @Test(arguments: [
        SplitCase(name: "empty", text: "", parts: 1, alphabet: .gsm7),
        SplitCase(name: "160 septets", text: String(repeating: "a", count: 160), parts: 1, alphabet: .gsm7),
        SplitCase(name: "161 septets", text: String(repeating: "a", count: 161), parts: 2, alphabet: .gsm7),
        SplitCase(name: "306 septets", text: String(repeating: "a", count: 306), parts: 2, alphabet: .gsm7),
        SplitCase(name: "307 septets", text: String(repeating: "a", count: 307), parts: 3, alphabet: .gsm7),
        SplitCase(name: "80 euros = 160 septets", text: String(repeating: "€", count: 80), parts: 1, alphabet: .gsm7),
        SplitCase(name: "81 euros", text: String(repeating: "€", count: 81), parts: 2, alphabet: .gsm7),
        SplitCase(name: "escape at boundary", text: euroAtBoundary, parts: 2, alphabet: .gsm7),
        SplitCase(name: "70 UCS2", text: String(repeating: "ж", count: 70), parts: 1, alphabet: .ucs2),
        SplitCase(name: "71 UCS2", text: String(repeating: "ж", count: 71), parts: 2, alphabet: .ucs2),
        SplitCase(name: "35 emoji = 70 units", text: String(repeating: "😀", count: 35), parts: 1, alphabet: .ucs2),
        SplitCase(name: "36 emoji", text: String(repeating: "😀", count: 36), parts: 2, alphabet: .ucs2),
        SplitCase(name: "surrogate at boundary", text: emojiAtBoundary, parts: 2, alphabet: .ucs2),
        SplitCase(name: "one non-GSM char", text: String(repeating: "a", count: 100) + "ç", parts: 2, alphabet: .ucs2),
    ])
    func splitting(_ c: SplitCase) throws {
        let stamp = pduStamp(2024, 2, 29, 23, 59, 59, zone: -20)
        let submits = try SubmitPDU.encode(text: c.text, to: "+3589123456789", reference: 77)
        let delivers = try DeliverPDU.encode(text: c.text, from: PDUAddress(number: "+3589123456789"), timestamp: stamp, reference: 77)
        #expect(submits.count == c.parts)
        #expect(delivers.count == c.parts)
        var texts: [String] = []
        for (index, part) in delivers.enumerated() {
            #expect(part.alphabet == c.alphabet)
            #expect(part.tpduLength <= 140 + 28)
            let pdu = try DeliverPDU(bytes: part.bytes)
            #expect(pdu.timestamp == stamp)
            #expect(pdu.sender.description == "+3589123456789")
            if c.parts > 1 {
                #expect(pdu.concatenation == Concatenation(reference: 77, total: c.parts, sequence: index + 1))
                #expect(submits[index].concatenation == pdu.concatenation)
            } else {
                #expect(pdu.header == nil)
            }
            // No part ends in a lone escape or lead surrogate: every part decodes on its own to whole characters.
            #expect(!pdu.text.unicodeScalars.contains("\u{FFFD}"))
            texts.append(pdu.text)
        }
        #expect(texts.joined() == c.text)
        for part in submits {
            guard case .submit(let decoded) = try SMSPDU(bytes: part.bytes) else { continue }
            #expect(part.tpduLength == part.bytes.count - 1)
            #expect(decoded.raw == part.bytes)
        }
    }

    @Test func escapeAtBoundaryMovesToTheNextPart() throws {
        let parts = try DeliverPDU.encode(
            text: Self.euroAtBoundary, from: PDUAddress(number: "1"), timestamp: pduStamp(2020, 1, 1, 0, 0, 0, zone: 0))
        #expect(try DeliverPDU(bytes: parts[0].bytes).text == String(repeating: "a", count: 152))
        #expect(try DeliverPDU(bytes: parts[1].bytes).text == "€" + String(repeating: "b", count: 10))
    }

    @Test func surrogateAtBoundaryMovesToTheNextPart() throws {
        let parts = try SubmitPDU.encode(text: Self.emojiAtBoundary, to: "1")
        guard case .submit(let first) = try SMSPDU(bytes: parts[0].bytes) else { return }
        #expect(first.text == String(repeating: "ж", count: 66))
    }

    @Test func tooLongText() throws {
        let text = String(repeating: "a", count: 153 * 255 + 1)
        #expect(throws: PDUError(.textTooLong, at: 153 * 255, "")) { try SubmitPDU.encode(text: text, to: "1") }
        #expect(try SubmitPDU.encode(text: String(text.dropLast()), to: "1").count == 255)
    }

    @Test(arguments: ["Megafon", "diafaan", "A", "ABCDEFGHIJK", "Bank@24", "x{}"])
    func alphanumericSendersRoundTrip(_ name: String) throws {
        let parts = try DeliverPDU.encode(text: "hi", from: .alphanumeric(name), timestamp: pduStamp(2020, 1, 1, 0, 0, 0, zone: 0))
        let pdu = try DeliverPDU(bytes: parts[0].bytes)
        #expect(pdu.sender == .alphanumeric(name))
    }

    @Test func alphanumericSenderOfVector2EncodesAsTheNetworkDid() throws {
        var out: [UInt8] = []
        try PDUAddress.alphanumeric("diafaan").encode(into: &out, isServiceCentre: false)
        #expect(Hex.string(out) == "0DD0E474D81C0EBB01")
    }

    @Test func tooLongAlphanumericSender() {
        #expect(throws: PDUError(.invalidAddress, at: 0, "")) {
            try DeliverPDU.encode(text: "hi", from: .alphanumeric("ABCDEFGHIJKL"), timestamp: pduStamp(2020, 1, 1, 0, 0, 0, zone: 0))
        }
    }

    @Test func deliverVector1ReencodesFromItsFields() throws {
        let pdu = try decodeDeliver(Vectors.v1)
        let parts = try DeliverPDU.encode(
            text: pdu.text, from: pdu.sender, timestamp: try #require(pdu.timestamp), serviceCentre: pdu.serviceCentre)
        #expect(parts[0].hex == Vectors.v1)
    }

    @Test func seededRoundTrips() throws {
        var rng = SplitMix64(seed: 42)
        let alphabet = Array("abcXYZ019 @£$¥èΔΦ_!?{}[]~^|\\€\n\rжы中文😀🇫🇮é")
        for _ in 0..<500 {
            let length = Int.random(in: 0...400, using: &rng)
            let text = String((0..<length).map { _ in alphabet.randomElement(using: &rng)! })
            let reference = UInt8.random(in: 0...255, using: &rng)
            let submits = try SubmitPDU.encode(text: text, to: "+358401234567", reference: reference)
            var joined = ""
            for part in submits {
                guard case .submit(let decoded) = try SMSPDU(bytes: part.bytes) else { continue }
                joined += decoded.text
            }
            #expect(joined == text)
        }
    }
}

@Suite struct PDUGSM7TableTests {
    @Test func tablesComeFromSocketCore() {
        #expect(GSM7.basicScalars.count == 128)
        for (index, character) in GSMAlphabet.basic.enumerated() where index != 0x1B {
            #expect(character.unicodeScalars.count == 1)
            #expect(GSM7.septets(String(character)) == [UInt8(index)])
        }
        for (character, code) in GSMAlphabet.extensionTable {
            #expect(GSM7.septets(String(character)) == [0x1B, code])
            #expect(GSMAlphabet.septetCount(String(character)) == 2)
        }
        #expect(GSM7.septets("ç") == nil)
        #expect(GSM7.septets("`") == nil)
    }
}
