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

    /// Device-clock readings at which rules fire: the years 0000 … 9999, wall-clock seconds since
    /// 1970-01-01T00:00:00 (a reading outside is a clock beyond reckoning, and keeps the arithmetic far from
    /// overflow).
    public static let wallSecondsRange: ClosedRange<Int64> = -62_167_219_200...253_402_300_799

    /// The calendar days of ``wallSecondsRange``, as ``day(ofWallSeconds:)`` numbers them.
    public static let dayRange: ClosedRange<Int64> =
        day(ofWallSeconds: wallSecondsRange.lowerBound)...day(ofWallSeconds: wallSecondsRange.upperBound)

    /// The calendar day of a device-clock reading: days since 1970-01-01 (negative before).
    public static func day(ofWallSeconds wall: Int64) -> Int64 { CivilTime.floorDiv(wall, 86_400) }

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
