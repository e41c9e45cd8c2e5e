import Dispatch

/// A one-shot wake-up that can be cancelled: what each of ``ATChannel``'s timeouts waits with.
///
/// On the continuous clock it is a dispatch timer, which a cancel frees at once. A cancelled `Task.sleep`
/// does not: on Linux the Swift runtime keeps its task and timer, about 700 bytes, until the moment it
/// slept for. Every command cancels its timeout when its answer comes, and a message sent cancels the 60 s
/// of its body timeout, so at a message a second sleeps would hold some 2,000 of them at any time. On any
/// other clock (a test's manual clock) it is a task that sleeps on that clock.
struct WakeUp: Sendable {
    private let cancelling: @Sendable () -> Void

    /// Stops the wake-up; its action does not run if it has not started yet.
    func cancel() { cancelling() }

    /// Runs `action` once `duration` has passed on `clock`, unless cancelled first.
    static func after(
        _ duration: Duration, on clock: any Clock<Duration>, _ action: @escaping @Sendable () async -> Void
    ) -> WakeUp {
        guard clock is ContinuousClock else {
            let task = Task {
                do {
                    try await sleep(on: clock, for: duration)
                } catch {
                    return
                }
                await action()
            }
            return WakeUp { task.cancel() }
        }
        let timer = OneShotTimer(after: duration, action)
        return WakeUp { timer.cancel() }
    }
}

/// A dispatch timer that goes off once.
// Unchecked: a dispatch source may be scheduled and cancelled from any thread, though Dispatch does not
// mark it Sendable.
private final class OneShotTimer: @unchecked Sendable {
    private let source: any DispatchSourceTimer

    init(after duration: Duration, _ action: @escaping @Sendable () async -> Void) {
        source = DispatchSource.makeTimerSource()
        // Whole nanoseconds, bounded: a timeout comes from configuration and may be absurd.
        let nanoseconds = min(max(0, duration / .nanoseconds(1)), Double(Int32.max) * 1e9)
        source.schedule(deadline: .now() + .nanoseconds(Int(nanoseconds)))
        // The handler holds the timer until it has run or the timer is cancelled: cancelling releases it.
        source.setEventHandler { [self] in
            cancel()
            Task { await action() }
        }
        source.activate()
    }

    func cancel() { source.cancel() }
}
