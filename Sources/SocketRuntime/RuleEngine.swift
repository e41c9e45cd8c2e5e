import Foundation
import LuaRules
import Logging
import SocketCore

/// The Lua rules beside the core (rules-api.md): one more consumer of the controller's events and timers.
///
/// It loads every `*.lua` file of the rules folder in name order into the ``RuleHost``, tells the core what the
/// rules add (``RuleCatalog``), starts handlers when their trigger happens, and keeps the runs that wait:
/// `sleep` on the controller's clock, actions through the controller (the same command path as an SMS, with
/// the local console's trust). It belongs to the ``Controller`` actor: every Lua call happens there, one at a
/// time. Work is queued as ``Job``s that the controller's ``Controller/drain()`` carries out, so a rule's
/// action that causes another event never nests handlers without bound.
final class RuleEngine: RuleEnvironment {
    /// Why a run was started, which decides what its end means.
    enum Purpose: Equatable {
        /// `on` (`trigger`: the event's name), `every`, `at`, `action`.
        case plain(trigger: String)
        /// A rule's SMS command: its return value is the reply.
        case command(id: Int)
        /// The alarm response: its end ends the notification cycle.
        case alarmResponse

        /// How the `start` event's `interrupted` list names a run of this purpose that a restart cut short: an
        /// alarm response cut short is worth a rule's notice above all.
        var trigger: String {
            switch self {
            case .plain(let trigger): trigger
            case .command: "command"
            case .alarmResponse: "alarm"
            }
        }
    }

    enum Job {
        case start(HandlerID, LuaValue, Purpose)
        case resume(RunID, WaitResult)
    }

    /// What the controller must do after a step.
    enum Request {
        /// Carry out a rule's action, then resume the run with its result.
        case action(RunID, RuleAction)
        /// Tell the core that a rule's command handler returned `reply` or failed.
        case commandDone(id: Int, reply: String?, failed: Bool)
        /// Tell the core that the alarm response ended.
        case alarmResponseEnded(failed: Bool)
        /// Place a rule's call; its outcome resumes the run (``Effect/ruleCallDone(id:result:)``).
        case call(RunID, number: String, ringSeconds: Int)
        /// Send a rule's USSD request; the answer resumes the run (``Effect/ruleUSSDDone(id:answer:)``).
        case ussd(RunID, code: String)
    }

    let folder: String
    private let store: Store
    private let logger: Logger
    /// `rule-log` and `rule-error` lines: (rule, text, is an error).
    private let output: @Sendable (String, String, Bool) -> Void
    private var host: RuleHost!
    private(set) var registrations: [Registration] = []
    private var jobs: [Job] = []
    private var purposes: [RunID: Purpose] = [:]
    private var sleepers: [RunID: Instant] = [:]
    private var periodic: [HandlerID: (next: Instant, seconds: Int64)] = [:]
    private var daily: [HandlerID: Instant] = [:]
    private var alarmRun: RunID?
    /// Mains and modem as the rules last saw them: `mains` and `modem` fire on a change only, though a port
    /// repeats its level when it starts (the simulated mains sense reports power present after power-up).
    private var levels: (mainsPresent: Bool, modemOnline: Bool)?
    /// Calls and USSD requests in flight, by their request number, and each run's call (for `hangup()`).
    private var callRuns: [Int: RunID] = [:]
    private var ussdRuns: [Int: RunID] = [:]
    private var runCalls: [RunID: Int] = [:]
    /// Calls whose run ended: the controller hangs them up.
    private var endedCalls: [Int] = []
    private var nextRequest = 0
    /// The core as it stood when the controller last handed it over: what `state()`, `now()` and `sun()` read.
    var device: SocketCore?
    var location: Coordinates?
    /// The controller's time now.
    var now = Instant(milliseconds: 0)

