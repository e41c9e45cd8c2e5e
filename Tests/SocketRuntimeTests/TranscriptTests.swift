import Testing

@Suite("Conversation transcripts through smsocket simulate")
struct TranscriptTests {
    @Test("transcript", arguments: Transcript.all())
    func conversation(_ transcript: Transcript) async throws {
        let actual = try await transcript.run()
        let common = min(actual.count, transcript.expected.count)
        let firstDifference = (0..<common).first { actual[$0] != transcript.expected[$0] }
            ?? (actual.count == transcript.expected.count ? nil : common)
        if let line = firstDifference {
            Issue.record("""
                \(transcript.name): first difference at output line \(line + 1)
                expected: \(line < transcript.expected.count ? transcript.expected[line] : "<end>")
                actual:   \(line < actual.count ? actual[line] : "<end>")
                --- full actual output ---
                \(actual.joined(separator: "\n"))
                """)
        }
    }

    @Test func thereAreAtLeastSixtyTranscripts() {
        #expect(Transcript.all().count >= 60)
    }
}
