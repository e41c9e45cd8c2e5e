import TestSupport

/// Section "memory": the resident memory of a running `smsocket run` after its start, after 10,000 SMS
/// commands through the pty modem and after 10,000 more. Each must stay within the target, and the
/// second 10,000 must not add what the first did (no growth per command).
enum MemoryGrowth {
    /// The most resident memory allowed, in KiB.
    static let targetKiB = 24 * 1024
    /// What the second 10,000 commands may add to the resident memory, in KiB. What fills up in the first
    /// 10,000 and then stays (heaptrack): SQLite's page cache (at most 512 KiB, Store), following the
    /// handled-message keys until the daily pruning; Dispatch's continuations, kept for reuse up to 1,024
    /// (64 KiB) on each worker thread, so a burst that starts one more thread keeps 64 KiB more; glibc's
    /// per-thread arenas. Measured: 76 KiB and 1,244 KiB in two runs. A command that kept 160 bytes would
    /// show as 1.6 MiB more.
    static let growthToleranceKiB = 1536
    static let roundSize = 10_000
    /// Queries and switchings alike, each answered by one SMS: none leaves a timer running.
    static let commands = [
        "STATUS", "ON", "OFF", "TEMPERATURE", "RESTARTTIME?", "SECNUMBER?", "ALARM?", "SCHEDULER?", "THERMOSTAT?",
        "POWERSTATE?",
    ]

    static func run(board: BenchBoard, daemon: ChildProcess, traffic: SMSTraffic, perSecond: Int, scorecard: Scorecard) async throws {
        let texts = (0..<roundSize).map { commands[$0 % commands.count] }
        let start = ProcessStats(pid: daemon.pid)
        scorecard.note("RSS after start", describe(start))
        var resident: [Int] = [start.residentKiB ?? Int.max]
        for round in 1...2 {
            let began = ContinuousClock.now
            try await traffic.send(texts, perSecond: perSecond)
            let elapsed = seconds(ContinuousClock.now - began)
            let after = ProcessStats(pid: daemon.pid)
            guard let now = after.residentKiB else {
                throw BenchFailure("the daemon is gone; its log: \(board.logPath)")
            }
            resident.append(now)
            scorecard.note(
                "RSS after \(round * roundSize) commands",
                describe(after) + String(format: "  (%.0f commands/s through the pty)", Double(roundSize) / elapsed))
        }
        // VmRSS, not VmHWM: the high-water mark keeps the start, before the code only starting runs is
        // unmapped (StartUpCode), and says nothing of the running controller.
        let most = resident.max() ?? Int.max
        scorecard.check(
            "memory: most RSS (VmRSS) after start, \(roundSize) and \(2 * roundSize) commands",
            String(format: "%.1f MiB", Double(most) / 1024), target: "≤ \(targetKiB / 1024) MiB", passed: most <= targetKiB)
        let growth = resident[2] - resident[1]
        scorecard.check(
            "memory: VmRSS growth over the second \(roundSize) commands", "\(growth) KiB", target: "≤ \(growthToleranceKiB) KiB",
            passed: growth <= growthToleranceKiB)
    }

    static func describe(_ stats: ProcessStats) -> String {
        let mib = { (kib: Int?) in kib.map { String(format: "%.1f MiB", Double($0) / 1024) } ?? "?" }
        return "VmRSS \(mib(stats.residentKiB)) (heap \(mib(stats.anonymousKiB)), files \(mib(stats.fileKiB))), VmHWM \(mib(stats.peakResidentKiB))"
    }
}
