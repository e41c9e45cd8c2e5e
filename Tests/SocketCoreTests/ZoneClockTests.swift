import Testing

@testable import SocketCore

/// Zone rules made by hand (no tz database in the core): Helsinki's and Sydney's present rules.
enum TestZones {
    static let helsinki = ZoneRules(
        identifier: "Europe/Helsinki", initialOffset: 7200, transitions: [],
        recurring: RecurringRule(standardOffset: 7200, daylight: .init(
            offset: 10800, start: .monthWeek(month: 3, week: 5, weekday: 0), startTime: 3 * 3600,
            end: .monthWeek(month: 10, week: 5, weekday: 0), endTime: 4 * 3600)))!
    static let sydney = ZoneRules(
        identifier: "Australia/Sydney", initialOffset: 36000, transitions: [],
        recurring: RecurringRule(standardOffset: 36000, daylight: .init(
            offset: 39600, start: .monthWeek(month: 10, week: 1, weekday: 0), startTime: 2 * 3600,
            end: .monthWeek(month: 4, week: 1, weekday: 0), endTime: 3 * 3600)))!

    /// `2026-03-29T01:00:00Z` in seconds.
    static func utc(_ y: Int, _ m: Int, _ d: Int, _ h: Int, _ min: Int = 0) -> Int64 {
        CivilTime(year: y, month: m, day: d, hour: h, minute: min, second: 0).epochSeconds
    }
}

@Suite("Zone rules")
struct ZoneRulesTests {
    typealias Z = TestZones

    @Test("a recurring rule's changes, north and south")
    func recurring() {
        #expect(Z.helsinki.offset(at: Z.utc(2026, 3, 29, 1) - 1) == 7200)
        #expect(Z.helsinki.offset(at: Z.utc(2026, 3, 29, 1)) == 10800)
        #expect(Z.helsinki.offset(at: Z.utc(2026, 10, 25, 1) - 1) == 10800)
        #expect(Z.helsinki.offset(at: Z.utc(2026, 10, 25, 1)) == 7200)
        // Sydney: summer time ends 2026-04-05 03:00 AEDT (16:00Z the day before), begins 2026-10-04 02:00 AEST.
        #expect(Z.sydney.offset(at: Z.utc(2026, 1, 1, 0)) == 39600)
        #expect(Z.sydney.offset(at: Z.utc(2026, 4, 4, 16) - 1) == 39600)
        #expect(Z.sydney.offset(at: Z.utc(2026, 4, 4, 16)) == 36000)
        #expect(Z.sydney.offset(at: Z.utc(2026, 10, 3, 16)) == 39600)
    }

    @Test("a table of transitions, then the rule after its last one")
    func tableThenRule() {
        let rules = ZoneRules(
            identifier: "Test/Changed", initialOffset: 3600, transitions: [.init(at: Z.utc(2000, 1, 1, 0), offset: 7200)],
            recurring: TestZones.helsinki.recurring)!
        #expect(rules.offset(at: Z.utc(1999, 7, 1, 0)) == 3600)
        #expect(rules.offset(at: Z.utc(2000, 1, 1, 0)) == 7200)
        #expect(rules.offset(at: Z.utc(2001, 7, 1, 0)) == 10800)
        // The clock went from 01:00 to 02:00 local.
        #expect(rules.instants(forLocal: Z.utc(2000, 1, 1, 1, 30)) == .skipped(transition: Z.utc(2000, 1, 1, 0)))
    }

    @Test("daylight time all year (0/0,J365/25) stays in daylight time across the new year")
    func allYear() {
        let rules = ZoneRules(
            identifier: "Test/AllYear", initialOffset: -18000, transitions: [],
            recurring: RecurringRule(standardOffset: -18000, daylight: .init(
                offset: -14400, start: .zeroBased(0), startTime: 0, end: .julian(365), endTime: 25 * 3600)))!
        for instant in [Z.utc(2026, 1, 1, 5), Z.utc(2026, 1, 1, 5) - 1, Z.utc(2026, 7, 1, 0), Z.utc(2024, 12, 31, 23)] {
            #expect(rules.offset(at: instant) == -14400)
        }
    }

