import Logging
import Simulated
import SocketCore
import Synchronization

/// The history recorder (issue 10 item 3): what the device did and what happened to it, kept in the state
/// database within ``Retention``, for `smsocket log`.
///
/// - **What.** SMS in (the activity log's line: the command masked, what became of it) and out (once the
///   modem took it, its text masked; given up or in doubt: a failure), local and rule commands, calls,
///   relay switchings with their cause, alarm triggers and arming, the modem going online or offline and
///   registering or losing the network, and every valid thermometer reading (calibrated), rolled up into
///   hourly minimum, mean and maximum as each hour completes.
/// - **Only what happened.** Written after the event's effects ran: a relay that did not switch, a call
///   that could not be placed, is recorded as a failure (`failed`), never as done.
/// - **Never in the way.** A write that fails (a full disk) is logged, at once and then at most every
///   10 minutes while it goes on, and dropped: no command waits for the history. Writes are not synced
///   (``Store/writeHistory(_:)``).
/// - **Time** is the controller's clock (virtual in `smsocket simulate`).
public final class History: Sendable {
    /// How long the history keeps what. Pruned at most once an hour, at a write.
    ///
    /// - Entries: 180 days, and at most 10,000 (the newest, checked at each pruning); each holds at most
    ///   ``HistoryEntry/maxTextLength`` characters, so they take at most about 2.3 MB, typically a third
    ///   of that (a line is 40–100 characters).
    /// - Temperature: every reading for 7 days (one a minute: 10,080 rows), hourly minimum, mean and
    ///   maximum for 2 years (17,544 rows): about 1 MB together.
    ///
    /// All of it at its bounds stays under 5 MB (`HistoryTests` fills it and measures).
    public struct Retention: Sendable {
        public var eventDays: Int64 = 180
        public var eventLimit = 10_000
        public var readingDays: Int64 = 7
        /// Two years, a leap day included.
        public var hourDays: Int64 = 731
        public var pruneIntervalSeconds: Int64 = 3600
        public init() {}
    }

    private struct State {
        var nextPrune: Instant?
        /// The last hour rolled up (nil: not read from the database yet; .some(nil): none).
        var rolledThrough: Int64??
        /// The modem's last reported state, to record changes only.
        var modemOnline: Bool?
        var registered: Bool?
        /// Events whose effects are running (``hold()``), and the outbox's lines held back meanwhile.
        var holds = 0
        var heldBack: [HistoryEntry] = []
        var lastFailureReport: Instant?
        var failing = false
        var followers: [Int: AsyncStream<HistoryRecord>.Continuation] = [:]
        var nextFollower = 0
    }

    private let store: Store
    private let logger: Logger
    public let retention: Retention
    private let state = Mutex(State())

    public init(store: Store, logger: Logger, retention: Retention = Retention()) {
        self.store = store
        self.logger = logger
        self.retention = retention
    }

    // MARK: - Recording

    /// An event's effects start: SMS the outbox sends meanwhile (inline, or beside it) are recorded after
    /// the event's own lines (``record(_:_:lines:failed:tempCal:at:)`` ends the hold), so that a reply comes
    /// after the message it answers and after the relay it confirms.
    func hold() { state.withLock { $0.holds += 1 } }

    /// Records what an event handled at `now` did, once its effects ran: the activity log's `lines` for it
    /// (those the history keeps: ``ActivityLog/Line/kind``), with those whose effect is among `failed`
    /// recorded as failures, and what only the history notes: alarm triggers and arming, the modem's state,
    /// the temperature (`tempCal`: the TEMPCAL the reading was calibrated with).
    func record(
        _ event: Event, _ effects: [Effect], lines: [ActivityLog.Line], failed: Set<Effect>, tempCal: Int, at now: Instant
    ) {
        var entries: [HistoryEntry] = []
        for line in lines {
            guard let kind = line.kind else { continue }
            let didFail = line.effect.map(failed.contains) ?? false
            entries.append(HistoryEntry(time: now, kind: kind, text: didFail ? line.text + ": failed" : line.text, failed: didFail))
        }
        var sample: TemperatureSample?
        for case .notice(let notice) in effects {
            switch notice {
            case .alarm:
                entries.append(HistoryEntry(time: now, kind: .alarm, text: "alarm triggered"))
            case .armed(let armed):
                entries.append(HistoryEntry(time: now, kind: .alarm, text: "alarm \(armed ? "armed" : "disarmed") (\(ActivityLog.cause(of: event)))"))
            case .temperature(_?):
                // The core took the reading (after the warm-up): kept with its decimals, calibrated as STATUS is.
                if case .temperature(.celsius(let raw)) = event, raw.isFinite {
                    sample = TemperatureSample(time: now, celsius: raw - Double(tempCal))
                }
            case .temperature(nil), .sensor:
                break
            }
        }
        switch event {
        case .modemOnline(let online):
            let changed = state.withLock { s in
                defer { s.modemOnline = online }
                return s.modemOnline != online
            }
            if changed { entries.append(HistoryEntry(time: now, kind: .modem, text: online ? "modem online" : "modem offline")) }
        case .signal(let dBm):
            let changed = state.withLock { s in
                defer { s.registered = dBm != nil }
                return s.registered != (dBm != nil)
            }
            if changed {
                let text = dBm.map { "registered on the network (signal \($0) dBm)" } ?? "not registered on the network"
                entries.append(HistoryEntry(time: now, kind: .modem, text: text))
            }
        default:
            break
        }
        entries += state.withLock { s in
            s.holds = max(s.holds - 1, 0)
            guard s.holds == 0 else { return [] }
            defer { s.heldBack = [] }
            return s.heldBack
        }
        write(entries, sample: sample, at: now)
    }

