/// The device itself: the iSocket GSM 706/707 command engine and every timed behaviour, as one pure
/// state machine.
///
/// `SocketCore` performs no I/O and reads no clock. The shell hands it an ``Event`` with the ``Instant``
/// it happened at and carries out the returned ``Effect``s in order. Timers are effects too
/// (``Effect/schedule(_:at:)``), and come back as ``Event/timer(_:)``.
public struct SocketCore: Sendable {
    /// The SMSocket release this core belongs to.
    public static let version = "0.1.0"
    /// §5 A4: the manual types the scheduler commands Ctrl; flip this to make them 30min commands.
    public static let schedulerRequiresWindow = false

    /// Limits and durations of spec §4.19, in one place.
    public enum Timing {
        public static let configurationWindow: Int64 = 30 * 60
        public static let temperatureWarmUp: Int64 = 10 * 60
        public static let temperatureInterval: Int64 = 60
        /// An enabled thermostat without a valid reading for this long switches the socket off (§4.6).
        public static let thermostatFailSafe: Int64 = 5 * 60
        public static let alarmCallRing: Int64 = 20
        public static let alarmLockout: Int64 = 60
        /// How long an answered alarm call stays open for listening in before the device hangs up.
        public static let alarmListenIn: Int64 = 45
        public static let ringConfirmCallBack: Int64 = 10
        public static let factoryResetHold: Int64 = 5_000
        public static let factoryResetConfirm: Int64 = 10
        public static let batteryRunTime: Int64 = 6 * 60
        public static let ussdTimeout: Int64 = 30
        /// A clock survives an outage shorter than this (§4.9).
        public static let clockRetention: Int64 = 4 * 3600
        public static let maxMessageLength = 30
        /// How long a switching nobody asked for waits before it is tried again after its output failed.
        public static let outputRetry: Int64 = 60
    }

    public let model: Model
    public let identity: DeviceIdentity
    /// The optional parts this board has.
    public let equipment: Equipment
    /// The configured time zone (`[location] timezone`): the device clock keeps UTC and shows local time
    /// through its rules. Nil: the iSocket's own wall clock.
    public let zone: ZoneRules?
    /// What survives power loss; the shell commits it whenever ``persistentRevision`` changes.
    public private(set) var persistent: PersistentState
    /// Incremented on every change of ``persistent``.
    public private(set) var persistentRevision: UInt64 = 0
    /// What the loaded Lua rules add (``Event/rulesLoaded(_:)``); kept across power cycles.
    public internal(set) var rules = RuleCatalog()
    var volatile = VolatileState()
    var effects: [Effect] = []
    var now = Instant(milliseconds: 0)

    /// A device in the given persisted state, still switched off: hand it ``Event/powerUp`` to start it.
    /// `equipment` is what the board has of the model's optional parts (all of them by default); `zone`, the
    /// configured time zone's rules, if any.
    public init(
        model: Model, identity: DeviceIdentity, persistent: PersistentState = PersistentState(), equipment: Equipment? = nil,
        zone: ZoneRules? = nil
    ) {
        self.model = model
        self.identity = identity
        self.persistent = persistent
        self.equipment = (equipment ?? .complete(for: model)).intersection(.complete(for: model))
        self.zone = zone
    }

    /// Handles one event that happened at `now` and returns what the shell must do, in order.
    public mutating func handle(_ event: Event, at now: Instant) -> [Effect] {
        self.now = now
        effects.removeAll(keepingCapacity: true)
        if volatile.poweredUp {
            dispatch(event)
        } else {
            switch event {
            case .powerUp: powerUp()
            case .mains(present: true):
                volatile.mainsPresent = true
                powerUp()
            case .sensor(let closed): volatile.sensorClosed = closed
            case .sensorConnected(let connected): volatile.sensorConnected = connected
            case .signal(let dBm): volatile.signal = dBm
            case .hardwareFaults(let faults): couldNotStart(faults)
            case .hardwareService(let part, let working): hardwareService(part, working: working)
            case .modemOnline(let online): volatile.modemOnline = online
            case .mains(present: false): volatile.mainsPresent = false
            case .rulesLoaded(let catalog): rules = catalog
            // Kept as they are: the power-up derives the rest from them.
            case .importSettings(let settings): update { $0 = $0.adoptingSettings(of: settings) }
            default: break  // a dark device hears nothing
            }
        }
        return effects
    }