    @Test("rules out of range are refused")
    func invalid() {
        #expect(ZoneRules.fixed("Bad", offset: 100_000) == nil)
        #expect(ZoneRules(identifier: "Bad", initialOffset: 0, transitions: [.init(at: 10, offset: 0), .init(at: 10, offset: 3600)], recurring: nil) == nil)
        #expect(ZoneRules(identifier: "Bad", initialOffset: 0, transitions: [.init(at: Int64.max, offset: 0)], recurring: nil) == nil)
        #expect(ZoneRules(identifier: "Bad", initialOffset: 0, transitions: [], recurring: RecurringRule(standardOffset: 0, daylight: .init(
            offset: 3600, start: .monthWeek(month: 13, week: 1, weekday: 0), startTime: 0, end: .julian(1), endTime: 0))) == nil)
    }

    @Test("a daily wall-clock time: the first time it shows, or the jump over it")
    func nextWallTime() {
        // 03:30 on the spring-forward Sunday is skipped: the instant of the jump (01:00Z); the next day 00:30Z.
        let saturday = Z.utc(2026, 3, 28, 12)
        #expect(Z.helsinki.next(hour: 3, minute: 30, after: saturday) == Z.utc(2026, 3, 29, 1))
        #expect(Z.helsinki.next(hour: 3, minute: 30, after: Z.utc(2026, 3, 29, 1)) == Z.utc(2026, 3, 30, 0, 30))
        // In autumn the first of the two 03:30s (00:30Z), then the next day's (01:30Z): never the repeat.
        #expect(Z.helsinki.next(hour: 3, minute: 30, after: Z.utc(2026, 10, 24, 12)) == Z.utc(2026, 10, 25, 0, 30))
        #expect(Z.helsinki.next(hour: 3, minute: 30, after: Z.utc(2026, 10, 25, 0, 30)) == Z.utc(2026, 10, 26, 1, 30))
        // Weekdays: Mondays only (2026-03-30 is a Monday).
        #expect(Z.helsinki.next(hour: 7, minute: 0, weekdays: [1], after: saturday) == Z.utc(2026, 3, 30, 4))
        #expect(Z.helsinki.next(hour: 24, minute: 0, after: saturday) == nil)
    }
}

@Suite("The device clock in a time zone")
struct ZoneClockTests {
    typealias Z = TestZones