    /// The most outbox lines held back while effects run; an event does not send more.
    static let heldBackCapacity = 100

    /// Records an SMS the outbox handed to the modem: sent, or a failure (given up, or in doubt and not sent
    /// again). `text` is already masked.
    func recordSent(to recipient: String, text: String, failure: String?, at now: Instant) {
        let line = "SMS to \(recipient)\(failure.map { " \($0)" } ?? ""): \(jsonStringLiteral(text))"
        let entry = HistoryEntry(time: now, kind: .sms, text: line, failed: failure != nil)
        let held = state.withLock { s in
            guard s.holds > 0 else { return false }
            if s.heldBack.count < Self.heldBackCapacity { s.heldBack.append(entry) }
            return true
        }
        if !held { write([entry], sample: nil, at: now) }
    }

    /// Writes entries and a reading in one transaction, with the roll-up of the hours the reading completes
    /// and the pruning when due; a failure is reported and the lines are dropped.
    func write(_ entries: [HistoryEntry], sample: TemperatureSample?, at now: Instant) {
        // A reading before 1970 (a virtual clock set so) has no hour to roll up into.
        let sample = sample.flatMap { $0.time.milliseconds >= 0 ? $0 : nil }
        guard !entries.isEmpty || sample != nil else { return }
        var write = Store.HistoryWrite(entries: entries, sample: sample, at: now)
        do {
            if let sample { write.rollUpFrom = try rollUp(for: sample) }
        } catch {
            return report(error, at: now)
        }
        let pruneDue = state.withLock { s in
            // Due when its time came, or when the clock went back by more than the interval.
            guard let next = s.nextPrune else { return true }
            return now >= next || now < next.adding(seconds: -retention.pruneIntervalSeconds)
        }
        if pruneDue { write.prune = retention }
        let written: [HistoryEntry]
        do {
            written = try store.writeHistory(write)
        } catch {
            return report(error, at: now)
        }
        let (followers, recovered) = state.withLock { s in
            if pruneDue { s.nextPrune = now.adding(seconds: retention.pruneIntervalSeconds) }
            if let sample { s.rolledThrough = .some(Store.hour(of: sample.time) - 1) }
            defer { s.failing = false }
            return (Array(s.followers.values), s.failing)
        }
        if recovered { logger.notice("the history is written again") }
        guard !followers.isEmpty else { return }
        let records = written.map(HistoryRecord.event) + (sample.map { [HistoryRecord.sample($0)] } ?? [])
        for follower in followers {
            for record in records { follower.yield(record) }
        }
    }

    /// The first hour to roll up with `sample` (nil: none), given the hours rolled up so far: every hour
    /// before the sample's that is not yet, once a reading of a later hour shows it complete. A reading in
    /// an hour already rolled up (the clock was set back) has that hour rolled up again once it completes.
    private func rollUp(for sample: TemperatureSample) throws(StoreError) -> Int64? {
        let hour = Store.hour(of: sample.time)
        let known = state.withLock { $0.rolledThrough }
        let rolled: Int64?
        if let known {
            rolled = known
        } else {
            rolled = try store.lastTemperatureHour()
            state.withLock { $0.rolledThrough = .some(rolled) }
        }
        guard let rolled else { return 0 }
        if hour <= rolled {
            state.withLock { $0.rolledThrough = .some(hour - 1) }
            return nil
        }
        return hour > rolled + 1 ? rolled + 1 : nil
    }

    /// Logs a failed write: at once, then at most every 10 minutes while writes keep failing.
    private func report(_ error: StoreError, at now: Instant) {
        let due = state.withLock { s in
            s.failing = true
            if let last = s.lastFailureReport, now >= last, now < last.adding(seconds: 600) { return false }
            s.lastFailureReport = now
            return true
        }
        if due { logger.error("\(error); the history misses what happened meanwhile (commands are not affected)") }
    }

    // MARK: - Following

    /// Every record written from now on, until the stream's consumer stops (`smsocket log --follow`).
    public func follow() -> AsyncStream<HistoryRecord> {
        let (stream, continuation) = AsyncStream.makeStream(of: HistoryRecord.self, bufferingPolicy: .bufferingNewest(1000))
        let id = state.withLock { s in
            defer { s.nextFollower += 1 }
            s.followers[s.nextFollower] = continuation
            return s.nextFollower
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.followers.removeValue(forKey: id) }
        }
        return stream
    }
}
