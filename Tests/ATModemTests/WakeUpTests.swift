@testable import ATModem
import Synchronization
import Testing

/// The wake-ups the channel's timeouts use on the continuous clock: a cancelled one lets go of its action
/// at once instead of at its deadline (see ``WakeUp``), and one that is not cancelled runs.
@Suite struct WakeUpTests {
    final class Token: Sendable {}

    @Test func aCancelledWakeUpReleasesItsActionBeforeItsDeadline() async throws {
        var token: Token? = Token()
        weak let released = token
        let wakeUp = WakeUp.after(.seconds(3600), on: ContinuousClock()) { [token] in _ = token }
        token = nil
        #expect(released != nil)
        wakeUp.cancel()
        // Dispatch lets go of a cancelled source's handler on its own queue: wait for that, not for the hour.
        // Still held after 5 s: the action is kept an hour before its deadline.
        await eventually { released == nil }
    }

    @Test func anUncancelledWakeUpRuns() async {
        let ran = Atomic(false)
        _ = WakeUp.after(.zero, on: ContinuousClock()) { ran.store(true, ordering: .sequentiallyConsistent) }
        await eventually { ran.load(ordering: .sequentiallyConsistent) }
    }
}
