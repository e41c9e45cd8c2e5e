import SocketCore

/// The core's pending timers: at most one per ``TimerID``, due in deadline order and, for equal deadlines,
/// in the order they were set.
struct TimerTable: Sendable {
    private var entries: [TimerID: (at: Instant, sequence: UInt64)] = [:]
    private var sequence: UInt64 = 0

    mutating func schedule(_ id: TimerID, at: Instant) {
        sequence &+= 1
        entries[id] = (at, sequence)
    }

    mutating func cancel(_ id: TimerID) { entries[id] = nil }

    mutating func removeAll() { entries.removeAll() }

    /// The timer due first.
    var next: (id: TimerID, at: Instant)? {
        entries.min { a, b in (a.value.at, a.value.sequence) < (b.value.at, b.value.sequence) }.map { ($0.key, $0.value.at) }
    }

    /// Removes and returns the first timer due at or before `limit`.
    mutating func popDue(notAfter limit: Instant) -> (id: TimerID, at: Instant)? {
        guard let first = next, first.at <= limit else { return nil }
        entries[first.id] = nil
        return first
    }
}
