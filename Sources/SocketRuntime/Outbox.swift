import Logging
import SocketCore
import Synchronization

/// Hands the SMS the controller committed to the modem, each message on its own schedule, beside event
/// handling (spec §5 A72).
///
/// - **Committed first.** The controller queues a message in the same transaction as the state change that
///   produced it (``Store/commit(_:)``); the outbox sends only what is committed.
/// - **Order per recipient.** Messages to one recipient go out in the order they were queued: a message waits
///   while an older one to the same recipient is still pending. Messages to other recipients do not wait.
/// - **Back-off per message.** A message the network refuses (``SMSSendError/Code/refused``) is tried again
///   30 s later, then after 1, 2, 4 and 8 min, then every 10 min. The schedule is kept in the database, so a
///   restart neither resets it nor holds anything back.
/// - **Give-up.** A message still refused 24 h after it was queued is given up and logged at error level with
///   its recipient and text. The day counts from queueing, not from the first try, so that messages queued
///   behind an undeliverable one to the same recipient do not each wait another day.
/// - **At most once.** A message that may have reached the network is never sent again: one whose send ended
///   ``SMSSendError/Code/uncertain`` (the PDU written, no final answer), and one a crash interrupted (still
///   `sending` at the next start). Both are set aside as `unknown` and logged at warning level.
/// - **Long texts.** When a part is refused after earlier parts were accepted, the next try sends only the
///   remaining parts (``OutgoingSMS/partsSent``), under the same concatenation reference (derived from the
///   message's row id, so it survives restarts).
/// - **Released by the controller.** A committed message goes out only once the controller released it, after
///   the effects before it succeeded (``release(through:)``): a reply never claims a switching that failed.
///   The controller withdraws such a reply instead (``Store/Change/withdrawn``).
/// - **Never holding the controller.** See ``Delivery``. With ``Delivery/concurrent`` the controller also
///   leaves the deletion of handled messages from the modem to the outbox, which does it once the message's
///   replies were tried: a reply never waits behind a deletion in the modem's command queue, nor the
///   controller for a deletion queued behind a slow send.
///
/// Its methods run on their caller's executor (inline, the controller's: no hop to another executor) and the
/// worker ``run()`` off every actor; its own state is behind a lock, never held across a wait.
public final class Outbox: Sendable {
    /// Who hands the messages to the modem.
    public enum Delivery: Sendable {
        /// A worker task beside the controller (``run()``, started by ``Controller/start()``): no event waits
        /// for the modem. For the daemon.
        case concurrent
        /// The controller itself, at the point of each SMS effect and at the outbox's deadlines. For a virtual
        /// clock and a modem that answers at once (`smsocket simulate`, tests), where it keeps the order of
        /// the output exact.
        case inline
    }

    static let firstRetrySeconds: Int64 = 30
    static let maxRetrySeconds: Int64 = 600
    static let giveUpSeconds: Int64 = 86_400
    /// How often old rows are pruned (``Store/Retention``).
    static let maintenanceSeconds: Int64 = 86_400

    private struct State {
        /// Set while a round of sends runs, so that a second caller does not start another beside it.
        var sending = false
        /// After the database failed: nothing is sent before this, since every send must be recorded first.
        var pausedUntil: Instant?
        var nextMaintenance: Instant?
        /// ``nextAttempt`` as last read from the database (nil: to be read again): the simulation asks for it
        /// at every step. ``wake()`` clears it and counts `queued`, so that an answer read before a message
        /// was queued is not kept.
        var knownNextAttempt: Instant??
        var queued: UInt64 = 0
        /// How ``wake()`` reaches the worker while ``run()`` runs.
        var wakeUp: AsyncStream<Void>.Continuation?
        /// Handled messages to delete from the modem once the rows up to `lastReply` had their try.
        var heldAcknowledgements: [(receipt: MessageReceipt, lastReply: Int64)] = []
        /// Rows up to this id may be sent; later ones wait for ``release(through:)``.
        var released: Int64 = 0
        var secrets: [String] = []
    }

    private let store: Store
    private let modem: any ModemPort
    private let clock: any ControllerClock
    private let logger: Logger
    private let retention: Store.Retention
    /// Where each message the modem took, or that was given up or left in doubt, is recorded.
    private let history: History?
    private let state = Mutex(State())

    init(
        store: Store, modem: any ModemPort, clock: any ControllerClock, logger: Logger,
        retention: Store.Retention = Store.Retention(), history: History? = nil
    ) {
        self.store = store
        self.history = history
        self.modem = modem
        self.clock = clock
        self.logger = logger
        self.retention = retention
    }

