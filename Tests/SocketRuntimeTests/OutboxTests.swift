import Foundation
import GRDB
import InMemoryLogging
import Logging
import SocketCore
import Testing

@testable import SocketRuntime

/// The outbox on its own, driven step by step on a virtual clock: per-recipient order, back-off, give-up,
/// at most once.
@Suite("The outbox")
struct OutboxTests {
    let path = NSTemporaryDirectory() + "smsocket-outbox-\(UUID().uuidString).sqlite"
    let start = Instant(seconds: CivilTime(year: 2026, month: 1, day: 5, hour: 8, minute: 0, second: 0).epochSeconds)
    let log = InMemoryLogHandler()
    let a = "+3589000000001"
    let b = "+3589000000002"

    /// An outbox on the database at `path` (opened again, as after a restart, when it exists: the outbox
    /// and store of the run before must be gone, as the store holds the database alone).
    func makeOutbox(_ modem: RecordingModem, _ clock: VirtualClock) throws -> (Outbox, Store) {
        let store = try Store(path: path, durability: .normal)
        let log = self.log
        return (Outbox(store: store, modem: modem, clock: clock, logger: Logger(label: "test") { _ in log }), store)
    }

    /// Queues SMS as the controller does: one commit at `time`, then the rows released to `outbox`.
    @discardableResult
    func queue(_ messages: [(to: String, text: String)], in store: Store, releasedBy outbox: Outbox, at time: Instant) throws -> [Int64] {
        var change = Store.Change(at: time)
        change.outgoing = messages
        let ids = try store.commit(change)
        if let last = ids.last { outbox.release(through: last) }
        return ids
    }

    /// Runs every try falling due until `limit`, each at its own time; returns the times, in seconds from the start.
    func runUntil(_ limit: Instant, _ outbox: Outbox, _ clock: VirtualClock) async -> [Int64] {
        var times: [Int64] = []
        while let next = outbox.nextAttempt, next <= limit {
            clock.set(next)
            times.append((next.milliseconds - start.milliseconds) / 1000)
            await outbox.sendDue()
        }
        return times
    }

    func logged(_ level: Logger.Level) -> [String] {
        log.entries.filter { $0.level == level }.map(\.message.description)
    }

    func rowStates() throws -> [String] {
        try DatabaseQueue(path: path).read { try String.fetchAll($0, sql: "SELECT state FROM outbox ORDER BY id") }
    }

    @Test func messagesToOneRecipientKeepTheirOrderAndOthersDoNotWait() async throws {
        let modem = RecordingModem(databasePath: path)
        let clock = VirtualClock(start: start)
        let (outbox, store) = try makeOutbox(modem, clock)
        modem.answer(.refuse, to: a)
        try queue([(a, "a1"), (b, "b1"), (a, "a2"), (b, "b2")], in: store, releasedBy: outbox, at: start)
        await outbox.sendDue()
        #expect(modem.tries.map(\.text) == ["a1", "b1", "b2"], "a2 waits behind a1; b's messages do not")
        #expect(modem.sent.map(\.text) == ["b1", "b2"])
        #expect(outbox.nextAttempt == start.adding(seconds: 30))

        modem.answer(.accept, to: a)
        clock.set(start.adding(seconds: 30))
        await outbox.sendDue()
        #expect(modem.sent.map(\.text) == ["b1", "b2", "a1", "a2"])
        #expect(outbox.nextAttempt == nil)
        #expect(try rowStates().isEmpty, "sent messages leave the outbox")
    }

    @Test func eachRefusalDoublesTheWaitUpToTenMinutesAndIsLogged() async throws {
        let modem = RecordingModem(databasePath: path)
        let clock = VirtualClock(start: start)
        let (outbox, store) = try makeOutbox(modem, clock)
        modem.answer(.refuse, to: a)
        try queue([(a, "a1")], in: store, releasedBy: outbox, at: start)
        let times = await runUntil(start.adding(seconds: 2200), outbox, clock)
        #expect(times == [0, 30, 90, 210, 450, 930, 1530, 2130])
        let warnings = logged(.warning)
        #expect(warnings.count == 8)
        #expect(warnings.allSatisfy { $0.contains(a) && $0.contains("+CMS ERROR: 500") })
    }

    @Test(arguments: [(0, 30), (1, 30), (2, 60), (3, 120), (4, 240), (5, 480), (6, 600), (40, 600), (Int.max, 600)] as [(Int, Int64)])
    func retryDelay(afterAttempts attempts: Int, seconds: Int64) {
        #expect(Outbox.retryDelay(afterAttempts: attempts) == seconds)
    }

