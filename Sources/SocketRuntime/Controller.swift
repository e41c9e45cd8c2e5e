import Logging
import LuaRules
import SocketCore

/// The one owner of the device state: feeds events to the core, commits what changed, then carries out
/// the effects through the board's ports.
///
/// Order for every event: (1) the core decides, (2) state changes, outgoing SMS and the handled message's
/// key are committed in one transaction, (3) effects run, (4) the handled SMS is deleted from the modem.
/// If (2) fails, the core goes back to the committed state, nothing of the event happens and it is tried
/// again later, in order (the message stays in the modem meanwhile). In (3) a reply is let out only if the
/// outputs before it switched; a failed output goes back to the core as ``Event/outputsFailed(_:)``, which
/// answers `Execute error!` instead. Outgoing SMS are sent by the ``Outbox``: with
/// ``Outbox/Delivery/concurrent`` beside event handling (and the handled SMS is deleted once they were
/// tried), with ``Outbox/Delivery/inline`` in step (3).
public actor Controller {
    private var core: SocketCore
    private var committed: PersistentState
    private let store: Store
    private let board: Board
    private let clock: any ControllerClock
    private let bus: EventBus
    private var timers = TimerTable()
    private var leds: [LED: LEDPattern] = [:]
    /// The parts whose port did not start, by name: out of service until the controller restarts.
    private var outOfService: Set<String> = []
    private let outbox: Outbox
    /// What happened, for `smsocket log` (written after each event's effects ran).
    public nonisolated let history: History
    private let delivery: Outbox.Delivery
    /// The outbox's worker, with ``Outbox/Delivery/concurrent`` once started.
    private var outboxWorker: Task<Void, Never>?
    private var localReplies: [String] = []
    /// Outputs whose last switching failed.
    private var faultyOutputs: Set<Relay> = []
    /// Events whose commit failed, oldest first, and when they are tried again.
    private var postponed: [Work] = []
    private var retryAt: Instant?
    private var lastCommitFailureReport: Instant?
    /// The Lua rules, when a rules folder is configured.
    private var rules: RuleEngine?
    private let logger: Logger
    /// When ``start()`` was called, for the uptime `smsocket status` reports.
    private var startedAt: Instant?
    private let onNote: @Sendable (Instant, String) -> Void

    /// A controller for `model` whose state comes from `store`; `delivery` says who sends its SMS. Its notes
    /// and activity log lines go to `logger` at info level and to `onNote`. `zone`: the configured time
    /// zone, which the device clock then follows.
    public init(
        model: Model, identity: DeviceIdentity, store: Store, board: Board, clock: any ControllerClock,
        bus: EventBus = EventBus(), logger: Logger = Logger(label: "smsocket"), delivery: Outbox.Delivery = .concurrent,
        zone: ZoneRules? = nil, onNote: @escaping @Sendable (Instant, String) -> Void = { _, _ in }
    ) throws(StoreError) {
        let state = try store.loadState()
        self.core = SocketCore(model: model, identity: identity, persistent: state, equipment: board.equipment, zone: zone)
        self.committed = state
        self.store = store
        self.board = board
        self.clock = clock
        self.bus = bus
        self.logger = logger
        self.onNote = onNote
        self.delivery = delivery
        let history = History(store: store, logger: logger)
        self.history = history
        outbox = Outbox(store: store, modem: board.modem, clock: clock, logger: logger, history: history)
        outbox.secrets = state.secrets
    }

    /// Where the Lua rules come from (rules-api.md), and where their `log` and failures go.
    public struct RuleSetup: Sendable {
        public var folder: String
        /// `rule_memory_kib`.
        public var memoryKiB: Int
        /// `[location]`'s coordinates, for sun times.
        public var location: Coordinates?
        /// Each `log` line (false) or failure (true) of a rule, with the controller's time: simulate prints them
        /// as `rule-log` / `rule-error`; the log has them too.
        public var output: @Sendable (Instant, String, String, Bool) -> Void

        public init(
            folder: String, memoryKiB: Int = 1024, location: Coordinates? = nil,
            output: @escaping @Sendable (Instant, String, String, Bool) -> Void = { _, _, _, _ in }
        ) {
            self.folder = folder
            self.memoryKiB = memoryKiB
            self.location = location
            self.output = output
        }
    }

    /// Runs the rules of `setup` from the next ``start()`` (or at once, when already started: as a reload).
    public func useRules(_ setup: RuleSetup) {
        let clock = self.clock
        let output = setup.output
        let configuration = RuleHostConfiguration(memoryLimitKiB: setup.memoryKiB, hasLocation: setup.location != nil)
        let engine = RuleEngine(folder: setup.folder, store: store, configuration: configuration, logger: logger) { rule, text, failed in
            output(clock.now, rule, text, failed)
        }
        engine.location = setup.location
        rules = engine
    }

    /// Loads every rule again (SIGHUP, `reload`): waiting runs are cancelled, each rule's `data` is kept.
    /// Returns what loaded and what failed (loading, or in a `start` handler run since); nil without a rules
    /// folder.
    @discardableResult
    public func reloadRules() async -> RulesReport? {
        guard let rules else { return nil }
        rules.device = core
        rules.now = clock.now
        let catalog = rules.loadAll()
        await handle(EventBus.Item(event: .rulesLoaded(catalog), receipt: nil))
        for id in rules.takeEndedCalls() { await handle(EventBus.Item(event: .ruleHangup(id: id), receipt: nil)) }
        await drain()
        return rulesReport
    }

    /// Whether a rules folder is configured.
    var hasRules: Bool { rules != nil }

    /// The rules loaded and each one's latest failure since they were loaded; nil without a rules folder.
    var rulesReport: RulesReport? {
        guard let rules else { return nil }
        let failing = rules.failures.sorted { $0.key < $1.key }.map { RulesReport.Failure(rule: $0.key, error: $0.value.text, at: $0.value.at) }
        return RulesReport(loaded: rules.loadedRules, failing: failing, problem: rules.folderProblem)
    }

    /// Carries out one of the rules' jobs and what it asks for.
    private func runRuleJob(_ job: RuleEngine.Job) async {
        guard let rules else { return }
        rules.device = core
        rules.now = clock.now
        switch rules.run(job) {
        case nil:
            break
        case .action(let run, let action)?:
            let result = await carryOut(action, for: run)
            rules.answer(run, .action(result))
        case .call(let run, let number, let ring)?:
            let id = rules.request(for: run, call: true)
            await handle(EventBus.Item(event: .ruleCall(id: id, number: number, ringSeconds: ring), receipt: nil))
        case .ussd(let run, let code)?:
            let id = rules.request(for: run, call: false)
            await handle(EventBus.Item(event: .ruleUSSD(id: id, code: code), receipt: nil))
        case .commandDone(let id, let reply, let failed)?:
            await handle(EventBus.Item(event: .ruleCommandDone(id: id, reply: reply, failed: failed), receipt: nil))
        case .alarmResponseEnded(let failed)?:
            await handle(EventBus.Item(event: .alarmResponseEnded(failed: failed), receipt: nil))
        }
        // A run that ended takes its call with it.
        for id in rules.takeEndedCalls() { await handle(EventBus.Item(event: .ruleHangup(id: id), receipt: nil)) }
    }

    /// A rule's action, through the same command path as an SMS with the local console's trust.
    private func carryOut(_ action: RuleAction, for run: RunID) async -> Result<String?, RuleActionError> {
        func console(_ event: Event) async -> [String] {
            localReplies.removeAll()
            await handle(EventBus.Item(event: event, receipt: nil))
            defer { localReplies.removeAll() }
            return localReplies
        }
        let failedSwitching = { (what: String) in RuleActionError("the \(what) did not switch (see STATUS and the log)") }
        switch action {
        case .main(let on, let seconds):
            let replies = await console(.ruleSwitch(.main, on: on, revertAfterSeconds: seconds))
            return replies.contains(ReplyText.executeError) ? .failure(failedSwitching(Relay.main.partName)) : .success(nil)
        case .restartMain:
            let replies = await console(.localCommand("RESTART"))
            return replies.contains(ReplyText.executeError) ? .failure(failedSwitching(Relay.main.partName)) : .success(nil)
        case .micro(let on, let seconds):
            guard core.equipment.contains(.microRelay) else { return .failure(RuleActionError("this board has no micro-relay")) }
            let replies = await console(.ruleSwitch(.micro, on: on, revertAfterSeconds: seconds))
            return replies.contains(ReplyText.executeError) ? .failure(failedSwitching(Relay.micro.partName)) : .success(nil)
        case .sms(let recipients, let text):
            let count: Int =
                switch recipients {
                case .numbers(let numbers): numbers.count
                case .alertNumbers: core.snapshot.alertNumbers.count
                }
            guard rules?.admitSMS(of: run.rule, messages: count) ?? true else {
                return .failure(RuleActionError("this rule queued \(RuleEngine.smsPerHour) SMS within the last hour; no more are sent until the hour is over"))
            }
            let replies = await console(.ruleSMS(recipients, text: text))
            return replies.contains(ReplyText.executeError) ? .failure(RuleActionError("the SMS cannot be queued (the state database refuses writes)")) : .success(nil)
        case .hangup:
            if let id = rules?.call(of: run) { await handle(EventBus.Item(event: .ruleHangup(id: id), receipt: nil)) }
            return .success(nil)
        case .run(let text):
            let replies = await console(.localCommand(text))
            return .success(replies.isEmpty ? nil : replies.joined(separator: "\n"))
        }
    }

    /// Starts the ports, powers the device up and starts sending what waits in the outbox (an earlier run's
    /// messages keep their schedule; those it left mid-send are set aside, never sent again).
    public func start() async throws {
        startedAt = clock.now
        // A port that cannot start (no such chip, no such sensor) is reported and its role is out of
        // service; the rest of the board works, and STATUS names the fault.
        var faults: [String] = []
        if let key = board.modemPowerKey { await board.modem.usePowerKey(key) }
        await board.modem.keepOutOfLogs(committed.passwords)
        for (name, port) in board.namedPorts {
            do {
                try await port.start(events: bus)
            } catch {
                logger.error("the \(name) did not start and is out of service: \(error)")
                faults.append(name)
            }
        }
        outOfService = Set(faults)
        if !faults.isEmpty { bus.post(.hardwareFaults(faults)) }
        outbox.start()
        // What the ports reported while starting: the input levels reach the core before it powers up,
        // everything else (stored SMS) after.
        var early: [EventBus.Item] = []
        while let item = bus.next() { early.append(item) }
        for item in early where item.event.isLevelReport { await handle(item) }
        await handle(EventBus.Item(event: .powerUp, receipt: nil))
        if rules != nil { await reloadRules() }
        for item in early where !item.event.isLevelReport { await handle(item) }
        await drain()
        if delivery == .concurrent, outboxWorker == nil {
            let outbox = self.outbox
            outboxWorker = Task { await outbox.run() }
        }
    }

    /// Stops the outbox's worker (after the send in progress, so that it is not left in doubt), then the
    /// ports. The state is already committed.
    public func stop() async {
        outboxWorker?.cancel()
        await outboxWorker?.value
        outboxWorker = nil
        for driver in board.leds.values { await driver.stop() }
        for (_, port) in board.namedPorts { await port.stop() }
    }

    /// Handles every event queued in the bus, including those its own effects post.
    public func drain() async {
        while true {
            if let item = bus.next() {
                await handle(item)
            } else if let job = rules?.nextJob() {
                await runRuleJob(job)
            } else {
                return
            }
        }
    }

    /// When the next timer is due; with ``Outbox/Delivery/inline`` also the outbox's next try.
    public var nextDeadline: Instant? {
        let outboxNext = delivery == .inline ? outbox.nextAttempt : nil
        return [timers.next?.at, outboxNext, retryAt, rules?.nextDeadline].compactMap { $0 }.min()
    }

    /// Tries again the events whose commit failed once their retry is due, fires every timer due at or before
    /// the clock's current time, then drains the bus after each; with ``Outbox/Delivery/inline`` then sends the
    /// outbox's messages that are due.
    public func fireDueTimers() async {
        if let retryAt, retryAt <= clock.now { await retryPostponed() }
        while let (id, _) = timers.popDue(notAfter: clock.now) {
            await handle(EventBus.Item(event: .timer(id), receipt: nil))
            await drain()
        }
        if let rules, let due = rules.nextDeadline, due <= clock.now {
            rules.device = core
            rules.now = clock.now
            rules.fireDue()
            await drain()
        }
        if delivery == .inline, let next = outbox.nextAttempt, next <= clock.now { await outbox.sendDue() }
    }

    /// Runs a command from the local console (trusted: no password, no window) and returns its replies.
    public func execute(localCommand text: String) async -> [String] {
        await consoleReplies(to: .localCommand(text))
    }

    /// Queues an SMS to `number` in the outbox on the local console's behalf (`smsocket sms`) and returns once
    /// it is committed: `OK`; `Execute error!` when the state database refused it; nothing when the device is
    /// dark (a battery run ended). Only with `OK` was it queued.
    public func queueSMS(to number: String, text: String) async -> [String] {
        await consoleReplies(to: .localSMS(to: number, text: text))
    }

    /// The history lines `query` selects (`smsocket log`), read beside the controller's work.
    public nonisolated func historyRecords(_ query: HistoryQuery) throws(StoreError) -> [HistoryRecord] {
        try query.records(in: store)
    }

    /// `smsocket import`: the settings of `settings` replace the device's (``Event/importSettings(_:)``);
    /// true once they are committed (with ``Store/Durability/full``, synced to the disk), false when the
    /// state database refused them and nothing changed.
    public func importSettings(_ settings: PersistentState) async -> Bool {
        await consoleReplies(to: .importSettings(settings)) != [ReplyText.executeError]
    }

    /// Handles a console event and all it leads to; returns the replies it had for the console.
    private func consoleReplies(to event: Event) async -> [String] {
        localReplies.removeAll()
        await handle(EventBus.Item(event: event, receipt: nil))
        await drain()
        defer { localReplies.removeAll() }
        return localReplies
    }

    /// What `smsocket status` shows, as of now (`version`: the program's).
    func controlStatus(version: String) async -> ControlStatus {
        let device = core.snapshot
        let network = await board.modem.networkStatus()
        var outbox = ControlStatus.OutboxCounts(pending: 0, failed: 0)
        do {
            outbox = try store.outboxCounts()
        } catch {
            logger.error("\(error)")
        }
        let signalWord = !device.modemOnline ? "modem offline" : device.signal.map(ReplyText.signalWord) ?? "no network"
        return ControlStatus(
            version: version, model: device.model.rawValue,
            uptimeSeconds: startedAt.map { max(0, clock.now.milliseconds - $0.milliseconds) / 1000 } ?? 0,
            relays: .init(main: device.mainOn, micro: device.microOn),
            temperature: device.temperature,
            alarm: .init(
                armed: device.armed, phase: device.alarmPhase, triggered: ["cycle", "lockout"].contains(device.alarmPhase),
                activity: device.alarmActivity, sensorActive: device.sensorActive),
            modem: .init(
                online: device.modemOnline, signalDbm: device.modemOnline ? device.signal : nil, signal: signalWord,
                registration: network.registration?.rawValue, operatorName: network.operatorName,
                waitingForAPerson: network.waitingForAPerson),
            mainsPresent: device.mainsPresent, outbox: outbox, rules: rulesReport, faults: core.faultyParts)
    }

    /// The state as last committed.
    public var persistentState: PersistentState { committed }

    /// What the LEDs show.
    public var ledPatterns: [LED: LEDPattern] { core.leds }

    // MARK: - One event

    /// An event to handle, with what it may take back: a correction (``Event/outputsFailed(_:)``) carries the
    /// replies that the failed switching produced and that were held back.
    struct Work {
        var item: EventBus.Item
        var heldReplies: [HeldReply] = []
    }

    /// A reply held back because an output before it in its event failed. `outboxID` is nil for a reply to
    /// the local console.
    struct HeldReply {
        var outboxID: Int64?
        var to: String?
        var text: String
    }

    /// How long an event whose commit failed waits before it is tried again.
    static let commitRetrySeconds: Int64 = 10
    /// Events kept for a retry while the database refuses commits; later ones are dropped with a log line
    /// (an SMS among them stays in the modem, which hands it over again).
    static let postponedCapacity = 256

    func handle(_ item: EventBus.Item) async {
        if let receipt = item.receipt, alreadyHandled(receipt) {
            return await acknowledge(receipt, afterRepliesThrough: nil)
        }
        let work = Work(item: item)
        // The console waits for its answer: it is refused at once rather than kept for a retry.
        if item.event.isConsole {
            guard postponed.isEmpty, await run(work) else { return localReplies = [ReplyText.executeError] }
            return
        }
        // Events keep their order: while earlier ones wait for the database, this one waits behind them.
        if postponed.isEmpty {
            if await run(work) { return }
            postpone(work)
        } else {
            postpone(work)
            await retryPostponed()
        }
    }

    /// Handles one event: (1) the core decides, (2) what changed is committed, or, if that fails, the core goes
    /// back to the committed state and nothing of the event happens, (3) effects run in order; an SMS or
    /// console reply is let out only if the outputs before it switched, (4) the handled SMS is deleted from the
    /// modem, (5) failed outputs are handed back to the core as one more event. Returns false when the commit
    /// failed (the caller keeps the event for a retry).
    private func run(_ work: Work) async -> Bool {
        let item = work.item
        let now = clock.now
        let before = core
        let wasUp = core.isPoweredUp
        let revision = core.persistentRevision
        let effects = core.handle(item.event, at: now)

        // A dark device did not take the message: it stays in the modem for later.
        let handled = wasUp ? item.receipt : nil
        var change = Store.Change(at: now)
        if core.persistentRevision != revision { change.state = (committed, core.persistent) }
        change.handled = handled
        for case .sendSMS(let to, let text) in effects { change.outgoing.append((to, text)) }
        let retracted = Set(effects.compactMap { effect -> String?? in
            if case .retractReplies(let to) = effect { return .some(to) } else { return nil }
        })
        change.withdrawn = work.heldReplies.filter { retracted.contains($0.to) }.compactMap(\.outboxID)
        let kept = work.heldReplies.filter { !retracted.contains($0.to) }

        let outboxIDs: [Int64]
        do {
            outboxIDs = try store.commit(change)
            committed = core.persistent
        } catch {
            // Nothing may happen that is not durable: no effect runs, the message stays in the modem. Except that
            // a switch-off no person asked for (a timer's, the thermostat's) happens anyway: a full disk must not
            // keep a heater on. The event is tried again and then switches the relay off, as it already is.
            core = before
            if item.event.isAutomatic {
                for case .setRelay(let relay, false) in effects { _ = await switchOutput(relay, on: false) }
            }
            reportCommitFailure(error, item.event)
            return false
        }
        let secrets = committed.secrets
        // The outbox's copy changes only with the state (a PASSWORD or RENEWINTERVALPW command).
        if change.state != nil {
            outbox.secrets = secrets
            if committed.passwords != before.persistent.passwords { await board.modem.keepOutOfLogs(committed.passwords) }
        }
        let lines = ActivityLog.lines(for: item.event, effects, hiding: secrets)
        ActivityLog(logger: logger, onLine: onNote).write(lines, at: now)
        // Ended by `history.record` below, which nothing between skips.
        history.hold()
        if !wasUp, core.isPoweredUp {
            await board.modem.setPowered(true)
            if delivery == .inline { await outbox.sendDue() }
        }
        for reply in kept { await letOut(reply) }

        var failed: [Relay: Bool] = [:]
        var failedEffects: Set<Effect> = []
        var switched: [(Relay, Bool)] = []
        var held: [HeldReply] = []
        var ids = outboxIDs[...]
        for effect in effects {
            switch effect {
            case .sendSMS(let to, let text):
                guard let id = ids.popFirst() else { continue }
                let reply = HeldReply(outboxID: id, to: to, text: text)
                if failed.isEmpty { await letOut(reply) } else { held.append(reply) }
            case .reply(let text):
                let reply = HeldReply(outboxID: nil, to: nil, text: text)
                if failed.isEmpty { await letOut(reply) } else { held.append(reply) }
            case .setRelay(let relay, let on):
                if await switchOutput(relay, on: on) {
                    switched.append((relay, on))
                } else {
                    failed[relay] = on
                    failedEffects.insert(effect)
                }
            default:
                if await !perform(effect) { failedEffects.insert(effect) }
            }
        }
        history.record(item.event, effects, lines: lines, failed: failedEffects, tempCal: committed.tempCal, at: now)
        if let handled { await acknowledge(handled, afterRepliesThrough: outboxIDs.last) }
        await showLEDs()
        if let rules {
            rules.device = core
            rules.now = now
            rules.observe(item.event, effects, switched: switched)
            for id in rules.takeEndedCalls() { await handle(EventBus.Item(event: .ruleHangup(id: id), receipt: nil)) }
        }
        if !failed.isEmpty {
            let correction = Work(item: EventBus.Item(event: .outputsFailed(failed), receipt: nil), heldReplies: held)
            if await !run(correction) { postpone(correction, first: true) }
        }
        return true
    }

    /// Sends a reply whose effects before it succeeded: an SMS is released to the outbox (inline, sent here, in
    /// effect order), a console reply is returned to the caller.
    private func letOut(_ reply: HeldReply) async {
        guard let id = reply.outboxID else { return localReplies.append(reply.text) }
        outbox.release(through: id)
        switch delivery {
        case .inline: await outbox.sendDue(through: id)
        case .concurrent: outbox.wake()
        }
    }

    /// Switches a relay; says whether it did. A failure is logged in plain words; the first success after a
    /// failure is reported to the core.
    private func switchOutput(_ relay: Relay, on: Bool) async -> Bool {
        let port: (any OutputPort)? = relay == .main ? board.mainRelay : board.microRelay
        do {
            guard let port else { throw OutputUnavailable.missing }
            guard !outOfService.contains(relay.partName) else { throw OutputUnavailable.didNotStart }
            try await port.set(on: on)
        } catch {
            logger.error("the \(relay.partName) did not switch \(on ? "on" : "off"): \(error)")
            faultyOutputs.insert(relay)
            return false
        }
        if faultyOutputs.remove(relay) != nil {
            let recovery = Work(item: EventBus.Item(event: .outputWorks(relay), receipt: nil))
            if await !run(recovery) { postpone(recovery, first: true) }
        }
        return true
    }

    private enum OutputUnavailable: Error, CustomStringConvertible {
        case missing, didNotStart
        var description: String {
            switch self {
            case .missing: "the board has no such output"
            case .didNotStart: "it is out of service since it did not start (see the start-up log)"
            }
        }
    }

    /// Logs a failed commit: at once the first time, then at most every 10 minutes while it goes on.
    private func reportCommitFailure(_ error: StoreError, _ event: Event) {
        let now = clock.now
        if let last = lastCommitFailureReport, now < last.adding(seconds: 600) { return }
        lastCommitFailureReport = now
        logger.critical(
            "\(error); the \(event.summary) is not acted on (\(postponed.count) events wait); every \(Self.commitRetrySeconds) s they are tried again, in order")
    }

    /// Keeps an event whose commit failed (or that must wait behind one) for ``retryPostponed()``.
    private func postpone(_ work: Work, first: Bool = false) {
        let event = work.item.event
        let duplicate = postponed.contains { waiting in
            if let receipt = work.item.receipt { return waiting.item.receipt?.key == receipt.key }
            if case .timer = event { return waiting.item.event == event }
            return false
        }
        if !duplicate {
            if postponed.count >= Self.postponedCapacity, !first {
                logger.error("\(Self.postponedCapacity) events already wait for the state database; the \(event.summary) is dropped")
            } else {
                postponed.insert(work, at: first ? 0 : postponed.endIndex)
            }
        }
        retryAt = clock.now.adding(seconds: Self.commitRetrySeconds)
    }

    /// Handles the events that wait for the database, in order, until one fails again.
    private func retryPostponed() async {
        while !postponed.isEmpty {
            let work = postponed.removeFirst()
            guard await run(work) else {
                postponed.insert(work, at: 0)
                retryAt = clock.now.adding(seconds: Self.commitRetrySeconds)
                return
            }
        }
        retryAt = nil
        if lastCommitFailureReport != nil {
            lastCommitFailureReport = nil
            logger.notice("the state database takes commits again; every waiting event was handled")
        }
    }

    private func alreadyHandled(_ receipt: MessageReceipt) -> Bool {
        do {
            guard try store.wasHandled(receipt) else { return false }
        } catch {
            logger.error("\(error)")
            return false
        }
        do {
            try store.handledMessageSeenAgain(receipt, at: clock.now)
        } catch {
            logger.error("\(error)")
        }
        return true
    }

    /// Deletes a handled message from the modem, after its replies (outbox rows up to `lastReply`). Inline
    /// they were sent already. Concurrently the outbox's worker deletes it once it tried them: a reply does
    /// not wait behind the deletion, and the controller does not wait for a deletion queued in the modem
    /// behind a slow send.
    private func acknowledge(_ receipt: MessageReceipt, afterRepliesThrough lastReply: Int64?) async {
        switch delivery {
        case .concurrent: outbox.acknowledge(receipt, afterRepliesThrough: lastReply ?? 0)
        case .inline: await board.modem.deleteHandled(receipt, logger: logger)
        }
    }

    /// Carries out an effect other than an SMS, a console reply or a relay switching; says whether it did
    /// (a failure is logged).
    private func perform(_ effect: Effect) async -> Bool {
        do {
            switch effect {
            case .sendSMS, .reply, .setRelay, .retractReplies:
                break  // handled in ``run(_:)``
            case .notice, .ruleCallDone, .ruleUSSDDone:
                break  // for the rules (``RuleEngine/observe(_:_:switched:)``)
            case let effect where rules?.handles(effect) == true:
                break  // the rules run it (``RuleEngine/observe(_:_:switched:)``)
            case .ruleAction(let name):
                logger.error("the scheduler fired the action \(name), but no rule defines it")
            case .ruleCommand(let request):
                logger.error("no rule handles the command \(request.keyword)")
                bus.post(.ruleCommandDone(id: request.id, reply: nil, failed: true))
            case .alarmResponse(let start):
                // Without a rule to run it, the cycle falls back to the built-in SMS at once.
                if start { bus.post(.alarmResponseEnded(failed: true)) }
            case .placeCall(let number):
                do {
                    try await board.modem.placeCall(to: number)
                } catch {
                    logger.warning("call to \(number) failed: \(error)")
                    bus.post(.callEnded(number, .noAnswer))
                    return false
                }
            case .endCall(let number):
                try await board.modem.endCall(to: number)
            case .rejectCall(let number):
                try await board.modem.rejectCall(from: number)
            case .sendUSSD(let code):
                do {
                    try await board.modem.sendUSSD(code: code)
                } catch {
                    logger.warning("USSD \(code) failed: \(error)")
                    bus.post(.ussdReply(nil))
                    return false
                }
            case .audio(let on):
                try await board.modem.setAudio(on: on)
            case .readTemperature:
                if let thermometer = board.thermometer, !outOfService.contains(SocketCore.thermometerPart) {
                    thermometer.requestReading()
                } else {
                    bus.post(.temperature(.missing))
                }
            case .schedule(let id, let at):
                timers.schedule(id, at: at)
            case .cancelTimer(let id):
                timers.cancel(id)
            case .powerDown:
                timers.removeAll()
                await board.modem.setPowered(false)
            case .note(let text):
                logger.info("\(text)")
                onNote(clock.now, text)
            case .verdict:
                break  // in the activity log already
            }
        } catch {
            logger.error("could not \(effect.summary): \(error)")
            return false
        }
        return true
    }

    private func showLEDs() async {
        guard !board.leds.isEmpty else { return }
        let now = core.leds
        guard now != leds else { return }
        for (led, pattern) in now where leds[led] != pattern {
            await board.leds[led]?.show(pattern)
        }
        leds = now
    }
}

extension Event {
    /// Whether the event comes from the local console or a rule, which wait for its answer.
    var isConsole: Bool {
        switch self {
        case .localCommand, .localSMS, .ruleSwitch, .ruleSMS, .importSettings: true
        default: false
        }
    }

    /// Whether no person is behind the event: a timer or a thermometer reading.
    var isAutomatic: Bool {
        switch self {
        case .timer, .temperature: true
        default: false
        }
    }
}

extension ModemPort {
    /// Deletes a handled message from the modem's storage. A failure is only logged: the modem reports the
    /// message again (at its next sweep or start), its key says it was handled, and it is deleted then.
    func deleteHandled(_ receipt: MessageReceipt, logger: Logger) async {
        do {
            try await acknowledge(receipt)
        } catch {
            logger.warning("could not delete message \(receipt.key) from the modem: \(error)")
        }
    }
}
