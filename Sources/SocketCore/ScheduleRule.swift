/// A scheduler rule: `hh:mm,day,action` (spec §4.12).
public struct ScheduleRule: Equatable, Hashable, Sendable {
    public enum Action: String, CaseIterable, Sendable {
        case on = "ON", off = "OFF", info = "INF", armAlarm = "AON", disarmAlarm = "AOF"
    }

    public var hour: Int
    public var minute: Int
    /// ISO weekday 1 (Monday) … 7 (Sunday), or nil for every day (`*`).
    public var weekday: Int?
    public var action: Action

    public init(hour: Int, minute: Int, weekday: Int?, action: Action) {
        self.hour = hour
        self.minute = minute
        self.weekday = weekday
        self.action = action
    }

    /// `08:00,*,ON`
    public var text: String {
        "\(CivilTime.two(hour)):\(CivilTime.two(minute)),\(weekday.map(String.init) ?? "*"),\(action.rawValue)"
    }

    /// Whether the rule fires at the minute `wall` falls in.
    func matches(_ wall: CivilTime) -> Bool {
        wall.hour == hour && wall.minute == minute && (weekday == nil || weekday == wall.isoWeekday)
    }

    /// The first wall-clock second strictly after `wallSeconds` at which this rule fires.
    func nextFiring(after wallSeconds: Int64) -> Int64 {
        let dayStart = CivilTime.floorDiv(wallSeconds, 86_400) * 86_400
        let offset = Int64(hour * 3600 + minute * 60)
        for dayIndex in Int64(0)...8 {
            let candidate = dayStart + dayIndex * 86_400 + offset
            guard candidate > wallSeconds else { continue }
            if let weekday, CivilTime(epochSeconds: candidate).isoWeekday != weekday { continue }
            return candidate
        }
        preconditionFailure("a weekly rule always fires within 8 days")
    }
}
