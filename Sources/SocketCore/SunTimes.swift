import RealModule

// Written here from NOAA's solar equations (the Global Monitoring Laboratory's solar calculator, after Meeus,
// "Astronomical Algorithms"): no maintained Swift library for sun times builds on Linux from the packages
// this project can use, and the equations are a page of arithmetic. RealModule (swift-numerics) gives the
// trigonometry without importing the C library into the pure core.

/// A place on Earth, in degrees: latitude −90 … 90 (north positive), longitude −180 … 180 (east positive).
public struct Coordinates: Equatable, Hashable, Sendable {
    public let latitude: Double
    public let longitude: Double

    /// Nil for a value that is not finite or out of range.
    public init?(latitude: Double, longitude: Double) {
        guard latitude.isFinite, longitude.isFinite, (-90...90).contains(latitude), (-180...180).contains(longitude) else { return nil }
        self.latitude = latitude
        self.longitude = longitude
    }
}

/// Sunrise or sunset: the sun's upper edge crossing the horizon, refraction included (the standard −0.833°
/// altitude of its centre).
public enum SunEvent: String, CaseIterable, Sendable {
    case sunrise, sunset
}

/// When a ``SunEvent`` happens on a day, or why it does not.
public enum SunTime: Equatable, Hashable, Sendable {
    /// Seconds since 1970-01-01T00:00:00Z.
    case at(Int64)
    /// The sun stays above the horizon (polar day): no sunrise or sunset that day.
    case polarDay
    /// The sun stays below the horizon (polar night).
    case polarNight

    public var instant: Int64? {
        if case .at(let instant) = self { return instant }
        return nil
    }

    /// `hh:mm` of the local clock in `zone` at the event (the minute it falls in, as the clock shows it then);
    /// nil where the event does not happen.
    public func clockText(in zone: ZoneRules) -> String? {
        instant.map {
            let local = CivilTime(epochSeconds: zone.localSeconds(at: $0))
            return CivilTime.two(local.hour) + ":" + CivilTime.two(local.minute)
        }
    }
}

/// A day's sunrise and sunset.
public struct SunDay: Equatable, Hashable, Sendable {
    public var sunrise: SunTime
    public var sunset: SunTime

    public init(sunrise: SunTime, sunset: SunTime) {
        self.sunrise = sunrise
        self.sunset = sunset
    }
}

/// Sunrise and sunset from NOAA's solar equations, to about a minute between the polar circles (the sun's
/// position is taken at the event; near the polar boundaries the event moves fast from day to day and
/// the error grows).
///
/// Days are numbered as ``ScheduleRule/day(ofWallSeconds:)`` numbers them: days since 1970-01-01, here of a
/// local calendar (`in zone`) or of UTC.
public enum SunTimes {
    /// The altitude of the sun's centre at sunrise and sunset, in degrees.
    public static let horizon = -0.833

    /// The longest offset ``next(_:offset:weekdays:after:at:in:)`` takes, either way: a day.
    public static let longestOffset: Int64 = 86_400

    /// How many days ahead ``next(_:offset:weekdays:after:at:in:)`` looks: beyond the longest polar night
    /// (half a year at the poles).
    static let searchDays: Int64 = 370

    /// `event` on the local calendar day `day` (days since 1970-01-01) in `zone`: the instant, or why there
    /// is none. Correct on days whose length daylight-saving time changes: the day's own instants are
    /// converted through the zone's rules.
    public static func local(_ event: SunEvent, onDay day: Int64, at place: Coordinates, in zone: ZoneRules) -> SunTime {
        let day = min(max(day, dayRange.lowerBound), dayRange.upperBound)
        func localDay(_ instant: Int64) -> Int64 { CivilTime.floorDiv(zone.localSeconds(at: instant), 86_400) }
        // The equations give the event of the solar day around a UTC date; far from Greenwich that can fall on
        // the local day before or after, so the neighbouring date is tried too.
        let first = utc(event, onDay: day, at: place)
        guard case .at(let instant) = first else { return first }
        let found = localDay(instant)
        if found == day { return first }
        let second = utc(event, onDay: found < day ? day + 1 : day - 1, at: place)
        if case .at(let other) = second, localDay(other) == day { return second }
        // The event slipped past the day's midnight: the sun stays on the side of the horizon it is on at noon.
        return noonAltitude(onDay: day, at: place) > horizon ? .polarDay : .polarNight
    }

    /// Both events of the local calendar day `year-month-day` in `zone`; nil for a date that does not exist
    /// or lies outside the years 0001 … 9998.
    public static func day(year: Int, month: Int, day: Int, at place: Coordinates, in zone: ZoneRules) -> SunDay? {
        guard (1...9998).contains(year), (1...12).contains(month), (1...CivilTime.daysInMonth(year: year, month: month)).contains(day)
        else { return nil }
        let number = CivilTime.days(fromCivil: year, month, day)
        return SunDay(sunrise: local(.sunrise, onDay: number, at: place, in: zone), sunset: local(.sunset, onDay: number, at: place, in: zone))
    }

