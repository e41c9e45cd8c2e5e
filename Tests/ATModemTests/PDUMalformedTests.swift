import Testing
import TestSupport
@testable import ATModem

@Suite struct PDUMalformedTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var hex: String
        var code: PDUError.Code
        var offset: Int
        var testDescription: String { name }
    }

    @Test(arguments: [
        Case(name: "empty", hex: "", code: .truncated, offset: 0),
        Case(name: "odd hex", hex: "000", code: .oddHexLength, offset: 1),
        Case(name: "not hex", hex: "00G4", code: .invalidHexCharacter, offset: 1),
        Case(name: "SCA beyond data", hex: "0791", code: .lengthBeyondData, offset: 0),
        Case(name: "SCA too long", hex: "0C91", code: .invalidAddress, offset: 0),
        Case(name: "no first octet", hex: "00", code: .truncated, offset: 1),
        Case(name: "reserved MTI", hex: "0003", code: .unsupportedMessageType, offset: 1),
        Case(name: "OA beyond data", hex: "00040B9172", code: .lengthBeyondData, offset: 2),
        Case(name: "OA too long", hex: "00041591", code: .invalidAddress, offset: 2),
        Case(name: "no PID", hex: "00040B917228214365F7", code: .truncated, offset: 10),
        Case(name: "short SCTS", hex: "00040B917228214365F700003130", code: .truncated, offset: 12),
        Case(name: "no UDL", hex: "00040B917228214365F7000031308051206180", code: .truncated, offset: 19),
        Case(name: "UDL beyond data", hex: "00040B917228214365F700003130805120618006D4F29C2E03", code: .lengthBeyondData, offset: 19),
        Case(name: "UDL over 160", hex: "00040B917228214365F7000031308051206180A1", code: .invalidUserData, offset: 19),
        Case(name: "UCS2 UDL over 140", hex: "00040B917228214365F7000831308051206180" + "8D", code: .invalidUserData, offset: 19),
        Case(name: "UCS2 odd", hex: "00040B917228214365F7000831308051206180" + "03004100", code: .invalidUserData, offset: 19),
        Case(name: "compressed", hex: "00040B917228214365F7002031308051206180" + "00", code: .unsupportedDataCoding, offset: 11),
        Case(name: "UDHI, empty UD", hex: "00440B917228214365F7000831308051206180" + "00", code: .invalidUserDataHeader, offset: 19),
        Case(name: "UDHL beyond UD", hex: "00440B917228214365F7000831308051206180" + "020500", code: .invalidUserDataHeader, offset: 20),
        Case(name: "IE overruns UDH", hex: "00440B917228214365F7000831308051206180" + "0403000501" + "0000", code: .invalidUserDataHeader, offset: 21),
        Case(name: "IE 00 length 2", hex: "00440B917228214365F7000831308051206180" + "0403000201" + "0000", code: .invalidUserDataHeader, offset: 21),
        Case(name: "IE 08 length 3", hex: "00440B917228214365F7000831308051206180" + "06050803010203", code: .invalidUserDataHeader, offset: 21),
        Case(name: "dangling IE octet", hex: "00440B917228214365F7000831308051206180" + "09" + "06000301010107" + "0041", code: .invalidUserDataHeader, offset: 26),
        Case(name: "GSM7 UDH septets above UDL", hex: "00440B917228214365F7000031308051206180" + "06" + "050003010101" + "00", code: .invalidUserDataHeader, offset: 20),
        Case(name: "status report cut", hex: "0006D60B911326880736F411101171955140", code: .truncated, offset: 18),
        Case(name: "submit without UDL", hex: "0001000B917228001011F10000", code: .truncated, offset: 13),
        Case(name: "submit VP cut", hex: "0019000B917228001011F10000AA", code: .truncated, offset: 13),
    ])
    func malformed(_ c: Case) {
        #expect(throws: PDUError(c.code, at: c.offset, "")) { try SMSPDU(hex: c.hex) }
    }

    @Test func invalidConcatenationValuesAreIgnored() throws {
        // Sequence 0 and sequence above total: the element is ignored (TS 23.040 9.2.3.24.1), the text stays.
        for ie in ["0003070200", "0003070203", "0003070001"] {
            let hex = "00440B917228214365F7000831308051206180" + "08" + "05" + ie + "0041"
            let pdu = try decodeDeliver(hex)
            #expect(pdu.concatenation == nil)
            #expect(pdu.text == "A")
        }
    }

    /// Random byte strings, random truncations and byte changes of valid PDUs, as bytes and as modem lines with
    /// trailing noise and a header length: always a value or a PDUError whose offset lies within the data;
    /// never a trap. Whatever decodes can be classified.
    @Test func fuzz() throws {
        var rng = SplitMix64(seed: 0x5EED)
        var inputs: [[UInt8]] = []
        for _ in 0..<20_000 {
            let length = Int.random(in: 0...180, using: &rng)
            inputs.append((0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) })
        }
        var valid = try Vectors.all.map { try Hex.bytes($0) }
        let samples = ["x", String(repeating: "€a", count: 120), "жж😀", String(repeating: "😀", count: 50)]
        for text in samples {
            valid += try DeliverPDU.encode(
                text: text, from: .alphanumeric("Bank"), timestamp: pduStamp(2020, 1, 1, 0, 0, 0, zone: 0), reference: 9
            ).map(\.bytes)
            valid += try SubmitPDU.encode(text: text, to: "+12345", reference: 9).map(\.bytes)
        }
        for pdu in valid {
            for cut in 0..<pdu.count { inputs.append(Array(pdu.prefix(cut))) }
            for _ in 0..<300 {
                var mutated = pdu
                for _ in 0..<Int.random(in: 1...3, using: &rng) {
                    mutated[Int.random(in: 0..<mutated.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
                }
                inputs.append(mutated)
            }
        }
        var decoded = 0
        let noise = ["", "\u{1A}", " OK", "0", "G1", "\r", "ÿ"]
        for input in inputs {
            do {
                if case .deliver(let pdu) = try SMSPDU(bytes: input) { _ = pdu.notACommand }
                decoded += 1
            } catch {
                #expect(error.offset >= 0 && error.offset <= input.count, "\(error) for \(Hex.string(input))")
            }
            let line = Hex.string(input) + noise.randomElement(using: &rng)!
            let tpduLength = Bool.random(using: &rng) ? nil : [Int.min, Int.max, Int.random(in: -2...input.count + 2, using: &rng)].randomElement(using: &rng)!
            do {
                if case .deliver(let pdu) = try SMSPDU(line: line, tpduLength: tpduLength) {
                    #expect(pdu.raw.count <= input.count)
                    _ = ReassembledMessage(parts: [pdu]).notACommand
                }
            } catch {
                #expect(error.offset >= 0 && error.offset <= input.count, "\(error) for \(line) \(String(describing: tpduLength))")
            }
        }
        // Every proper prefix of a valid PDU is refused. With a header length vouching that it is whole, a
        // prefix cut inside the user data reads as the start of the whole text.
        for pdu in valid {
            let whole = try SMSPDU(bytes: pdu)
            for cut in 0..<pdu.count {
                let prefix = Array(pdu.prefix(cut))
                #expect(throws: PDUError.self) { try SMSPDU(bytes: prefix) }
                guard let sca = prefix.first, cut > Int(sca) + 1 else { continue }
                switch (try? SMSPDU(line: Hex.string(prefix), tpduLength: cut - 1 - Int(sca)), whole) {
                case (nil, _): break
                case (.deliver(let part)?, .deliver(let all)):
                    #expect(part.missingUserDataOctets > 0 && all.text.hasPrefix(part.text), "\(Hex.string(pdu)) cut at \(cut)")
                case (.submit(let part)?, .submit(let all)):
                    #expect(all.text.hasPrefix(part.text), "\(Hex.string(pdu)) cut at \(cut)")
                default:
                    Issue.record("\(Hex.string(pdu)) cut at \(cut) decodes as another type")
                }
            }
        }
        #expect(decoded > 0)
        // Hex garbage too.
        for _ in 0..<2_000 {
            let length = Int.random(in: 0...60, using: &rng)
            let hex = String((0..<length).map { _ in "0123456789ABCDEFabcdefXZ +".randomElement(using: &rng)! })
            do { _ = try SMSPDU(hex: hex) } catch { #expect(error.offset >= 0 && error.offset <= hex.utf8.count) }
        }
    }
}
