import LuaRules
import Testing

/// One test per way a rule might try to escape its sandbox or take the host down (issue 9 "Bad input").
@Suite("The sandbox")
struct SandboxTests {
    @Test(arguments: [
        "io.open('/etc/passwd')", "os.execute('true')", "os.exit(1)", "os.getenv('HOME')", "os.remove('x')",
        "os.rename('a', 'b')", "os.tmpname()", "require('os')", "load('return 1')()", "loadstring('return 1')",
        "dofile('/etc/passwd')", "loadfile('/etc/passwd')", "debug.getinfo(1)", "debug.sethook()",
        "collectgarbage()", "string.dump(print)", "local p = package.loaded", "warn('@on')",
    ])
    func aForbiddenLibraryIsNotThere(_ attempt: String) throws {
        let bench = Bench()
        let failure = try #require(throws: RuleFailure.self) { try bench.load("local x = 1\n" + attempt) }
        #expect(failure.code == .runtime)
        #expect(failure.location == "rule.lua:2")
        #expect(failure.message.contains("nil value"))
        #expect(bench.host.ruleNames.isEmpty)
    }

    @Test func everyListedFunctionIsThere() throws {
        let bench = Bench()
        try bench.load("""
            local names = {"assert", "error", "ipairs", "next", "pairs", "pcall", "xpcall", "select", "tonumber",
              "tostring", "type", "print", "rawequal", "rawget", "rawset", "rawlen", "setmetatable", "getmetatable"}
            for _, name in ipairs(names) do assert(type(_G[name]) == "function", name) end
            for _, lib in ipairs({"string", "table", "math", "utf8", "coroutine"}) do assert(type(_G[lib]) == "table", lib) end
            local os_names = {}
            for name in pairs(os) do os_names[#os_names + 1] = name end
            table.sort(os_names)
            log(table.concat(os_names, ","))
            """)
        #expect(bench.environment.logLines == ["clock,date,difftime,time"])
    }

    @Test func bytecodeIsRefused() throws {
        let bench = Bench()
        let failure = try #require(throws: RuleFailure.self) { try bench.load("\u{1B}Lua\u{54}\u{00}rest") }
        #expect(failure.code == .syntax)
        #expect(failure.message.contains("binary chunk"))
    }

