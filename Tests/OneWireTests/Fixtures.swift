import Dispatch
import Foundation
import Logging
import SocketCore
import Synchronization
@testable import OneWire
import TestSupport

/// Collects the events a port posts, for a test to await one by one.
final class EventRecorder: EventSink {
    let events: AsyncStream<Event>
    private let continuation: AsyncStream<Event>.Continuation
    private let all = Mutex<[Event]>([])

    init() { (events, continuation) = AsyncStream.makeStream() }

    func post(_ event: Event) {
        all.withLock { $0.append(event) }
        continuation.yield(event)
    }

    func post(_ sms: IncomingSMS, receipt: MessageReceipt) {}

    var posted: [Event] { all.withLock { $0 } }
}

/// A bus whose answers a test scripts: one listing for all calls, one file text (or error) per read in
/// turn. Optionally holds reads at a gate until the test opens it (for good: a test that goes wrong
/// then fails instead of hanging on a read that waits forever).
final class ScriptedFiles: W1Files {
    private struct State {
        var listing: Result<[String], OneWireError>
        var reads: [Result<String, OneWireError>]
        var listCount = 0
        var readCount = 0
        var readsOnReaderQueue: [Bool] = []
    }
    private let state: Mutex<State>
    private let gate: DispatchGroup?

    init(listing: Result<[String], OneWireError>, reads: [Result<String, OneWireError>], gated: Bool = false) {
        state = Mutex(State(listing: listing, reads: reads))
        gate = gated ? DispatchGroup() : nil
        gate?.enter()
    }

    func names(inDirectory path: String) throws(OneWireError) -> [String] {
        try state.withLock { s in
            s.listCount += 1
            return s.listing
        }.get()
    }

    func contents(ofFile path: String) throws(OneWireError) -> [UInt8] {
        gate?.wait()
        let next = state.withLock { s in
            s.readCount += 1
            s.readsOnReaderQueue.append(DispatchQueue.getSpecific(key: OneWireThermometer.readerQueueKey) == true)
            // The last scripted answer repeats.
            return s.reads.count > 1 ? s.reads.removeFirst() : s.reads[0]
        }
        return Array(try next.get().utf8)
    }

    private let opened = Mutex(false)

    /// Lets every read through from now on; only the first call counts.
    func open() {
        guard opened.withLock({ o in defer { o = true }; return !o }) else { return }
        gate?.leave()
    }

    // libdispatch traps when a group is freed while entered.
    deinit { open() }

    var listCount: Int { state.withLock { $0.listCount } }
    var readCount: Int { state.withLock { $0.readCount } }
    var readsOnReaderQueue: [Bool] { state.withLock { $0.readsOnReaderQueue } }
}

/// Records the pauses between tries instead of sleeping.
final class SleepRecorder: Sendable {
    private let pauses = Mutex<[Duration]>([])
    var recorded: [Duration] { pauses.withLock { $0 } }
    var sleep: @Sendable (Duration) -> Void { { [self] d in pauses.withLock { $0.append(d) } } }
}

extension Event {
    var reading: TemperatureReading? {
        if case .temperature(let reading) = self { return reading }
        return nil
    }
}

/// A sensor id spelled correctly, for tests.
func id(_ name: String) -> W1SensorID { W1SensorID(name)! }

/// Keeps what a logger was given, to check what is logged and how often.
struct RecordingLogHandler: LogHandler {
    let entries: Entries
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    final class Entries: Sendable {
        private let all = Mutex<[(Logger.Level, String)]>([])
        func append(_ entry: (Logger.Level, String)) { all.withLock { $0.append(entry) } }
        var recorded: [(Logger.Level, String)] { all.withLock { $0 } }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) { entries.append((event.level, "\(event.message)")) }

    static func logger() -> (Logger, Entries) {
        let entries = Entries()
        return (Logger(label: "test") { _ in RecordingLogHandler(entries: entries) }, entries)
    }
}
