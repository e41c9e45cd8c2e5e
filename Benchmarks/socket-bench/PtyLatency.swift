import ATModem
import Logging
import ModemSimulator
import SocketCore
import SocketRuntime
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Section "pty": the time from a `+CMTI` line arriving on a real pseudo-terminal to the relay set and the
/// reply's `AT+CMGS` written (its PDU taken by the modem): the modem reads the message (`AT+CMGR`), the
/// controller commits it and switches the relay, the outbox sends the reply. The simulated modem answers
/// at once, so what is measured is SMSocket's own part.
enum PtyLatency {
    static let targetP99Milliseconds = 5.0
    static let rounds = 2_000

    struct Figures {
        var p50: Double
        var p99: Double
        var relayP99: Double
    }

    /// Records when the relay was last switched.
    final class TimedRelay: OutputPort {
        let switchedAt = Mutex<ContinuousClock.Instant?>(nil)
        func start(events: any EventSink) async throws {}
        func stop() async {}
        func set(on: Bool) async throws { switchedAt.withLock { $0 = .now } }
    }

    static func run(scorecard: Scorecard) async throws {
        // `smsocket run` commits with synchronous=FULL; NORMAL shows what the fsync costs.
        for (name, durability) in [("synchronous=NORMAL", Store.Durability.normal), ("synchronous=FULL", .full)] {
            let figures = try await measure(durability: durability, rounds: rounds)
            scorecard.check(
                "pty: +CMTI → relay → CMGS, \(name)",
                String(format: "p50 %.2f ms, p99 %.2f ms over %d SMS (relay set: p99 %.2f ms)", figures.p50, figures.p99, rounds, figures.relayP99),
                target: "p99 ≤ \(Int(targetP99Milliseconds)) ms", passed: figures.p99 <= targetP99Milliseconds)
        }
    }

    static func measure(durability: Store.Durability, rounds: Int) async throws -> Figures {
        let simulator = try ModemSimulator()
        var configuration = ATModem.Configuration(device: simulator.slavePath, vendor: .simcom)
        configuration.checkInterval = .seconds(3600)
        // Warnings only: the activity log of 2,000 SMS would bury the figures.
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        let modem = ATModem(configuration: configuration, logger: logger) { _ in
            try SerialTransport(path: simulator.slavePath)
        }
        let relay = TimedRelay()
        let path = "/tmp/socket-bench-\(getpid()).sqlite"
        defer { for suffix in ["", "-wal", "-shm", ".lock"] { unlink(path + suffix) } }
        let bus = EventBus()
        let controller = try Controller(
            model: .gsm707, identity: DeviceIdentity(serialNumber: "1"), store: Store(path: path, durability: durability),
            board: Board(modem: modem, thermometer: nil, mainRelay: relay, microRelay: nil, inputs: []),
            clock: SystemClock(), bus: bus, logger: logger)
        let service = ControllerService(controller: controller, bus: bus)
        let running = Task { try await service.run() }
        while !simulator.commands.contains("AT+CSQ") { try await Task.sleep(for: .milliseconds(5)) }
        try await Task.sleep(for: .milliseconds(200))

        let firstStamp = CivilTime(year: 2026, month: 1, day: 5, hour: 8, minute: 0, second: 0).epochSeconds
        var total: [Double] = []
        var toRelay: [Double] = []
        for round in 0..<rounds {
            // Alternate ON and OFF so the relay switches every time; distinct time stamps so that no two PDUs
            // are equal (an equal one is a message seen twice, and handled once).
            let text = round % 2 == 0 ? "ON" : "OFF"
            let stamp = NetworkTimestamp(local: CivilTime(epochSeconds: firstStamp + Int64(round)), zoneQuarterHours: 0)
            let pdu = try DeliverPDU.encode(text: text, from: PDUAddress(number: "+3589123456789"), timestamp: stamp)[0].hex
            let index = simulator.store(pdu: pdu)
            let submitted = simulator.submittedPDUs.count
            try await Task.sleep(for: .milliseconds(2))
            let start = ContinuousClock.now
            simulator.inject("+CMTI: \"SM\",\(index)")
            while simulator.submittedPDUs.count == submitted { try await Task.sleep(for: .microseconds(50)) }
            let end = ContinuousClock.now
            total.append(seconds(end - start) * 1000)
            if let switched = relay.switchedAt.withLock({ $0 }), switched > start { toRelay.append(seconds(switched - start) * 1000) }
            while !simulator.storage.isEmpty { try await Task.sleep(for: .milliseconds(1)) }
        }
        running.cancel()
        await controller.stop()
        await simulator.stop()
        guard toRelay.count == rounds else { throw BenchFailure("the relay switched in \(toRelay.count) of \(rounds) rounds") }
        return Figures(p50: percentile(total, 0.5) ?? 0, p99: percentile(total, 0.99) ?? 0, relayP99: percentile(toRelay, 0.99) ?? 0)
    }
}
