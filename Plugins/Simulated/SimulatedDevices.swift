import SocketCore
import Synchronization

/// A relay that reports each change of state (`relay main on`), and that can be made to fail, as a relay
/// whose driver or wiring broke (`relay main fail`): each switching then throws and the contact stays put.
public final class SimulatedRelay: OutputPort {
    private struct State {
        var on = false
        var failing = false
    }

    private let name: String
    private let log: any SimulationLog
    private let state = Mutex(State())

    public init(name: String, log: any SimulationLog) {
        self.name = name
        self.log = log
    }

    public var on: Bool { state.withLock { $0.on } }

    /// From now on every switching fails (true) or works (false).
    public func setFailing(_ failing: Bool) { state.withLock { $0.failing = failing } }

    public func start(events: any EventSink) async throws {}
    public func stop() async {}

    public func set(on: Bool) async throws {
        let changed = try state.withLock { s throws(SimulatedRelayFailure) in
            guard !s.failing else { throw SimulatedRelayFailure(name: name) }
            defer { s.on = on }
            return s.on != on
        }
        if changed { log.record("relay \(name) \(on ? "on" : "off")") }
    }

    /// The contact drops out with the board's power, failing or not.
    func dropOut() {
        let changed = state.withLock { s in
            defer { s.on = false }
            return s.on
        }
        if changed { log.record("relay \(name) off") }
    }
}

/// A simulated relay told to fail (`relay main fail`).
public struct SimulatedRelayFailure: Error, CustomStringConvertible {
    public var name: String
    public var description: String { "the simulated \(name) relay is set to fail (simulator input 'relay \(name) fail')" }
}

/// A thermometer whose raw reading the simulation sets (`temp 21.5`, `temp none`).
public final class SimulatedThermometer: ThermometerPort {
    private struct State {
        var reading = TemperatureReading.celsius(25)
        var sink: (any EventSink)?
    }
    private let state = Mutex(State())

    public init() {}

    public func set(_ reading: TemperatureReading) { state.withLock { $0.reading = reading } }

    public func start(events: any EventSink) async throws { state.withLock { $0.sink = events } }
    public func stop() async { state.withLock { $0.sink = nil } }

    public func requestReading() {
        let (reading, sink) = state.withLock { ($0.reading, $0.sink) }
        sink?.post(.temperature(reading))
    }
}

/// A simulated digital input (the alarm contact, the hidden button, mains sense): the simulation sets
/// its level, and it reports the level at start and every change, as a GPIO line would.
public final class SimulatedDigitalInput: DigitalInputPort {
    private struct State {
        var level: Bool
        var onChange: (@Sendable (Bool) -> Void)?
    }
    private let state: Mutex<State>

    public init(level: Bool) { state = Mutex(State(level: level)) }

    public var level: Bool { state.withLock { $0.level } }

    public func start(onChange: @escaping @Sendable (Bool) -> Void) async throws {
        let level = state.withLock { s in
            s.onChange = onChange
            return s.level
        }
        onChange(level)
    }

    public func stop() async { state.withLock { $0.onChange = nil } }

    /// Sets the level; a change is reported.
    public func set(_ level: Bool) {
        let report: (@Sendable (Bool) -> Void)? = state.withLock { s in
            defer { s.level = level }
            return s.level != level ? s.onChange : nil
        }
        report?(level)
    }
}