    init(
        folder: String, store: Store, configuration: RuleHostConfiguration, logger: Logger,
        output: @escaping @Sendable (String, String, Bool) -> Void
    ) {
        self.folder = folder
        self.store = store
        self.logger = logger
        self.output = output
        host = RuleHost(configuration: configuration, environment: self)
    }

    // MARK: - Loading

    /// Loads every rule of the folder (again), keeping each one's `data`; waiting runs are cancelled.
    /// Returns what the rules add to the command language.
    func loadAll() -> RuleCatalog {
        for name in host.ruleNames { host.unload(rule: name) }
        failures = [:]
        registrations = []
        jobs = []
        purposes = [:]
        sleepers = [:]
        periodic = [:]
        daily = [:]
        alarmRun = nil
        // The calls of the cancelled runs end with them; answers still on their way find no run.
        endedCalls += runCalls.values.sorted()
        runCalls = [:]
        callRuns = [:]
        ussdRuns = [:]
        levels = device.map { ($0.snapshot.mainsPresent, $0.snapshot.modemOnline) }
        let interrupted = (try? store.takeInterruptedRuleRuns()) ?? [:]
        folderProblem = ConfigCheck.rulesFolderProblem(folder)
        if let folderProblem { logger.error("\(folderProblem)") }
        for file in folderProblem == nil ? Self.ruleFiles(in: folder, logger: logger) : [] {
            let name = String(file.dropLast(4))
            do {
                let source = try Self.read(folder + "/" + file)
                let data = (try? store.ruleData(of: name)) ?? .nil
                let loaded = try host.load(rule: name, file: file, source: source, data: data)
                registrations += loaded
            } catch let failure as RuleFailure {
                fail(name, failure.description)
            } catch {
                fail(name, "\(file): \(error)")
            }
        }
        for registration in registrations {
            switch registration.trigger {
            case .every(let interval):
                let seconds = max(1, Int64(interval.components.seconds))
                periodic[registration.handler] = (now.adding(seconds: seconds), seconds)
            case .event(.start):
                let cut = interrupted[registration.handler.rule] ?? []
                jobs.append(.start(registration.handler, .table(["interrupted": .list(cut.map(LuaValue.string))]), .plain(trigger: "start")))
            default:
                break
            }
        }
        scheduleDaily()
        var catalog = RuleCatalog()
        for registration in registrations {
            switch registration.trigger {
            case .action(let name): catalog.actions.insert(name)
            case .command(let keyword, let kind):
                catalog.commands[keyword] = kind == .config ? .configuration : kind == .info ? .information : .control
            case .alarmResponse: catalog.alarmResponse = true
            default: break
            }
        }
        logger.notice("rules loaded from \(folder): \(host.ruleNames.isEmpty ? "none" : host.ruleNames.joined(separator: ", "))")
        return catalog
    }

