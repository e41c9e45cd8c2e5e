/// A pending timed switch of the main socket: `ON<n>`, `OFF<n>` or `RESTART` (spec §4.1).
///
/// It is part of the persisted state so that it survives a power loss or a restart of the controller
/// (§4.13, §5 A67): "on for 5 minutes" must never become "on for ever". Times are on the controller's time
/// line (``Instant``), which runs on across restarts; the device clock may be unset or set back.
public struct TimedSwitch: Equatable, Hashable, Sendable {
    /// When the socket takes ``finalOn``.
    public var deadline: Instant
    /// The timer's whole duration, in seconds (1 … ``longest``).
    public var seconds: Int64
    /// The state the socket takes at the deadline: off after `ON<n>`, on after `OFF<n>`, the state before a
    /// `RESTART`.
    public var finalOn: Bool

    /// The longest timer, in seconds: a rule's `main.on(seconds)` may ask for a week (rules-api.md); SMS
    /// commands stop at `ON720` (§4.19; RESTARTTIME is at most 600 s).
    public static let longest: Int64 = 7 * 86_400

    public init(deadline: Instant, seconds: Int64, finalOn: Bool) {
        self.deadline = deadline
        self.seconds = seconds
        self.finalOn = finalOn
    }

    /// Whether the timer still runs at power-up at `now`: its deadline is ahead, and no further ahead than its
    /// whole duration. More time left than the timer ever had means the controller's clock went back; the
    /// socket then takes the final state at once rather than trust the clock (§4.13).
    func isRunning(at now: Instant) -> Bool {
        let (left, overflow) = deadline.milliseconds.subtractingReportingOverflow(now.milliseconds)
        guard !overflow, left > 0, (1...Self.longest).contains(seconds) else { return false }
        return left <= seconds * 1000
    }
}
