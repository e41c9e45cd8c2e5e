import SocketCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Where the controller takes the time of each event from.
public protocol ControllerClock: Sendable {
    var now: Instant { get }
}

/// The system's real-time clock (UTC), for `smsocket run`.
public struct SystemClock: ControllerClock {
    public init() {}

    public var now: Instant {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Instant(milliseconds: Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000)
    }
}

/// A clock that moves only when told to, for `smsocket simulate` and tests.
public final class VirtualClock: ControllerClock {
    private let current: Mutex<Instant>

    public init(start: Instant) { current = Mutex(start) }

    public var now: Instant { current.withLock { $0 } }

    /// Moves the clock to `instant` (never backwards).
    public func set(_ instant: Instant) {
        current.withLock { $0 = max($0, instant) }
    }

    /// Moves the clock to `instant`, backwards too: a board whose clock was set back while the controller
    /// was stopped (`restart -DURATION` in `smsocket simulate`).
    public func jump(to instant: Instant) {
        current.withLock { $0 = instant }
    }
}
