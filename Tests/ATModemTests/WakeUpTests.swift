@testable import ATModem
import Synchronization
import Testing

/// The wake-ups the channel's timeouts use on the continuous clock: a cancelled one lets go of its action
/// at once instead of at its deadline (see ``WakeUp``), and one that is not cancelled runs.
@Suite struct WakeUpTests {
    final class Token: Sendable {}

    @Test func aCancelledWakeUpReleasesItsActionBeforeItsDeadline() async throws {
        weak var released: Token?
        var wakeUps: [WakeUp] = []
        do {
            let token = Token()
            released = token
            wakeUps.append(WakeUp.after(.seconds(3600), on: ContinuousClock()) { _ = token })
        }
        #expect(released != nil)
        wakeUps[0].cancel()
        // Dispatch lets go of a cancelled source's handler on its own queue: wait for that, not for the hour.
        let gone = await eventually { released == nil }
        #expect(gone, "the action is still held an hour before its deadline")
    }

    @Test func anUncancelledWakeUpRuns() async {
        let ran = Atomic(false)
        _ = WakeUp.after(.zero, on: ContinuousClock()) { ran.store(true, ordering: .sequentiallyConsistent) }
        #expect(await eventually { ran.load(ordering: .sequentiallyConsistent) })
    }

    /// Whether `condition` holds within 5 s, checked every millisecond.
    private func eventually(_ condition: () -> Bool) async -> Bool {
        for _ in 0..<5000 {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(1))
        }
        return condition()
    }
}
