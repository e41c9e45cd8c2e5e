/// One trigger a rule registered while it loaded, and the handler it runs (rules-api.md "Triggers").
///
/// The integration keeps these to decide when to call ``RuleHost/start(_:with:)``: on the event, at the time,
/// on the scheduler action or the SMS command. A reload of the rule makes them stale: ``RuleHost/start(_:with:)``
/// refuses a handler of an earlier load.
public struct Registration: Hashable, Sendable {
    /// The handler to pass to ``RuleHost/start(_:with:)``.
    public let handler: HandlerID
    public let trigger: Trigger
    /// `FILE:LINE` of the registering call, for messages such as a scheduler entry whose action has gone.
    public let location: String

    public init(handler: HandlerID, trigger: Trigger, location: String) {
        self.handler = handler
        self.trigger = trigger
        self.location = location
    }
}

/// A handler function held by a loaded rule: the rule's name, the load it belongs to, and its place in the
/// rule's registration order.
public struct HandlerID: Hashable, Sendable, CustomStringConvertible {
    public let rule: String
    let load: Int
    let slot: Int

    init(rule: String, load: Int, slot: Int) {
        self.rule = rule
        self.load = load
        self.slot = slot
    }

    public var description: String { "\(rule)#\(slot)" }
}

/// What makes a handler run.
public enum Trigger: Hashable, Sendable {
    /// `on(EVENT, handler)`: the handler gets the event's table (rules-api.md "Events for on").
    case event(RuleEvent)
    /// `every(DURATION, handler)`: every interval of the device clock, the first one an interval after load.
    /// At least 1 second.
    case every(Duration)
    /// `at(TIME, [DAYS], handler)`.
    case at(TriggerTime, days: Weekdays)
    /// `action(NAME, handler)`: a scheduler action, NAME in upper case (`COFFEE`).
    case action(String)
    /// `command(KEYWORD, handler, [KIND])`: an SMS command, KEYWORD in upper case. The handler gets
    /// `{from=, text=, args=}` and returns the reply text or nil.
    case command(String, kind: CommandKind)
    /// `alarm_response(handler)`: the alarm notification cycle (rules-api.md "The alarm response").
    case alarmResponse
}

/// The events `on` accepts, by their Lua names.
public enum RuleEvent: String, CaseIterable, Hashable, Sendable {
    case start, sms, call, alarm, sensor, armed, temperature, relay, mains, modem, button
}

/// The TIME of `at`: a wall-clock time, or sunrise or sunset moved by an offset (negative: earlier).
public enum TriggerTime: Hashable, Sendable {
    case clock(ClockTime)
    /// `"sunrise"`, `"sunrise+1h"`, `"sunrise-30m"`.
    case sunrise(offset: Duration)
    /// `"sunset"`, `"sunset-30m"`.
    case sunset(offset: Duration)
}

/// A wall-clock time of day, `hh:mm`.
public struct ClockTime: Hashable, Sendable, CustomStringConvertible {
    /// 0…23
    public let hour: Int
    /// 0…59
    public let minute: Int

    /// Nil unless `hour` is 0…23 and `minute` 0…59.
    public init?(hour: Int, minute: Int) {
        guard (0...23).contains(hour), (0...59).contains(minute) else { return nil }
        self.hour = hour
        self.minute = minute
    }

    /// `"06:45"`
    public var description: String { (hour < 10 ? "0" : "") + "\(hour):" + (minute < 10 ? "0" : "") + "\(minute)" }
}

/// The DAYS of `at`: ISO weekdays, 1 = Monday … 7 = Sunday, as in SCHEDULER.
public struct Weekdays: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue & 0x7F }

    /// `"*"`: every day.
    public static let all = Weekdays(rawValue: 0x7F)

    /// The one day `isoWeekday` (1…7); empty for a number outside.
    public init(isoWeekday: Int) {
        self.init(rawValue: (1...7).contains(isoWeekday) ? UInt8(1) << UInt8(isoWeekday - 1) : 0)
    }

    public func contains(isoWeekday: Int) -> Bool { !intersection(Weekdays(isoWeekday: isoWeekday)).isEmpty }
}

/// The KIND of a rule's SMS command, which decides the security checks it passes (rules-api.md).
public enum CommandKind: String, CaseIterable, Hashable, Sendable {
    /// Any time, like ON and OFF (the default).
    case control
    /// Needs the 30-minute configuration window and renews it.
    case config
    /// A query, like STATUS.
    case info
}
