/// Where Lua rules plug into the device (rules-api.md): scheduler actions, SMS commands, the alarm response,
/// and what rules may watch that only the core knows. The rules themselves run in the shell; the core only
/// knows their names and hands the work over through effects.

/// What the loaded rules add to the command language.
public struct RuleCatalog: Equatable, Hashable, Sendable {
    /// Scheduler action names (uppercase), usable as `SCHEDULER+hh:mm,day,NAME`.
    public var actions: Set<String>
    /// SMS command keywords (uppercase letters) and their type: control, configuration (30min) or information.
    public var commands: [String: CommandClass]
    /// Whether a rule registered `alarm_response`.
    public var alarmResponse: Bool

    public init(actions: Set<String> = [], commands: [String: CommandClass] = [:], alarmResponse: Bool = false) {
        self.actions = actions
        self.commands = commands
        self.alarmResponse = alarmResponse
    }
}

/// An SMS (or console) command a rule handles: the shell runs the handler and answers with
/// ``Event/ruleCommandDone(id:reply:failed:)``.
public struct RuleCommandRequest: Equatable, Hashable, Sendable {
    /// Identifies the request in the answer.
    public var id: Int
    /// The registered keyword, uppercase.
    public var keyword: String
    /// The whole command after the password, as typed.
    public var text: String
    /// What follows the keyword, verbatim (`=5` for `LIMIT=5`).
    public var args: String
    /// The sender's number; nil for the local console or a hidden sender.
    public var from: String?
}

/// What rules may watch with `on(EVENT)` that only the core knows (rules-api.md, "Events for on").
public enum DeviceNotice: Equatable, Hashable, Sendable {
    /// The armed alarm triggered (§4.10 step 3).
    case alarm
    /// The alarm input's logical value (after SENSORTYPE) changed, armed or not.
    case sensor(active: Bool)
    /// The alarm was armed or disarmed, from any source.
    case armed(Bool)
    /// A reading, calibrated, whole degrees; nil when the sensor is missing or faulty.
    case temperature(Int?)
}

extension SocketCore {
    mutating func rulesLoaded(_ catalog: RuleCatalog) {
        rules = catalog
        // Loading the rules cancels every waiting run, a running alarm response's too: its cycle ends as if the
        // rule had failed, and the built-in SMS goes out (the fail-safe).
        if volatile.alarm.ruleResponseRunning { alarmResponseEnded(failed: true) }
    }

    /// A command the parser does not know may be a rule's: its keyword, case-insensitive, followed by
    /// anything but a letter. The longest registered keyword wins.
    func ruleCommand(in body: String) -> (keyword: String, kind: CommandClass, args: Substring)? {
        guard !rules.commands.isEmpty else { return nil }
        let letters = body.prefix { $0.isASCII && $0.isLetter }
        var best: (String, CommandClass, Substring)?
        for (keyword, kind) in rules.commands where keyword.count <= letters.count {
            let head = body.prefix(keyword.count)
            guard head.uppercased() == keyword, best.map({ keyword.count > $0.0.count }) ?? true else { continue }
            let rest = body.dropFirst(keyword.count)
            if let next = rest.first, next.isASCII, next.isLetter { continue }
            best = (keyword, kind, rest)
        }
        return best
    }

    /// Steps 5–9 of §2.7 for a rule's command: the window for config commands, then the handler.
    mutating func processRuleCommand(
        _ body: String, keyword: String, kind: CommandClass, args: Substring, origin: Origin
    ) -> Verdict.Outcome {
        let target = ReplyTarget(origin)
        let trusted = origin == .local
        if kind == .configuration, !trusted, !windowOpen {
            replyError(ReplyText.windowExpired(body), to: target)
            return .windowClosed
        }
        if kind == .configuration { renewWindow() }
        volatile.nextRuleCommand &+= 1
        let id = volatile.nextRuleCommand
        volatile.pendingRuleCommands[id] = (target, kind)
        let from: String? = if case .sms(let replyTo, _) = origin { replyTo } else { nil }
        emit(.ruleCommand(RuleCommandRequest(id: id, keyword: keyword, text: body, args: String(args), from: from)))
        return .answerLater
    }

