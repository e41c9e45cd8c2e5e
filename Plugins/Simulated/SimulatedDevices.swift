import SocketCore
import Synchronization

/// A relay that reports each change of state (`relay main on`).
public final class SimulatedRelay: OutputPort {
    private let name: String
    private let log: any SimulationLog
    private let isOn = Mutex(false)

    public init(name: String, log: any SimulationLog) {
        self.name = name
        self.log = log
    }

    public var on: Bool { isOn.withLock { $0 } }

    public func start(events: any EventSink) async throws {}
    public func stop() async {}

    public func set(on: Bool) async throws {
        let changed = isOn.withLock { current in
            defer { current = on }
            return current != on
        }
        if changed { log.record("relay \(name) \(on ? "on" : "off")") }
    }
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
