// socket-bench: the figures the issues ask for, measured in one run so that ratios are comparable on a
// shared, noisy machine. Build in release: `swift run -c release socket-bench`.
import ATModem
import Foundation
import Logging
import LuaRules
import ModemSimulator
import SocketCore
import SocketRuntime
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

let clock = ContinuousClock()

func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}

func report(_ name: String, _ value: String) {
    print(name.padding(toLength: 52, withPad: " ", startingAt: 0) + value)
}

// MARK: 1. The core alone: parse, execute, reply, state in memory.

let sender = "+3589123456789"
let bodies = [
    "ON", "OFF", "STATUS", "RESTARTTIME=5", "RESTARTTIME?", "ON5", "OFF10", "SECNUMBER?", "RING?", "TEMPERATURE",
    "STATSU", "ALERT?", "SCHEDULER?", "POWERSTATE?", "THERMOSTAT?", "ERROR=ON", "SMSCONFIRM?", "RESTART", "ALARM?",
    "HARDWARE",
]
let start = Instant(seconds: CivilTime(year: 2026, month: 1, day: 5, hour: 8, minute: 0, second: 0).epochSeconds)
let stamp = NetworkTimestamp(local: CivilTime(epochSeconds: start.seconds), zoneQuarterHours: 0)
let events = bodies.map { Event.sms(IncomingSMS(sender: sender, text: $0, timestamp: stamp)) }

var core = SocketCore(model: .gsm707, identity: DeviceIdentity(serialNumber: "1"))
_ = core.handle(.powerUp, at: start)
_ = core.handle(.signal(dBm: -67), at: start)

let commandCount = 2_000_000
var replies = 0
let coreTime = clock.measure {
    for i in 0..<commandCount {
        // Every command lands within the configuration window (one millisecond apart).
        let effects = core.handle(events[i % events.count], at: start.adding(milliseconds: Int64(i) / 1000))
        replies &+= effects.count
    }
}
let perSecond = Double(commandCount) / seconds(coreTime)
report("core: SMS commands handled", "\(commandCount) in \(String(format: "%.3f", seconds(coreTime))) s")
report("core: commands per second (one core)", String(format: "%.0f  (target ≥ 500000)", perSecond))
precondition(replies > 0)

// MARK: 2. A 1,000-line conversation through the simulator, persistence included.

func conversation(lines: Int) -> [String] {
    let script = [
        "sms +3589123456789 ON", "sms +3589123456789 STATUS", "sms +3589123456789 RESTARTTIME=7",
        "sms +3589123456789 SECNUMBER+3589123456789", "sms +3589123456789 OFF5", "wait 1m",
        "sms +3589123456789 ALERTNUMBER+358912345678", "sensor on", "sms +3589123456789 ALARMON", "sensor off",
        "wait 2m", "sms +3589123456789 ALARMOFF", "temp 23.5", "sms +3589123456789 TEMPERATURE",
        "sms +3589123456789 SCHEDULER+08:30,*,INF", "sms +3589123456789 SCHEDULER-08:30", "button press",
        "sms +3589123456789 ALERTNUMBER-358912345678", "sms +3589123456789 SECNUMBER-3589123456789", "wait 10s",
    ]
    return (0..<lines).map { script[$0 % script.count] }
}

func simulate(lines: [String], statePath: String?) async throws -> (Duration, Int) {
    var options = Simulation.Options()
    options.statePath = statePath
    let count = Mutex(0)
    let simulation = try Simulation(options: options) { _ in count.withLock { $0 += 1 } }
    let elapsed = try await clock.measure {
        try await simulation.start()
        for line in lines { await simulation.process(line: line) }
        await simulation.finish()
    }
    return (elapsed, count.withLock { $0 })
}

let lines = conversation(lines: 1000)
let (simTime, outputLines) = try await simulate(lines: lines, statePath: nil)
report("simulate: 1,000-line conversation", String(format: "%.3f s, %d output lines  (target < 1 s)", seconds(simTime), outputLines))

