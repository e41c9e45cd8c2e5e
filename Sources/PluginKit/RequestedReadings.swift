import Dispatch
import SocketCore
import Synchronization

/// A thermometer port's readings, taken when the core asks (``ThermometerPort/requestReading()``): each runs on
/// `queue` (serial, never Swift's cooperative pool, since a reading blocks), one at a time, and is posted to the
/// sink as ``Event/temperature(_:)`` if the port is still started when it is done. A request while a reading
/// runs is answered by that reading; a request while the port is stopped does nothing.
package final class RequestedReadings: Sendable {
    private struct State {
        var sink: (any EventSink)?
        var inFlight = false
    }
    private let state = Mutex(State())
    /// Where readings run.
    private let queue: DispatchQueue

    package init(queue: DispatchQueue) { self.queue = queue }

    /// Posts readings to `sink` from now on.
    package func start(posting sink: any EventSink) { state.withLock { $0.sink = sink } }

    /// Posts no more readings; one in flight finishes, and what it read is dropped.
    package func stop() { state.withLock { $0.sink = nil } }

    /// Starts `read` on ``queue`` and returns at once; does nothing while a reading is in flight or the port
    /// is stopped.
    package func request(_ read: @escaping @Sendable () -> TemperatureReading) {
        let begin = state.withLock { s in
            guard s.sink != nil, !s.inFlight else { return false }
            s.inFlight = true
            return true
        }
        guard begin else { return }
        queue.async { [self] in
            let reading = read()
            // Cleared before posting, so a request the event itself provokes is not swallowed.
            let sink = state.withLock { s in
                s.inFlight = false
                return s.sink
            }
            sink?.post(.temperature(reading))
        }
    }
}
