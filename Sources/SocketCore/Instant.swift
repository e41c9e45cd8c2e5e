/// A moment on the controller's time line, in milliseconds since the Unix epoch (UTC).
///
/// The core never reads a clock: every event arrives with the `Instant` at which it happened,
/// and timers are effects that name the `Instant` at which they are due.
public struct Instant: Comparable, Hashable, Sendable, CustomStringConvertible {
    public var milliseconds: Int64

    public init(milliseconds: Int64) { self.milliseconds = milliseconds }
    public init(seconds: Int64) { self.milliseconds = seconds * 1000 }

    /// Whole seconds since the epoch (rounded down).
    public var seconds: Int64 { milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000 }

    public static func < (a: Instant, b: Instant) -> Bool { a.milliseconds < b.milliseconds }

    public func adding(seconds: Int64) -> Instant { Instant(milliseconds: milliseconds + seconds * 1000) }
    public func adding(minutes: Int64) -> Instant { adding(seconds: minutes * 60) }
    public func adding(milliseconds ms: Int64) -> Instant { Instant(milliseconds: milliseconds + ms) }

    /// ISO 8601 in UTC with whole seconds, as `smsocket simulate` prints it: `2026-01-05T08:00:00Z`.
    public var description: String { CivilTime(epochSeconds: seconds).iso8601UTC }
}
