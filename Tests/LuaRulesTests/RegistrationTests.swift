import LuaRules
import Testing

/// The trigger functions and the grammars of their arguments (rules-api.md "Triggers").
@Suite("Registrations")
struct RegistrationTests {
    static let valid: [(String, Trigger)] = [
        ("on('temperature', f)", .event(.temperature)),
        ("on('start', f)", .event(.start)),
        ("every(30, f)", .every(.seconds(30))),
        ("every(1.5, f)", .every(.milliseconds(1500))),
        ("every('45s', f)", .every(.seconds(45))),
        ("every('10m', f)", .every(.seconds(600))),
        ("every('2h', f)", .every(.seconds(7200))),
        ("every('1h30m', f)", .every(.seconds(5400))),
        ("every('1H30M15S', f)", .every(.seconds(5415))),
        ("every('90m', f)", .every(.seconds(5400))),
        ("at('06:45', f)", .at(.clock(ClockTime(hour: 6, minute: 45)!), days: .all)),
        ("at('6:45', '12345', f)", .at(.clock(ClockTime(hour: 6, minute: 45)!), days: Weekdays(rawValue: 0b0011111))),
        ("at('23:59', '*', f)", .at(.clock(ClockTime(hour: 23, minute: 59)!), days: .all)),
        ("at('00:00', '67', f)", .at(.clock(ClockTime(hour: 0, minute: 0)!), days: Weekdays(rawValue: 0b1100000))),
        ("at('sunset', f)", .at(.sunset(offset: .zero), days: .all)),
        ("at('sunset-30m', f)", .at(.sunset(offset: .seconds(-1800)), days: .all)),
        ("at('sunrise+1h', '7', f)", .at(.sunrise(offset: .seconds(3600)), days: Weekdays(isoWeekday: 7))),
        ("at('Sunrise-1h30m', f)", .at(.sunrise(offset: .seconds(-5400)), days: .all)),
        ("action('coffee', f)", .action("COFFEE")),
        ("action('Tea2', f)", .action("TEA2")),
        ("action('ABCDEFGHIJ', f)", .action("ABCDEFGHIJ")),
        ("command('limit', f)", .command("LIMIT", kind: .control)),
        ("command('Boiler', f, 'config')", .command("BOILER", kind: .config)),
        ("command('WHO', f, 'info')", .command("WHO", kind: .info)),
        ("command('ONX', f)", .command("ONX", kind: .control)),
        ("alarm_response(f)", .alarmResponse),
    ]

    @Test(arguments: valid)
    func aValidRegistration(_ call: String, _ trigger: Trigger) throws {
        let bench = Bench()
        let registrations = try bench.load("local function f() end\n" + call)
        #expect(registrations.map(\.trigger) == [trigger])
        #expect(registrations.first?.location == "rule.lua:2")
    }

    static let invalid: [(String, String)] = [
        ("on('sunrise', f)", "unknown EVENT \"sunrise\""),
        ("on('sms')", "function expected, got no value"),
        ("on(1, f)", "EVENT expected, got number"),
        ("on('sms', 'f')", "function expected, got string"),
        ("every(0, f)", "at least 1 second"),
        ("every(0.5, f)", "at least 1 second"),
        ("every(-1, f)", "DURATION must be from 0"),
        ("every(1/0, f)", "DURATION must be from 0"),
        ("every(0/0, f)", "DURATION must be from 0"),
        ("every(400 * 86400, f)", "DURATION must be from 0"),
        ("every('5x', f)", "DURATION \"5x\" is not like"),
        ("every('30m1h', f)", "DURATION \"30m1h\""),
        ("every('', f)", "DURATION \"\""),
        ("every('h', f)", "DURATION \"h\""),
        ("every('10', f)", "DURATION \"10\""),
        ("every('1h 30m', f)", "DURATION \"1h 30m\""),
        ("every(true, f)", "got boolean"),
        ("every('10m')", "function expected"),
        ("at('24:00', f)", "TIME \"24:00\""),
        ("at('6:5', f)", "TIME \"6:5\""),
        ("at('06:60', f)", "TIME \"06:60\""),
        ("at('noon', f)", "TIME \"noon\""),
        ("at('sunset-25h', f)", "TIME \"sunset-25h\""),
        ("at('sunset30m', f)", "TIME \"sunset30m\""),
        ("at('sunrise+', f)", "TIME \"sunrise+\""),
        ("at('06:45', '8', f)", "DAYS \"8\""),
        ("at('06:45', '0', f)", "DAYS \"0\""),
        ("at('06:45', '', f)", "DAYS \"\""),
        ("at('06:45', '1,2', f)", "DAYS \"1,2\""),
        ("at('06:45', 12345, f)", "DAYS expected, got number"),
        ("at(645, f)", "TIME expected, got number"),
        ("action('ON', f)", "NAME \"ON\""),
        ("action('aof', f)", "NAME \"aof\""),
        ("action('inf', f)", "NAME \"inf\""),
        ("action('ABCDEFGHIJK', f)", "NAME \"ABCDEFGHIJK\""),
        ("action('coffee!', f)", "NAME \"coffee!\""),
        ("action('', f)", "NAME \"\""),
        ("command('STATUS', f)", "KEYWORD STATUS is a built-in command"),
        ("command('stat', f)", "KEYWORD STAT is a built-in command"),
        ("command('on', f)", "KEYWORD ON is a built-in command"),
        ("command('RenewIntervalX', f)", "KEYWORD RENEWINTERVALX is a built-in command"),
        ("command('lim1', f)", "KEYWORD \"lim1\" must be letters only"),
        ("command('', f)", "KEYWORD \"\" must be letters only"),
        ("command('limit', f, 'admin')", "KIND must be"),
        ("command('limit', f, 1)", "KIND expected, got number"),
        ("alarm_response()", "function expected, got no value"),
    ]

