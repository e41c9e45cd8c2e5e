import Foundation
import TestSupport
import Testing

/// 24 virtual hours of `smsocket simulate --config etc/demo.toml` (every example rule loaded, Helsinki time),
/// driven by a generated day of traffic: SMS commands, calls, temperature changes, alarm sensor flips, button
/// presses, power cuts and power cycles, with waits between them.
///
/// Checked: every command's reply and effect is in the output right after it (STATUS, ON, OFF, BOOST, calls
/// with RING=SWITCH, the button, power notices), the rules' own SMS at their triggers (frost guard, alarm
/// escalation, mains watch), the scheduled ones at their times (SCHEDULER INF at 12:00, the weekly report on
/// Sunday at 18:00, COFFEE on Monday at 06:45, the night light at sunset), no rule failure; and that the
/// simulator's memory does not grow: its resident size at the end of the day is that of the first hour.
///
/// `SMSOCKET_SOAK_SEED` replays a day; the seed is in every failure's message.
@Suite("A day through simulate with the example rules", .serialized)
struct SoakTests {
    static let binary = smsocketExecutable(besides: #filePath)
    static let config: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/") + "/etc/demo.toml"
    }()
    static let owner = "+3589123456789"
    static let stranger = "+3589555000111"
    /// Sunday 08:00 in Helsinki: the day holds the weekly report (Sunday 18:00) and Monday's coffee (06:45).
    static let start = "2026-01-11T06:00:00Z"
    /// Most the resident size may grow from the end of the first hour to the end of the day.
    static let allowedGrowthKiB = 2048

    /// What must follow an input line, before the next one.
    enum Expectation: CustomStringConvertible {
        /// An event line (after its time stamp), exactly.
        case line(String)
        /// An event line beginning so.
        case prefix(String)

        func matches(_ event: String) -> Bool {
            switch self {
            case .line(let text): event == text
            case .prefix(let text): event.hasPrefix(text)
            }
        }

        var description: String {
            switch self {
            case .line(let text): text
            case .prefix(let text): text + "…"
            }
        }
    }

    struct Step {
        var line: String
        var expected: [Expectation] = []
    }

