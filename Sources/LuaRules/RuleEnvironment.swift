import SocketCore

/// The device as rules see it: what the integration implements so that the rules' actions and queries reach
/// the controller (rules-api.md "Actions"). The host calls it synchronously, from the thread that called the
/// host, while a rule's Lua code is suspended inside the call.
///
/// Every method must return promptly: the time it takes counts against the run's 100 ms computing limit.
/// Actions never come here: `sleep`, `call`, `ussd` and the device actions (`main.on`, `sms`, `run`, ...) reach
/// the integration as a ``RunStep/Outcome/waiting(_:)`` step, since carrying them out takes I/O.
public protocol RuleEnvironment: AnyObject {
    /// `state()`: the device now.
    func deviceState() -> DeviceState

    /// `now()`: the device clock in local time, nil while it is unset.
    func deviceClock() -> CivilTime?

    /// `sun([DAY])`: the sun times of `day` (nil: today on the device clock) in device-clock local time; nil
    /// without `[location]` (or, for today, while the clock is unset).
    func sunTimes(on day: CalendarDate?) -> SunTimes?

    /// `log(...)` and `print(...)`: one line of a rule (`rule-log RULE "TEXT"` in simulate). Arguments are
    /// converted as `tostring` does and joined by tabs; the line is cut at ``RuleHost/maximumLogLength`` bytes.
    func log(_ text: String, rule: String)
}

/// A device action a handler asked for, every argument checked. The run waits for it
/// (``WaitRequest/action(_:)``).
public enum RuleAction: Hashable, Sendable {
    /// `main.on([seconds])`, `main.off([seconds])`: with seconds (1…604800), switch back after that long.
    case main(on: Bool, revertAfter: Int?)
    /// `main.restart()`, as `RESTART`.
    case restartMain
    /// `micro.on([seconds])`, `micro.off()`.
    case micro(on: Bool, revertAfter: Int?)
    /// `sms(TO, TEXT)`: queue the SMS in the outbox.
    case sms(to: RuleRecipients, text: String)
    /// `hangup()`: end this run's answered call.
    case hangup
    /// `run(TEXT)`: an iSocket command as the local console runs it (no password, no window, no SMS).
    case run(String)
}

/// Why the device could not carry out a rule's action; the message becomes the Lua error's text.
public struct RuleActionError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A sentence a rule's author can act on: `the main relay did not switch`, `this model has no micro-relay`.
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

/// The table `state()` returns; each field becomes the Lua field named in rules-api.md.
public struct DeviceState: Hashable, Sendable {
    /// `main`: the main socket is on.
    public var main: Bool
    /// `micro`: the micro-relay is on; nil on models without one.
    public var micro: Bool?
    /// `armed`
    public var armed: Bool
    /// `alarm`
    public var alarm: AlarmPhase
    /// `sensor_active`: the alarm input's logical value.
    public var sensorActive: Bool
    /// `temperature`: calibrated °C; nil when there is no reading.
    public var temperature: Double?
    /// `mains`: external power present; nil when the board cannot sense it.
    public var mains: Bool?
    /// `modem_online`
    public var modemOnline: Bool
    /// `signal`: dBm, nil when unknown.
    public var signal: Int?
    /// `model`: `"706"`, `"707"`, `"706L"`, `"707L"`.
    public var model: Model
    /// `alert_numbers`: in dialable form.
    public var alertNumbers: [String]

    public init(
        main: Bool, micro: Bool?, armed: Bool, alarm: AlarmPhase, sensorActive: Bool, temperature: Double?,
        mains: Bool?, modemOnline: Bool, signal: Int?, model: Model, alertNumbers: [String]
    ) {
        self.main = main
        self.micro = micro
        self.armed = armed
        self.alarm = alarm
        self.sensorActive = sensorActive
        self.temperature = temperature
        self.mains = mains
        self.modemOnline = modemOnline
        self.signal = signal
        self.model = model
        self.alertNumbers = alertNumbers
    }
}

extension DeviceState {
    /// A device nothing is known of (no controller behind the rules, as in `smsocket check`'s sandbox): all
    /// off, disarmed, offline.
    public static let unknown = DeviceState(
        main: false, micro: nil, armed: false, alarm: .disarmed, sensorActive: false, temperature: nil, mains: nil,
        modemOnline: false, signal: nil, model: .gsm707, alertNumbers: [])
}

/// The `alarm` field of `state()` (spec §4.10).
public enum AlarmPhase: String, CaseIterable, Hashable, Sendable {
    case disarmed, ready, cycle, lockout
}

/// A calendar day, as `sun("YYYY-MM-DD")` names it.
public struct CalendarDate: Hashable, Sendable {
    public let year: Int
    /// 1…12
    public let month: Int
    /// 1…31, valid for the month
    public let day: Int

    /// Nil unless the date exists in the proleptic Gregorian calendar, years 1…9999.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
            (1...CivilTime.daysInMonth(year: year, month: month)).contains(day)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }
}

/// The table `sun()` returns: each time becomes `"hh:mm"`, or nil where the sun does not rise or set that day.
public struct SunTimes: Hashable, Sendable {
    public var sunrise: ClockTime?
    public var sunset: ClockTime?

    public init(sunrise: ClockTime?, sunset: ClockTime?) {
        self.sunrise = sunrise
        self.sunset = sunset
    }
}
