// socket-bench: the figures the issues ask for, measured in one run so that ratios are comparable on a
// shared, noisy machine. Build in release: `swift build -c release --product socket-bench --product smsocket`,
// then `.build/release/socket-bench` (`--help` lists the options). Every figure with a target says PASS or
// FAIL; the exit status is 1 when one failed.
import ATModem
import Foundation
import LuaRules
import SocketCore
import SocketRuntime
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

if CommandLine.arguments.dropFirst().contains(where: { $0 == "--help" || $0 == "-h" }) {
    print(BenchOptions.usage)
    exit(0)
}
let options: BenchOptions
do {
    options = try BenchOptions(Array(CommandLine.arguments.dropFirst()))
} catch {
    print(error)
    exit(2)
}
let scorecard = Scorecard()
let clock = ContinuousClock()
let start = Instant(seconds: CivilTime(year: 2026, month: 1, day: 5, hour: 8, minute: 0, second: 0).epochSeconds)

var load = [0.0, 0.0, 0.0]
_ = getloadavg(&load, 3)
print(String(format: "socket-bench on %d cores, load average %.2f %.2f %.2f", sysconf(Int32(_SC_NPROCESSORS_ONLN)), load[0], load[1], load[2]))

// MARK: The core alone: parse, execute, reply, state in memory.

if options.runs("core") {
    scorecard.section("core: the pure state machine")
    let sender = "+3589123456789"
    let bodies = [
        "ON", "OFF", "STATUS", "RESTARTTIME=5", "RESTARTTIME?", "ON5", "OFF10", "SECNUMBER?", "RING?", "TEMPERATURE",
        "STATSU", "ALERT?", "SCHEDULER?", "POWERSTATE?", "THERMOSTAT?", "ERROR=ON", "SMSCONFIRM?", "RESTART", "ALARM?",
        "HARDWARE",
    ]
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
    scorecard.note("core: SMS commands handled", "\(commandCount) in \(String(format: "%.3f", seconds(coreTime))) s")
    scorecard.check("core: commands per second (one core)", String(format: "%.0f", perSecond), target: "≥ 500000", passed: perSecond >= 500_000)
    precondition(replies > 0)
}

// MARK: A 1,000-line conversation through the simulator, persistence included.

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

if options.runs("simulate") {
    scorecard.section("simulate: a conversation on the virtual clock")
    let (simTime, outputLines) = try await simulate(lines: conversation(lines: 1000), statePath: nil)
    scorecard.check(
        "simulate: 1,000-line conversation", String(format: "%.3f s, %d output lines", seconds(simTime), outputLines),
        target: "< 1 s", passed: seconds(simTime) < 1)
}

// MARK: The SMS PDU codec.

if options.runs("pdu") {
    scorecard.section("pdu: the SMS PDU codec")
    let pdu = PDUBenchmark.run()
    scorecard.check("PDU: SMS-DELIVER decoded per second", String(format: "%.0f", pdu.decodePerSecond), target: "≥ 200000", passed: pdu.decodePerSecond >= 200_000)
    scorecard.check("PDU: SMS-SUBMIT encoded per second", String(format: "%.0f", pdu.encodePerSecond), target: "≥ 200000", passed: pdu.encodePerSecond >= 200_000)
}

// MARK: Latency through a real pseudo-terminal.

if options.runs("pty") {
    scorecard.section("pty: SMS in → relay → reply written, through ATModem on a pseudo-terminal")
    try await PtyLatency.run(scorecard: scorecard)
}

// MARK: Lua rules: dispatch, memory, reload (issue 9's targets).

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

if options.runs("rules") {
    scorecard.section("rules: the Lua rule host")
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
    let dispatchMedian = dispatchTimes[dispatchTimes.count / 2]
    scorecard.check(
        "rules: one event to 10 rules, median", String(format: "%.1f µs, p99 %.1f µs", dispatchMedian, dispatchTimes[dispatchTimes.count * 99 / 100]),
        target: "median ≤ 20 µs", passed: dispatchMedian <= 20)

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
    scorecard.check(
        "rules: Lua memory of the example rules", String(format: "%d rules, %.0f KiB", exampleCount, Double(exampleBytes) / 1024),
        target: "≤ 2048 KiB", passed: exampleBytes <= 2048 * 1024)

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
    scorecard.check(
        "rules: reloading 20 rules, median", String(format: "%.2f ms", reloadTimes[reloadTimes.count / 2]), target: "≤ 50 ms",
        passed: reloadTimes[reloadTimes.count / 2] <= 50)
}

// MARK: A real `smsocket run` on a board without hardware: memory under commands, idle CPU, start-up.

do {
    if options.runs("memory") || options.runs("idle") {
        let board = try BenchBoard(binary: options.smsocket)
        // As the unit starts it: Type=notify with WatchdogSec=30, so the watchdog's pings are part of idle.
        let notifications = try NotifySocket(path: board.folder.path("notify.sock"))
        let startedAt = ContinuousClock.now
        let daemon = try board.start(notifySocket: notifications.path, watchdog: .seconds(30))
        try await board.waitForModem()
        // The start's own work (the first SIM sweep, the thermometer's first probe) is over by then.
        try await Task.sleep(for: .seconds(2))
        if options.runs("memory") {
            scorecard.section("memory: smsocket run's resident memory, commands through the pty modem")
            try await MemoryGrowth.run(
                board: board, daemon: daemon, traffic: SMSTraffic(simulator: board.simulator, sender: "+3589123456789"),
                perSecond: options.commandsPerSecond, scorecard: scorecard)
        }
        if options.runs("idle") {
            scorecard.section("idle: smsocket run with the modem, a 1-Wire thermometer and an exec input, doing nothing")
            try await IdleActivity.run(board: board, daemon: daemon, startedAt: startedAt, options: options, scorecard: scorecard)
        }
        try board.stop(daemon)
        // Bound until the daemon is gone, so that none of its notifications fails.
        notifications.drain()
        await board.simulator.stop()
    }
    if options.runs("startup") {
        scorecard.section("startup: smsocket run from spawn to READY=1")
        let board = try BenchBoard(binary: options.smsocket)
        try await StartUpTime.run(board: board, scorecard: scorecard)
        await board.simulator.stop()
    }
} catch {
    print("socket-bench: \(error)")
    exit(2)
}

let failed = scorecard.failed
print(failed.isEmpty ? "\nevery figure met its target" : "\n\(failed.count) figure(s) missed the target: \(failed.joined(separator: "; "))")
exit(failed.isEmpty ? 0 : 1)