// MARK: 3. The SMS PDU codec.

let pdu = PDUBenchmark.run()
report("PDU: SMS-DELIVER decoded per second", String(format: "%.0f  (target ≥ 200000)", pdu.decodePerSecond))
report("PDU: SMS-SUBMIT encoded per second", String(format: "%.0f  (target ≥ 200000)", pdu.encodePerSecond))

// MARK: 4. Latency through a real pseudo-terminal: from the +CMTI line arriving to the relay set and the
// reply's AT+CMGS written, with the simulated modem answering at once.

/// Records when the relay was last switched.
final class TimedRelay: OutputPort {
    let switchedAt = Mutex<ContinuousClock.Instant?>(nil)
    func start(events: any EventSink) async throws {}
    func stop() async {}
    func set(on: Bool) async throws { switchedAt.withLock { $0 = clock.now } }
}

func latency(durability: Store.Durability, rounds: Int) async throws -> (p50: Double, p99: Double, relayP99: Double) {
    let simulator = try ModemSimulator()
    var configuration = ATModem.Configuration(device: simulator.slavePath, vendor: .simcom)
    configuration.checkInterval = .seconds(3600)
    let modem = ATModem(configuration: configuration, logger: Logger(label: "bench")) { _ in
        try SerialTransport(path: simulator.slavePath)
    }
    let relay = TimedRelay()
    let path = "/tmp/socket-bench-\(getpid()).sqlite"
    defer { for suffix in ["", "-wal", "-shm"] { unlink(path + suffix) } }
    let bus = EventBus()
    let controller = try Controller(
        model: .gsm707, identity: DeviceIdentity(serialNumber: "1"), store: Store(path: path, durability: durability),
        board: Board(modem: modem, thermometer: nil, mainRelay: relay, microRelay: nil, inputs: []),
        clock: SystemClock(), bus: bus)
    let service = ControllerService(controller: controller, bus: bus)
    let running = Task { try await service.run() }
    while !simulator.commands.contains("AT+CSQ") { try await Task.sleep(for: .milliseconds(5)) }
    try await Task.sleep(for: .milliseconds(200))

    var total: [Double] = []
    var toRelay: [Double] = []
    for round in 0..<rounds {
        // Alternate ON and OFF so the relay switches every time; distinct time stamps so that no two PDUs
        // are equal (an equal one is a message seen twice, and handled once).
        let text = round % 2 == 0 ? "ON" : "OFF"
        let stamp = NetworkTimestamp(
            local: CivilTime(epochSeconds: CivilTime(year: 2026, month: 1, day: 5, hour: 8, minute: 0, second: 0).epochSeconds + Int64(round)),
            zoneQuarterHours: 0)
        let pdu = try DeliverPDU.encode(text: text, from: PDUAddress(number: "+3589123456789"), timestamp: stamp)[0].hex
        let index = simulator.store(pdu: pdu)
        let submitted = simulator.submittedPDUs.count
        try await Task.sleep(for: .milliseconds(2))
        let start = clock.now
        simulator.inject("+CMTI: \"SM\",\(index)")
        while simulator.submittedPDUs.count == submitted { try await Task.sleep(for: .microseconds(50)) }
        let end = clock.now
        total.append(seconds(end - start) * 1000)
        if let switched = relay.switchedAt.withLock({ $0 }) { toRelay.append(seconds(switched - start) * 1000) }
        while !simulator.storage.isEmpty { try await Task.sleep(for: .milliseconds(1)) }
    }
    running.cancel()
    await controller.stop()
    await simulator.stop()
    func percentile(_ values: [Double], _ p: Double) -> Double {
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
    }
    return (percentile(total, 0.5), percentile(total, 0.99), percentile(toRelay, 0.99))
}