    @Test func aDayOfTrafficIsAnsweredAndMemoryDoesNotGrow() throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.binary), "build smsocket first: \(Self.binary)")
        let seed = ProcessInfo.processInfo.environment["SMSOCKET_SOAK_SEED"].flatMap { UInt64($0) } ?? 0x50A4_2026
        let note: Comment = "seed \(seed) (SMSOCKET_SOAK_SEED=\(seed) replays it)"
        var day = DayOfTraffic(seed: seed)
        let hours = day.hours()
        let dir = try TemporaryDirectory()
        let output = dir.path("day.txt")
        let started = ContinuousClock.now
        let process = try ChildProcess(
            [Self.binary, "simulate", "--config", Self.config, "--start", Self.start], outputPath: output, discardErrors: true)
        var memory: [(rss: Int, hwm: Int)] = []
        for (hour, steps) in hours.enumerated() {
            process.write(steps.map { $0.line + "\n" }.joined() + "# hour \(hour + 1)\n")
            let reached = waitForText(in: output, seconds: 30) { $0.contains("< # hour \(hour + 1)\n") }
            try #require(reached, "hour \(hour + 1) was not reached; \(note)")
            memory.append(Self.memory(of: process.pid))
        }
        process.closeInput()
        #expect(ChildProcess.exited(process.waitForExit(), code: 0), note)
        let elapsed = ContinuousClock.now - started

        let lines = readTextFile(output).split(separator: "\n").map(String.init)
        Self.checkReplies(lines, hours.flatMap { $0 }, note)
        Self.checkSchedule(lines, note)
        let (first, last) = (memory[0], memory[memory.count - 1])
        #expect(last.rss - first.rss <= Self.allowedGrowthKiB, "VmRSS \(first.rss) KiB after hour 1, \(last.rss) KiB after hour 24; \(note)")
        #expect(last.hwm - first.hwm <= Self.allowedGrowthKiB, "VmHWM \(first.hwm) KiB after hour 1, \(last.hwm) KiB after hour 24; \(note)")
        print(
            "soak (seed \(seed)): 24 virtual hours, \(hours.joined().count) input lines, \(lines.count) output lines in \(elapsed); VmRSS/VmHWM KiB after hour 1: \(first.rss)/\(first.hwm), hour 12: \(memory[11].rss)/\(memory[11].hwm), hour 24: \(last.rss)/\(last.hwm)"
        )
    }

    // MARK: - Checks

    /// Each step's expected lines are among the lines that follow its echo.
    static func checkReplies(_ lines: [String], _ steps: [Step], _ note: Comment) {
        var blocks: [(input: String, events: [String])] = []
        for line in lines {
            if line.hasPrefix("< ") {
                blocks.append((String(line.dropFirst(2)), []))
            } else if !blocks.isEmpty {
                blocks[blocks.count - 1].events.append(event(line))
            }
        }
        let inputs = blocks.filter { !$0.input.hasPrefix("# hour ") }
        #expect(inputs.count == steps.count, "\(inputs.count) lines echoed of \(steps.count); \(note)")
        for (step, block) in zip(steps, inputs) {
            #expect(block.input == step.line, "echoed \(block.input), sent \(step.line); \(note)")
            for expectation in step.expected where !block.events.contains(where: expectation.matches) {
                Issue.record("after \"\(step.line)\": no \(expectation) in \(block.events); \(note)")
            }
        }
        let failures = lines.filter { $0.contains(" rule-error ") || $0.hasPrefix("error:") }
        #expect(failures.isEmpty, "\(failures); \(note)")
        let alarms = lines.filter { $0.contains("\"ALARM! Sensor triggered") }.count
        let armed = steps.filter { $0.line.hasSuffix(" ALARMON") }.count
        #expect(alarms == armed, "\(alarms) alarm SMS for \(armed) alarms; \(note)")
        #expect(!lines.contains { $0.contains("sms-out \(stranger)") }, "a stranger was answered; \(note)")
    }

    /// The scheduler's and the rules' own work at their times.
    static func checkSchedule(_ lines: [String], _ note: Comment) {
        // SCHEDULER+12:00,*,INF: STATUS to the ALERTNUMBER at 12:00 Helsinki (10:00 UTC), once; no STATUS goes out
        // otherwise but as a reply (those are checked with their command).
        let information = lines.filter { $0.hasPrefix("2026-01-11T10:00:00Z sms-out \(owner) \"Power socket ") && $0.contains("\\nMicrorelay") }
        #expect(!information.isEmpty, "no SCHEDULER INF at 12:00; \(note)")
        let reports = lines.filter { $0.contains("sms-out \(owner) \"Weekly report\\n") }
        #expect(reports.count == 1 && reports.first?.hasPrefix("2026-01-11T16:00:00Z ") == true, "\(reports); \(note)")
        let coffee = lines.filter { $0.hasPrefix("2026-01-12T04:45:00Z rule-log coffee \"COFFEE: ") }
        #expect(coffee.count == 1, "no COFFEE on Monday at 06:45; \(note)")
        let sunsets = lines.filter { $0.contains("rule-log night-light \"sunset") }
        #expect(sunsets.count == 1 && sunsets.first?.hasPrefix("2026-01-11T13:") == true, "\(sunsets); \(note)")
        if sunsets.first?.hasSuffix("\"sunset: lamp on\"") == true {
            #expect(lines.contains("2026-01-11T21:00:00Z rule-log night-light \"23:00: lamp off\""), "the lamp was not switched off at 23:00; \(note)")
        }
    }

    /// `2026-…Z relay main on` → `relay main on`.
    static func event(_ line: String) -> String {
        guard let space = line.firstIndex(of: " ") else { return line }
        return String(line[line.index(after: space)...])
    }

    /// VmRSS and VmHWM of a process, in KiB.
    static func memory(of pid: Int32) -> (rss: Int, hwm: Int) {
        let status = readTextFile("/proc/\(pid)/status").split(separator: "\n")
        func value(_ key: String) -> Int {
            status.first { $0.hasPrefix(key + ":") }.flatMap { Int($0.dropFirst(key.count + 1).filter(\.isNumber)) } ?? -1
        }
        return (value("VmRSS"), value("VmHWM"))
    }

    // MARK: - The day

    /// A seeded day of traffic, hour by hour; each hour ends at its full hour.
    struct DayOfTraffic {
        var rng: SplitMix64
        /// Minutes since the start.
        var now = 0

        init(seed: UInt64) { rng = SplitMix64(seed: seed) }

        mutating func hours() -> [[Step]] {
            var day: [[Step]] = []
            var steps = setUp()
            for hour in 1...24 {
                // The longest block takes 17 minutes: the hour's last wait is at least a minute.
                while now < hour * 60 - 18 { steps += block() }
                steps.append(Step(line: "wait \(hour * 60 - now)m"))
                now = hour * 60
                day.append(steps)
                steps = []
            }
            return day
        }

        func sms(_ text: String, _ expected: Expectation...) -> Step {
            Step(line: "sms \(owner) \(text)", expected: expected)
        }

        func reply(_ text: String) -> Expectation { .line("sms-out \(owner) \"\(text)\"") }

        func replyStarting(_ text: String) -> Expectation { .prefix("sms-out \(owner) \"\(text)") }

        /// The owner is the ALERTNUMBER and the one allowed number; a call from it switches the socket; the
        /// scheduler reports at noon and makes coffee; the owner answers the alarm's calls.
        func setUp() -> [Step] {
            ["ALERTNUMBER+3589123456789", "SECNUMBER+3589123456789", "SECLIST=ON", "RING=SWITCH", "SCHEDULER+12:00,*,INF",
             "SCHEDULER+06:45,*,COFFEE"].map { sms($0, reply("\($0) - OK")) } + [Step(line: "pickup \(owner) answer")]
        }

        /// One thing that happens, then a pause.
        mutating func block() -> [Step] {
            var steps: [Step]
            // Minutes of the day (from 08:00 Helsinki) when the rules switch the socket: sunset (13:00-14:35
            // UTC), 23:00, Monday's coffee (06:45-07:15). The frost episode, which needs the socket off, keeps
            // clear of them.
            let busy = [(7 * 60, 8 * 60 + 35), (15 * 60 - 5, 15 * 60 + 5), (22 * 60 + 40, 23 * 60 + 20)]
            let clear = !busy.contains { now + 17 >= $0.0 && now <= $0.1 }
            switch rng.next() % 100 {
            case 0..<30:
                // A burst: several people ask at once.
                steps = (0...(rng.next() % 32)).map { _ in sms("STATUS", replyStarting("Power socket ")) }
            case 30..<38:
                steps = [sms("ON", reply("Power socket ON"))]
            case 38..<46:
                steps = [sms("OFF", reply("Power socket OFF"))]
            case 46..<50:
                let minutes = 1 + Int(rng.next() % 120)
                steps = [sms("BOOST=\(minutes)", reply("BOOST - OK\\nHeater ON for \(minutes) min"))]
            case 50..<58:
                steps = [Step(line: "call \(owner)", expected: [.line("hangup \(owner)"), replyStarting("Power socket O")])]
            case 58..<61:
                steps = [Step(line: "call \(stranger)")]
            case 61..<71:
                steps = [Step(line: "temp \(8 + Int(rng.next() % 25))")]
            case 71..<79:
                steps = [Step(line: "button press", expected: [.prefix("relay main o")])]
            case 79..<83:
                steps = [Step(line: "sensor on"), Step(line: "wait 1m"), Step(line: "sensor off")]
                now += 1
            case 83..<87 where clear:
                // Frost: with the socket off, a reading below 3 °C switches it on and tells the ALERTNUMBER
                // (readings count from 10 minutes after a power-up); from 6 °C it goes off again.
                steps = [
                    sms("OFF", reply("Power socket OFF")), Step(line: "temp 1"),
                    Step(line: "wait 12m", expected: [reply("Frost guard: -4C, heater ON")]), Step(line: "temp 12"),
                    Step(line: "wait 2m", expected: [.line("rule-log frost-guard \"heater off at 7C\"")]),
                ]
                now += 14
            case 87..<91:
                // An alarm: the escalation calls the owner, who answers, and everyone hears who took it.
                steps = [
                    sms("ALARMON", reply("ALARMON - OK\\nALARM function: Enabled")),
                    Step(line: "sensor on", expected: [reply("ALARM! Sensor triggered. \(owner) took the call.")]),
                    Step(line: "wait 10s"), Step(line: "sensor off"), Step(line: "wait 50s"),
                    sms("ALARMOFF", reply("ALARMOFF - OK\\nALARM function: Disabled")),
                ]
                now += 1
            case 91..<96:
                let minutes = rng.next() % 2 == 0 ? 3 : 15
                steps = [
                    Step(line: "mains off", expected: [reply("Power failure!")]),
                    Step(line: "wait \(minutes)m"),
                    Step(
                        line: "mains on",
                        expected: [reply("Power restored!")] + (minutes >= 10 ? [replyStarting("Mains was off \(minutes) min.")] : [])),
                ]
                now += minutes
            case 96..<98:
                steps = [Step(line: "restart")]
            default:
                steps = [sms("RESTARTTIME?", replyStarting("RESTARTTIME="))]
            }
            // Mostly nothing: several things happen in the same minute.
            let pause = rng.next() % 4 == 0 ? 1 : 0
            now += pause
            return pause == 0 ? steps : steps + [Step(line: "wait \(pause)m")]
        }
    }
}
