import LuaRules
import SocketCore
import Testing

/// A device for rules that records their logs and answers queries from its fields. (Actions never come
/// here: they reach the test as waiting steps.)
final class FakeEnvironment: RuleEnvironment {
    var logs: [(rule: String, text: String)] = []
    var state = DeviceState(
        main: false, micro: false, armed: true, alarm: .ready, sensorActive: false, temperature: 21.5, mains: true,
        modemOnline: true, signal: -71, model: .gsm707, alertNumbers: ["79161234567", "79169876543"])
    var clock: CivilTime? = CivilTime(year: 2026, month: 3, day: 29, hour: 6, minute: 45, second: 0)
    var sun: LuaRules.SunTimes? = LuaRules.SunTimes(sunrise: ClockTime(hour: 7, minute: 2), sunset: ClockTime(hour: 19, minute: 48))
    var sunDays: [CalendarDate?] = []

    func deviceState() -> DeviceState { state }
    func deviceClock() -> CivilTime? { clock }

    func sunTimes(on day: CalendarDate?) -> LuaRules.SunTimes? {
        sunDays.append(day)
        return sun
    }

    func log(_ text: String, rule: String) { logs.append((rule, text)) }

    var logLines: [String] { logs.map(\.text) }
}

/// A host with a fake environment, and shortcuts for the tests.
final class Bench {
    let environment = FakeEnvironment()
    let host: RuleHost

    init(_ configuration: RuleHostConfiguration = RuleHostConfiguration(hasLocation: true)) {
        host = RuleHost(configuration: configuration, environment: environment)
    }

    /// Loads `source` as rule `name` (file `name.lua`).
    @discardableResult
    func load(_ source: String, as name: String = "rule", data: LuaValue = .nil) throws(RuleFailure) -> [Registration] {
        try host.load(rule: name, file: "\(name).lua", source: source, data: data)
    }

    /// Loads `source` and starts its first handler.
    func run(_ source: String, as name: String = "rule", data: LuaValue = .nil, with argument: LuaValue = .nil) throws
        -> RunStep
    {
        let registrations = try load(source, as: name, data: data)
        let first = try #require(registrations.first)
        return try #require(host.start(first.handler, with: argument))
    }
}

extension RunStep.Outcome {
    var finished: LuaValue? {
        if case .finished(let value) = self { return value }
        return nil
    }

    var waiting: WaitRequest? {
        if case .waiting(let request) = self { return request }
        return nil
    }

    var failure: RuleFailure? {
        if case .failed(let failure) = self { return failure }
        return nil
    }
}