    /// A 707 in Helsinki at `start`, its clock set from the first SMS's time stamp (UTC, as the shell's
    /// network stamps it: the exact instant whatever the zone), with `rules` in the scheduler.
    static func helsinki(at start: Int64, rules: [String] = []) -> TestShell {
        var shell = TestShell(model: .gsm707, at: Instant(seconds: start), zone: Z.helsinki)
        shell.sms("DATE", timestamp: NetworkTimestamp(local: CivilTime(epochSeconds: start), zoneQuarterHours: 0))
        for rule in rules { #expect(shell.reply(to: "SCHEDULER+" + rule) == "SCHEDULER+\(rule) - OK") }
        shell.clearLog()
        return shell
    }

    @Test("the clock shows local time and its tag follows the daylight-saving changes")
    func followsChanges() {
        var shell = Self.helsinki(at: Z.utc(2026, 3, 29, 0, 30))
        #expect(shell.reply(to: "DATE") == "DATE 26/03/29,02:30:00+08")
        shell.advance(minutes: 60)
        #expect(shell.reply(to: "DATE") == "DATE 26/03/29,04:30:00+12")
        #expect(shell.persistent.clock?.followsZone == true)
        #expect(shell.core.wallClock == CivilTime(year: 2026, month: 3, day: 29, hour: 4, minute: 30, second: 0))
        #expect(shell.core.deviceUTC == Z.utc(2026, 3, 29, 1, 30))
        // The device clock is the controller's here: a device instant is the same controller instant.
        #expect(shell.core.instant(atDeviceUTC: Z.utc(2026, 3, 29, 2)) == Instant(seconds: Z.utc(2026, 3, 29, 2)))
        #expect(TestShell(model: .gsm707).core.instant(atDeviceUTC: 0) == nil)
    }

    @Test("a network stamp from another zone sets the exact instant")
    func stampFromAnotherZone() {
        var shell = TestShell(model: .gsm707, at: Instant(seconds: Z.utc(2026, 1, 10, 9)), zone: Z.helsinki)
        // 12:00 at +3 hours is 09:00Z: 11:00 in Helsinki's winter.
        shell.sms("DATE", timestamp: NetworkTimestamp(local: CivilTime(year: 2026, month: 1, day: 10, hour: 12, minute: 0, second: 0), zoneQuarterHours: 12))
        #expect(shell.reply(to: "DATE") == "DATE 26/01/10,11:00:00+08")
    }

    @Test("a weekly rule whose time the spring change skips fires once, when the clock jumps over it")
    func springForward() {
        // Sunday 2026-03-29, 03:30 does not exist in Helsinki.
        var shell = Self.helsinki(at: Z.utc(2026, 3, 28, 12), rules: ["03:30,7,ON", "04:10,7,OFF"])
        #expect(shell.due(.scheduler) == Instant(seconds: Z.utc(2026, 3, 29, 1)))
        shell.advance(to: Instant(seconds: Z.utc(2026, 3, 29, 1)))
        #expect(shell.mainOn)
        shell.advance(to: Instant(seconds: Z.utc(2026, 3, 29, 1, 10)))
        #expect(!shell.mainOn)
        // The next Sunday at 03:30 summer time.
        #expect(shell.due(.scheduler) == Instant(seconds: Z.utc(2026, 4, 5, 0, 30)))
    }

    @Test("a rule in the hour the autumn change repeats fires the first time only (A71)")
    func fallBack() {
        var shell = Self.helsinki(at: Z.utc(2026, 10, 24, 12), rules: ["03:30,*,ON"])
        shell.advance(to: Instant(seconds: Z.utc(2026, 10, 25, 0, 30)))
        #expect(shell.mainOn)
        shell.sms("OFF")
        shell.advance(to: Instant(seconds: Z.utc(2026, 10, 25, 2)))
        #expect(!shell.mainOn)
        #expect(shell.due(.scheduler) == Instant(seconds: Z.utc(2026, 10, 26, 1, 30)))
    }

    @Test("a clock kept without a zone reads on with one, and the other way round")
    func adoptsConfiguration() {
        let at = Instant(seconds: Z.utc(2026, 7, 1, 9))
        // A wall clock reading 12:00 (+12): with the zone, the same reading, now keeping UTC (09:00Z).
        var state = PersistentState()
        state.clock = DeviceClock(reading: CivilTime(year: 2026, month: 7, day: 1, hour: 12, minute: 0, second: 0), zone: "+12", at: at)
        var zoned = TestShell(model: .gsm707, persistent: state, at: at, zone: Z.helsinki)
        #expect(zoned.persistent.clock == DeviceClock(offsetSeconds: 0, zone: "+12", followsZone: true))
        #expect(zoned.reply(to: "DATE") == "DATE 26/07/01,12:00:00+12")
        // Back without the zone: a wall clock that still reads 12:00.
        var plain = TestShell(model: .gsm707, persistent: zoned.persistent, at: at)
        #expect(plain.persistent.clock == DeviceClock(offsetSeconds: 3 * 3600, zone: "+12"))
        #expect(plain.reply(to: "DATE") == "DATE 26/07/01,12:00:00+12")
    }
}
