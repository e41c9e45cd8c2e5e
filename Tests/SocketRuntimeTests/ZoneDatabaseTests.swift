import Foundation
import PluginKit
import SocketCore
import TestSupport
import Testing

@testable import SocketRuntime

@Suite("Time zones from the system's tz database")
struct ZoneDatabaseTests {
    static let database = ZoneDatabase()

    static func instant(_ iso: String) -> Int64 { ISO8601.parse(iso)!.seconds }
    static func local(_ iso: String) -> Int64 { ISO8601.parse(iso + "Z")!.seconds }

    /// Each zone's offsets (seconds east) one second before and at a 2026 change.
    @Test(
        "offsets around the 2026 daylight-saving changes",
        arguments: [
            ("Europe/Helsinki", "2026-03-29T01:00:00Z", 7200, 10800),
            ("Europe/Helsinki", "2026-10-25T01:00:00Z", 10800, 7200),
            ("Australia/Sydney", "2026-04-04T16:00:00Z", 39600, 36000),
            ("Australia/Sydney", "2026-10-03T16:00:00Z", 36000, 39600),
            ("America/New_York", "2026-03-08T07:00:00Z", -18000, -14400),
            ("America/New_York", "2026-11-01T06:00:00Z", -14400, -18000),
        ])
    func offsetsAroundChanges(_ zone: String, _ change: String, _ before: Int, _ after: Int) throws {
        let rules = try Self.database.rules(for: zone)
        let at = Self.instant(change)
        #expect(rules.offset(at: at - 1) == before)
        #expect(rules.offset(at: at) == after)
        #expect(rules.offset(at: at + 3 * 3600) == after)
    }

    @Test(
        "a local reading in a skipped or repeated hour",
        arguments: [
            ("Europe/Helsinki", "2026-03-29T03:30:00", ZoneRules.LocalInstants.skipped(transition: instant("2026-03-29T01:00:00Z"))),
            ("Europe/Helsinki", "2026-10-25T03:30:00",
             .repeated(earlier: instant("2026-10-25T00:30:00Z"), later: instant("2026-10-25T01:30:00Z"))),
            ("Europe/Helsinki", "2026-10-25T04:00:00", .unique(instant("2026-10-25T02:00:00Z"))),
            ("Australia/Sydney", "2026-04-05T02:30:00",
             .repeated(earlier: instant("2026-04-04T15:30:00Z"), later: instant("2026-04-04T16:30:00Z"))),
            ("Australia/Sydney", "2026-10-04T02:30:00", .skipped(transition: instant("2026-10-03T16:00:00Z"))),
            ("America/New_York", "2026-03-08T02:30:00", .skipped(transition: instant("2026-03-08T07:00:00Z"))),
            ("America/New_York", "2026-11-01T01:30:00",
             .repeated(earlier: instant("2026-11-01T05:30:00Z"), later: instant("2026-11-01T06:30:00Z"))),
            ("America/New_York", "2026-07-04T12:00:00", .unique(instant("2026-07-04T16:00:00Z"))),
        ])
    func localReadings(_ zone: String, _ reading: String, _ expected: ZoneRules.LocalInstants) throws {
        #expect(try Self.database.rules(for: zone).instants(forLocal: Self.local(reading)) == expected)
    }

    @Test("the rules after the file's last transition come from its footer (years beyond 2037 and 2100)")
    func footerRule() throws {
        let helsinki = try Self.database.rules(for: "Europe/Helsinki")
        #expect(helsinki.recurring?.daylight != nil)
        // The last Sunday of March 2150 is the 29th; the change is at 01:00Z.
        #expect(helsinki.offset(at: Self.instant("2150-03-29T00:59:59Z")) == 7200)
        #expect(helsinki.offset(at: Self.instant("2150-03-29T01:00:00Z")) == 10800)
    }

