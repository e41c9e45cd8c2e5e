/// A calendar date and wall-clock time without a time zone, computed arithmetically so that the
/// core needs no Foundation calendar (proleptic Gregorian, days-from-civil conversion).
///
/// The conversions are exact for years within ±290 billion and fields in their ranges; beyond that their
/// arithmetic wraps instead of trapping (a value read from outside is range-checked before it gets here).
public struct CivilTime: Equatable, Hashable, Sendable {
    public var year: Int
    public var month: Int
    public var day: Int
    public var hour: Int
    public var minute: Int
    public var second: Int

    public init(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
    }

    /// The civil time of `epochSeconds` seconds after 1970-01-01T00:00:00.
    public init(epochSeconds: Int64) {
        let days = Self.floorDiv(epochSeconds, 86_400)
        // Exact: the true difference is 0…86399 even where `days * 86_400` is below Int64.min.
        let secondOfDay = Int(epochSeconds &- days &* 86_400)
        let (y, m, d) = Self.civil(fromDays: days)
        self.init(year: y, month: m, day: d, hour: secondOfDay / 3600, minute: secondOfDay / 60 % 60, second: secondOfDay % 60)
    }

    /// Seconds since 1970-01-01T00:00:00 of this civil time.
    public var epochSeconds: Int64 {
        Self.days(fromCivil: year, month, day) &* 86_400 &+ Int64(hour &* 3600 &+ minute &* 60 &+ second)
    }

    /// ISO weekday: 1 = Monday … 7 = Sunday.
    public var isoWeekday: Int { Self.isoWeekday(ofDay: Self.days(fromCivil: year, month, day)) }

    /// ISO weekday of the day `days` after 1970-01-01 (a Thursday, ISO 4).
    public static func isoWeekday(ofDay days: Int64) -> Int { Int(floorMod(days &+ 3, 7)) + 1 }

    /// `yy/mm/dd,hh:mm:ss`, the device's own date format.
    public var deviceFormat: String {
        "\(Self.two(year % 100))/\(Self.two(month))/\(Self.two(day)),\(Self.two(hour)):\(Self.two(minute)):\(Self.two(second))"
    }

    /// `2026-01-05T08:00:00Z`
    public var iso8601UTC: String {
        let y = String(year)
        let paddedYear = String(repeating: "0", count: max(0, 4 - y.count)) + y
        return "\(paddedYear)-\(Self.two(month))-\(Self.two(day))T\(Self.two(hour)):\(Self.two(minute)):\(Self.two(second))Z"
    }

    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Two digits at least: `07`, `12`.
    public static func two(_ v: Int) -> String { v < 10 ? "0\(v)" : String(v) }

    /// ⌊a / b⌋ for b > 0, without overflow at Int64.min.
    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let quotient = a / b
        return a % b < 0 ? quotient - 1 : quotient
    }
    /// a mod b in 0..<b for b > 0 (wrapping: the true result is small even where the product is not).
    static func floorMod(_ a: Int64, _ b: Int64) -> Int64 { a &- floorDiv(a, b) &* b }

    // Howard Hinnant's days_from_civil / civil_from_days.
    static func days(fromCivil year: Int, _ month: Int, _ day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year &- 1 : year)
        let era = floorDiv(y, 400)
        let yoe = y &- era &* 400
        let m = Int64(month)
        let doy = (153 &* (m > 2 ? m &- 3 : m &+ 9) &+ 2) / 5 &+ Int64(day) &- 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 &+ doy
        return era &* 146_097 &+ doe &- 719_468
    }

    static func civil(fromDays days: Int64) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return (Int(y), Int(m), Int(d))
    }
}