    /// A rule's command handler returned `reply` (nil: no reply) or failed.
    mutating func ruleCommandDone(id: Int, reply text: String?, failed: Bool) {
        guard let (target, kind) = volatile.pendingRuleCommands.removeValue(forKey: id) else { return }
        if failed { return replyError(ReplyText.executeError, to: target) }
        // An empty reply is no reply: an SMS with no text is never sent.
        guard let text, !text.isEmpty else { return }
        if kind == .information || persistent.smsConfirm || target == .local { reply(text, to: target) }
    }

    /// The alarm's notification cycle, when a rule's `alarm_response` replaces the built-in one.
    var ruleRunsAlarmResponse: Bool {
        rules.alarmResponse && (persistent.alertMode == .sms || persistent.alertMode == .call)
    }

    mutating func startRuleAlarmResponse() {
        volatile.alarm.ruleResponseRunning = true
        emit(.alarmResponse(start: true))
    }

    /// The rule's cycle ended; a failed or stopped one is replaced by the built-in SMS (fail-safe).
    mutating func alarmResponseEnded(failed: Bool) {
        guard volatile.alarm.ruleResponseRunning else { return }
        volatile.alarm.ruleResponseRunning = false
        if failed { notifyAlertNumbers(ReplyText.alarmSMS) }
        endCycle()
    }
}

/// The device as a rule's `state()` reads it (rules-api.md).
public struct DeviceSnapshot: Equatable, Sendable {
    public var mainOn: Bool
    /// Nil on a board without a micro-relay.
    public var microOn: Bool?
    public var armed: Bool
    /// `disarmed`, `ready`, `cycle` or `lockout`.
    public var alarmPhase: String
    /// The alarm input was active since the alarm was armed (STATUS's `Activity detected`).
    public var alarmActivity: Bool
    public var sensorActive: Bool
    /// Calibrated whole degrees; nil without a valid reading.
    public var temperature: Int?
    public var mainsPresent: Bool
    public var modemOnline: Bool
    public var signal: Int?
    public var model: Model
    /// In dialable form.
    public var alertNumbers: [String]
}

/// What a rule's `call` returns.
public enum RuleCallResult: String, Equatable, Hashable, Sendable {
    case answered, rejected, noAnswer = "noanswer", failed
}

/// Where a rule's `sms(TO, TEXT)` goes.
public enum RuleRecipients: Equatable, Hashable, Sendable {
    case numbers([String])
    /// Every ALERTNUMBER.
    case alertNumbers
}

extension SocketCore {
    /// What a rule's `state()` returns.
    public var snapshot: DeviceSnapshot {
        let phase: String =
            switch volatile.alarm.phase {
            case .disarmed: "disarmed"
            case .ready: "ready"
            case .cycle: "cycle"
            case .lockout: "lockout"
            }
        return DeviceSnapshot(
            mainOn: persistent.mainRelayOn, microOn: equipment.contains(.microRelay) ? volatile.microRelayOn : nil,
            armed: persistent.alarmArmed, alarmPhase: phase, alarmActivity: volatile.alarm.activitySinceArming, sensorActive: sensorActive, temperature: calibratedTemperature,
            mainsPresent: volatile.mainsPresent, modemOnline: volatile.modemOnline, signal: volatile.signal, model: model,
            alertNumbers: persistent.alertNumbers.map(Self.dialString))
    }

    /// A rule's `main.on([s])`, `main.off([s])`, `micro.on([s])`, `micro.off()`, with the local console's trust:
    /// the answer is `OK` or `Execute error!` (a part the board lacks, or, after the controller tried it, a
    /// relay that did not switch).
    mutating func ruleSwitch(_ relay: Relay, on: Bool, revertAfterSeconds seconds: Int?) {
        let revert = seconds.map(Int64.init)
        switch relay {
        case .main:
            volatile.requester = .local
            setMain(on, thenRevertAfterSeconds: revert)
        case .micro:
            guard equipment.contains(.microRelay) else { return reply(ReplyText.executeError, to: .local) }
            volatile.requester = .local
            setMicro(on, thenRevertAfterSeconds: revert)
        }
        volatile.requester = .nobody
        reply(ReplyText.ruleActionDone, to: .local)
    }

    /// A rule's `sms(TO, TEXT)`: queued in the outbox like the device's own messages.
    mutating func ruleSMS(to recipients: RuleRecipients, text: String) {
        switch recipients {
        case .numbers(let numbers): for number in numbers { emit(.sendSMS(to: number, text: text)) }
        case .alertNumbers: notifyAlertNumbers(text)
        }
        reply(ReplyText.ruleActionDone, to: .local)
    }
}