for (name, durability) in [("synchronous=NORMAL", Store.Durability.normal), ("synchronous=FULL", .full)] {
    let figures = try await latency(durability: durability, rounds: 300)
    report("pty: +CMTI → CMGS, \(name)", String(format: "p50 %.2f ms, p99 %.2f ms (relay set: p99 %.2f ms)  (target p99 ≤ 5 ms)", figures.p50, figures.p99, figures.relayP99))
}

// MARK: 5. Lua rules: dispatch, memory, reload (issue 9's targets).

/// A device that answers queries at once and ignores the rest, so that only the host is measured.
final class IdleDevice: RuleEnvironment {
    func deviceState() -> DeviceState {
        DeviceState(
            main: false, micro: false, armed: false, alarm: .disarmed, sensorActive: false, temperature: 20, mains: true,
            modemOnline: true, signal: -67, model: .gsm707, alertNumbers: [])
    }
    func deviceClock() -> CivilTime? { CivilTime(epochSeconds: start.seconds) }
    func sunTimes(on day: CalendarDate?) -> LuaRules.SunTimes? { nil }
    func log(_ text: String, rule: String) {}
    func report(_ failure: RuleFailure) { print("bench rule failed: \(failure)") }
}

let device = IdleDevice()
let rulesHost = RuleHost(environment: device)
var sensorHandlers: [HandlerID] = []
for i in 0..<10 {
    let source = "local seen = 0\non(\"sensor\", function(ev) if ev.active then seen = seen + 1 end end)\n"
    let loaded = try rulesHost.load(rule: "r\(i)", file: "r\(i).lua", source: source)
    sensorHandlers += loaded.map(\.handler)
}
let sensorEvent: LuaValue = .table(["active": .boolean(true)])
var dispatchTimes: [Double] = []
for _ in 0..<2_000 {
    let elapsed = clock.measure {
        for handler in sensorHandlers { _ = rulesHost.start(handler, with: sensorEvent) }
    }
    dispatchTimes.append(seconds(elapsed) * 1e6)
}
dispatchTimes.sort()
report("rules: one event to 10 rules, median", String(format: "%.1f µs, p99 %.1f µs  (target median ≤ 20 µs)", dispatchTimes[dispatchTimes.count / 2], dispatchTimes[dispatchTimes.count * 99 / 100]))

// The example rules of rules/, each in its own state.
let examplesHost = RuleHost(configuration: RuleHostConfiguration(hasLocation: true), environment: device)
let examplesFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("rules").path
var exampleBytes = 0
var exampleCount = 0
for file in ((try? FileManager.default.contentsOfDirectory(atPath: examplesFolder)) ?? []).sorted() where file.hasSuffix(".lua") {
    let source = (try? String(contentsOfFile: examplesFolder + "/" + file, encoding: .utf8)) ?? ""
    do {
        try examplesHost.load(rule: String(file.dropLast(4)), file: file, source: source)
        exampleBytes += examplesHost.memoryInUse(by: String(file.dropLast(4))) ?? 0
        exampleCount += 1
    } catch {
        print("bench: \(file) did not load: \(error)")
    }
}
report("rules: Lua memory of the example rules", String(format: "%d rules, %.0f KiB  (target ≤ 2048 KiB)", exampleCount, Double(exampleBytes) / 1024))

let reloadSource = "on(\"relay\", function(ev) log(ev.relay) end)\nevery(\"10m\", function() local s = state() end)\ncommand(\"PING\", function() return \"PONG\" end)\n"
let reloadHost = RuleHost(environment: device)
var reloadTimes: [Double] = []
for _ in 0..<20 {
    let elapsed = try clock.measure {
        for i in 0..<20 { try reloadHost.load(rule: "rule\(i)", file: "rule\(i).lua", source: reloadSource.replacingOccurrences(of: "PING", with: "PING\(String(UnicodeScalar(65 + i)!))")) }
    }
    reloadTimes.append(seconds(elapsed) * 1000)
}
reloadTimes.sort()
report("rules: reloading 20 rules, median", String(format: "%.2f ms  (target ≤ 50 ms)", reloadTimes[reloadTimes.count / 2]))