    private mutating func dispatch(_ event: Event) {
        switch event {
        case .powerUp: break  // already on
        case .sms(let sms): receive(sms)
        case .localCommand(let text): receiveLocal(text)
        case .localSMS(let to, let text):
            emit(.sendSMS(to: to, text: text))
            reply(ReplyText.ruleActionDone, to: .local)
        case .incomingCall(let from): incomingCall(from: from)
        case .callAnswered(let number): callAnswered(number)
        case .callEnded(let number, let outcome): callEnded(number, outcome)
        case .ussdReply(let text): ussdReply(text)
        case .temperature(let reading): temperatureRead(reading)
        case .sensor(let closed): sensorChanged(closed: closed)
        case .sensorConnected(let connected): volatile.sensorConnected = connected
        case .button(let held): buttonReleased(heldMilliseconds: held)
        case .mains(let present): present ? mainsReturned() : mainsLost()
        case .signal(let dBm): volatile.signal = dBm
        case .timer(let id): timerFired(id)
        case .hardwareFaults(let faults): couldNotStart(faults)
        case .hardwareService(let part, let working): hardwareService(part, working: working)
        case .modemOnline(let online): volatile.modemOnline = online
        case .networkTime(let stamp): setClockIfUnset(from: stamp)
        case .outputsFailed(let failed): outputsFailed(failed)
        case .outputWorks(let relay): outputWorks(relay)
        case .rulesLoaded(let catalog): rulesLoaded(catalog)
        case .ruleCommandDone(let id, let reply, let failed): ruleCommandDone(id: id, reply: reply, failed: failed)
        case .alarmResponseEnded(let failed): alarmResponseEnded(failed: failed)
        case .ruleSwitch(let relay, let on, let seconds): ruleSwitch(relay, on: on, revertAfterSeconds: seconds)
        case .ruleSMS(let recipients, let text): ruleSMS(to: recipients, text: text)
        case .ruleCall(let id, let number, let ring): ruleCall(id: id, number: number, ringSeconds: ring)
        case .ruleHangup(let id): ruleHangup(id: id)
        case .ruleUSSD(let id, let code):
            if case .refused = startUSSD(code, for: .rule(id)) { emit(.ruleUSSDDone(id: id, answer: nil)) }
        case .importSettings(let settings): importSettings(settings)
        }
    }

    private mutating func timerFired(_ id: TimerID) {
        switch id {
        case .mainRelay: mainTimerExpired()
        case .microRelay: microTimerExpired()
        case .temperatureReading: temperatureTimerFired()
        case .alarmLockout: lockoutEnded()
        case .alarmPulse: pulseEnded()
        case .callRing: callRingExpired()
        case .callListen: listenInExpired()
        case .factoryResetWindow: factoryResetWindowExpired()
        case .batteryShutdown: powerDown(becauseOfMains: true)
        case .ussdTimeout: ussdTimedOut()
        case .scheduler: schedulerFired()
        case .thermostatFailSafe: thermostatFailSafeExpired()
        }
    }

    // MARK: - Shared helpers

    /// Applies a change to the persisted state and marks it for commit.
    mutating func update(_ change: (inout PersistentState) -> Void) {
        change(&persistent)
        persistentRevision &+= 1
    }

    mutating func emit(_ effect: Effect) { effects.append(effect) }

    mutating func schedule(_ id: TimerID, afterSeconds seconds: Int64) {
        emit(.schedule(id, at: now.adding(seconds: seconds)))
    }

    /// The device clock's reading now (local time in ``zone`` when one is configured), or nil while it is
    /// unset: what STATUS, the alarm log, the scheduler and the rules' `now()` show.
    public var wallClock: CivilTime? { wallClock(at: now) }

    /// The device clock's reading at the controller's `instant`: ``wallClock`` for a time after the last event
    /// the core handled (the rules read the clock when a timer of theirs fires, with no event in between).
    public func wallClock(at instant: Instant) -> CivilTime? { persistent.clock?.wallTime(at: instant, in: zone) }

    /// The device clock's idea of UTC now, in seconds since the epoch; nil while it is unset or without a
    /// configured zone (a wall clock knows no UTC). Sun times are computed from it.
    public var deviceUTC: Int64? { deviceUTC(at: now) }

