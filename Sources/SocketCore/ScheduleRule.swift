/// A scheduler rule: `hh:mm,day,action` (spec §4.12).
public struct ScheduleRule: Equatable, Hashable, Sendable {
    public enum Action: Hashable, Sendable, RawRepresentable {
        case on, off, info, armAlarm, disarmAlarm
        /// A name a Lua rule registered with `action(NAME, handler)` (rules-api.md): 1–10 letters and digits,
        /// uppercase, none of the built-in names.
        case rule(String)

        /// The built-in actions of §4.12.
        public static let builtIn: [Action] = [.on, .off, .info, .armAlarm, .disarmAlarm]

        /// `ON`, `OFF`, `INF`, `AON`, `AOF`, or a rule's action name (uppercase letters and digits, 1–10).
        public init?(rawValue: String) {
            switch rawValue {
            case "ON": self = .on
            case "OFF": self = .off
            case "INF": self = .info
            case "AON": self = .armAlarm
            case "AOF": self = .disarmAlarm
            default:
                guard Self.isRuleName(rawValue) else { return nil }
                self = .rule(rawValue)
            }
        }

        public var rawValue: String {
            switch self {
            case .on: "ON"
            case .off: "OFF"
            case .info: "INF"
            case .armAlarm: "AON"
            case .disarmAlarm: "AOF"
            case .rule(let name): name
            }
        }

        /// Whether `name` can name a rule's action: 1–10 uppercase ASCII letters and digits, not a built-in name.
        public static func isRuleName(_ name: String) -> Bool {
            let bytes = name.utf8
            return (1...10).contains(bytes.count)
                && bytes.allSatisfy { (0x41...0x5A).contains($0) || (0x30...0x39).contains($0) }
                && !builtIn.contains { $0.rawValue == name }
        }
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

    /// The instant the rule fires on the local day `day` in `rules`; nil when the rule's weekday is another.
    func firing(onDay day: Int64, in rules: ZoneRules) -> Int64? {
        if let weekday, CivilTime.isoWeekday(ofDay: day) != weekday { return nil }
        return rules.instant(hour: hour, minute: minute, onDay: day)
    }
}
