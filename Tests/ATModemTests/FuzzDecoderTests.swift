import Testing
import FuzzTargets
import TestSupport
@testable import ATModem

/// The AT decoder under random bytes and mutated real modem output (the ``atTranscripts``), cut into random
/// chunks: it never traps, keeps every line within its limit, and gives the same events however the bytes
/// are split (issue 7, item 3).
@Suite struct FuzzDecoderTests {
    /// Bytes that steer the decoder: line ends, quotes, the prompt, colons, NUL, Ctrl-Z, non-UTF-8.
    static let interesting: [UInt8] = Array("\r\n\">: ,+OK".utf8) + [0x00, 0x1A, 0x1B, 0xFF, 0xC3, 0x09]

    static func mutated(_ bytes: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        var out = bytes
        for _ in 0..<Int.random(in: 0...6, using: &rng) {
            let position = Int.random(in: 0...out.count, using: &rng)
            let byte = Bool.random(using: &rng) ? interesting.randomElement(using: &rng)! : UInt8.random(in: 0...255, using: &rng)
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: out.insert(byte, at: position)
            case 1 where position < out.count: out.remove(at: position)
            case 2 where position < out.count: out[position] = byte
            default:
                // A run: long lines, repeated line ends.
                out.insert(contentsOf: [UInt8](repeating: byte, count: Int.random(in: 1...200, using: &rng)), at: position)
            }
        }
        return out
    }

    static func script(_ rng: inout SplitMix64) -> [ATFuzz.Step] {
        var steps: [ATFuzz.Step] = []
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            switch Int.random(in: 0..<10, using: &rng) {
            case 0:
                steps.append(.abandon)
            case 1, 2:
                let length = Int.random(in: 0...300, using: &rng)
                steps.append(.bytes((0..<length).map { _ in
                    Bool.random(using: &rng) ? interesting.randomElement(using: &rng)! : UInt8.random(in: 0...255, using: &rng)
                }[...]))
            default:
                let transcript = atTranscripts.randomElement(using: &rng)!
                if let command = transcript.command { steps.append(.command(command, body: transcript.body)) }
                steps.append(.bytes(mutated(transcript.bytes, &rng)[...]))
            }
        }
        return steps
    }

    @Test func randomAndMutatedModemOutput() {
        var rng = SplitMix64(seed: 0xDEC0DE)
        var eventCount = 0
        for _ in 0..<1_500 {
            let steps = Self.script(&rng)
            let limit = [8, 32, 96, 4096].randomElement(using: &rng)!
            let whole = ATFuzz.decode(steps, limit: limit) { [0..<$0] }
            var cutter = SplitMix64(seed: rng.next())
            let chunked = ATFuzz.decode(steps, limit: limit) { count in
                var ranges: [Range<Int>] = []
                var start = 0
                while start < count {
                    let end = min(count, start + Int.random(in: 1...17, using: &cutter))
                    ranges.append(start..<end)
                    start = end
                }
                return ranges
            }
            #expect(chunked == whole)
            for event in whole { #expect(ATFuzz.isBounded(event, limit: limit), "\(event) beyond \(limit)") }
            eventCount += whole.count
        }
        #expect(eventCount > 1_000)
    }
}
