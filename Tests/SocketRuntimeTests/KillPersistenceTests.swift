import Foundation
import TestSupport
import Testing

/// Kills `smsocket simulate --state PATH` (SIGKILL) at random points while it takes a stream of
/// configuration commands, then checks in a fresh run that every change it acknowledged survived.
@Suite("Persistence across kill -9", .serialized)
struct KillPersistenceTests {
    static let sender = "+3589123456789"

    static let binary = smsocketExecutable(besides: #filePath)

    @Test func everyAcknowledgedChangeSurvivesAKill() throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.binary), "build smsocket first: \(Self.binary)")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("smsocket-kill-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let state = dir.appendingPathComponent("state.sqlite").path

        var rng = SplitMix64(seed: 0x5EED_2026)
        var restartTime = 0  // monotonic values: the survivor must be one sent at or after the last acknowledged
        var microTime = 0
        var lastAckedRestart = 0
        var lastAckedMicro = 0
        var sentRestart: Set<Int> = []
        var sentMicro: Set<Int> = []
        var numberStatus: [String: Bool] = [:]  // acknowledged: true = added, false = removed
        var previousNumber: String?
        var removalSent: Set<String> = []
        var killsWithWorkInFlight = 0

        for round in 0..<10 {
            var commands: [String] = []
            for i in 0..<30 {
                restartTime += 1
                microTime += 1
                sentRestart.insert(restartTime)
                sentMicro.insert(microTime)
                let number = "35810\(round)\(String(format: "%03d", i))"
                commands.append("sms \(Self.sender) RESTARTTIME=\(restartTime)")
                commands.append("sms \(Self.sender) MICRORELAYTIME=\(microTime)")
                commands.append("sms \(Self.sender) SECNUMBER+\(number)")
                if let previousNumber {
                    commands.append("sms \(Self.sender) SECNUMBER-\(previousNumber)")
                    removalSent.insert(previousNumber)
                }
                previousNumber = number
            }
            let killAfter = Int(rng.next() % UInt64(commands.count))
            let output = try runAndKill(state: state, input: commands, killAfterLines: killAfter, dir: dir)
            if output.filter({ $0.hasPrefix("< ") }).count < commands.count { killsWithWorkInFlight += 1 }
            for line in output {
                guard let reply = Self.replyText(line) else { continue }
                if let n = Self.value(reply, prefix: "RESTARTTIME=", suffix: " - OK") { lastAckedRestart = max(lastAckedRestart, n) }
                if let n = Self.value(reply, prefix: "MICRORELAYTIME=", suffix: " - OK") { lastAckedMicro = max(lastAckedMicro, n) }
                if reply.hasPrefix("SECNUMBER+"), reply.hasSuffix(" - OK") { numberStatus[Self.number(reply)] = true }
                if reply.hasPrefix("SECNUMBER-"), reply.hasSuffix(" - OK") { numberStatus[Self.number(reply)] = false }
            }
        }
        #expect(killsWithWorkInFlight >= 5, "most kills should land while commands are still in flight")

        let final = try run(
            state: state,
            input: ["sms \(Self.sender) RESTARTTIME?", "sms \(Self.sender) MICRORELAYTIME?", "sms \(Self.sender) SECNUMBER?"],
            dir: dir)
        // Replies committed by a killed run but not yet sent go out at this start, from the outbox; the
        // answers to the three queries are the ones that matter here.
        let replies = final.compactMap(Self.replyText).filter {
            $0.hasSuffix(" seconds") || $0.hasPrefix("SECNUMBERs ") || $0 == "No SECNUMBERs!"
        }
        try #require(replies.count == 3, "\(final)")
        let survivingRestart = Self.value(replies[0], prefix: "RESTARTTIME=", suffix: " seconds") ?? -1
        let survivingMicro = Self.value(replies[1], prefix: "MICRORELAYTIME=", suffix: " seconds") ?? -1
        #expect(survivingRestart >= lastAckedRestart && sentRestart.contains(survivingRestart))
        #expect(survivingMicro >= lastAckedMicro && sentMicro.contains(survivingMicro))
        let listed = Set(replies[2].hasPrefix("SECNUMBERs ") ? replies[2].dropFirst(11).components(separatedBy: ", ") : [])
        #expect(!numberStatus.isEmpty)
        for (number, present) in numberStatus {
            if !present {
                #expect(!listed.contains(number), "the acknowledged removal of \(number) was lost")
            } else if !removalSent.contains(number) {
                // An acknowledged addition whose removal was sent may have been removed unacknowledged.
                #expect(listed.contains(number), "the acknowledged addition of \(number) was lost")
            }
        }
    }

    // MARK: - Helpers

    /// `2026-…Z sms-out +358… "TEXT"` → TEXT (JSON-unescaped enough for these replies).
    static func replyText(_ line: String) -> String? {
        guard let range = line.range(of: " sms-out \(sender) \"") else { return nil }
        return String(line[range.upperBound...].dropLast()).replacingOccurrences(of: "\\n", with: "\n")
    }

    static func value(_ reply: String, prefix: String, suffix: String) -> Int? {
        guard reply.hasPrefix(prefix), reply.hasSuffix(suffix) else { return nil }
        return Int(reply.dropFirst(prefix.count).dropLast(suffix.count))
    }

    static func number(_ reply: String) -> String {
        String(reply.dropFirst("SECNUMBER+".count).dropLast(" - OK".count))
    }

    /// Feeds `input` without closing stdin, waits until the output has `killAfterLines` lines (or the
    /// process has answered everything), then SIGKILLs it and returns its output.
    func runAndKill(state: String, input: [String], killAfterLines: Int, dir: URL) throws -> [String] {
        let output = dir.appendingPathComponent("out-\(UUID().uuidString).txt").path
        let process = try ChildProcess([Self.binary, "simulate", "--state", state], outputPath: output)
        process.write(input.joined(separator: "\n") + "\n")
        var lines: [String] = []
        let deadline = ContinuousClock.now + .seconds(60)
        repeat {
            lines = readTextFile(output).split(separator: "\n").map(String.init)
            if lines.count >= killAfterLines || lines.filter({ $0.hasPrefix("< ") }).count == input.count { break }
            usleep(200)
        } while ContinuousClock.now < deadline
        process.signal(SIGKILL)
        process.waitForExit()
        return readTextFile(output).split(separator: "\n").map(String.init)
    }

    /// Runs to the end of `input` and returns the output.
    func run(state: String, input: [String], dir: URL) throws -> [String] {
        let output = dir.appendingPathComponent("final-\(UUID().uuidString).txt").path
        let process = try ChildProcess([Self.binary, "simulate", "--state", state], outputPath: output)
        process.write(input.joined(separator: "\n") + "\n")
        process.closeInput()
        process.waitForExit()
        return readTextFile(output).split(separator: "\n").map(String.init)
    }
}