    /// Foundation's `TimeZone` (the toolchain's ICU data) as an independent reader of the same rules: where its
    /// tz release is the system's, every zone they both know gives the same offsets, sampled every 5 days from
    /// 1970 to 2100 and on both sides of each of our transitions since 2000.
    @Test(
        "every zone agrees with Foundation's TimeZone",
        .enabled(if: TimeZone.timeZoneDataVersion == ZoneDatabase().version, "Foundation's tz data is another release than the system's"))
    func agreesWithFoundation() throws {
        var zones = 0
        for name in TimeZone.knownTimeZoneIdentifiers {
            guard let foundation = TimeZone(identifier: name), let ours = try? Self.database.rules(for: name) else { continue }
            zones += 1
            var instants = Array(stride(from: Int64(0), to: Self.instant("2100-01-01T00:00:00Z"), by: 5 * 86_400))
            for transition in ours.transitions where transition.at > Self.instant("2000-01-01T00:00:00Z") {
                instants += [transition.at - 1, transition.at]
            }
            let differences = instants.filter {
                ours.offset(at: $0) != foundation.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval($0)))
            }
            #expect(differences.isEmpty, "\(name): \(differences.count) instants differ, the first at \(Instant(seconds: differences.first ?? 0))")
        }
        #expect(zones > 300)
    }

    @Test(
        "a name that is not a zone name is refused before any file is opened",
        arguments: ["", "/etc/passwd", "../etc/passwd", "Europe/../../etc/passwd", "Europe//Helsinki", ".hidden", "Europe/Hel sinki",
                    String(repeating: "a", count: 256)])
    func invalidNames(_ name: String) {
        #expect(throws: ZoneError(.invalidName, name, detail: "")) { try Self.database.rules(for: name) }
    }

    @Test func anUnknownZoneNamesTheDatabase() {
        #expect(throws: ZoneError(.unknown, "Mars/Olympus_Mons", detail: ZoneDatabase.systemDirectory)) {
            try Self.database.rules(for: "Mars/Olympus_Mons")
        }
        let error = ZoneError(.unknown, "Europe/Helsinky", detail: "/usr/share/zoneinfo")
        #expect(error.description == "unknown time zone \"Europe/Helsinky\": the system's tz database (/usr/share/zoneinfo) has no such zone; names are like \"Europe/Helsinki\", \"America/New_York\", \"UTC\"")
    }

    @Test("a zone with leap seconds is refused: its instants are not UTC",
          .enabled(if: FileManager.default.fileExists(atPath: "/usr/share/zoneinfo/right/Europe/Helsinki")))
    func leapSeconds() throws {
        #expect(throws: ZoneError.self) { try Self.database.rules(for: "right/Europe/Helsinki") }
        do {
            _ = try Self.database.rules(for: "right/Europe/Helsinki")
        } catch {
            #expect(error.code == .unsupported)
        }
    }

    @Test("a missing database, a folder, a file that is no TZif: each a ZoneError saying what to do")
    func damagedDatabases() throws {
        let folder = try TemporaryDirectory()
        #expect(throws: ZoneError(.noDatabase, "UTC", detail: folder.path("none"))) {
            try ZoneDatabase(directory: folder.path("none")).rules(for: "UTC")
        }
        try FileManager.default.createDirectory(atPath: folder.path("Europe"), withIntermediateDirectories: true)
        try Data("not a zone\n".utf8).write(to: URL(fileURLWithPath: folder.path("Europe/Fake")))
        let database = ZoneDatabase(directory: folder.url.path)
        #expect(throws: ZoneError(.unreadable, "Europe", detail: "")) { try database.rules(for: "Europe") }
        #expect(throws: ZoneError(.malformed, "Europe/Fake", detail: "")) { try database.rules(for: "Europe/Fake") }
    }

    /// The real file cut at every length, and with bytes flipped: an error or a zone, never a crash.
    @Test func damagedFilesNeverCrash() throws {
        let bytes = try ConfigFile.contents(of: "/usr/share/zoneinfo/Europe/Helsinki", kind: "time zone file")
        #expect((try? TZif.rules(bytes, identifier: "Europe/Helsinki")) != nil)
        for length in 0..<bytes.count {
            #expect(throws: TZif.FormatError.self) { try TZif.rules(Array(bytes[..<length]), identifier: "cut") }
        }
        var generator = SplitMix64(seed: 9)
        for _ in 0..<2000 {
            var damaged = bytes
            for _ in 0...Int(generator.next() % 4) {
                damaged[Int(generator.next() % UInt64(damaged.count))] = UInt8(truncatingIfNeeded: generator.next())
            }
            _ = try? TZif.rules(damaged, identifier: "flipped")
        }
    }

    @Test(
        "footer rules",
        arguments: [
            ("EET-2EEST,M3.5.0/3,M10.5.0/4",
             RecurringRule(standardOffset: 7200, daylight: .init(
                offset: 10800, start: .monthWeek(month: 3, week: 5, weekday: 0), startTime: 10800,
                end: .monthWeek(month: 10, week: 5, weekday: 0), endTime: 14400))),
            ("<+1030>-10:30<+11>-11,M10.1.0,M4.1.0", RecurringRule(standardOffset: 37800, daylight: .init(
                offset: 39600, start: .monthWeek(month: 10, week: 1, weekday: 0), startTime: 7200,
                end: .monthWeek(month: 4, week: 1, weekday: 0), endTime: 7200))),
            ("IST-2IDT,M3.4.4/26,M10.5.0", RecurringRule(standardOffset: 7200, daylight: .init(
                offset: 10800, start: .monthWeek(month: 3, week: 4, weekday: 4), startTime: 26 * 3600,
                end: .monthWeek(month: 10, week: 5, weekday: 0), endTime: 7200))),
            ("EST5EDT,0/0,J365/25", RecurringRule(standardOffset: -18000, daylight: .init(
                offset: -14400, start: .zeroBased(0), startTime: 0, end: .julian(365), endTime: 25 * 3600))),
            ("<-03>3", RecurringRule(standardOffset: -10800)),
            ("UTC0", RecurringRule(standardOffset: 0)),
        ])
    func footers(_ text: String, _ expected: RecurringRule) throws {
        var rule = TZif.POSIXRule(Array(text.utf8)[...])
        #expect(try rule.parse() == expected)
    }

    @Test("footer rules that are not POSIX TZ strings",
          arguments: ["", "EE-2", "EET", "EET-2EEST", "EET-2EEST,M3.5.0/3", "EET-2EEST,M13.5.0,M10.5.0", "EET-2EEST,M3.6.0,M10.5.0",
                      "EET-2EEST,J0,J365", "EET-2EEST,M3.5.0/168,M10.5.0", "<+03-3", "EET-25", "EET-2EEST,M3.5.0,M10.5.0x"])
    func badFooters(_ text: String) {
        var rule = TZif.POSIXRule(Array(text.utf8)[...])
        #expect(throws: TZif.FormatError.self) { try rule.parse() }
    }
}