    @Test func changingTheStringMetatableStaysInsideTheRule() throws {
        let bench = Bench()
        try bench.load("""
            getmetatable("").__index = function() return function() return "hijacked" end end
            string.upper = nil
            log(("abc"):upper())
            """, as: "vandal")
        let step = try bench.run(#"on("start", function() return ("abc"):upper() .. string.upper("d") end)"#, as: "victim")
        #expect(bench.environment.logLines == ["hijacked"])
        #expect(step.outcome.finished == "ABCD")
    }

    @Test func globalsAreEachRulesOwn() throws {
        let bench = Bench()
        try bench.load("shared = 'mine'; print = nil", as: "first")
        let step = try bench.run(#"on("start", function() print(tostring(shared)) end)"#, as: "second")
        #expect(step.outcome.finished == .nil)
        #expect(bench.environment.logLines == ["nil"])
    }

    @Test(arguments: [
        "local t = {} for i = 1, 1e9 do t[i] = i end",
        "local s = 'x' while true do s = s .. s end",
        "string.rep('x', 1 << 30)",
    ])
    func aMemoryBombIsStopped(_ bomb: String) throws {
        let bench = Bench()
        let step = try bench.run("on('start', function()\n\(bomb)\nend)")
        let failure = try #require(step.outcome.failure)
        #expect(failure.code == .memoryLimit)
        #expect(failure.description.hasPrefix("rule.lua:2: stopped: the rule uses more than its memory limit of 1024 KiB"))
        // The memory is back and the rule still works.
        #expect(try #require(bench.host.memoryInUse(by: "rule")) < 256 * 1024)
        let again = try #require(bench.host.start(try bench.load("on('start', function() return 1 end)")[0].handler))
        #expect(again.outcome.finished == 1)
    }

    @Test(arguments: [
        "while true do end",
        "while true do pcall(function() while true do end end) end",
        "local co = coroutine.wrap(function() while true do end end) co()",
        "local function f() return f() end return f()",
    ])
    func anEndlessComputationIsStopped(_ loop: String) throws {
        let bench = Bench(RuleHostConfiguration(computeLimit: .milliseconds(20)))
        let step = try bench.run("on('start', function()\n\(loop)\nend)")
        let failure = try #require(step.outcome.failure)
        #expect(failure.code == .timeLimit)
        #expect(failure.location == "rule.lua:2")
        #expect(failure.message == "stopped: the run computed for more than 20 ms without waiting")
        #expect(failure.traceback?.contains("stack traceback:") == true)
    }

    @Test func anEndlessLoopAtLoadIsStopped() throws {
        let bench = Bench(RuleHostConfiguration(computeLimit: .milliseconds(20)))
        let failure = try #require(throws: RuleFailure.self) { try bench.load("local n = 0\nwhile true do n = n + 1 end") }
        #expect(failure.code == .timeLimit)
        #expect(failure.location == "rule.lua:2")
    }

    @Test(arguments: [
        ("local function f(n) return 1 + f(n + 1) end return f(1)", "stack overflow"),
        ("local t = setmetatable({}, {__index = function(t, k) return t[k] end}) return t.x", "stack overflow"),
        ("local function f(s) return s:gsub('.', f) end return f('ab')", "stack overflow"),
    ])
    func deepRecursionIsContained(_ recursion: String, _ expected: String) throws {
        let bench = Bench()
        let step = try bench.run("on('start', function()\n\(recursion)\nend)")
        let failure = try #require(step.outcome.failure)
        #expect(failure.code == .runtime || failure.code == .memoryLimit)
        #expect(failure.location == "rule.lua:2")
        #expect(failure.code == .memoryLimit || failure.message.contains(expected))
    }

    @Test func yieldingAtTheTopOfAHandlerFails() throws {
        let bench = Bench()
        let step = try bench.run("on('start', function()\nlocal x = 1\ncoroutine.yield(x)\nend)")
        let failure = try #require(step.outcome.failure)
        #expect(failure.code == .badYield)
        #expect(failure.location == "rule.lua:3")
        #expect(bench.host.waitingRuns(of: "rule").isEmpty)
    }

    @Test func yieldingAtTheTopOfTheFileFails() throws {
        let bench = Bench()
        let failure = try #require(throws: RuleFailure.self) { try bench.load("coroutine.yield()") }
        #expect(failure.code == .badYield)
    }

    @Test func resumingADeadCoroutineIsAnOrdinaryError() throws {
        let bench = Bench()
        let step = try bench.run("""
            on("start", function()
              local co = coroutine.create(function() return 1 end)
              assert(coroutine.resume(co))
              local ok, message = coroutine.resume(co)
              local wrapped = coroutine.wrap(function() end)
              wrapped()
              local ok2, message2 = pcall(wrapped)
              return tostring(ok) .. " " .. message .. " / " .. tostring(ok2) .. " " .. message2
            end)
            """)
        // As in standard Lua, the wrapped function's error has no position: its caller is pcall, a C function.
        #expect(step.outcome.finished == "false cannot resume dead coroutine / false cannot resume dead coroutine")
    }

    @Test func oneRunCannotResumeOrCloseAnotherWaitingRun() throws {
        let bench = Bench()
        let handlers = try bench.load("""
            on("alarm", function() waiting = coroutine.running() sleep(60) return "slept" end)
            on("sms", function()
              local ok, message = coroutine.resume(waiting)
              local closed, why = pcall(coroutine.close, waiting)
              return message .. " / " .. why .. " / " .. coroutine.status(waiting)
            end)
            """)
        let sleeper = try #require(bench.host.start(handlers[0].handler))
        let intruder = try #require(bench.host.start(handlers[1].handler))
        #expect(intruder.outcome.finished == "cannot resume the coroutine of another run / cannot close the coroutine of another run / suspended")
        #expect(bench.host.resume(sleeper.run, with: .slept)?.outcome.finished == "slept")
    }

    @Test func yieldingAcrossACBoundaryFails() throws {
        let bench = Bench()
        let step = try bench.run("on('start', function()\ntable.sort({3, 2, 1}, function(a, b) sleep(1) return a < b end)\nend)")
        let failure = try #require(step.outcome.failure)
        #expect(failure.code == .runtime)
        #expect(failure.message.contains("attempt to yield across a C-call boundary"))
    }

    @Test(arguments: [
        ("error({})", "error object is a table value"),
        ("error({code = 7})", "error object is a table value"),
        ("error(setmetatable({}, {__tostring = function() return 'custom' end}))", "custom"),
        ("error(setmetatable({}, {__tostring = function() return {} end}))", "error object is a table value"),
        ("error(nil)", "error object is a nil value"),
        ("error(42)", "42"),
        ("error(print)", "error object is a function value"),
    ])
    func anErrorObjectThatIsNotTextIsReported(_ raise: String, _ message: String) throws {
        let bench = Bench()
        let step = try bench.run("on('start', function()\n\(raise)\nend)")
        let failure = try #require(step.outcome.failure)
        #expect(failure.code == .runtime)
        #expect(failure.description == "rule.lua:2: \(message)")
    }

    @Test(arguments: [
        "setmetatable({}, {__gc = function() error('finalizer broke') end})",
        "setmetatable({}, {__gc = function() while true do end end})",
        "setmetatable({}, {__gc = true})",
    ])
    func aFinalizerIsRefused(_ attempt: String) throws {
        let bench = Bench()
        let step = try bench.run("on('start', function()\n\(attempt)\nend)")
        let failure = try #require(step.outcome.failure)
        #expect(failure.code == .runtime)
        #expect(failure.description == "rule.lua:2: __gc metamethods are not available to rules (a finalizer cannot be stopped)")
    }

    @Test func aFinalizerAddedLaterNeverRuns() throws {
        let bench = Bench()
        let step = try bench.run("""
            local mt = {}
            kept = setmetatable({}, mt)
            mt.__gc = function() log("finalizer ran") end
            on("start", function()
              kept = nil
              for i = 1, 200000 do local garbage = {i} end
            end)
            """)
        #expect(step.outcome.finished == .nil)
        bench.host.unload(rule: "rule")
        #expect(bench.environment.logLines.isEmpty)
    }

    @Test func aMemoryErrorCaughtByTheRuleStillStopsTheRun() throws {
        let bench = Bench()
        let step = try bench.run("""
            on("start", function()
              local ok = pcall(function() local s = "x" while true do s = s .. s end end)
              return "caught"
            end)
            """)
        #expect(step.outcome.failure?.code == .memoryLimit)
    }

    @Test func aRunawayRuleLeavesTheOthersAlone() throws {
        let bench = Bench(RuleHostConfiguration(computeLimit: .milliseconds(20)))
        let loop = try bench.run("on('start', function() while true do end end)", as: "loop")
        #expect(loop.outcome.failure?.code == .timeLimit)
        let other = try bench.run("on('start', function() return 'fine' end)", as: "other")
        #expect(other.outcome.finished == "fine")
    }
}
