import Testing
import TestSupport

@testable import SocketCore

@Suite("CivilTime")
struct CivilTimeTests {
    @Test("known instants", arguments: [
        (0, CivilTime(year: 1970, month: 1, day: 1, hour: 0, minute: 0, second: 0), 4),
        (-1, CivilTime(year: 1969, month: 12, day: 31, hour: 23, minute: 59, second: 59), 3),
        (951_782_400, CivilTime(year: 2000, month: 2, day: 29, hour: 0, minute: 0, second: 0), 2),
        (1_767_571_200, CivilTime(year: 2026, month: 1, day: 5, hour: 0, minute: 0, second: 0), 1),
        (1_767_600_000 + 3_599, CivilTime(year: 2026, month: 1, day: 5, hour: 8, minute: 59, second: 59), 1),
        (1_709_164_800, CivilTime(year: 2024, month: 2, day: 29, hour: 0, minute: 0, second: 0), 4),
        (4_107_542_400, CivilTime(year: 2100, month: 3, day: 1, hour: 0, minute: 0, second: 0), 1),
        (1_369_145_000, CivilTime(year: 2013, month: 5, day: 21, hour: 14, minute: 3, second: 20), 2),
    ] as [(Int64, CivilTime, Int)])
    func known(_ seconds: Int64, _ civil: CivilTime, _ weekday: Int) {
        #expect(CivilTime(epochSeconds: seconds) == civil)
        #expect(civil.epochSeconds == seconds)
        #expect(civil.isoWeekday == weekday)
    }

    @Test("2026-01-05 is a Monday (ISO 1) and the week runs to Sunday (7)")
    func weekdays() {
        for offset in 0..<14 {
            let t = CivilTime(epochSeconds: 1_767_571_200 + Int64(offset) * 86_400)
            #expect(t.isoWeekday == offset % 7 + 1)
        }
    }

    @Test("round trip over random instants from year 1 to 9999")
    func roundTrip() {
        var rng = SplitMix64(seed: 42)
        for _ in 0..<20_000 {
            let s = Int64.random(in: -62_135_596_800...253_402_300_799, using: &rng)
            let t = CivilTime(epochSeconds: s)
            #expect(t.epochSeconds == s)
            #expect((1...12).contains(t.month) && (1...CivilTime.daysInMonth(year: t.year, month: t.month)).contains(t.day))
        }
    }

    @Test("every day of a 400-year cycle follows the previous one")
    func consecutiveDays() {
        var previous = CivilTime(epochSeconds: 946_684_800 - 86_400)  // 1999-12-31
        var leapDays = 0
        for day in Int64(0)..<146_097 {
            let t = CivilTime(epochSeconds: 946_684_800 + day * 86_400)
            let sameMonth = t.year == previous.year && t.month == previous.month && t.day == previous.day + 1
            let newMonth = t.day == 1
                && previous.day == CivilTime.daysInMonth(year: previous.year, month: previous.month)
                && (t.month == previous.month + 1 && t.year == previous.year
                    || t.month == 1 && previous.month == 12 && t.year == previous.year + 1)
            #expect(sameMonth || newMonth, "\(previous) → \(t)")
            #expect(t.isoWeekday == previous.isoWeekday % 7 + 1)
            if t.month == 2 && t.day == 29 { leapDays += 1 }
            previous = t
        }
        #expect(leapDays == 97)
    }

    @Test("leap years", arguments: [
        (2000, 29), (1900, 28), (2100, 28), (2400, 29), (2024, 29), (2023, 28), (2013, 28), (2016, 29),
    ] as [(Int, Int)])
    func leapYears(_ year: Int, _ february: Int) {
        #expect(CivilTime.daysInMonth(year: year, month: 2) == february)
        #expect(CivilTime.daysInMonth(year: year, month: 4) == 30)
        #expect(CivilTime.daysInMonth(year: year, month: 12) == 31)
    }