    /// ``deviceUTC`` at the controller's `instant`.
    public func deviceUTC(at instant: Instant) -> Int64? {
        guard let clock = persistent.clock, clock.followsZone, zone != nil else { return nil }
        return instant.seconds &+ clock.offsetSeconds
    }

    /// The controller's instant at which the device clock will read UTC `seconds` (what a timer for a sun
    /// event or a zoned wall-clock time is scheduled at); nil while ``deviceUTC`` is nil or out of reach.
    public func instant(atDeviceUTC seconds: Int64) -> Instant? {
        guard deviceUTC != nil, let clock = persistent.clock, ZoneRules.secondsRange.contains(seconds) else { return nil }
        let (controller, overflow) = seconds.subtractingReportingOverflow(clock.offsetSeconds)
        guard !overflow, ZoneRules.secondsRange.contains(controller) else { return nil }
        return Instant(seconds: controller)
    }

    /// Sends `text` to every ALERTNUMBER, in list order.
    mutating func notifyAlertNumbers(_ text: String) {
        for number in persistent.alertNumbers {
            emit(.sendSMS(to: Self.dialString(number), text: text))
        }
    }

    /// How a stored number (digits, entered without `+`, §5 A60) is dialled: international unless it starts
    /// with the national trunk prefix 0.
    public static func dialString(_ digits: String) -> String {
        digits.hasPrefix("0") ? digits : "+" + digits
    }

    /// The caller's number in the form the number lists hold: one leading `+` removed, digits only.
    /// Nil for hidden, alphanumeric and malformed addresses, which are never on a list.
    static func listForm(_ address: String?) -> String? {
        guard var number = address?[...] else { return nil }
        if number.first == "+" { number = number.dropFirst() }
        guard !number.isEmpty, number.count <= 20, number.utf8.allSatisfy(CommandParser.isDigit) else { return nil }
        return String(number)
    }

    /// Whether the device answers SMS from `address`: not hidden and alphanumeric senders nor short operator
    /// codes, so that it never talks to operator robots (§2.16).
    public static func answers(_ address: String?) -> Bool { replyAddress(address) != nil }

    /// Where replies to an SMS from `address` can go: nowhere for hidden and alphanumeric senders and short
    /// operator codes, so that the device never talks to operator robots (§2.16).
    static func replyAddress(_ address: String?) -> String? {
        guard let digits = listForm(address), digits.count >= 6 else { return nil }
        return address
    }
}

/// Runtime state that a power loss wipes (spec §4.0, "volatile").
struct VolatileState: Sendable {
    var poweredUp = false
    var poweredUpAt = Instant(milliseconds: 0)
    var poweredDownAt: Instant?
    var windowDeadline = Instant(milliseconds: 0)
    var microRelayOn = false
    var microTimerTarget: Bool?
    /// Clock reading when the main socket was last switched on (RUNTIME).
    var mainOnSince: CivilTime?
    var reading: TemperatureReading?
    /// The thermostat's fail-safe switched the socket off and waits for a valid reading (§4.6).
    var thermostatFailed = false
    var riseAlertArmed = true
    var fallAlertArmed = true
    var signal: Int?
    var sensorClosed = false
    var sensorConnected = true
    var mainsPresent = true
    var onBattery = false
    var alarm = AlarmState()
    var call: ActiveCall?
    var factoryResetPending = false
    var ussdRequester: ReplyTarget?
    /// Parts of the board that could not start, named in STATUS.
    var faults: [String] = []
    /// Outputs whose last switching failed, until one succeeds again.
    var outputFaults: Set<Relay> = []
    /// Outputs whose fault the ALERTNUMBERs were told about (once per fault).
    var outputFaultsAnnounced: Set<Relay> = []
    /// Rule commands waiting for their handler: where the answer goes and the command's type.
    var pendingRuleCommands: [Int: (target: ReplyTarget, kind: CommandClass)] = [:]
    /// The ring time of a rule's call being placed, in seconds.
    var ruleCallRing: [Int: Int64] = [:]
    var nextRuleCommand = 0
    /// Who asked for the command being executed (set only while it runs).
    var requester: ReplyTarget = .nobody
    /// Each relay's latest switching: who asked for it (to answer them if it fails) and the state it was
    /// believed to be in before (what it is taken to be if the switching fails).
    var lastSwitch: [Relay: (requester: ReplyTarget, from: Bool)] = [:]
    var modemOnline = true
}