    /// The first instant strictly after `instant` that is `event` plus `offset` seconds on one of
    /// `weekdays` (ISO 1 = Monday … 7; nil: every day) of the local calendar in `zone`: what an
    /// `at("sunset-30m", "12345")` trigger waits for. The weekday is that of the event's own local day. Nil
    /// when there is none within a year (a polar night longer than that), or `offset` is longer than
    /// ``longestOffset``.
    public static func next(
        _ event: SunEvent, offset: Int64, weekdays: Set<Int>? = nil, after instant: Int64, at place: Coordinates, in zone: ZoneRules
    ) -> Int64? {
        guard abs(offset) <= longestOffset, ZoneRules.secondsRange.contains(instant) else { return nil }
        // The event of the day before may still lie ahead once the offset is added.
        let first = CivilTime.floorDiv(zone.localSeconds(at: instant), 86_400) - 2
        for day in first..<(first + searchDays) where day <= dayRange.upperBound {
            if let weekdays, !weekdays.contains(CivilTime.isoWeekday(ofDay: day)) { continue }
            if case .at(let at) = local(event, onDay: day, at: place, in: zone), at + offset > instant { return at + offset }
        }
        return nil
    }

    /// `event` of the solar day around the UTC date `day` (days since 1970-01-01), by NOAA's equations: the
    /// sun's position is taken at that date's 00:00 UTC for a first estimate, then again at the estimate.
    public static func utc(_ event: SunEvent, onDay day: Int64, at place: Coordinates) -> SunTime {
        let day = min(max(day, dayRange.lowerBound), dayRange.upperBound)
        // The hour angle is undefined at the poles themselves.
        let latitude = min(max(place.latitude, -89.8), 89.8)
        let midnight = 2_440_587.5 + Double(day)
        var minutes = 0.0
        for _ in 0..<2 {
            let sun = SolarPosition(julianDay: midnight + minutes / 1440)
            let cosine = (cosDegrees(90 - horizon) - sinDegrees(latitude) * sinDegrees(sun.declination))
                / (cosDegrees(latitude) * cosDegrees(sun.declination))
            if cosine > 1 { return .polarNight }
            if cosine < -1 { return .polarDay }
            let hourAngle = Double.acos(cosine) * 180 / .pi
            let east = event == .sunrise ? place.longitude + hourAngle : place.longitude - hourAngle
            // Solar noon is 720 minutes after midnight less 4 minutes per degree east and the equation of time.
            minutes = 720 - 4 * east - sun.equationOfTime
            if minutes < 0 { minutes += 1440 }
        }
        return .at(Int64(day) * 86_400 + Int64((minutes * 60).rounded()))
    }

    /// The sun's altitude at solar noon of the UTC date `day`, in degrees (refraction not counted).
    static func noonAltitude(onDay day: Int64, at place: Coordinates) -> Double {
        let sun = SolarPosition(julianDay: 2_440_587.5 + Double(day) + 0.5 - place.longitude / 360)
        return 90 - abs(place.latitude - sun.declination)
    }

    /// Days the computation answers for: the years 0001 … 9998, so that every instant it returns is a valid
    /// ``ZoneRules`` instant.
    static let dayRange: ClosedRange<Int64> = CivilTime.days(fromCivil: 1, 1, 1)...CivilTime.days(fromCivil: 9998, 12, 31)

    static func sinDegrees(_ x: Double) -> Double { .sin(x * .pi / 180) }
    static func cosDegrees(_ x: Double) -> Double { .cos(x * .pi / 180) }
}

/// The sun's declination and the equation of time at a Julian day (NOAA's series in Julian centuries since
/// J2000.0).
struct SolarPosition {
    /// Degrees north of the celestial equator.
    var declination: Double
    /// Apparent minus mean solar time, in minutes.
    var equationOfTime: Double

    init(julianDay: Double) {
        let t = (julianDay - 2_451_545) / 36_525
        let meanLongitude = (280.46646 + t * (36_000.76983 + t * 0.0003032)).truncatingRemainder(dividingBy: 360)
        let meanAnomaly = 357.52911 + t * (35_999.05029 - 0.0001537 * t)
        let eccentricity = 0.016708634 - t * (0.000042037 + 0.0000001267 * t)
        let centre = SunTimes.sinDegrees(meanAnomaly) * (1.914602 - t * (0.004817 + 0.000014 * t))
            + SunTimes.sinDegrees(2 * meanAnomaly) * (0.019993 - 0.000101 * t)
            + SunTimes.sinDegrees(3 * meanAnomaly) * 0.000289
        let node = 125.04 - 1934.136 * t
        let apparentLongitude = meanLongitude + centre - 0.00569 - 0.00478 * SunTimes.sinDegrees(node)
        let meanObliquity = 23 + (26 + (21.448 - t * (46.815 + t * (0.00059 - t * 0.001813))) / 60) / 60
        let obliquity = meanObliquity + 0.00256 * SunTimes.cosDegrees(node)
        declination = Double.asin(SunTimes.sinDegrees(obliquity) * SunTimes.sinDegrees(apparentLongitude)) * 180 / .pi
        let y = Double.pow(Double.tan(obliquity * .pi / 360), 2)
        let l0 = meanLongitude * .pi / 180
        let m = meanAnomaly * .pi / 180
        equationOfTime = 4 * 180 / .pi
            * (y * .sin(2 * l0) - 2 * eccentricity * .sin(m) + 4 * eccentricity * y * .sin(m) * .cos(2 * l0)
                - 0.5 * y * y * .sin(4 * l0) - 1.25 * eccentricity * eccentricity * .sin(2 * m))
    }
}
