@testable import ATModem
import Synchronization
import Testing

/// An in-memory ``ATTransport``: the test plays the modem with ``receive(_:)`` and reads what the channel
/// wrote from ``written``.
final class FakeTransport: ATTransport {
    let incoming: AsyncThrowingStream<[UInt8], any Error>
    private let continuation: AsyncThrowingStream<[UInt8], any Error>.Continuation
    private let state = Mutex((writes: [[UInt8]](), closed: false))

    init() {
        (incoming, continuation) = AsyncThrowingStream<[UInt8], any Error>.makeStream()
    }

    /// What the channel wrote, one entry per write, as text (`AT+CSQ\r`, PDU + `\u{1A}`).
    var written: [String] { state.withLock { $0.writes.map { String(decoding: $0, as: UTF8.self) } } }
    var isClosed: Bool { state.withLock { $0.closed } }

    func write(_ bytes: [UInt8]) async throws {
        state.withLock { $0.writes.append(bytes) }
    }

    func close() async {
        state.withLock { $0.closed = true }
        continuation.finish()
    }

    /// The modem sends `text`.
    func receive(_ text: String) { continuation.yield(Array(text.utf8)) }

    /// The port goes away.
    func unplug() { continuation.finish(throwing: SerialPortError(.disconnected, path: "/dev/fake")) }

    /// Waits (on real time, briefly) until the channel has made `count` writes; returns them.
    @discardableResult
    func waitForWrites(_ count: Int, sourceLocation: SourceLocation = #_sourceLocation) async -> [String] {
        await eventually(sourceLocation: sourceLocation) { self.written.count >= count }
        return written
    }
}

/// A clock that only moves when the test says so: timeouts without sleeping.
final class ManualClock: Clock, Sendable {
    struct Instant: InstantProtocol {
        var offset: Duration
        func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        func duration(to other: Instant) -> Duration { other.offset - offset }
        static func < (a: Instant, b: Instant) -> Bool { a.offset < b.offset }
    }

    private struct Sleeper {
        var id: Int
        var deadline: Instant
        var continuation: CheckedContinuation<Void, any Error>
    }

    private let state = Mutex((now: Instant(offset: .zero), sleepers: [Sleeper](), nextID: 0, cancelled: Set<Int>()))

    var now: Instant { state.withLock { $0.now } }
    var minimumResolution: Duration { .zero }
    var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        let id = state.withLock { s in
            defer { s.nextID += 1 }
            return s.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resumeNow: Result<Void, any Error>? = state.withLock { s in
                    if s.cancelled.contains(id) { return .failure(CancellationError()) }
                    if deadline <= s.now { return .success(()) }
                    s.sleepers.append(Sleeper(id: id, deadline: deadline, continuation: continuation))
                    return nil
                }
                if let resumeNow { continuation.resume(with: resumeNow) }
            }
        } onCancel: {
            let sleeper = state.withLock { s -> Sleeper? in
                s.cancelled.insert(id)
                guard let i = s.sleepers.firstIndex(where: { $0.id == id }) else { return nil }
                return s.sleepers.remove(at: i)
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves time on and wakes the sleepers whose deadline has come.
    func advance(by duration: Duration) {
        let due = state.withLock { s in
            s.now = s.now.advanced(by: duration)
            let now = s.now
            let due = s.sleepers.filter { $0.deadline <= now }
            s.sleepers.removeAll { $0.deadline <= now }
            return due
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    /// Waits (on real time, briefly) until `count` sleepers wait.
    func waitForSleepers(_ count: Int, sourceLocation: SourceLocation = #_sourceLocation) async {
        await eventually(sourceLocation: sourceLocation) { self.sleeperCount >= count }
    }
}

/// Polls `condition` until it holds, for up to `limit` of real time; records an issue if it never does.
func eventually(
    _ limit: Duration = .seconds(5), sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: @Sendable () async -> Bool
) async {
    let deadline = ContinuousClock.now.advanced(by: limit)
    while ContinuousClock.now < deadline {
        if await condition() { return }
        try? await Task.sleep(for: .milliseconds(2))
    }
    Issue.record("condition never held", sourceLocation: sourceLocation)
}

