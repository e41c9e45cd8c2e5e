import Dispatch
import Logging
import PluginKit
import SocketCore
import Synchronization
import SystemCalls

/// A DS18x20-family thermometer read through the kernel's `w1_therm` driver.
///
/// A read blocks for up to 750 ms per try while the sensor converts, so ``requestReading()`` returns at
/// once and the read runs on this port's own serial dispatch queue, never on a Swift concurrency thread
/// (a blocked cooperative thread would stall unrelated tasks on a 2-core board). Requests that arrive
/// while a read is in flight are folded into it: its result answers them all.
///
/// The result is posted as ``Event/temperature(_:)``: `.celsius` for a trusted reading, `.missing` when
/// no sensor is there (the bus directory is gone, no thermometer is on it, or the chosen one is not),
/// and `.faulty` when the sensor is there but no try gave a trusted reading.
public final class OneWireThermometer: ThermometerPort {
    /// Which sensor the port reads.
    public enum Selection: Hashable, Sendable, CustomStringConvertible {
        /// The first thermometer by sorted id, looked up again on every read, so a sensor that is
        /// replaced or comes back is found without a restart.
        case firstFound
        /// This sensor only; it reads as missing until its directory is back.
        case id(W1SensorID)

        public var description: String {
            switch self {
            case .firstFound: "the first thermometer found"
            case .id(let id): "thermometer \(id)"
            }
        }
    }

    /// Where the sensors are listed.
    public let bus: W1Bus
    /// Which sensor is read.
    public let selection: Selection
    /// How many times a read is tried before the sensor is reported faulty.
    public let retries: Int
    /// The pause between tries.
    public let retryDelay: Duration

    private let sleep: @Sendable (Duration) -> Void
    private let logger: Logger
    /// Serial, so at most one read touches the bus at a time; the bus is serialized by the kernel anyway.
    let queue: DispatchQueue
    /// Set on ``queue`` so tests can check where reads run.
    static let readerQueueKey = DispatchSpecificKey<Bool>()

    private struct State {
        /// Cuts a read's remaining tries short once the port stops.
        var stopped = false
        /// The last outcome logged, so a sensor that stays missing is logged once, not every minute.
        var lastOutcome: Outcome?
    }

    private enum Outcome: Equatable { case measured, missing, faulty }

    private let state = Mutex(State())
    private let readings: RequestedReadings

    /// - Parameters:
    ///   - bus: where the sensors are; the real `/sys/bus/w1/devices` by default.
    ///   - selection: which sensor to read.
    ///   - retries: tries per reading before reporting faulty; at least 1.
    ///   - retryDelay: the pause between tries.
    ///   - logger: where missing and faulty sensors are reported (once per change).
    ///   - sleep: blocks the reader thread between tries; tests pass a no-op so they never sleep.
    public init(
        bus: W1Bus = W1Bus(), selection: Selection = .firstFound, retries: Int = 3, retryDelay: Duration = .seconds(1),
        logger: Logger = Logger(label: "smsocket.onewire"), sleep: (@Sendable (Duration) -> Void)? = nil
    ) {
        self.bus = bus
        self.selection = selection
        self.retries = max(1, retries)
        self.retryDelay = retryDelay
        self.logger = logger
        self.sleep = sleep ?? { system_sleep($0) }
        self.queue = DispatchQueue(label: "smsocket.onewire.reader")
        queue.setSpecific(key: Self.readerQueueKey, value: true)
        self.readings = RequestedReadings(queue: queue)
    }

    // MARK: Port

    public func start(events: any EventSink) async throws {
        state.withLock { $0.stopped = false }
        readings.start(posting: events)
    }

    /// Stops posting and returns once no read is in flight, so no sensor file is touched afterwards.
    public func stop() async {
        readings.stop()
        state.withLock { $0.stopped = true }
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            queue.async { done.resume() }
        }
    }

    /// Whether ``stop()`` has begun, for tests that must act while it waits for a read.
    var isStopped: Bool { state.withLock { $0.stopped } }

    // MARK: ThermometerPort

    /// Starts a read on the reader queue and returns at once; the result is posted as
    /// ``Event/temperature(_:)``. Does nothing while a read is already in flight, or before ``start(events:)``.
    public func requestReading() { readings.request { [self] in read() } }

    // MARK: Reading

    /// Reads the sensor now, trying up to ``retries`` times, and blocks the calling thread meanwhile
    /// (up to `retries` × (750 ms + ``retryDelay``) on real hardware).
    ///
    /// A missing sensor is reported at once, without retrying: the kernel takes about 100 s to drop a
    /// sensor from sysfs and as long to list a new one, so a second later nothing will have changed.
    /// `requestReading()` calls this on the reader queue; `smsocket check` may call it directly.
    public func read() -> TemperatureReading {
        var failures: [OneWireError] = []
        for attempt in 1...retries {
            if attempt > 1 {
                if state.withLock({ $0.stopped }) { break }
                sleep(retryDelay)
            }
            switch tryOnce() {
            case .measured(let sensor, let measurement):
                report(.measured) { "reading \(sensor) again: \(measurement.milliCelsius) m°C" }
                return .celsius(measurement.celsius)
            case .missing(let why):
                report(.missing) { "no thermometer (\(selection)): \(why)" }
                return .missing
            case .failed(let error):
                logger.debug("1-Wire try \(attempt) of \(retries) failed: \(error)")
                failures.append(error)
            }
        }
        report(.faulty) {
            "\(selection) gave no trusted reading in \(failures.count) tries: "
                + failures.map(\.description).joined(separator: "; ")
        }
        return .faulty
    }

    private enum Try {
        case measured(W1SensorID, W1Measurement)
        case missing(String)
        case failed(OneWireError)
    }

    private func tryOnce() -> Try {
        // Looked up on every try: sysfs directories come and go with the sensors.
        let sensor: W1SensorID
        do {
            let present = try bus.thermometers()
            switch selection {
            case .firstFound:
                guard let first = present.first else { return .missing("no thermometer directory under \(bus.root)") }
                sensor = first
            case .id(let id):
                guard present.contains(id) else { return .missing("\(bus.directory(of: id)) is not there") }
                sensor = id
            }
        } catch {
            return error.code == .notFound ? .missing(error.description) : .failed(error)
        }
        do {
            return .measured(sensor, try bus.read(sensor))
        } catch {
            // The directory vanished between listing and reading.
            return error.code == .notFound ? .missing(error.description) : .failed(error)
        }
    }

    /// Logs `message` when the outcome differs from the last one: a sensor that stays missing is said
    /// once, not at every reading.
    private func report(_ outcome: Outcome, _ message: () -> String) {
        let previous = state.withLock { s in
            defer { s.lastOutcome = outcome }
            return s.lastOutcome
        }
        guard previous != outcome else { return }
        switch outcome {
        case .measured: if previous != nil { logger.notice("\(message())") }
        case .missing, .faulty: logger.warning("\(message())")
        }
    }
}