    /// At start-up, before anything is sent: sets aside what an earlier run left mid-send (logged, never
    /// sent again) and prunes old rows.
    func start() {
        do {
            let last = try store.lastOutboxID()
            state.withLock { $0.released = max($0.released, last) }
            for entry in try store.setAsideInterruptedSends() {
                logger.warning(
                    "SMS #\(entry.id) to \(entry.to) was being sent when the controller stopped; it may have gone out, so it is not sent again (to avoid a duplicate): \(logged(entry))"
                )
            }
        } catch {
            pause(error)
        }
        maintainIfDue()
    }

    /// Sends every message that is due now (with an id up to `lastID`), one at a time, oldest first, until
    /// none is due. Returns at once when a round is already running (it picks up what became due meanwhile).
    nonisolated(nonsending) func sendDue(through lastID: Int64 = .max) async {
        let (alreadySending, releasedAtStart) = state.withLock { s in
            defer { s.sending = true }
            return (s.sending, s.released)
        }
        guard !alreadySending else { return }
        maintainIfDue()
        while !Task.isCancelled {
            let now = clock.now
            if let pausedUntil = state.withLock({ $0.pausedUntil }), now < pausedUntil { break }
            let entry: Store.OutboxEntry?
            let limit = min(lastID, state.withLock { $0.released })
            do {
                entry = try store.claimNextDueOutboxEntry(at: now, through: limit)
            } catch {
                pause(error)
                break
            }
            guard let entry else { break }
            state.withLock { $0.pausedUntil = nil }
            await attempt(entry)
            await acknowledgeHeld(through: entry.id)
            // Entries are taken in id order: none up to `lastID` is left that was due when this one was taken.
            if entry.id >= lastID { break }
        }
        state.withLock { $0.sending = false }
        // The rest wait behind an older message to their recipient, or for later: they hold nothing back. Rows
        // released while this round ran are the next round's: their messages wait for it.
        await acknowledgeHeld(through: releasedAtStart)
    }

    /// With ``Delivery/concurrent``: deletes a handled message from the modem after the worker tried the
    /// replies it caused (the outbox rows up to `lastReply`; 0 for none), so that a reply reaches the modem
    /// before the deletion instead of waiting behind it, and the controller never waits for a deletion
    /// queued in the modem behind a slow send. Never blocks.
    func acknowledge(_ receipt: MessageReceipt, afterRepliesThrough lastReply: Int64) {
        state.withLock { $0.heldAcknowledgements.append((receipt, lastReply)) }
        wake()
    }

    private nonisolated(nonsending) func acknowledgeHeld(through id: Int64) async {
        let due = state.withLock { s in
            defer { s.heldAcknowledgements.removeAll { $0.lastReply <= id } }
            return s.heldAcknowledgements.filter { $0.lastReply <= id }
        }
        for (receipt, _) in due { await modem.deleteHandled(receipt, logger: logger) }
    }

    /// When a message next falls due (nil: none waits).
    var nextAttempt: Instant? {
        let (known, pausedUntil) = state.withLock { ($0.knownNextAttempt, $0.pausedUntil) }
        let next: Instant?
        if let known {
            next = known
        } else {
            do {
                next = try store.nextOutboxAttempt(through: state.withLock { $0.released })
            } catch {
                logger.error("the outbox cannot read the state database: \(error)")
                return pausedUntil
            }
            state.withLock { $0.knownNextAttempt = .some(next) }
        }
        guard let next else { return nil }
        return pausedUntil.map { max($0, next) } ?? next
    }

