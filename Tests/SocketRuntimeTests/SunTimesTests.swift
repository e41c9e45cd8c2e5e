import SocketCore
import TestSupport
import Testing

@testable import SocketRuntime

/// Sun times against a reference table computed with the PyPI package astral (SunReference/make_table.py),
/// in the places' own zones read from the system's tz database.
@Suite("Sunrise and sunset")
struct SunTimesTests {
    /// One row of SunReference/sun_table.tsv.
    struct Row: CustomStringConvertible, Sendable {
        var place: String
        var coordinates: Coordinates
        var zone: String
        var year, month, day: Int
        /// Per event: the local reading and the UTC instant, or `polar_day` / `polar_night` / `none` and nil.
        var sunrise: (local: String, utc: String?)
        var sunset: (local: String, utc: String?)

        var description: String { "\(place) \(year)-\(CivilTime.two(month))-\(CivilTime.two(day))" }
    }

    static let table: [Row] = {
        let file = #filePath
        let path = String(file[..<file.lastIndex(of: "/")!]) + "/SunReference/sun_table.tsv"
        return readTextFile(path).split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
            let f = line.split(separator: "\t").map(String.init)
            let date = f[4].split(separator: "-").map { Int($0)! }
            return Row(
                place: f[0], coordinates: Coordinates(latitude: Double(f[1])!, longitude: Double(f[2])!)!, zone: f[3],
                year: date[0], month: date[1], day: date[2],
                sunrise: (f[5], f[6] == "-" ? nil : f[6]), sunset: (f[7], f[8] == "-" ? nil : f[8]))
        }
    }()

    static func rules(_ zone: String) -> ZoneRules { try! ZoneDatabase().rules(for: zone) }

    @Test("the table covers the places and days the issue names")
    func coverage() {
        let places = Set(Self.table.map(\.place))
        #expect(places.isSuperset(of: ["Helsinki", "Tromso", "Sydney", "Quito"]))
        let kinds = Set(Self.table.flatMap { [$0.sunrise.local, $0.sunset.local] })
        #expect(kinds.isSuperset(of: ["polar_day", "polar_night", "none"]))
        #expect(Self.table.count >= 70)
    }

    @Test("each event within a minute of astral's, or absent for the same reason", arguments: table)
    func reference(_ row: Row) throws {
        let zone = Self.rules(row.zone)
        let day = try #require(SunTimes.day(year: row.year, month: row.month, day: row.day, at: row.coordinates, in: zone))
        for (name, ours, reference) in [("sunrise", day.sunrise, row.sunrise), ("sunset", day.sunset, row.sunset)] {
            switch reference.local {
            case "polar_day": #expect(ours == .polarDay, "\(name)")
            case "polar_night": #expect(ours == .polarNight, "\(name)")
            case "none": #expect(ours.instant == nil, "\(name): \(ours)")
            default:
                let expected = try #require(ISO8601.parse(reference.utc ?? "")).seconds
                let instant = try #require(ours.instant, "\(name): \(ours)")
                #expect(abs(instant - expected) <= 60, "\(name): \(Instant(seconds: instant)) against \(Instant(seconds: expected))")
                // The local reading through our zone reader against Python's zoneinfo.
                let local = try #require(ISO8601.parse(reference.local + "Z")).seconds
                #expect(abs(zone.localSeconds(at: instant) - local) <= 60, "\(name) local")
            }
        }
    }

    @Test("sun() shows the minute of the local clock; a date that does not exist has no sun times")
    func clockText() throws {
        let helsinki = Self.rules("Europe/Helsinki")
        let place = Coordinates(latitude: 60.1699, longitude: 24.9384)!
        // astral: 06:54:47 and 19:56:41 local on the day summer time begins.
        let day = try #require(SunTimes.day(year: 2026, month: 3, day: 29, at: place, in: helsinki))
        #expect(day.sunrise.clockText(in: helsinki) == "06:54")
        #expect(day.sunset.clockText(in: helsinki) == "19:56")
        #expect(SunDay(sunrise: .polarDay, sunset: .polarNight).sunrise.clockText(in: helsinki) == nil)
        #expect(SunTimes.day(year: 2026, month: 2, day: 29, at: place, in: helsinki) == nil)
        #expect(SunTimes.day(year: 0, month: 1, day: 1, at: place, in: helsinki) == nil)
    }

    @Test("the next sunset-30m on Sundays, across the change to summer time")
    func nextWithOffsetAndDays() throws {
        let helsinki = Self.rules("Europe/Helsinki")
        let place = Coordinates(latitude: 60.1699, longitude: 24.9384)!
        let saturdayNoon = ISO8601.parse("2026-03-28T10:00:00Z")!.seconds
        // Saturday's sunset is 16:54:13Z; every day: that minus 30 minutes.
        let everyDay = try #require(SunTimes.next(.sunset, offset: -1800, after: saturdayNoon, at: place, in: helsinki))
        #expect(abs(everyDay - (ISO8601.parse("2026-03-28T16:54:13Z")!.seconds - 1800)) <= 60)
        // Sundays only (ISO 7): Sunday's sunset, 16:56:41Z, which the clock shows as 19:56 summer time.
        let sunday = try #require(SunTimes.next(.sunset, offset: -1800, weekdays: [7], after: saturdayNoon, at: place, in: helsinki))
        #expect(abs(sunday - (ISO8601.parse("2026-03-29T16:56:41Z")!.seconds - 1800)) <= 60)
        // Strictly after: from that instant on, the next one is a week later.
        let later = try #require(SunTimes.next(.sunset, offset: -1800, weekdays: [7], after: sunday, at: place, in: helsinki))
        #expect((6 * 86_400...8 * 86_400).contains(later - sunday))
        #expect(SunTimes.next(.sunset, offset: 2 * 86_400, after: saturdayNoon, at: place, in: helsinki) == nil)
    }

    @Test("Tromsø: no sunset through the midnight sun, no sunrise through the polar night")
    func nextAcrossPolarSeasons() throws {
        let oslo = Self.rules("Europe/Oslo")
        let tromso = Coordinates(latitude: 69.6492, longitude: 18.9553)!
        // The last sunset before the midnight sun is on May 17 (00:02:51 local); the next one on July 27.
        let midsummer = ISO8601.parse("2026-05-18T00:00:00Z")!.seconds
        let sunset = try #require(SunTimes.next(.sunset, offset: 0, after: midsummer, at: tromso, in: oslo))
        #expect(abs(sunset - ISO8601.parse("2026-07-27T21:59:03Z")!.seconds) <= 60)
        // The polar night begins on November 27; the sun rises again in mid-January.
        let winter = ISO8601.parse("2026-11-28T00:00:00Z")!.seconds
        let sunrise = try #require(SunTimes.next(.sunrise, offset: 0, after: winter, at: tromso, in: oslo))
        #expect((ISO8601.parse("2027-01-13T00:00:00Z")!.seconds...ISO8601.parse("2027-01-17T00:00:00Z")!.seconds).contains(sunrise))
        // At the North Pole there is one sunrise a year, within the search.
        let pole = Coordinates(latitude: 90, longitude: 0)!
        #expect(SunTimes.next(.sunrise, offset: 0, after: winter, at: pole, in: .utc) != nil)
    }
}
