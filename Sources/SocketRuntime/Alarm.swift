import Dispatch

/// Runs an action at a moment that can be moved or cleared at any time: the wait of a loop whose next
/// deadline changes with every event (the controller's timers, the outbox's next attempt).
///
/// A dispatch timer, not a task that sleeps until the moment and is cancelled and started again at each
/// move: on Linux the Swift runtime keeps a cancelled sleep's timer and task until the moment it slept for,
/// so a wait moved at every event would hold about 700 bytes per event for as long as the deadline was
/// away (a day, for the outbox's next pruning). Moving a dispatch timer replaces its deadline.
// Unchecked: a dispatch source may be scheduled from any thread, though Dispatch does not mark it Sendable.
final class Alarm: @unchecked Sendable {
    private let timer: any DispatchSourceTimer

    /// An alarm that is not set; `action` runs on a dispatch queue each time it goes off.
    init(_ action: @escaping @Sendable () -> Void) {
        timer = DispatchSource.makeTimerSource()
        timer.setEventHandler(handler: action)
        timer.schedule(deadline: .distantFuture)
        timer.activate()
    }

    /// Goes off `milliseconds` from now (at once when 0 or less) instead of when it was set to; nil: never.
    func set(afterMilliseconds milliseconds: Int64?) {
        guard let milliseconds else { return timer.schedule(deadline: .distantFuture) }
        timer.schedule(deadline: .now() + .milliseconds(Int(clamping: max(0, milliseconds))))
    }

    deinit { timer.cancel() }
}