    /// The worker for ``Delivery/concurrent``: sends what is due, then waits for ``wake()``, the next message
    /// falling due or the next pruning. Ends when its task is cancelled, after the send in progress. Runs off
    /// the caller's actor (`@concurrent`): the controller's executor stays free for events.
    @concurrent func run() async {
        let (wakes, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        state.withLock { $0.wakeUp = continuation }
        continuation.yield()
        let alarm = Alarm { continuation.yield() }
        for await _ in wakes {
            guard !Task.isCancelled else { break }
            await sendDue()
            let next = [nextAttempt, state.withLock { $0.nextMaintenance }].compactMap { $0 }.min()
            alarm.set(afterMilliseconds: next.map { Self.milliseconds(from: clock.now, to: $0) })
        }
        alarm.set(afterMilliseconds: nil)
        state.withLock { $0.wakeUp = nil }
        await acknowledgeHeld(through: .max)
    }

    /// The stored passwords, which no log line may show (the controller sets them after each commit).
    var secrets: [String] {
        get { state.withLock { $0.secrets } }
        set { state.withLock { $0.secrets = newValue } }
    }

    /// An entry's text as the log shows it: a reply that echoes a command has its passwords masked, and so
    /// has every occurrence of a stored password.
    private func logged(_ entry: Store.OutboxEntry) -> String {
        Redaction.hiding(secrets, in: Redaction.reply(entry.text))
    }

    /// Lets the committed rows up to `id` go out. Never blocks.
    func release(through id: Int64) {
        state.withLock { s in
            guard id > s.released else { return }
            s.released = id
            s.knownNextAttempt = nil
            s.queued &+= 1
        }
    }

    /// Tells the outbox that a message was queued or released, and wakes its worker if it runs. Never blocks.
    func wake() {
        let worker = state.withLock { s in
            s.knownNextAttempt = nil
            s.queued &+= 1
            return s.wakeUp
        }
        worker?.yield()
    }

    /// The wait after the `attempts`-th refusal: 30 s, doubling, at most 10 min.
    static func retryDelay(afterAttempts attempts: Int) -> Int64 {
        let doublings = min(max(attempts - 1, 0), 5)
        return min(firstRetrySeconds << Int64(doublings), maxRetrySeconds)
    }

    // MARK: - One try

    /// Hands `entry`, already marked `sending`, to the modem and records what came of it.
    private nonisolated(nonsending) func attempt(_ entry: Store.OutboxEntry) async {
        let message = OutgoingSMS(
            to: entry.to, text: entry.text, reference: UInt8(truncatingIfNeeded: entry.id), partsSent: entry.partsSent)
        let failure: SMSSendError?
        do {
            try await modem.sendSMS(message)
            failure = nil
        } catch {
            failure = error
        }
        let outcome = self.outcome(of: entry, failure)
        let (queuedBefore, released) = state.withLock { ($0.queued, $0.released) }
        do {
            let next = try store.record(outcome, for: entry.id, nextThrough: released)
            state.withLock { s in s.knownNextAttempt = s.queued == queuedBefore ? .some(next) : nil }
        } catch {
            state.withLock { $0.knownNextAttempt = nil }
            pause(error)
        }
        let settled: String??
        switch outcome {
        case .sent: settled = .some(nil)
        case .unknown: settled = "may have gone out (no final answer from the modem; not sent again)"
        case .givenUp: settled = "given up after \(entry.attempts) refusals"
        case .refused: settled = nil
        }
        if let settled { history?.recordSent(to: entry.to, text: logged(entry), failure: settled, at: clock.now) }
        guard let failure else { return }
        switch outcome {
        case .sent:
            break
        case .unknown:
            logger.warning("SMS #\(entry.id) to \(entry.to) \(failure); it is not sent again (to avoid a duplicate): \(logged(entry))")
        case .givenUp:
            logger.error(
                "SMS #\(entry.id) to \(entry.to) given up: refused \(entry.attempts) times since it was queued at \(entry.queuedAt) (last: \(failure.detail)); lost text: \(logged(entry))"
            )
        case .refused(_, let next):
            logger.warning("SMS #\(entry.id) to \(entry.to) \(failure); try \(entry.attempts), next at \(next)")
        }
    }

    /// The rule: sent; in doubt, never again; refused, tried again after the back-off, or given up a day after
    /// it was queued.
    private func outcome(of entry: Store.OutboxEntry, _ failure: SMSSendError?) -> Store.SendOutcome {
        guard let failure else { return .sent }
        switch failure.code {
        case .uncertain:
            return .unknown(partsSent: failure.partsSent)
        case .refused:
            let now = clock.now
            if entry.queuedAt <= now.adding(seconds: -Self.giveUpSeconds) { return .givenUp(partsSent: failure.partsSent) }
            let delay = Self.retryDelay(afterAttempts: entry.attempts)
            return .refused(partsSent: failure.partsSent, nextAttempt: now.adding(seconds: delay))
        }
    }

    private func pause(_ error: StoreError) {
        state.withLock { $0.pausedUntil = clock.now.adding(seconds: Self.firstRetrySeconds) }
        logger.error("the outbox cannot use the state database; no SMS is sent for \(Self.firstRetrySeconds) s: \(error)")
    }

    private func maintainIfDue() {
        let now = clock.now
        let due = state.withLock { s in
            if let next = s.nextMaintenance, now < next { return false }
            s.nextMaintenance = now.adding(seconds: Self.maintenanceSeconds)
            return true
        }
        guard due else { return }
        do {
            try store.prune(at: now, retention: retention)
        } catch {
            logger.error("could not prune old outbox rows and handled-message keys: \(error)")
        }
    }

    /// From `now` to `deadline`, between 0 and a day (a deadline read from the database is not trusted).
    private static func milliseconds(from now: Instant, to deadline: Instant) -> Int64 {
        let longest = maintenanceSeconds * 1000
        let (difference, overflow) = deadline.milliseconds.subtractingReportingOverflow(now.milliseconds)
        guard !overflow else { return deadline > now ? longest : 0 }
        return min(max(difference, 0), longest)
    }
}


