import LuaRules
import SocketCore
import Testing

/// Handlers as coroutines: waiting actions, resumption, cancellation (rules-api.md "Actions").
@Suite("Runs")
struct RunTests {
    @Test func sleepWaitsAndResumes() throws {
        let bench = Bench()
        let step = try bench.run("""
            on("alarm", function()
              log("before")
              sleep("10m")
              log("after")
              return "done"
            end)
            """)
        #expect(step.outcome.waiting == .sleep(.seconds(600)))
        #expect(bench.environment.logLines == ["before"])
        #expect(bench.host.waitingRuns(of: "rule") == [step.run])
        let next = try #require(bench.host.resume(step.run, with: .slept))
        #expect(next.run == step.run)
        #expect(next.outcome.finished == "done")
        #expect(bench.environment.logLines == ["before", "after"])
        #expect(bench.host.waitingRuns(of: "rule").isEmpty)
        #expect(bench.host.resume(step.run, with: .slept) == nil)
    }

    @Test(arguments: [
        (WaitResult.call(.answered), "answered"), (.call(.rejected), "rejected"), (.call(.noAnswer), "noanswer"),
        (.call(.failed), "failed"),
    ])
    func callWaitsForItsOutcome(_ result: WaitResult, _ text: String) throws {
        let bench = Bench()
        let step = try bench.run("on('alarm', function() return call('+79161234567', 30) end)")
        #expect(step.outcome.waiting == .call(number: "+79161234567", ring: .seconds(30)))
        let next = try #require(bench.host.resume(step.run, with: result))
        #expect(next.outcome.finished == .string(text))
    }

    @Test func callRingsTwentySecondsByDefault() throws {
        let bench = Bench()
        let step = try bench.run("on('alarm', function() call(79161234567) end)")
        #expect(step.outcome.waiting == .call(number: "79161234567", ring: .seconds(20)))
    }

    @Test(arguments: [WaitResult.ussd("Balance: 12.50"), .ussd(nil)])
    func ussdReturnsTheAnswerOrNil(_ answer: WaitResult) throws {
        let bench = Bench()
        let step = try bench.run("on('start', function() local a = ussd('*100#') return a == nil and 'none' or a end)")
        #expect(step.outcome.waiting == .ussd(code: "*100#"))
        let next = try #require(bench.host.resume(step.run, with: answer))
        #expect(next.outcome.finished == (answer == .ussd(nil) ? "none" : "Balance: 12.50"))
    }