    @Test("formats")
    func formats() {
        let t = CivilTime(year: 2026, month: 1, day: 5, hour: 8, minute: 0, second: 7)
        #expect(t.deviceFormat == "26/01/05,08:00:07")
        #expect(t.iso8601UTC == "2026-01-05T08:00:07Z")
        #expect(Instant(seconds: t.epochSeconds).description == "2026-01-05T08:00:07Z")
        #expect(Instant(milliseconds: -1).seconds == -1)
        #expect(Instant(milliseconds: 1_999).seconds == 1)
        #expect(NetworkTimestamp(local: t, zoneQuarterHours: 12).zoneTag == "+12")
        #expect(NetworkTimestamp(local: t, zoneQuarterHours: -4).zoneTag == "-04")
        #expect(NetworkTimestamp(local: t, zoneQuarterHours: 0).zoneTag == "+00")
    }
}

@Suite("GSM 03.38 alphabet")
struct GSMAlphabetTests {
    @Test("septet counting", arguments: [
        ("", 0), ("STATUS", 6), ("Power socket ON\nTEMP: 25C", 25), ("@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ", 29),
        ("€", 2), ("{}[]~|^\\", 16), ("a€b", 4), ("–", nil), ("Привет", nil), ("😀", nil), ("ü§¿", 3),
        ("RESTARTTIME=5 - OK", 18),
    ] as [(String, Int?)])
    func septets(_ text: String, _ count: Int?) {
        #expect(GSMAlphabet.septetCount(text) == count)
    }

    @Test("truncation to one SMS: 160 septets in GSM 7-bit, 70 UTF-16 units otherwise", arguments: [
        (String(repeating: "a", count: 200), String(repeating: "a", count: 160)),
        (String(repeating: "a", count: 160), String(repeating: "a", count: 160)),
        (String(repeating: "€", count: 100), String(repeating: "€", count: 80)),
        ("a" + String(repeating: "€", count: 80), "a" + String(repeating: "€", count: 79)),
        (String(repeating: "Ж", count: 100), String(repeating: "Ж", count: 70)),
        (String(repeating: "😀", count: 40), String(repeating: "😀", count: 35)),
        ("a–" + String(repeating: "b", count: 100), "a–" + String(repeating: "b", count: 68)),
        ("Saldo 3,14 EUR", "Saldo 3,14 EUR"),
        ("", ""),
    ] as [(String, String)])
    func truncation(_ text: String, _ expected: String) {
        #expect(GSMAlphabet.truncatedToOneSMS(text) == expected)
    }

    @Test("every reply text of the command table fits GSM 7-bit")
    func repliesAreGSM() {
        for form in FormCase.all {
            guard let reply = form.expectedReply(on: .gsm706) else { continue }
            #expect(GSMAlphabet.septetCount(reply) != nil, "\(reply)")
        }
    }
}