    @Test func theScheduleSurvivesARestartWithoutHoldingOthers() async throws {
        let modem = RecordingModem(databasePath: path)
        let clock = VirtualClock(start: start)
        do {
            let (outbox, store) = try makeOutbox(modem, clock)
            modem.answer(.refuse, to: a)
            try queue([(a, "a1")], in: store, releasedBy: outbox, at: start)
            #expect(await runUntil(start.adding(seconds: 40), outbox, clock) == [0, 30])
        }

        clock.set(start.adding(seconds: 40))
        let (restarted, reopened) = try makeOutbox(modem, clock)
        restarted.start()
        #expect(restarted.nextAttempt == start.adding(seconds: 90), "the third try keeps its time")
        try queue([(b, "b1")], in: reopened, releasedBy: restarted, at: clock.now)
        await restarted.sendDue()
        #expect(modem.tries.map(\.text) == ["a1", "a1", "b1"], "a new message goes out at once; a1 is not tried early")
        #expect(await runUntil(start.adding(seconds: 300), restarted, clock) == [90, 210])
    }

    @Test func aMessageRefusedForADayIsGivenUpAndLoggedAsAnError() async throws {
        let modem = RecordingModem(databasePath: path)
        let clock = VirtualClock(start: start)
        let (outbox, store) = try makeOutbox(modem, clock)
        modem.answer(.refuse, to: a)
        try queue([(a, "first notice")], in: store, releasedBy: outbox, at: start)
        try queue([(a, "second notice")], in: store, releasedBy: outbox, at: start.adding(seconds: 3600))
        let times = await runUntil(start.adding(seconds: 3 * 86_400), outbox, clock)
        #expect(outbox.nextAttempt == nil, "nothing is tried again")
        #expect(try rowStates() == ["given-up", "given-up"])

        let errors = logged(.error)
        try #require(errors.count == 2)
        #expect(errors[0].contains(a) && errors[0].contains("first notice"))
        #expect(errors[1].contains(a) && errors[1].contains("second notice"))
        // The first is given up at its first refusal a day after it was queued; the second, held behind it
        // for that day, counts its own day from its queueing, an hour later.
        let firstGiveUp = try #require(times.first { $0 >= 86_400 })
        #expect(firstGiveUp < 86_400 + 600)
        let secondGiveUp = try #require(times.last)
        #expect(secondGiveUp >= 86_400 + 3600 && secondGiveUp < 86_400 + 3600 + 600)
    }

    @Test func aSendInDoubtIsNeverSentAgainNotEvenAfterARestart() async throws {
        let modem = RecordingModem(databasePath: path)
        let clock = VirtualClock(start: start)
        do {
            let (outbox, store) = try makeOutbox(modem, clock)
            modem.answer(.uncertain, to: a)
            try queue([(a, "Power socket ON")], in: store, releasedBy: outbox, at: start)
            await outbox.sendDue()
            #expect(try rowStates() == ["unknown"])
            let warnings = logged(.warning)
            #expect(warnings.count == 1)
            #expect(warnings.first?.contains("Power socket ON") == true && warnings.first?.contains("not sent again") == true)

            modem.answer(.accept, to: a)
            try queue([(a, "Power socket OFF")], in: store, releasedBy: outbox, at: start)
            await outbox.sendDue()
            #expect(modem.sent.map(\.text) == ["Power socket OFF"], "the message in doubt holds nothing back")
        }

        clock.set(start.adding(seconds: 86_400))
        let (restarted, _) = try makeOutbox(modem, clock)
        restarted.start()
        await restarted.sendDue()
        #expect(restarted.nextAttempt == nil)
        #expect(modem.tries.map(\.text) == ["Power socket ON", "Power socket OFF"])
    }

    @Test func aSendACrashInterruptedIsSetAsideAtStartAndLogged() async throws {
        let modem = RecordingModem(databasePath: path)
        let clock = VirtualClock(start: start)
        do {
            let (outbox, store) = try makeOutbox(modem, clock)
            try queue([(a, "interrupted"), (a, "next")], in: store, releasedBy: outbox, at: start)
            #expect(try store.claimNextDueOutboxEntry(at: start)?.text == "interrupted")  // the process dies here
        }

        let (restarted, _) = try makeOutbox(modem, clock)
        restarted.start()
        await restarted.sendDue()
        #expect(modem.tries.map(\.text) == ["next"])
        #expect(logged(.warning).contains { $0.contains(a) && $0.contains("interrupted") })
        #expect(try rowStates() == ["unknown"])
    }

    @Test func aLongTextRefusedMidwayGoesOnWithTheRemainingParts() async throws {
        let modem = RecordingModem(databasePath: path)
        let clock = VirtualClock(start: start)
        let (outbox, store) = try makeOutbox(modem, clock)
        modem.answer(.refuseAfterParts(1), to: a)
        let text = String(repeating: "w", count: 200)
        let ids = try queue([(a, text)], in: store, releasedBy: outbox, at: start)
        await outbox.sendDue()

        modem.answer(.accept, to: a)
        clock.set(start.adding(seconds: 30))
        await outbox.sendDue()
        let tries = modem.tries
        #expect(tries.map(\.partsSent) == [0, 1])
        #expect(tries.map(\.reference) == [UInt8(truncatingIfNeeded: ids[0]), UInt8(truncatingIfNeeded: ids[0])])
        #expect(modem.sent.map(\.text) == [text])
    }
}