    @Test func anEscalationWaitsSeveralTimes() throws {
        let bench = Bench()
        var step = try bench.run("""
            alarm_response(function()
              for _, number in ipairs(state().alert_numbers) do
                if call(number) == "answered" then return "reached " .. number end
                sleep(60)
              end
              sms("alert", "nobody answered")
            end)
            """)
        var requests: [WaitRequest] = []
        while let request = step.outcome.waiting {
            requests.append(request)
            let result: WaitResult =
                switch request {
                case .call: .call(.noAnswer)
                case .action: .action(.success(nil))
                default: .slept
                }
            step = try #require(bench.host.resume(step.run, with: result))
        }
        #expect(requests == [
            .call(number: "79161234567", ring: .seconds(20)), .sleep(.seconds(60)),
            .call(number: "79169876543", ring: .seconds(20)), .sleep(.seconds(60)),
            .action(.sms(to: .alertNumbers, text: "nobody answered")),
        ])
        #expect(step.outcome.finished == .nil)
    }

    @Test func aRulesOwnCoroutinesWorkAndMayWait() throws {
        let bench = Bench()
        let step = try bench.run("""
            on("start", function()
              local numbers = coroutine.wrap(function() for i = 1, 3 do coroutine.yield(i) end end)
              local sum = numbers() + numbers() + numbers()
              local worker = coroutine.create(function(greeting)
                local outcome = call("112")
                local again = coroutine.yield(greeting .. " " .. outcome)
                sleep(5)
                return again
              end)
              local _, first = coroutine.resume(worker, "call")
              local ok, second = pcall(function() return select(2, coroutine.resume(worker, "back")) end)
              return sum .. " " .. first .. " " .. second .. " " .. coroutine.status(worker)
            end)
            """)
        #expect(step.outcome.waiting == .call(number: "112", ring: .seconds(20)))
        let slept = try #require(bench.host.resume(step.run, with: .call(.answered)))
        #expect(slept.outcome.waiting == .sleep(.seconds(5)))
        let done = try #require(bench.host.resume(slept.run, with: .slept))
        #expect(done.outcome.finished == "6 call answered back dead")
    }

    @Test func severalRunsOfOneRuleAreIndependent() throws {
        let bench = Bench()
        let handler = try bench.load("on('sms', function(ev) sleep(ev.n) return ev.n * 2 end)")[0].handler
        let first = try #require(bench.host.start(handler, with: ["n": 10]))
        let second = try #require(bench.host.start(handler, with: ["n": 20]))
        #expect(first.run != second.run)
        #expect(bench.host.waitingRuns(of: "rule") == [first.run, second.run])
        #expect(bench.host.resume(second.run, with: .slept)?.outcome.finished == 40)
        #expect(bench.host.resume(first.run, with: .slept)?.outcome.finished == 20)
    }

    @Test func aCancelledRunNeverContinues() throws {
        let bench = Bench()
        let step = try bench.run("on('alarm', function() sleep(1) log('resumed') end)")
        #expect(bench.host.cancel(step.run))
        #expect(!bench.host.cancel(step.run))
        #expect(bench.host.resume(step.run, with: .slept) == nil)
        #expect(bench.environment.logLines.isEmpty)
        #expect(!bench.host.isDisabled("rule"))
    }

    @Test func reloadingCancelsWaitingRunsAndStaleHandlers() throws {
        let bench = Bench()
        let source = "on('alarm', function() sleep(1) log('resumed') end)"
        let handler = try bench.load(source)[0].handler
        let step = try #require(bench.host.start(handler))
        let reloaded = try bench.load(source)[0].handler
        #expect(reloaded != handler)
        #expect(bench.host.resume(step.run, with: .slept) == nil)
        #expect(bench.host.start(handler) == nil)
        #expect(bench.host.start(reloaded)?.outcome.waiting == .sleep(.seconds(1)))
        bench.host.unload(rule: "rule")
        #expect(bench.host.start(reloaded) == nil)
        #expect(bench.environment.logLines.isEmpty)
    }

    @Test func waitingWhileTheFileLoadsFails() throws {
        let bench = Bench()
        let failure = try #require(throws: RuleFailure.self) { try bench.load("sleep(1)") }
        #expect(failure.description == "rule.lua:1: sleep can only be called from a handler, not while the rule loads")
    }

    @Test(arguments: [
        ("main.on()", RuleAction.main(on: true, revertAfter: nil)),
        ("main.on(90)", .main(on: true, revertAfter: 90)),
        ("main.off(5)", .main(on: false, revertAfter: 5)),
        ("main.restart()", .restartMain),
        ("micro.on()", .micro(on: true, revertAfter: nil)),
        ("micro.on(30)", .micro(on: true, revertAfter: 30)),
        ("micro.off()", .micro(on: false, revertAfter: nil)),
        ("sms('alert', 'hi')", .sms(to: .alertNumbers, text: "hi")),
        ("sms('+79161234567', 'hi')", .sms(to: .numbers(["+79161234567"]), text: "hi")),
        ("sms(79161234567, 'hi')", .sms(to: .numbers(["79161234567"]), text: "hi")),
        ("sms({'123', 456}, 'hi')", .sms(to: .numbers(["123", "456"]), text: "hi")),
        ("hangup()", .hangup),
        ("run('STATUS')", .run("STATUS")),
    ])
    func anActionWaitsForTheController(_ call: String, _ action: RuleAction) throws {
        let bench = Bench()
        let step = try bench.run("on('start', function() return \(call) end)")
        #expect(step.outcome.waiting == .action(action))
        let reply: String? = call.hasPrefix("run") ? "OK" : nil
        let done = try #require(bench.host.resume(step.run, with: .action(.success(reply))))
        #expect(done.outcome.finished == reply.map(LuaValue.string) ?? .nil)
    }

    @Test func runReturnsNilForNoReply() throws {
        let bench = Bench()
        let step = try bench.run("on('start', function() return run('ON') == nil end)")
        #expect(bench.host.resume(step.run, with: .action(.success(nil)))?.outcome.finished == true)
    }

    @Test(arguments: [
        ("main.on(-1)", "bad argument #1 to 'main.on' (seconds must be a whole number from 1 to 604800)"),
        ("main.on(1.5)", "bad argument #1 to 'main.on' (seconds must be a whole number from 1 to 604800)"),
        ("main.off(0)", "bad argument #1 to 'main.off' (seconds must be a whole number from 1 to 604800)"),
        ("main.on('5')", "bad argument #1 to 'main.on' (seconds expected, got string)"),
        ("main.restart(1)", "bad argument #1 to 'main.restart' (no value expected)"),
        ("micro.off(5)", "bad argument #1 to 'micro.off' (no value expected)"),
        ("sms('abc', 'x')", "bad argument #1 to 'sms' (TO \"abc\" is not a phone number (an optional + and 1-15 digits))"),
        ("sms('1234567890123456', 'x')", "bad argument #1 to 'sms' (TO \"1234567890123456\" is not a phone number"),
        ("sms({}, 'x')", "bad argument #1 to 'sms' (TO must list 1 to 10 numbers)"),
        ("sms({'1', true}, 'x')", "bad argument #1 to 'sms' (TO[2] is not a phone number"),
        ("sms('123', '')", "bad argument #2 to 'sms' (TEXT must have 1 to 1600 bytes)"),
        ("sms('123', string.rep('x', 1601))", "bad argument #2 to 'sms' (TEXT must have 1 to 1600 bytes)"),
        ("sms('123')", "bad argument #2 to 'sms' (TEXT expected, got no value)"),
        ("sms(-5, 'x')", "bad argument #1 to 'sms' (TO (a phone number) expected, got number)"),
        ("call('x')", "bad argument #1 to 'call' (NUMBER \"x\" is not a phone number"),
        ("call('123', 500)", "bad argument #2 to 'call' (seconds must be a whole number from 1 to 120)"),
        ("ussd('100')", "bad argument #1 to 'ussd' (CODE \"100\" is not a USSD code such as \"*100#\")"),
        ("ussd(100)", "bad argument #1 to 'ussd' (CODE expected, got number)"),
        ("run('')", "bad argument #1 to 'run' (TEXT must have 1 to 1600 bytes)"),
        ("run()", "bad argument #1 to 'run' (TEXT expected, got no value)"),
        ("sleep(-1)", "bad argument #1 to 'sleep' (DURATION must be from 0 to 31622400 seconds)"),
        ("sleep('soon')", "bad argument #1 to 'sleep' (DURATION \"soon\" is not like"),
        ("sleep()", "bad argument #1 to 'sleep' (DURATION (seconds or a string like \"10m\") expected, got no value)"),
        ("sun('2026-02-30')", "bad argument #1 to 'sun' (DAY \"2026-02-30\" is not a date \"YYYY-MM-DD\")"),
        ("sun('26-01-01')", "bad argument #1 to 'sun' (DAY \"26-01-01\" is not a date"),
        ("sun(20260101)", "bad argument #1 to 'sun' (DAY (\"YYYY-MM-DD\") expected, got number)"),
    ])
    func aBadActionArgumentFailsTheRun(_ call: String, _ message: String) throws {
        let bench = Bench()
        let step = try bench.run("on('start', function()\n\(call)\nend)")
        let failure = try #require(step.outcome.failure)
        #expect(failure.code == .runtime)
        #expect(failure.location == "rule.lua:2")
        #expect(failure.message.hasPrefix(message), "\(failure.message)")
    }

    @Test func anActionTheDeviceCannotDoRaisesInTheHandler() throws {
        let bench = Bench()
        let refusal = WaitResult.action(.failure(RuleActionError("this board has no micro-relay")))
        let step = try bench.run("""
            on("start", function()
              local ok, message = pcall(micro.on)
              log(message)
              main.off()
            end)
            """)
        #expect(step.outcome.waiting == .action(.micro(on: true, revertAfter: nil)))
        let second = try #require(bench.host.resume(step.run, with: refusal))
        // No position: micro.on was called by pcall, a C function, as Lua reports it.
        #expect(bench.environment.logLines == ["micro.on: this board has no micro-relay"])
        #expect(second.outcome.waiting == .action(.main(on: false, revertAfter: nil)))
        let third = try #require(bench.host.resume(step.run, with: refusal))
        #expect(third.outcome.failure?.description == "rule.lua:4: main.off: this board has no micro-relay")
    }

    @Test func actionsOtherThanQueriesWaitForAHandler() throws {
        let bench = Bench()
        let failure = try #require(throws: RuleFailure.self) { try bench.load("log(now().hour)\nmain.on()") }
        #expect(failure.description == "rule.lua:2: main.on can only be called from a handler, not while the rule loads")
        #expect(bench.environment.logLines == ["6"])
    }

    @Test func queriesReturnTheTablesOfTheContract() throws {
        let bench = Bench()
        bench.environment.state.micro = nil
        bench.environment.state.temperature = nil
        let step = try bench.run("""
            on("start", function()
              local s, t, sun1, sun2 = state(), now(), sun(), sun("2026-06-21")
              return {
                main = s.main, micro = s.micro == nil, armed = s.armed, alarm = s.alarm, sensor = s.sensor_active,
                temperature = s.temperature == nil, mains = s.mains, modem = s.modem_online, signal = s.signal,
                model = s.model, alert = table.concat(s.alert_numbers, ","),
                clock = string.format("%d-%02d-%02d %02d:%02d:%02d %d", t.year, t.month, t.day, t.hour, t.min, t.sec, t.wday),
                sun = sun1.sunrise .. "-" .. sun1.sunset, same = sun2.sunset,
              }
            end)
            """)
        #expect(step.outcome.finished == [
            "main": false, "micro": true, "armed": true, "alarm": "ready", "sensor": false, "temperature": true,
            "mains": true, "modem": true, "signal": -71, "model": "707", "alert": "79161234567,79169876543",
            "clock": "2026-03-29 06:45:00 7", "sun": "07:02-19:48", "same": "19:48",
        ])
        #expect(bench.environment.sunDays == [nil, CalendarDate(year: 2026, month: 6, day: 21)])
    }

    @Test func queriesWithoutAnswerReturnNil() throws {
        let bench = Bench()
        bench.environment.clock = nil
        bench.environment.sun = LuaRules.SunTimes(sunrise: nil, sunset: ClockTime(hour: 15, minute: 0))
        let step = try bench.run("on('start', function() return {now() == nil, sun().sunrise == nil, sun().sunset} end)")
        #expect(step.outcome.finished == [true, true, "15:00"])
        bench.environment.sun = nil
        let second = try bench.run("on('start', function() return sun() == nil end)", as: "second")
        #expect(second.outcome.finished == true)
    }

    @Test func printIsLogAndLongLinesAreCut() throws {
        let bench = Bench()
        let step = try bench.run("""
            on("start", function()
              print("a", {} ~= nil, 2^53, math.maxinteger, setmetatable({}, {__tostring = function() return "T" end}))
              log(string.rep("é", 3000))
            end)
            """)
        #expect(step.outcome.finished == .nil)
        #expect(bench.environment.logLines.first == "a\ttrue\t9.007199254741e+15\t9223372036854775807\tT")
        let long = try #require(bench.environment.logLines.last)
        #expect(long.utf8.count <= RuleHost.maximumLogLength + 3)
        #expect(long.hasSuffix("é…"))
        #expect(bench.environment.logs.allSatisfy { $0.rule == "rule" })
    }

    @Test func theHandlersReturnValueComesBack() throws {
        let bench = Bench()
        let step = try bench.run("""
            command("limit", function(ev) return "Limit " .. ev.args .. " from " .. ev.from, "ignored" end)
            """, with: ["from": "79161234567", "text": "LIMIT=5", "args": "=5"])
        #expect(step.outcome.finished == "Limit =5 from 79161234567")
        let structured = try bench.run("on('start', function() return {1, 2.5, x = {y = print}} end)", as: "other")
        #expect(structured.outcome.finished == [1: 1, 2: 2.5, "x": [:]])
    }

    @Test func anEventArgumentArrivesAsATable() throws {
        let bench = Bench()
        let step = try bench.run("""
            on("relay", function(ev) return ev.relay .. tostring(ev.on) .. math.type(ev.n) .. math.type(ev.f) .. #ev.list end)
            """, with: ["relay": "micro", "on": true, "n": 3, "f": 2.5, "list": [1, 2, 3]])
        #expect(step.outcome.finished == "microtrueintegerfloat3")
    }
}
