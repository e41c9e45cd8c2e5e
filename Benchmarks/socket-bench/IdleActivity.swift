import Foundation
import SocketCore
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Section "idle": the CPU a running `smsocket run` uses while nothing happens, and what wakes it.
///
/// One window measures CPU time (`/proc/PID/stat` utime + stime, and each thread's schedstat run time)
/// and each thread's voluntary context switches, which cost nothing to read. A second window of the
/// same length, when strace is installed, records every system call with its time (`strace -f -tt`), so
/// that each thread's wakeups are counted and their period shown; strace slows every call down, which is
/// why the CPU is not measured then.
enum IdleActivity {
    /// The most CPU allowed, in percent of one core.
    static let targetPercent = 0.05
    /// After the start, the thermometer is first read when its warm-up ends (spec §4.19); until then an
    /// idle minute would leave out the reading every minute brings afterwards.
    static let warmUp: Duration = .seconds(SocketCore.Timing.temperatureWarmUp + 5)
    static let strace = "/usr/bin/strace"

    static func run(
        board: BenchBoard, daemon: ChildProcess, startedAt: ContinuousClock.Instant, options: BenchOptions, scorecard: Scorecard
    ) async throws {
        let window = Duration.seconds(options.idleSeconds)
        if options.waitForWarmUp {
            let left = ContinuousClock.now.duration(to: startedAt + warmUp)
            if left > .zero {
                scorecard.note("waiting for the thermometer's warm-up", String(format: "%.0f s", seconds(left)))
                try await Task.sleep(for: left)
            }
        }
        let before = ProcessStats(pid: daemon.pid)
        let began = ContinuousClock.now
        try await Task.sleep(for: window)
        let after = ProcessStats(pid: daemon.pid)
        let elapsed = seconds(ContinuousClock.now - began)
        guard let ticksBefore = before.cpuTicks, let ticksAfter = after.cpuTicks else {
            throw BenchFailure("the daemon is gone; its log: \(board.logPath)")
        }
        let ticks = ticksAfter - ticksBefore
        let percent = Double(ticks) / Double(ProcessStats.ticksPerSecond) / elapsed * 100
        let activity = ThreadActivity.between(before, after)
        let runtime = activity.reduce(0) { $0 + $1.runtimeNanoseconds }
        scorecard.check(
            "idle: CPU over \(options.idleSeconds) s (utime+stime)",
            String(format: "%.3f %% of one core (%d ticks of 1/%d s)", percent, ticks, ProcessStats.ticksPerSecond),
            target: "≤ \(targetPercent) %", passed: percent <= targetPercent)
        scorecard.note(
            "idle: CPU by the threads' schedstat", String(format: "%.4f %% of one core (%.2f ms)", Double(runtime) / 1e7 / elapsed, Double(runtime) / 1e6))
        scorecard.note("idle: wakeups (voluntary context switches)", "\(activity.reduce(0) { $0 + $1.wakeups }) in \(options.idleSeconds) s")
        for thread in activity where thread.wakeups > 0 || thread.runtimeNanoseconds > 0 {
            scorecard.note(
                "  thread \(thread.name)" + (thread.threads > 1 ? " (\(thread.threads))" : ""),
                String(format: "%d wakeups, %.2f ms CPU", thread.wakeups, Double(thread.runtimeNanoseconds) / 1e6))
        }
        scorecard.note("idle: resident memory after the window", MemoryGrowth.describe(after))

        guard FileManager.default.isExecutableFile(atPath: strace) else {
            scorecard.skip("idle: system calls by thread", because: "\(strace) is not installed (apt-get install strace)")
            return
        }
        let traceFile = board.folder.path("idle.strace")
        let tracer = try ChildProcess(
            [strace, "-f", "-tt", "-qq", "-p", "\(daemon.pid)", "-o", traceFile], outputPath: board.folder.path("strace.out"))
        // strace is attached once it has written its first line or the daemon made no call for a while.
        try await Task.sleep(for: .milliseconds(500))
        try await Task.sleep(for: window)
        tracer.signal(SIGINT)
        tracer.waitForExit()
        let trace = SyscallTrace(text: readTextFile(traceFile))
        let living = ProcessStats(pid: daemon.pid).threads
        let names = Dictionary(living.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        scorecard.note(
            "idle: system calls under strace", "\(trace.calls) in \(trace.wakeups) wakeups of the process in \(options.idleSeconds) s")
        for thread in trace.threads where thread.calls > 0 && names[thread.threadID] != nil {
            let period = thread.medianInterval.map { String(format: ", every %.1f s", $0) } ?? ""
            let top = thread.names.prefix(4).map { "\($0.name) \($0.count)" }.joined(separator: ", ")
            scorecard.note(
                "  thread \(thread.threadID) \(names[thread.threadID] ?? "?")",
                "\(thread.calls) calls in \(thread.bursts) wakeups\(period): \(top)")
        }
        // Dispatch's worker threads end after a few idle seconds and new ones start for the next work.
        let ended = trace.threads.filter { names[$0.threadID] == nil }
        if !ended.isEmpty {
            var counts: [String: Int] = [:]
            for thread in ended { for (name, count) in thread.names { counts[name, default: 0] += count } }
            let top = counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(5).map { "\($0.key) \($0.value)" }
            scorecard.note(
                "  \(ended.count) worker threads that ended",
                "\(ended.reduce(0) { $0 + $1.calls }) calls: \(top.joined(separator: ", "))")
        }
    }
}
