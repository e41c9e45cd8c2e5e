import LuaRules
import Testing

/// The persistent `data` table (rules-api.md "Actions": `data`; issue 9 "Durable").
@Suite("Persistent data")
struct DataTests {
    static let stored: LuaValue = [
        "count": 3, "ratio": 1.5, "name": "frost", "armed": true, "list": [1, "two", 3.0],
        "nested": ["deeper": ["deepest": false]], 7: "seven",
    ]

    @Test func dataRoundTripsAndOnlyChangesAreHandedOut() throws {
        let bench = Bench()
        let handlers = try bench.load("""
            on("sms", function() data.count = data.count + 1 end)
            on("call", function() return data.name .. " " .. math.type(data.ratio) .. " " .. data.list[2] .. " " .. data[7] end)
            """, data: Self.stored)
        let changed = try #require(bench.host.start(handlers[0].handler))
        var expected = Self.stored
        if case .table(var fields) = expected {
            fields["count"] = 4
            expected = .table(fields)
        }
        #expect(changed.dataToSave == expected)
        let unchanged = try #require(bench.host.start(handlers[1].handler))
        #expect(unchanged.outcome.finished == "frost float two seven")
        #expect(unchanged.dataToSave == nil)
        #expect(try bench.host.data(of: "rule") == expected)
    }

    @Test func dataIsHandedOutAtEachWaitAndAtTheEnd() throws {
        let bench = Bench()
        let step = try bench.run("""
            on("alarm", function()
              data.stage = "calling"
              sleep(1)
              data.stage = "done"
            end)
            """)
        #expect(step.outcome.waiting == .sleep(.seconds(1)))
        #expect(step.dataToSave == ["stage": "calling"])
        let end = try #require(bench.host.resume(step.run, with: .slept))
        #expect(end.dataToSave == ["stage": "done"])
    }

    @Test func loadingIsNotAChange() throws {
        let bench = Bench()
        let handler = try bench.load("on('start', function() end)", data: [2.0: "float key", "x": 1])[0].handler
        #expect(bench.host.start(handler)?.dataToSave == nil)
        #expect(try bench.host.data(of: "rule") == [2: "float key", "x": 1])
    }

    @Test func aFreshRuleStartsWithAnEmptyTable() throws {
        let bench = Bench()
        try bench.load("assert(type(data) == 'table' and next(data) == nil)")
        #expect(try bench.host.data(of: "rule") == [:])
        try bench.load("assert(next(data) == nil)", as: "second", data: "not a table")
        #expect(try bench.host.data(of: "nobody") == nil)
    }

    @Test func replacingTheTableIsStoredToo() throws {
        let bench = Bench()
        let step = try bench.run("on('start', function() data = {fresh = true} end)", data: ["old": 1])
        #expect(step.dataToSave == ["fresh": true])
        let cleared = try bench.run("on('start', function() data = nil end)", as: "second", data: ["old": 1])
        #expect(cleared.dataToSave == .nil)
    }

    @Test(arguments: [
        ("data.f = print", "data.f: a function cannot be stored"),
        ("data.list = {1, {co = coroutine.create(print)}}", "data.list[2].co: a thread cannot be stored"),
        ("data.self = data", "data.self: a table that contains itself cannot be stored"),
        ("local t = data for i = 1, 40 do t.next = {} t = t.next end", "tables nested deeper than 32 cannot be stored"),
        ("data.text = '\\255'", "data.text: a string that is not UTF-8 text cannot be stored"),
        ("data[print] = 1", "data[function]: a function cannot be stored"),
        ("data['a b'] = {[2.5] = print}", "data[\"a b\"][2.5]: a function cannot be stored"),
        ("data = 5", "data must be a table, not a number"),
    ])
    func dataThatCannotBeStoredFailsTheRun(_ change: String, _ message: String) throws {
        let bench = Bench()
        let step = try bench.run("on('start', function() \(change) end)")
        let failure = try #require(step.outcome.failure)
        #expect(failure.code == .badData)
        #expect(failure.message.hasSuffix(message), "\(failure.message)")
        #expect(failure.rule == "rule")
        #expect(throws: RuleFailure.self) { try bench.host.data(of: "rule") }
    }

    @Test func unstorableDataFailsAWaitingRunAndEndsIt() throws {
        let bench = Bench()
        let step = try bench.run("on('start', function() data.f = print sleep(5) log('never') end)")
        #expect(step.outcome.failure?.code == .badData)
        #expect(bench.host.waitingRuns(of: "rule").isEmpty)
        #expect(bench.host.resume(step.run, with: .slept) == nil)
        #expect(bench.environment.logLines.isEmpty)
    }

    @Test func unstorableDataAfterAFailureIsReportedBesideIt() throws {
        let bench = Bench()
        let step = try bench.run("on('start', function()\ndata.f = print\nerror('broken')\nend)")
        #expect(step.outcome.failure?.description == "rule.lua:3: broken")
        #expect(step.reports.map(\.code) == [.badData])
    }

    @Test func metatablesOfDataAreNotStored() throws {
        let bench = Bench()
        let step = try bench.run("""
            on("start", function() data.t = setmetatable({x = 1}, {__index = function() return 2 end}) end)
            """)
        #expect(step.dataToSave == ["t": ["x": 1]])
    }
}
