import LuaRules
import Testing

/// How failures read, how they count, and when a rule is disabled (rules-api.md "Limits and failures").
@Suite("Failures")
struct FailureTests {
    @Test func aSyntaxErrorIsReportedWithFileAndLine() throws {
        let bench = Bench()
        let failure = try #require(throws: RuleFailure.self) {
            try bench.host.load(rule: "frost", file: "rules/frost.lua", source: "on('start', function()\nlocal = 1\nend)")
        }
        #expect(failure.code == .syntax)
        #expect(failure.rule == "frost")
        #expect(failure.location == "rules/frost.lua:2")
        #expect(failure.description == "rules/frost.lua:2: <name> expected near '='")
    }

    @Test func aRuntimeErrorAtLoadIsReportedAndTheRuleIsNotLoaded() throws {
        let bench = Bench()
        try bench.load("on('start', function() end)", as: "good")
        let failure = try #require(throws: RuleFailure.self) { try bench.load("local x = nil\nlocal y = x.field", as: "bad") }
        #expect(failure.code == .runtime)
        #expect(failure.description == "bad.lua:2: attempt to index a nil value (local 'x')")
        #expect(failure.traceback?.hasPrefix("stack traceback:") == true)
        #expect(bench.host.ruleNames == ["good"])
    }

    @Test func aFailedReloadLeavesTheRuleUnloaded() throws {
        let bench = Bench()
        try bench.load("on('start', function() end)")
        #expect(throws: RuleFailure.self) { try bench.load("error('no')") }
        #expect(bench.host.ruleNames.isEmpty)
    }

    @Test(arguments: [
        ("error('boom')", "rule.lua:3: boom"),
        ("error('boom', 0)", "rule.lua:3: boom"),
        ("helper()", "rule.lua:1: inner"),
        ("error('caller', 2)", "rule.lua:3: caller"),
        ("local n = nil + 1", "rule.lua:3: attempt to perform arithmetic on a nil value"),
        ("assert(false, 'asserted')", "rule.lua:3: asserted"),
    ])
    func aFailureTellsWhere(_ code: String, _ description: String) throws {
        let bench = Bench()
        let step = try bench.run("local function helper() error('inner') end\non('start', function()\n\(code)\nend)")
        let failure = try #require(step.outcome.failure)
        #expect(failure.description == description)
        #expect(failure.traceback?.contains("rule.lua:") == true)
    }

    @Test func aLongFileNameIsShortenedAsLuaDoesAndStillSplit() throws {
        let bench = Bench()
        let file = "/var/lib/smsocket/rules/" + String(repeating: "very-long-name-", count: 5) + "rule.lua"
        let failure = try #require(throws: RuleFailure.self) { try bench.host.load(rule: "long", file: file, source: "\nerror('x')") }
        #expect(failure.location?.hasPrefix("...") == true)
        #expect(failure.location?.hasSuffix("rule.lua:2") == true)
        #expect(failure.message == "x")
    }

    @Test func fiveFailuresInARowDisableTheRuleUntilReload() throws {
        let bench = Bench()
        let source = "on('start', function() error('again') end)"
        let handler = try bench.load(source)[0].handler
        for attempt in 1...4 {
            let step = try #require(bench.host.start(handler))
            #expect(step.outcome.failure?.message == "again")
            #expect(step.reports.isEmpty, "attempt \(attempt)")
        }
        let fifth = try #require(bench.host.start(handler))
        #expect(fifth.outcome.failure != nil)
        let notice = try #require(fifth.reports.last)
        #expect(notice.code == .disabled)
        #expect(notice.description == "disabled after 5 failures in a row, until the rules are reloaded")
        #expect(bench.host.isDisabled("rule"))
        #expect(bench.host.start(handler) == nil)
        let reloaded = try bench.load(source)[0].handler
        #expect(!bench.host.isDisabled("rule"))
        #expect(bench.host.start(reloaded)?.outcome.failure != nil)
    }

    @Test func aSuccessResetsTheCount() throws {
        let bench = Bench()
        let handler = try bench.load("on('sms', function(ev) if ev.fail then error('x') end end)")[0].handler
        for fail in Array(repeating: true, count: 4) + [false] + Array(repeating: true, count: 4) {
            _ = bench.host.start(handler, with: ["fail": .boolean(fail)])
        }
        #expect(!bench.host.isDisabled("rule"))
        _ = bench.host.start(handler, with: ["fail": true])
        #expect(bench.host.isDisabled("rule"))
    }

    @Test func aDisabledRulesWaitingRunsMayFinish() throws {
        let bench = Bench()
        let handlers = try bench.load("""
            on("alarm", function() sleep(1) return "finished" end)
            on("sms", function() error("x") end)
            """)
        let waiting = try #require(bench.host.start(handlers[0].handler))
        for _ in 1...5 { _ = bench.host.start(handlers[1].handler) }
        #expect(bench.host.isDisabled("rule"))
        #expect(bench.host.resume(waiting.run, with: .slept)?.outcome.finished == "finished")
    }

    @Test func theOtherRulesGoOnWhileOneIsDisabled() throws {
        let bench = Bench()
        let broken = try bench.load("on('start', function() error('x') end)", as: "broken")[0].handler
        let healthy = try bench.load("on('start', function() return 'ok' end)", as: "healthy")[0].handler
        for _ in 1...5 { _ = bench.host.start(broken) }
        #expect(bench.host.isDisabled("broken"))
        #expect(!bench.host.isDisabled("healthy"))
        #expect(bench.host.start(healthy)?.outcome.finished == "ok")
    }

    @Test func memoryIsCountedPerRule() throws {
        let bench = Bench()
        try bench.load("on('start', function() end)", as: "small")
        try bench.load("big = {} for i = 1, 20000 do big[i] = i end", as: "big")
        let small = try #require(bench.host.memoryInUse(by: "small"))
        let big = try #require(bench.host.memoryInUse(by: "big"))
        #expect(small > 0 && small < 64 * 1024)
        #expect(big > small + 200 * 1024)
        #expect(bench.host.memoryInUse(by: "nobody") == nil)
    }

    @Test func aSmallMemoryLimitFailsTheLoad() throws {
        let bench = Bench(RuleHostConfiguration(memoryLimitKiB: 64))
        let failure = try #require(throws: RuleFailure.self) { try bench.load("big = {} for i = 1, 20000 do big[i] = i end") }
        #expect(failure.code == .memoryLimit)
        #expect(failure.description.hasPrefix("rule.lua:1: stopped: the rule uses more than its memory limit of 64 KiB"))
    }
}
