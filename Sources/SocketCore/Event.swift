/// The network time stamp of an incoming SMS (service-centre time, 3GPP TS 23.040): the sender's local
/// time and its zone as signed quarter-hours, echoed by DATESMS.
public struct NetworkTimestamp: Equatable, Hashable, Sendable {
    public var local: CivilTime
    /// Time-zone offset in quarter-hours (−48 … +56); nil when the network sent a zone that cannot be read
    /// (a service centre's zone octet with a digit above 9, TS 23.040 §9.2.3.11).
    public var zoneQuarterHours: Int?

    public init(local: CivilTime, zoneQuarterHours: Int?) {
        self.local = local
        self.zoneQuarterHours = zoneQuarterHours
    }

    /// The `+zz` tag DATE replies echo; `+00` for an unknown zone, so that the reply keeps its shape (the
    /// zone is only echoed, never computed with: §5 A35).
    public var zoneTag: String { Self.zoneTag(quarterHours: zoneQuarterHours) }

    /// `+zz` / `-zz` for signed quarter-hours (clamped to ±99), `+00` for nil.
    public static func zoneTag(quarterHours: Int?) -> String {
        let quarters = quarterHours.map { min(max($0, -99), 99) } ?? 0
        return (quarters < 0 ? "-" : "+") + CivilTime.two(abs(quarters))
    }
}

/// An SMS as it reached the controller.
public struct IncomingSMS: Equatable, Hashable, Sendable {
    /// The sender's address as the network presented it (`+3589123456789`, `Telekom`, …); nil when hidden.
    public var sender: String?
    public var text: String
    public var timestamp: NetworkTimestamp?

    public init(sender: String?, text: String, timestamp: NetworkTimestamp?) {
        self.sender = sender
        self.text = text
        self.timestamp = timestamp
    }
}

/// What a thermometer reported.
public enum TemperatureReading: Equatable, Hashable, Sendable {
    /// Raw degrees Celsius, before TEMPCAL.
    case celsius(Double)
    /// No sensor is there (not wired, not found).
    case missing
    /// A sensor is there but gives no trustworthy value (CRC errors, power-on value, …).
    case faulty
}

/// How an outgoing call ended.
public enum CallOutcome: String, Equatable, Hashable, Sendable {
    /// The callee picked up; reported when the connected call ends.
    case answered
    /// The callee rejected the call or was busy.
    case rejected
    /// Nobody answered before the controller gave up, or the number could not be reached.
    case noAnswer = "noanswer"
}

/// Named timers of the core. At most one of each is pending; scheduling it again replaces it.
public enum TimerID: String, CaseIterable, Hashable, Sendable {
    case mainRelay, microRelay, temperatureReading, alarmLockout, alarmPulse, callRing, callListen
    case factoryResetWindow, batteryShutdown, ussdTimeout, scheduler, thermostatFailSafe
}

/// Something that happened, handed to ``SocketCore/handle(_:at:)`` with the time it happened.
public enum Event: Equatable, Hashable, Sendable {
    /// The device is switched on (at start, after a restart, after mains returns to a dead device).
    case powerUp
    case sms(IncomingSMS)
    /// A command from the trusted local console (`smsocket send`, a Lua rule): no password, no window.
    case localCommand(String)
    /// An SMS the local console (`smsocket sms`) sends to `to` (an optional `+` and digits): queued, answered `OK`.
    case localSMS(to: String, text: String)
    /// An incoming voice call; nil = caller ID hidden.
    case incomingCall(from: String?)
    /// The outgoing call to this number was answered.
    case callAnswered(String)
    /// The outgoing call to this number ended.
    case callEnded(String, CallOutcome)
    /// The network's answer to the USSD request in flight; nil = the request failed.
    case ussdReply(String?)
    case temperature(TemperatureReading)
    /// The alarm input's contact: true = closed.
    case sensor(closed: Bool)
    /// Whether a sensor is plugged into the alarm input.
    case sensorConnected(Bool)
    /// The button was released after being held this long.
    case button(heldMilliseconds: Int64)
    case mains(present: Bool)
    /// Received signal strength in dBm; nil = not registered on a network.
    case signal(dBm: Int?)
    case timer(TimerID)
    /// The parts of the board that are out of service (could not start), by name; empty when all work.
    case hardwareFaults([String])
    /// A part that was working went out of service while running (false: its GPIO chip went away), or
    /// came back (true); by name, as in ``hardwareFaults(_:)``.
    case hardwareService(part: String, working: Bool)
    /// Whether the modem answers (false while it is being recovered).
    case modemOnline(Bool)
    /// The time the network announced; sets the device clock if it was never set.
    case networkTime(NetworkTimestamp)
    /// Carrying out an event's ``Effect/setRelay(_:on:)`` failed for these relays, with the state each was to
    /// take (the exec command exited non-zero, the GPIO write failed, the port never started): each is taken
    /// to have stayed as it was.
    case outputsFailed([Relay: Bool])
    /// An output that had failed switched again.
    case outputWorks(Relay)
    /// The Lua rules were (re)loaded: what they add to the command language.
    case rulesLoaded(RuleCatalog)
    /// A rule's command handler (``Effect/ruleCommand(_:)``) returned this reply (nil: none) or failed.
    case ruleCommandDone(id: Int, reply: String?, failed: Bool)
    /// The rule's alarm response (``Effect/alarmResponse(start:)``) returned, or failed or was stopped.
    case alarmResponseEnded(failed: Bool)
    /// A rule switches a relay, with the local console's trust; seconds: switch back after that long.
    case ruleSwitch(Relay, on: Bool, revertAfterSeconds: Int?)
    /// A rule sends an SMS.
    case ruleSMS(RuleRecipients, text: String)
    /// A rule's `call(NUMBER, [ring])`, numbered `id` for its answer.
    case ruleCall(id: Int, number: String, ringSeconds: Int)
    /// A rule's `hangup()`, or the end of the run that placed call `id`.
    case ruleHangup(id: Int)
    /// A rule's `ussd(CODE)`, numbered `id` for its answer.
    case ruleUSSD(id: Int, code: String)
    /// `smsocket import`: these settings replace the device's (``PersistentState/adoptingSettings(of:)``),
    /// with the local console's trust; the device state stays.
    case importSettings(PersistentState)

    /// Whether the event reports the current level of an input or of the network (what a port says when it
    /// starts). The core keeps such reports even while the device is dark, so that it powers up knowing
    /// the world: an armed alarm must not mistake the first report of a long-closed contact for a change.
    public var isLevelReport: Bool {
        switch self {
        case .sensor, .sensorConnected, .signal, .mains(present: false), .hardwareFaults, .hardwareService, .modemOnline:
            return true
        default: return false
        }
    }
}