@Suite("CommandParser: longest keyword first (§2.16)")
struct CommandParserTests {
    @Test(arguments: [
        ("RINGCONFIRMTYPE=SMS", .command(.setRingConfirmType(.sms), .ringConfirmType)),
        ("RINGCONFIRM=ON", .command(.setRingConfirm(true), .ringConfirm)),
        ("RING=SWITCH", .command(.setRing(.toggle), .ring)),
        ("SMSCONFIRMUNAUTH=ON", .command(.setSMSConfirmUnauthorised(true), .smsConfirmUnauth)),
        ("SMSCONFIRM=OFF", .command(.setSMSConfirm(false), .smsConfirm)),
        ("RESTARTTIME=5", .command(.setRestartTime(seconds: 5), .restartTime)),
        ("RESTARTM", .command(.restartMicro, .restartM)),
        ("RESTART", .command(.restart, .restart)),
        ("ONALL", .command(.allOn, .onAll)),
        ("ONM", .command(.microOn, .onM)),
        ("ON720", .command(.onFor(minutes: 720), .on)),
        ("ON", .command(.on, .on)),
        ("OFFALL", .command(.allOff, .offAll)),
        ("OFFM", .command(.microOff, .offM)),
        ("OFF1", .command(.offFor(minutes: 1), .off)),
        ("off", .command(.off, .off)),
        ("THERMOSTATON", .command(.thermostatOn, .thermostatOn)),
        ("THERMOSTATOFF", .command(.thermostatOff, .thermostatOff)),
        ("THERMOSTAT=cooling", .command(.setThermostatMode(.cooling), .thermostat)),
        ("THERMOSTAT?", .command(.queryThermostat, .thermostat)),
        ("ALERTNUMBER?", .command(.queryAlertNumbers, .alertNumber)),
        ("ALERT?", .command(.queryAlertMode, .alert)),
        ("ALERTNUMBER-ALL", .command(.clearAlertNumbers, .alertNumber)),
        ("ALERTNUMBER-123", .command(.removeAlertNumber("123"), .alertNumber)),
        ("DATESMS", .command(.dateFromSMS, .dateSMS)),
        ("DATE", .command(.queryDate, .date)),
        ("DATE=13/05/21,14:03:10-12",
         .command(.setDate(CivilTime(year: 2013, month: 5, day: 21, hour: 14, minute: 3, second: 10), zone: "-12"), .date)),
        ("SALDOUMS?", .command(.querySaldoCode, .saldoUMS)),
        ("SALDO", .command(.saldo, .saldo)),
        ("SIMCARD*102*1#", .command(.simCard(code: "*102*1#"), .simCard)),
        ("RENEWINTERVALPW=NO", .command(.setRenewPassword(nil), .renewIntervalPW)),
        ("RENEWINTERVALPW=AbCd12345", .command(.setRenewPassword("AbCd12345"), .renewIntervalPW)),
        ("RENEWINTERVAL?", .command(.queryRenew, .renewInterval)),
        ("RENEWINTERVAL123456abc", .command(.renew(password: "123456abc"), .renewInterval)),
        ("renewintervalAbCdEfGhI", .command(.renew(password: "AbCdEfGhI"), .renewInterval)),
        ("SECNUMBER-ALL", .command(.clearSecNumbers, .secNumber)),
        ("SECNUMBER-all", .command(.clearSecNumbers, .secNumber)),
        ("SECNUMBER-3589123456789", .command(.removeSecNumber("3589123456789"), .secNumber)),
        ("SCHEDULER-ALL", .command(.clearSchedule, .scheduler)),
        ("SCHEDULER-08:00", .command(.removeScheduleRules(hour: 8, minute: 0), .scheduler)),
        ("SCHEDULER+09:00,1,AON",
         .command(.addScheduleRule(ScheduleRule(hour: 9, minute: 0, weekday: 1, action: .armAlarm)), .scheduler)),
        ("ALARMON", .command(.alarmOn, .alarmOn)),
        ("ALARMOFF", .command(.alarmOff, .alarmOff)),
        ("ALARM?", .command(.queryAlarm, .alarm)),
        ("PASSWORD=AbC12", .command(.setPassword("AbC12"), .password)),
        ("TRISEALERT=-5", .command(.setRiseAlert(-5), .triseAlert)),
        ("TRISEALERT=+5", .command(.setRiseAlert(5), .triseAlert)),
        ("TFALLALERT=off", .command(.setFallAlert(nil), .tfallAlert)),
        ("POWERSTATE =ON", .command(.setPowerState(.on), .powerState)),
        ("ON721", .invalidValue(.on, .control)),
        ("TEMPOFF=51", .invalidValue(.tempOff, .configuration)),
        ("SCHEDULER+24:00,*,ON", .invalidValue(.scheduler, .control)),
        ("RESTARTIME=10", .unknown),
        ("ONMX", .unknown),
        ("", .unknown),
    ] as [(String, ParseResult)])
    func parse(_ body: String, _ expected: ParseResult) {
        #expect(CommandParser.parse(body) == expected)
    }
}
