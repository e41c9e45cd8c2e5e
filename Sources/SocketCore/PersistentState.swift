/// What a call from an allowed number does (RING).
public enum RingAction: String, CaseIterable, Sendable, Codable { case noAction = "NOACTION", restart = "RESTART", toggle = "SWITCH" }
/// How a control call is confirmed (RINGCONFIRMTYPE).
public enum RingConfirmType: String, CaseIterable, Sendable, Codable { case sms = "SMS", call = "CALL" }
/// THERMOSTAT mode.
public enum ThermostatMode: String, CaseIterable, Sendable, Codable { case heating = "HEATING", cooling = "COOLING" }
/// SENSORTYPE: normally-open or normally-closed contacts.
public enum SensorType: String, CaseIterable, Sendable, Codable { case normallyOpen = "NO", normallyClosed = "NC" }
/// ALERT: how an alarm trigger is notified.
public enum AlertMode: String, CaseIterable, Sendable, Codable { case sms = "SMS", call = "CALL", smsChange = "SMSCHANGE", off = "OFF" }
/// POWERSTATE: the main socket after power-up.
public enum PowerState: String, CaseIterable, Sendable, Codable { case remember = "REMEMBER", on = "ON", off = "OFF" }

/// The device clock, kept as an offset from the controller's time line so that it runs with it.
///
/// `zone` is the `+zz` / `-zz` tag exactly as it was set; it is echoed, never used in arithmetic (§5 A35).
public struct DeviceClock: Equatable, Hashable, Sendable, Codable {
    /// Local wall-clock seconds minus controller epoch seconds.
    public var offsetSeconds: Int64
    public var zone: String

    public init(offsetSeconds: Int64, zone: String) {
        self.offsetSeconds = offsetSeconds
        self.zone = zone
    }

    /// The clock's reading at `now`.
    public func wallTime(at now: Instant) -> CivilTime { CivilTime(epochSeconds: now.seconds + offsetSeconds) }

    /// A clock that reads `wall` at `now`.
    public init(reading wall: CivilTime, zone: String, at now: Instant) {
        self.init(offsetSeconds: wall.epochSeconds - now.seconds, zone: zone)
    }
}

/// Everything the device keeps across power loss (spec §4.0, plus the [R] additions of §5 A59 and
/// the alarm log, which SMSocket keeps where the original lost it).
public struct PersistentState: Equatable, Hashable, Sendable {
    public var restartTime = 10
    public var ring = RingAction.noAction
    public var secListActive = false
    public var secNumbers: [String] = []
    public var password: String? = nil
    public var renewPassword: String? = nil
    public var smsConfirm = true
    public var ringConfirm = true
    public var ringConfirmType = RingConfirmType.sms
    public var errorReplies = true
    public var smsConfirmUnauthorised = false
    public var thermostatMode = ThermostatMode.heating
    public var thermostatEnabled = false
    public var tempOff = 10
    public var alertNumbers: [String] = []
    public var thermAlert = false
    public var riseAlert: Int? = nil
    public var fallAlert: Int? = nil
    public var tempCal = 5
    public var microRelayTime = 0
    public var sensorType = SensorType.normallyOpen
    public var alertMode = AlertMode.sms
    public var alarmArmed = false
    public var schedule: [ScheduleRule] = []
    /// The day of the device clock (``ScheduleRule/day(ofWallSeconds:)``) on which each rule of `schedule` last
    /// fired: a rule fires at most once per calendar day, even when the clock is set back (§5 A71).
    public var ruleLastFired: [ScheduleRule: Int64] = [:]
    public var powerState = PowerState.remember
    public var saldoCode: String? = nil
    /// The main socket's last state, restored at power-up under POWERSTATE=REMEMBER.
    public var mainRelayOn = false
    /// The pending ON<n>/OFF<n>/RESTART of the main socket, resumed at power-up (§4.13, §5 A67).
    public var mainTimer: TimedSwitch? = nil
    public var alarmLog: [AlarmLogEntry] = []
    /// The battery-backed clock; survives a restart, is dropped after a long outage (§4.9).
    public var clock: DeviceClock? = nil
    /// Set when the device went down because mains was lost; the next power-up sends `Power restored!`.
    public var restoreNoticePending = false

    /// The passwords a log must never show (``Redaction/hiding(_:in:)``).
    public var secrets: [String] { [password, renewPassword].compactMap { $0 } }

    /// Factory defaults (§4.17).
    public init() {}

    /// The number of alarm events kept (§4.10).
    public static let alarmLogCapacity = 10
    /// Capacity of each number list (§2.13).
    public static let numberListCapacity = 10
    /// Capacity of the scheduler (§4.12).
    public static let scheduleCapacity = 8
}

/// One alarm-log line: the device clock's reading when the trigger was registered (nil if the clock was unset).
public struct AlarmLogEntry: Equatable, Hashable, Sendable {
    public var time: CivilTime?
    public init(time: CivilTime?) { self.time = time }
}
