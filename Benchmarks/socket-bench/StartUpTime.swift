/// Section "startup": from spawning `smsocket run` to its `READY=1` on `$NOTIFY_SOCKET`, the moment
/// systemd considers a `Type=notify` service started; the median of several starts, each stopped with
/// SIGTERM before the next.
enum StartUpTime {
    static let targetMilliseconds = 200.0
    static let starts = 20
    /// A start that sends nothing in this time has no sd_notify support, or is stuck.
    static let readyTimeout: Duration = .seconds(10)

    static func run(board: BenchBoard, scorecard: Scorecard) async throws {
        let socket = try NotifySocket(path: board.folder.path("notify.sock"))
        var times: [Double] = []
        for _ in 0..<starts {
            socket.drain()
            let spawned = ContinuousClock.now
            let daemon = try board.start(notifySocket: socket.path)
            guard let ready = socket.waitForReady(timeout: readyTimeout) else {
                try board.stop(daemon)
                scorecard.skip(
                    "startup: spawn to READY=1, median of \(starts)",
                    because: "smsocket run sent no READY=1 to $NOTIFY_SOCKET within \(readyTimeout)")
                return
            }
            times.append(seconds(ready - spawned) * 1000)
            try board.stop(daemon)
        }
        guard let median = percentile(times, 0.5), let slowest = times.max(), let fastest = times.min() else { return }
        scorecard.check(
            "startup: spawn to READY=1, median of \(starts)",
            String(format: "%.1f ms (fastest %.1f, slowest %.1f)", median, fastest, slowest),
            target: "≤ \(Int(targetMilliseconds)) ms", passed: median <= targetMilliseconds)
    }
}