    /// The rule files of `folder`: `*.lua` directly in it, in name order.
    static func ruleFiles(in folder: String, logger: Logger) -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".lua") && $0.count > 4 }.sorted()
        } catch {
            logger.error("the rules folder \(folder) cannot be read: \(error)")
            return []
        }
    }

    /// A rule file's text, at most 1 MiB.
    static func read(_ path: String) throws -> String {
        let bytes = try ConfigFile.contents(of: path, kind: "rule file")
        return String(decoding: bytes, as: UTF8.self)
    }

    // MARK: - Triggers

    /// Queues the handlers an event and its effects trigger (rules-api.md "Events for on"); `switched` are the
    /// relay switchings that succeeded.
    func observe(_ event: Event, _ effects: [Effect], switched: [(Relay, Bool)]) {
        var fired: [(RuleEvent, LuaValue)] = []
        switch event {
        case .sms(let sms):
            let reply = effects.lazy.compactMap { if case .sendSMS(let to, let text) = $0, to == sms.sender { text } else { nil } }.first
            let permitted = effects.contains { if case .verdict(let v) = $0 { v.outcome.isPermitted } else { false } }
            if permitted {
                fired.append((.sms, .table(["from": sms.sender.map(LuaValue.string) ?? .nil, "text": .string(Self.command(of: sms.text, password: device?.persistent.password)), "reply": reply.map(LuaValue.string) ?? .nil])))
            }
        case .incomingCall(let from): fired.append((.call, .table(["from": from.map(LuaValue.string) ?? .nil])))
        case .mains(let present) where present != levels?.mainsPresent:
            fired.append((.mains, .table(["present": .boolean(present)])))
        case .modemOnline(let online) where online != levels?.modemOnline:
            fired.append((.modem, .table(["online": .boolean(online)])))
        case .button(let held): fired.append((.button, .table(["held": .number(Double(held) / 1000)])))
        default: break
        }
        levels = device.map { ($0.snapshot.mainsPresent, $0.snapshot.modemOnline) }
        for effect in effects {
            guard case .notice(let notice) = effect else { continue }
            switch notice {
            case .alarm: fired.append((.alarm, .table([:])))
            case .sensor(let active): fired.append((.sensor, .table(["active": .boolean(active)])))
            case .armed(let armed): fired.append((.armed, .table(["armed": .boolean(armed)])))
            case .temperature(let t): fired.append((.temperature, .table(["celsius": t.map { .integer(Int64($0)) } ?? .nil])))
            }
        }
        for (relay, on) in switched { fired.append((.relay, .table(["relay": .string(relay.rawValue), "on": .boolean(on)]))) }
        for (name, argument) in fired {
            for registration in registrations where registration.trigger == .event(name) {
                guard admitEventRun(of: registration.handler.rule) else { continue }
                jobs.append(.start(registration.handler, argument, .plain(trigger: name.rawValue)))
            }
        }
        for effect in effects {
            switch effect {
            case .ruleAction(let name):
                guard let registration = registrations.first(where: { $0.trigger == .action(name) }) else {
                    report(rule: "scheduler", "the scheduler fired the action \(name), but no rule defines it")
                    continue
                }
                jobs.append(.start(registration.handler, .nil, .plain(trigger: "action")))
            case .ruleCommand(let request):
                guard let registration = registrations.first(where: {
                    if case .command(request.keyword, _) = $0.trigger { true } else { false }
                }) else {
                    continue
                }
                let argument: LuaValue = .table([
                    "from": request.from.map(LuaValue.string) ?? .nil, "text": .string(request.text), "args": .string(request.args),
                ])
                jobs.append(.start(registration.handler, argument, .command(id: request.id)))
            case .ruleCallDone(let id, let result):
                // An answered call stays the run's until it hangs up or ends; any other end frees it.
                guard let run = callRuns[id] else { continue }
                if result != .answered {
                    callRuns[id] = nil
                    runCalls[run] = nil
                }
                jobs.append(.resume(run, .call(result)))
            case .ruleUSSDDone(let id, let answer):
                guard let run = ussdRuns.removeValue(forKey: id) else { continue }
                jobs.append(.resume(run, .ussd(answer)))
            case .alarmResponse(let start):
                if start, let registration = registrations.first(where: { $0.trigger == .alarmResponse }) {
                    jobs.append(.start(registration.handler, .nil, .alarmResponse))
                } else if !start, let run = alarmRun {
                    host.cancel(run)
                    end(run)
                }
            default:
                break
            }
        }
        // Events that may set the device clock (DATE=, DATESMS, the first SMS, the network's time).
        switch event {
        case .sms, .localCommand, .networkTime: scheduleDaily()
        default: break
        }
    }

    /// An SMS's text as its command: white space trimmed and the access password in front removed, so that a
    /// rule never holds (nor logs) the password, as a rule's `command` handler gets it.
    static func command(of text: String, password: String?) -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }
        var body = text.drop(while: isSpace)
        while let last = body.last, isSpace(last) { body = body.dropLast() }
        if let password, body.hasPrefix(password) { body = body.dropFirst(password.count).drop(while: isSpace) }
        return String(body)
    }

    /// The most SMS one rule may queue within an hour of the controller's clock: a loop of `sms()` calls must not
    /// spend the owner's credit or get the SIM blocked. Past it, `sms` raises in the rule.
    static let smsPerHour = 30
    private var smsSent: [String: (since: Instant, count: Int)] = [:]

    /// Counts `messages` SMS against `rule`'s hourly budget; false (nothing counted) when they exceed it.
    func admitSMS(of rule: String, messages: Int) -> Bool {
        var window = smsSent[rule] ?? (now, 0)
        if now.milliseconds - window.since.milliseconds >= 3_600_000 { window = (now, 0) }
        guard window.count + messages <= Self.smsPerHour else { return false }
        window.count += messages
        smsSent[rule] = window
        return true
    }

    /// The most `on` handler runs one rule may start within one second of the controller's clock. Rules that
    /// answer an event with an action causing the same event (a relay switched back at every switching)
    /// would otherwise keep the controller busy for ever at one instant; past the limit the rule's event
    /// handlers are skipped for the rest of that second, and that is reported once.
    static let eventRunsPerSecond = 200
    private var eventRuns: [String: (since: Instant, count: Int, reported: Bool)] = [:]

    private func admitEventRun(of rule: String) -> Bool {
        var window = eventRuns[rule] ?? (now, 0, false)
        if now.milliseconds - window.since.milliseconds >= 1000 { window = (now, 0, false) }
        window.count += 1
        defer { eventRuns[rule] = window }
        guard window.count > Self.eventRunsPerSecond else { return true }
        if !window.reported {
            window.reported = true
            report(
                rule: rule,
                "more than \(Self.eventRunsPerSecond) event handler runs within a second: its handlers cause the events they handle (a loop?); its events are skipped for the rest of that second")
        }
        return false
    }

    /// Whether the core handed a rule command or alarm response to a rule that is not there.
    func handles(_ effect: Effect) -> Bool {
        switch effect {
        case .ruleCommand(let request):
            return registrations.contains { if case .command(request.keyword, _) = $0.trigger { true } else { false } }
        case .alarmResponse(true): return registrations.contains { $0.trigger == .alarmResponse }
        case .alarmResponse(false), .ruleAction: return true
        default: return false
        }
    }

    /// Numbers a call or USSD request of `run` for the core; its answer comes back through ``observe(_:_:switched:)``.
    func request(for run: RunID, call: Bool) -> Int {
        nextRequest &+= 1
        if call {
            callRuns[nextRequest] = run
            runCalls[run] = nextRequest
        } else {
            ussdRuns[nextRequest] = run
        }
        return nextRequest
    }

    /// The call `run` placed, if any.
    func call(of run: RunID) -> Int? { runCalls[run] }

    /// Calls whose run has ended, to hang up.
    func takeEndedCalls() -> [Int] {
        defer { endedCalls = [] }
        return endedCalls
    }

    /// Resumes a waiting run with what it waited for.
    func answer(_ run: RunID, _ result: WaitResult) { jobs.append(.resume(run, result)) }

    /// The next job to carry out, oldest first.
    func nextJob() -> Job? { jobs.isEmpty ? nil : jobs.removeFirst() }

    /// When the next sleeper, `every` or `at` falls due.
    var nextDeadline: Instant? {
        (Array(sleepers.values) + periodic.values.map(\.next) + Array(daily.values)).min()
    }

    /// Queues what is due at `now`.
    func fireDue() {
        for (run, at) in sleepers.sorted(by: { $0.value < $1.value }) where at <= now {
            sleepers[run] = nil
            jobs.append(.resume(run, .slept))
        }
        for (handler, entry) in periodic where entry.next <= now {
            var next = entry.next
            while next <= now { next = next.adding(seconds: entry.seconds) }
            periodic[handler] = (next, entry.seconds)
            jobs.append(.start(handler, .nil, .plain(trigger: "every")))
        }
        var firedDaily = false
        for (handler, at) in daily where at <= now {
            daily[handler] = nil
            firedDaily = true
            jobs.append(.start(handler, .nil, .plain(trigger: "at")))
        }
        if firedDaily { scheduleDaily(after: now) }
    }

    /// Computes when each `at` trigger next fires on the device clock; none while the clock is unset.
    private func scheduleDaily(after instant: Instant? = nil) {
        daily = [:]
        guard let device, let wall = device.wallClock(at: now) else { return }
        let after = instant ?? now
        for registration in registrations {
            guard case .at(let time, let days) = registration.trigger else { continue }
            let weekdays = Set((1...7).filter { days.contains(isoWeekday: $0) })
            var next: Instant?
            switch time {
            case .clock(let clock):
                if let zone = device.zone, let utc = device.deviceUTC(at: now) {
                    let shift = utc - now.seconds
                    next = zone.next(hour: clock.hour, minute: clock.minute, weekdays: weekdays, after: after.seconds + shift)
                        .flatMap { device.instant(atDeviceUTC: $0) }
                } else {
                    let shift = wall.epochSeconds - now.seconds
                    next = ZoneRules.utc.next(hour: clock.hour, minute: clock.minute, weekdays: weekdays, after: after.seconds + shift)
                        .map { Instant(seconds: $0 - shift) }
                }
            case .sunrise(let offset), .sunset(let offset):
                let event: SunEvent = if case .sunrise = time { .sunrise } else { .sunset }
                guard let zone = device.zone, let utc = device.deviceUTC(at: now), let location else { continue }
                let shift = utc - now.seconds
                next = SolarTimes.next(
                    event, offset: Int64(offset.components.seconds), weekdays: weekdays, after: after.seconds + shift, at: location, in: zone
                ).flatMap { device.instant(atDeviceUTC: $0) }
            }
            if let next { daily[registration.handler] = next }
        }
    }

    // MARK: - Steps

    /// Carries out one job; returns what the controller must do next, if anything.
    func run(_ job: Job) -> Request? {
        let step: RunStep?
        var purpose: Purpose?
        switch job {
        case .start(let handler, let argument, let why):
            step = host.start(handler, with: argument)
            purpose = why
            if step == nil {
                // The rule is disabled or gone: a command answers Execute error!, the alarm falls back.
                switch why {
                case .command(let id): return .commandDone(id: id, reply: nil, failed: true)
                case .alarmResponse: return .alarmResponseEnded(failed: true)
                case .plain: return nil
                }
            }
            if let step, why == .alarmResponse { alarmRun = step.run }
            if let step { try? store.ruleRunStarted(rule: step.run.rule, number: step.run.number, trigger: why.trigger) }
        case .resume(let run, let result):
            step = host.resume(run, with: result)
            purpose = purposes[run]
        }
        guard let step else { return nil }
        // After the outcome's own report: data that cannot be stored beside a failure, the rule disabled.
        defer { report(step.reports) }
        if let purpose { purposes[step.run] = purpose }
        if let data = step.dataToSave {
            do {
                try store.saveRuleData(data, of: step.run.rule)
            } catch {
                fail(step.run.rule, "its data cannot be stored: \(error)")
            }
        }
        switch step.outcome {
        case .waiting(let request):
            switch request {
            case .sleep(let duration):
                let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
                sleepers[step.run] = now.adding(milliseconds: max(0, milliseconds))
                return nil
            case .action(let action):
                return .action(step.run, action)
            case .call(let number, let ring):
                return .call(step.run, number: number, ringSeconds: Int(ring.components.seconds))
            case .ussd(let code):
                return .ussd(step.run, code: code)
            }
        case .finished(let value):
            let purpose = purposes[step.run]
            end(step.run)
            switch purpose {
            case .command(let id)?: return .commandDone(id: id, reply: value.string, failed: false)
            case .alarmResponse?: return .alarmResponseEnded(failed: false)
            default: return nil
            }
        case .failed(let failure):
            let purpose = purposes[step.run]
            end(step.run)
            report(failure)
            switch purpose {
            case .command(let id)?: return .commandDone(id: id, reply: nil, failed: true)
            case .alarmResponse?: return .alarmResponseEnded(failed: true)
            default: return nil
            }
        }
    }

    private func end(_ run: RunID) {
        if let call = runCalls.removeValue(forKey: run) {
            callRuns[call] = nil
            endedCalls.append(call)
        }
        purposes[run] = nil
        sleepers[run] = nil
        if alarmRun == run { alarmRun = nil }
        try? store.ruleRunEnded(rule: run.rule, number: run.number)
    }

    // MARK: - RuleEnvironment

    func deviceState() -> DeviceState {
        guard let snapshot = device?.snapshot else { return .unknown }
        return DeviceState(
            main: snapshot.mainOn, micro: snapshot.microOn, armed: snapshot.armed,
            alarm: AlarmPhase(rawValue: snapshot.alarmPhase) ?? .disarmed, sensorActive: snapshot.sensorActive,
            temperature: snapshot.temperature.map(Double.init), mains: snapshot.mainsPresent, modemOnline: snapshot.modemOnline,
            signal: snapshot.signal, model: snapshot.model, alertNumbers: snapshot.alertNumbers)
    }

    func deviceClock() -> CivilTime? { device?.wallClock(at: now) }

    func sunTimes(on day: CalendarDate?) -> LuaRules.SunTimes? {
        guard let device, let zone = device.zone, let location else { return nil }
        let date: (Int, Int, Int)
        if let day {
            date = (day.year, day.month, day.day)
        } else {
            guard let wall = device.wallClock(at: now) else { return nil }
            date = (wall.year, wall.month, wall.day)
        }
        guard let sun = SolarTimes.day(year: date.0, month: date.1, day: date.2, at: location, in: zone) else { return nil }
        func clock(_ time: SunTime) -> ClockTime? {
            time.instant.map { CivilTime(epochSeconds: zone.localSeconds(at: $0)) }.flatMap { ClockTime(hour: $0.hour, minute: $0.minute) }
        }
        return LuaRules.SunTimes(sunrise: clock(sun.sunrise), sunset: clock(sun.sunset))
    }

    /// The rules loaded now, in name order (a rule that failed to load is not among them).
    var loadedRules: [String] { host.ruleNames }

    /// Each rule's latest failure since the rules were last loaded, by rule name: when, and what went wrong.
    private(set) var failures: [String: (at: Instant, text: String)] = [:]
    /// What kept the folder from being read at the last ``loadAll()`` (``ConfigCheck/rulesFolderProblem(_:)``).
    private(set) var folderProblem: String?

    func log(_ text: String, rule: String) {
        logger.info("rule \(rule): \(text)")
        output(rule, text, false)
    }

    func report(_ failure: RuleFailure) {
        let text = failure.description
        failures[failure.rule] = (now, text)
        logger.error("rule \(failure.rule) failed: \(text)\(failure.traceback.map { "\n" + $0 } ?? "")")
        output(failure.rule, text, true)
    }

    private func report(_ failures: [RuleFailure]) { for failure in failures { report(failure) } }

    private func report(rule: String, _ text: String) {
        failures[rule] = (now, text)
        logger.error("rule \(rule): \(text)")
        output(rule, text, true)
    }

    private func fail(_ rule: String, _ text: String) { report(rule: rule, text) }
}

extension Verdict.Outcome {
    /// The SMS passed the security checks (the `sms` event is for permitted senders only).
    var isPermitted: Bool {
        switch self {
        case .tooLong, .empty, .notOnList, .wrongPassword: false
        default: true
        }
    }
}
