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

/// The simulated inputs: the alarm contact, the hidden button and mains sense. Each change is posted
/// as the event a real input would give.
public final class SimulatedInputs: InputPort {
    private struct State {
        var sensorClosed = false
        var mainsPresent = true
        var sink: (any EventSink)?
    }
    private let state = Mutex(State())

    public init() {}

    public func start(events: any EventSink) async throws {
        let (closed, mains) = state.withLock { s in
            s.sink = events
            return (s.sensorClosed, s.mainsPresent)
        }
        // Like a GPIO input, report the levels found at start.
        events.post(.sensor(closed: closed))
        if !mains { events.post(.mains(present: false)) }
    }

    public func stop() async { state.withLock { $0.sink = nil } }

    public func setSensor(closed: Bool) {
        let sink = state.withLock { s in
            s.sensorClosed = closed
            return s.sink
        }
        sink?.post(.sensor(closed: closed))
    }

    public func setMains(present: Bool) {
        let sink = state.withLock { s in
            s.mainsPresent = present
            return s.sink
        }
        sink?.post(.mains(present: present))
    }

    /// The button released after `milliseconds`.
    public func releaseButton(afterHolding milliseconds: Int64) {
        let sink = state.withLock { $0.sink }
        sink?.post(.button(heldMilliseconds: milliseconds))
    }
}
