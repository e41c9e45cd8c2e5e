import Foundation
import TestSupport
import SocketCore
import Testing
@testable import ATModem

/// Cross-check against an independent decoder: the PyPI package smspdudecoder, in the venv that
/// `scripts/test` makes (`python3 -m venv .venv && .venv/bin/pip install smspdudecoder "bitstring<5"`).
@Suite struct PDUCrossCheckTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let python: String = ProcessInfo.processInfo.environment["SMSOCKET_PYTHON"]
        ?? packageRoot.appendingPathComponent(".venv/bin/python").path

    struct Sample {
        var text: String
        var sender: PDUAddress
        var timestamp: NetworkTimestamp
        var part: EncodedPDU
        var partText: String
    }

    static func samples(count: Int) throws -> [Sample] {
        var rng = SplitMix64(seed: 2026)
        let gsmBasic = Array(GSMAlphabet.basic.filter { $0 != "\u{1B}" })
        let gsmExtension = Array(GSMAlphabet.extensionTable.keys)
        let nonLatin: [Character] = Array("Привет мир Γειά σου κόσμε 你好世界 こんにちは שלום مرحبا ąęłńśźż") + ["😀", "🙈", "👍🏽", "🇫🇮", "∑", "𝄞"]
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 -.")
        var samples: [Sample] = []
        while samples.count < count {
            let length = Int.random(in: 0...(Bool.random(using: &rng) ? 60 : 420), using: &rng)
            let kind = Int.random(in: 0..<3, using: &rng)
            var characters: [Character] = []
            for _ in 0..<length {
                switch kind {
                case 0: characters.append(gsmBasic.randomElement(using: &rng)!)
                case 1:
                    characters.append(
                        Int.random(in: 0..<4, using: &rng) == 0
                            ? gsmExtension.randomElement(using: &rng)! : gsmBasic.randomElement(using: &rng)!)
                default:
                    characters.append(
                        Bool.random(using: &rng) ? nonLatin.randomElement(using: &rng)! : letters.randomElement(using: &rng)!)
                }
            }
            let text = String(characters)
            let sender: PDUAddress
            if Bool.random(using: &rng) {
                let digits = (0..<Int.random(in: 5...15, using: &rng)).map { _ in "0123456789".randomElement(using: &rng)! }
                sender = PDUAddress(number: "+" + String(digits))
            } else {
                sender = .alphanumeric(String((0..<Int.random(in: 1...11, using: &rng)).map { _ in letters.randomElement(using: &rng)! }))
            }
            let timestamp = NetworkTimestamp(
                local: CivilTime(epochSeconds: Int64.random(in: 946_684_800...3_124_137_599, using: &rng)),
                zoneQuarterHours: Int.random(in: -48...56, using: &rng))
            let parts = try DeliverPDU.encode(
                text: text, from: sender, timestamp: timestamp, reference: UInt16.random(in: 0...255, using: &rng))
            for part in parts {
                samples.append(
                    Sample(
                        text: text, sender: sender, timestamp: timestamp, part: part,
                        partText: try DeliverPDU(bytes: part.bytes).text))
            }
        }
        return samples
    }

    /// The same instant as smspdudecoder prints it: UTC.
    static func utc(_ t: NetworkTimestamp) -> String {
        CivilTime(epochSeconds: t.local.epochSeconds - Int64(t.zoneQuarterHours ?? 0) * 900).iso8601UTC
    }

    // Skipped without the venv: scripts/test creates it; a bare `swift test` may not have one.
    @Test(
        "our DELIVER PDUs decode the same in smspdudecoder",
        .enabled(if: FileManager.default.isExecutableFile(atPath: python), "no Python venv with smspdudecoder at \(python) (run scripts/test, or set SMSOCKET_PYTHON)"))
    func crossCheck() throws {
        let samples = try Self.samples(count: 3000)
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("smsocket-pdu-\(getpid()).txt")
        try samples.map(\.part.hex).joined(separator: "\n").write(to: input, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: input) }
        let outputPath = input.path + ".out"
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        let script = Self.packageRoot.appendingPathComponent("Tests/ATModemTests/smspdudecoder_check.py").path
        let process = try ChildProcess([Self.python, script], outputPath: outputPath, discardErrors: true)
        process.write(try String(contentsOf: input, encoding: .utf8) + "\n")
        process.closeInput()
        #expect(ChildProcess.exited(process.waitForExit(), code: 0))
        let lines = readTextFile(outputPath).split(separator: "\n")
        try #require(lines.count == samples.count)

        var trailingAtSenders = 0
        var trailingAtTexts = 0
        for (sample, line) in zip(samples, lines) {
            let json = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            if let error = json["error"] {
                Issue.record("smspdudecoder failed on \(sample.part.hex): \(error)")
                continue
            }
            let theirSender = json["sender"] as? String ?? ""
            let ours = sample.sender.description
            // smspdudecoder unpacks every septet of an alphanumeric address's octets, so 7-character names
            // (13 semi-octets, 56 bits) gain a trailing "@" from the padding. Ours follow ⌊len·4/7⌋.
            if theirSender != ours {
                if sample.sender.kind == .alphanumeric, theirSender == ours + "@" {
                    trailingAtSenders += 1
                } else {
                    Issue.record("sender: ours \(ours), theirs \(theirSender) in \(sample.part.hex)")
                }
            }
            // smspdudecoder also ignores TP-UDL for GSM 7-bit text and unpacks every septet the octets hold: when
            // 7 or more padding bits end the user data, the zero septet shows as a trailing "@".
            let theirText = json["content"] as? String ?? ""
            if theirText != sample.partText {
                if sample.part.alphabet == .gsm7, theirText == sample.partText + "@" {
                    trailingAtTexts += 1
                } else {
                    Issue.record("text: ours \(sample.partText.debugDescription), theirs \(theirText.debugDescription) in \(sample.part.hex)")
                }
            }
            #expect(json["date"] as? String == Self.utc(sample.timestamp), "\(sample.part.hex)")
            if let concatenation = sample.part.concatenation {
                let partial = json["partial"] as? [String: Any]
                #expect(partial?["reference"] as? Int == Int(concatenation.reference))
                #expect(partial?["parts_count"] as? Int == concatenation.total)
                #expect(partial?["part_number"] as? Int == concatenation.sequence)
            } else {
                #expect(json["partial"] as? Bool == false)
            }
        }
        // Whole texts: our parts join back to the input.
        var index = 0
        while index < samples.count {
            let total = samples[index].part.concatenation?.total ?? 1
            #expect(samples[index..<index + total].map(\.partText).joined() == samples[index].text)
            index += total
        }
        print(
            "cross-check: \(samples.count) PDUs agree; smspdudecoder added a padding '@' to \(trailingAtSenders) "
                + "alphanumeric senders and \(trailingAtTexts) GSM 7-bit texts")
    }
}
