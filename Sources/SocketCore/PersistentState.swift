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
/// Two kinds. Without a configured time zone (the iSocket's own clock) it is a wall clock: `offsetSeconds`
/// is the local reading minus the controller's time, and `zone`, the `+zz` / `-zz` tag exactly as it was
/// set, is echoed and never used in arithmetic (§5 A35). With a zone (`[location] timezone`) it keeps UTC
/// (`followsZone`): `offsetSeconds` is the device's UTC minus the controller's time, the local reading
/// comes from the zone's rules (so it follows daylight-saving changes), and `zone` is the tag of the offset
/// in force when it was set, kept only to read the clock if the zone is taken out of the configuration.
public struct DeviceClock: Equatable, Hashable, Sendable, Codable {
    public var offsetSeconds: Int64
    public var zone: String
    /// The clock keeps UTC and shows local time through the configured zone's rules.
    public var followsZone: Bool

    public init(offsetSeconds: Int64, zone: String, followsZone: Bool = false) {
        self.offsetSeconds = offsetSeconds
        self.zone = zone
        self.followsZone = followsZone
    }

    /// A wall clock that reads `wall` at `now`.
    public init(reading wall: CivilTime, zone: String, at now: Instant) {
        self.init(offsetSeconds: wall.epochSeconds - now.seconds, zone: zone)
    }

    /// A clock that follows `rules` and reads UTC `utcSeconds` at `now`.
    public init(utcSeconds: Int64, at now: Instant, following rules: ZoneRules) {
        self.init(offsetSeconds: utcSeconds - now.seconds, zone: Self.tag(offset: rules.offset(at: utcSeconds)), followsZone: true)
    }

    /// A clock set to the local reading `wall` tagged `tag` (a DATE command, a network time stamp) at
    /// `now`: a wall clock without `rules`; with them, a clock that follows them. `exact`: the tag is the
    /// true offset of `wall` (a network time stamp), so UTC is `wall` minus it; otherwise (a DATE command,
    /// typed by a person) `wall` is read in the zone, the tag only choosing between the two readings of a
    /// repeated hour, and a reading in a skipped hour counts with the offset before the jump.
    public static func setting(
        _ wall: CivilTime, tag: String, exact: Bool, at now: Instant, following rules: ZoneRules?
    ) -> DeviceClock {
        guard let rules else { return DeviceClock(reading: wall, zone: tag, at: now) }
        let local = ZoneRules.clamped(wall.epochSeconds)
        let tagged = quarterHours(ofTag: tag).map { local - Int64($0) * 900 }
        if exact, let tagged { return DeviceClock(utcSeconds: tagged, at: now, following: rules) }
        let utc: Int64
        switch rules.instants(forLocal: local) {
        case .unique(let instant): utc = instant
        case .repeated(let earlier, let later): utc = tagged == later ? later : earlier
        case .skipped(let transition): utc = local - Int64(rules.offset(at: transition - 1))
        }
        return DeviceClock(utcSeconds: utc, at: now, following: rules)
    }

    /// The clock's reading at `now` in wall-clock seconds, through `rules` when it follows a zone.
    public func wallSeconds(at now: Instant, in rules: ZoneRules?) -> Int64 {
        let own = now.seconds &+ offsetSeconds
        guard followsZone else { return own }
        guard let rules else { return own &+ Int64(Self.quarterHours(ofTag: zone) ?? 0) * 900 }
        return rules.localSeconds(at: own)
    }

    /// The clock's reading at `now`.
    public func wallTime(at now: Instant, in rules: ZoneRules?) -> CivilTime {
        CivilTime(epochSeconds: wallSeconds(at: now, in: rules))
    }

    /// The `+zz` tag a DATE reply shows: as set for a wall clock; for one that follows `rules`, the offset
    /// in force at `now`, in quarter-hours as a GSM modem shows it.
    public func tag(at now: Instant, in rules: ZoneRules?) -> String {
        guard followsZone, let rules else { return zone }
        return Self.tag(offset: rules.offset(at: now.seconds &+ offsetSeconds))
    }

    /// The same clock in the configuration's terms: one that follows `rules` when there are rules (a wall
    /// clock's reading taken as local time in the zone), a wall clock reading what it read when there are
    /// none. Unchanged when it already fits.
    public func adopting(_ rules: ZoneRules?, at now: Instant) -> DeviceClock {
        switch (followsZone, rules) {
        case (false, nil), (true, _?): return self
        case (false, let rules?):
            return Self.setting(wallTime(at: now, in: nil), tag: zone, exact: false, at: now, following: rules)
        case (true, nil):
            return DeviceClock(offsetSeconds: wallSeconds(at: now, in: nil) - now.seconds, zone: zone)
        }
    }

    /// `+12` for +3 hours: the offset in quarter-hours, rounded toward zero, within ±99.
    public static func tag(offset seconds: Int) -> String { NetworkTimestamp.zoneTag(quarterHours: seconds / 900) }

    /// The signed quarter-hours of a `+zz` / `-zz` tag; nil for any other text.
    public static func quarterHours(ofTag tag: String) -> Int? {
        let bytes = Array(tag.utf8)
        guard bytes.count == 3, bytes[0] == UInt8(ascii: "+") || bytes[0] == UInt8(ascii: "-"),
            bytes[1...].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else { return nil }
        let value = Int(bytes[1] - UInt8(ascii: "0")) * 10 + Int(bytes[2] - UInt8(ascii: "0"))
        return bytes[0] == UInt8(ascii: "-") ? -value : value
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

    /// This state with the settings of `other` (everything SMS commands set: `smsocket import`), keeping its
    /// own device state: the main socket and its pending timer, the alarm log, the clock, the pending
    /// `Power restored!` notice, and the day each scheduler rule that `other` keeps last fired.
    public func adoptingSettings(of other: PersistentState) -> PersistentState {
        var result = other
        result.mainRelayOn = mainRelayOn
        result.mainTimer = mainTimer
        result.alarmLog = alarmLog
        result.clock = clock
        result.restoreNoticePending = restoreNoticePending
        result.ruleLastFired = ruleLastFired.filter { other.schedule.contains($0.key) }
        return result
    }

    /// The passwords a log must never show (``Redaction/hiding(_:in:)``).
    public var secrets: [String] { passwords.all }

    /// The passwords, for the modem's AT trace (``Redaction/incoming(_:_:)``).
    public var passwords: Redaction.Passwords { Redaction.Passwords(access: password, renew: renewPassword) }

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
