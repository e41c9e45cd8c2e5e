import Logging
import Synchronization

/// Keeps what was logged, for checking warnings; one per test (never LoggingSystem.bootstrap).
final class RecordingLogHandler: LogHandler, @unchecked Sendable {
    struct Entry: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: Logger.Metadata
    }

    let recorder: LogRecorder
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    init(_ recorder: LogRecorder) { self.recorder = recorder }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        recorder.entries.withLock { $0.append(Entry(level: event.level, message: event.message.description, metadata: merged)) }
    }
}

/// A logger and the entries it records.
final class LogRecorder: Sendable {
    let entries = Mutex<[RecordingLogHandler.Entry]>([])
    var logger: Logger {
        Logger(label: "test") { _ in RecordingLogHandler(self) }
    }
    var warnings: [RecordingLogHandler.Entry] { entries.withLock { $0.filter { $0.level == .warning } } }
}

/// Collects an input's reported levels.
final class Levels: Sendable {
    private let values = Mutex<[Bool]>([])
    var all: [Bool] { values.withLock { $0 } }
    func append(_ level: Bool) { values.withLock { $0.append(level) } }

    /// Waits (up to 2 s) until `count` levels were reported.
    func wait(for count: Int) async throws -> [Bool] {
        for _ in 0..<400 where all.count < count { try await Task.sleep(for: .milliseconds(5)) }
        return all
    }
}
