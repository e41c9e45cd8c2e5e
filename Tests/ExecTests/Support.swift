import Foundation
import Logging
import PluginKit
import SocketCore
import Synchronization

/// Values appended from any thread and read by the test.
final class Recorder<Value: Sendable>: Sendable {
    private let values = Mutex<[Value]>([])

    func append(_ value: Value) { values.withLock { $0.append(value) } }
    var all: [Value] { values.withLock { $0 } }
}

/// Keeps the log lines of one test (the test's own logger; the global logging system is never bootstrapped).
struct RecordingLogHandler: LogHandler {
    let lines: Recorder<String>
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        lines.append("\(event.level): \(event.message)")
    }
}

/// A logger whose lines go to the returned recorder.
func recordingLogger() -> (Logger, Recorder<String>) {
    let lines = Recorder<String>()
    return (Logger(label: "exec-tests") { _ in RecordingLogHandler(lines: lines) }, lines)
}

/// Collects what a port posts.
final class EventRecorder: EventSink {
    let events = Recorder<Event>()

    func post(_ event: Event) { events.append(event) }
    func post(_ sms: IncomingSMS, receipt: MessageReceipt) { events.append(.sms(sms)) }
}

/// Waits (without blocking a thread) until `condition` holds or `timeout` passes; returns whether it held.
@discardableResult
func eventually(within timeout: Duration = .seconds(3), _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return condition()
}

/// `/bin/sh -c script`, the way most tests give a command.
func sh(_ script: String) -> [String] { ["/bin/sh", "-c", script] }

/// The time limit for a test command: short for the ones meant to overrun it (they sleep), generous for
/// the rest, so that a busy machine does not turn a quick command into a time-out.
func testTimeout(_ command: [String], overrun: Duration) -> Duration {
    command.contains { $0.contains("sleep") } ? overrun : .seconds(3)
}