    @Test(arguments: invalid)
    func anInvalidRegistrationFailsTheLoad(_ call: String, _ problem: String) throws {
        let bench = Bench()
        let failure = try #require(throws: RuleFailure.self) {
            try bench.load("local function f() end\n" + call)
        }
        #expect(failure.code == .registration)
        #expect(failure.location == "rule.lua:2")
        #expect(failure.message.contains(problem), "\(failure.message)")
        #expect(failure.message.hasPrefix("bad argument #"))
        #expect(bench.host.ruleNames.isEmpty)
    }

    @Test(arguments: ["at('sunrise', f)", "at('sunset-30m', '12345', f)"])
    func sunTimesNeedALocation(_ call: String) throws {
        let bench = Bench(RuleHostConfiguration(hasLocation: false))
        let failure = try #require(throws: RuleFailure.self) { try bench.load("local function f() end\n" + call) }
        #expect(failure.code == .registration)
        #expect(failure.message.contains("needs [location] in the config"))
    }

    @Test func theKeywordCheckIsTheIntegrationsToChoose() throws {
        let bench = Bench(RuleHostConfiguration(isReservedKeyword: { $0 == "LIMIT" }))
        #expect(throws: RuleFailure.self) { try bench.load("command('limit', function() end)") }
        #expect(try bench.load("command('status', function() end)").map(\.trigger) == [.command("STATUS", kind: .control)])
    }

    @Test(arguments: [
        ("action('coffee', f) action('COFFEE', f)", "action COFFEE is already registered by rule first"),
        ("command('limit', f) command('Limit', f)", "command LIMIT is already registered by rule first"),
        ("alarm_response(f) alarm_response(f)", "alarm_response is already registered by rule first"),
    ])
    func aUniqueTriggerTwiceInOneRuleFails(_ calls: String, _ message: String) throws {
        let bench = Bench()
        let failure = try #require(throws: RuleFailure.self) {
            try bench.load("local function f() end\n" + calls, as: "first")
        }
        #expect(failure.code == .registration)
        #expect(failure.message.hasSuffix(message))
    }

    @Test(arguments: [
        ("action('coffee', f)", "action COFFEE is already registered by rule first"),
        ("command('limit', f)", "command LIMIT is already registered by rule first"),
        ("alarm_response(f)", "alarm_response is already registered by rule first"),
    ])
    func aUniqueTriggerOfAnotherRuleFailsTheSecond(_ call: String, _ message: String) throws {
        let bench = Bench()
        try bench.load("local function f() end\n" + call, as: "first")
        let failure = try #require(throws: RuleFailure.self) { try bench.load("local function f() end\n" + call, as: "second") }
        #expect(failure.description == "second.lua:2: \(message)")
        #expect(bench.host.ruleNames == ["first"])
        // Once the first rule is gone, the second may have it.
        bench.host.unload(rule: "first")
        #expect(try bench.load("local function f() end\n" + call, as: "second").count == 1)
    }

    @Test func severalHandlersKeepTheirOrderAndSlots() throws {
        let bench = Bench()
        let registrations = try bench.load("""
            on("sms", function() return 1 end)
            on("sms", function() return 2 end)
            every("1m", function() return 3 end)
            """)
        #expect(registrations.map(\.trigger) == [.event(.sms), .event(.sms), .every(.seconds(60))])
        let results = registrations.map { bench.host.start($0.handler)?.outcome.finished }
        #expect(results == [1, 2, 3])
    }

    @Test func registeringFromAHandlerFails() throws {
        let bench = Bench()
        let step = try bench.run("on('start', function()\nevery(5, function() end)\nend)")
        let failure = try #require(step.outcome.failure)
        #expect(failure.code == .runtime)
        #expect(failure.description == "rule.lua:2: every can only be called while the rule loads, not in a handler")
    }

    @Test func aRegistrationErrorCaughtByTheFileIsNotAFailure() throws {
        let bench = Bench()
        let registrations = try bench.load("""
            local ok, message = pcall(every, "soon", function() end)
            log(message)
            on("start", function() end)
            """)
        #expect(registrations.map(\.trigger) == [.event(.start)])
        #expect(bench.environment.logLines == [
            #"bad argument #1 to 'every' (DURATION "soon" is not like "45s", "10m", "2h" or "1h30m")"#
        ])
    }
}
