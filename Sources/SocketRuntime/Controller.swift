import Logging
import SocketCore

/// The one owner of the device state: feeds events to the core, commits what changed, then carries out
/// the effects through the board's ports.
///
/// Order for every event: (1) the core decides, (2) state changes, outgoing SMS and the handled message's
/// key are committed in one transaction, (3) effects run, (4) the handled SMS is deleted from the modem.
/// Outgoing SMS are sent by the ``Outbox``: with ``Outbox/Delivery/concurrent`` beside event handling (and
/// the handled SMS is deleted once they were tried), with ``Outbox/Delivery/inline`` in step (3).
public actor Controller {
    private var core: SocketCore
    private var committed: PersistentState
    private let store: Store
    private let board: Board
    private let clock: any ControllerClock
    private let bus: EventBus
    private var timers = TimerTable()
    private var leds: [LED: LEDPattern] = [:]
    private var thermometerInService = true
    private let outbox: Outbox
    private let delivery: Outbox.Delivery
    /// The outbox's worker, with ``Outbox/Delivery/concurrent`` once started.
    private var outboxWorker: Task<Void, Never>?
    private var localReplies: [String] = []
    private let logger: Logger
    private let onNote: @Sendable (Instant, String) -> Void

    /// A controller for `model` whose state comes from `store`; `delivery` says who sends its SMS.
    public init(
        model: Model, identity: DeviceIdentity, store: Store, board: Board, clock: any ControllerClock,
        bus: EventBus = EventBus(), logger: Logger = Logger(label: "smsocket"), delivery: Outbox.Delivery = .concurrent,
        onNote: @escaping @Sendable (Instant, String) -> Void = { _, _ in }
    ) throws(StoreError) {
        let state = try store.loadState()
        self.core = SocketCore(model: model, identity: identity, persistent: state)
        self.committed = state
        self.store = store
        self.board = board
        self.clock = clock
        self.bus = bus
        self.logger = logger
        self.onNote = onNote
        self.delivery = delivery
        outbox = Outbox(store: store, modem: board.modem, clock: clock, logger: logger)
    }

    /// Starts the ports, powers the device up and starts sending what waits in the outbox (an earlier run's
    /// messages keep their schedule; those it left mid-send are set aside, never sent again).
    public func start() async throws {
        // A port that cannot start (no such chip, no such sensor) is reported and its role is out of
        // service; the rest of the board works, and STATUS names the fault.
        var faults: [String] = []
        if let key = board.modemPowerKey { await board.modem.usePowerKey(key) }
        for (name, port) in board.namedPorts {
            do {
                try await port.start(events: bus)
            } catch {
                logger.error("the \(name) did not start and is out of service: \(error)")
                faults.append(name)
            }
        }
        if faults.contains("thermometer") { thermometerInService = false }
        if !faults.isEmpty { bus.post(.hardwareFaults(faults)) }
        outbox.start()
        // What the ports reported while starting: the input levels reach the core before it powers up,
        // everything else (stored SMS) after.
        var early: [EventBus.Item] = []
        while let item = bus.next() { early.append(item) }
        for item in early where item.event.isLevelReport { await handle(item) }
        await handle(EventBus.Item(event: .powerUp, receipt: nil))
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
        while let item = bus.next() { await handle(item) }
    }

    /// When the next timer is due; with ``Outbox/Delivery/inline`` also the outbox's next try.
    public var nextDeadline: Instant? {
        let outboxNext = delivery == .inline ? outbox.nextAttempt : nil
        return [timers.next?.at, outboxNext].compactMap { $0 }.min()
    }

    /// Fires every timer due at or before the clock's current time, then drains the bus after each; with
    /// ``Outbox/Delivery/inline`` then sends the outbox's messages that are due.
    public func fireDueTimers() async {
        while let (id, _) = timers.popDue(notAfter: clock.now) {
            await handle(EventBus.Item(event: .timer(id), receipt: nil))
            await drain()
        }
        if delivery == .inline, let next = outbox.nextAttempt, next <= clock.now { await outbox.sendDue() }
    }

    /// Runs a command from the local console (trusted: no password, no window) and returns its replies.
    public func execute(localCommand text: String) async -> [String] {
        localReplies.removeAll()
        await handle(EventBus.Item(event: .localCommand(text), receipt: nil))
        await drain()
        defer { localReplies.removeAll() }
        return localReplies
    }

    /// The state as last committed.
    public var persistentState: PersistentState { committed }

    /// What the LEDs show.
    public var ledPatterns: [LED: LEDPattern] { core.leds }

    // MARK: - One event

    func handle(_ item: EventBus.Item) async {
        if let receipt = item.receipt, alreadyHandled(receipt) {
            return await acknowledge(receipt, afterRepliesThrough: nil)
        }
        let now = clock.now
        let wasUp = core.isPoweredUp
        let revision = core.persistentRevision
        let effects = core.handle(item.event, at: now)

        if !wasUp, core.isPoweredUp {
            await board.modem.setPowered(true)
            if delivery == .inline { await outbox.sendDue() }
        }
        // A dark device did not take the message: it stays in the modem for later.
        let handled = wasUp ? item.receipt : nil
        var change = Store.Change(at: now)
        if core.persistentRevision != revision { change.state = (committed, core.persistent) }
        change.handled = handled
        for case .sendSMS(let to, let text) in effects { change.outgoing.append((to, text)) }

        let outboxIDs: [Int64]
        do {
            outboxIDs = try store.commit(change)
            committed = core.persistent
        } catch {
            // Nothing may be acknowledged that is not durable: no SMS goes out, the message stays in the modem.
            logger.critical("\(error); replies withheld and the message kept in the modem")
            for effect in effects {
                if case .sendSMS = effect { continue }
                await perform(effect, outboxID: nil)
            }
            return
        }
        // Concurrently, the worker starts on the new SMS while the other effects run.
        if !outboxIDs.isEmpty { outbox.wake() }
        var ids = outboxIDs[...]
        for effect in effects {
            let id: Int64? = if case .sendSMS = effect { ids.popFirst() } else { nil }
            await perform(effect, outboxID: id)
        }
        if let handled { await acknowledge(handled, afterRepliesThrough: outboxIDs.last) }
        await showLEDs()
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

    /// Carries out `effect`; an SMS was committed to the outbox as row `outboxID`.
    private func perform(_ effect: Effect, outboxID: Int64?) async {
        do {
            switch effect {
            case .sendSMS:
                // Inline, it goes out here, in effect order (with what is due before it).
                if delivery == .inline, let outboxID { await outbox.sendDue(through: outboxID) }
            case .reply(let text):
                localReplies.append(text)
            case .setRelay(.main, let on):
                try await board.mainRelay.set(on: on)
            case .setRelay(.micro, let on):
                try await board.microRelay?.set(on: on)
            case .placeCall(let number):
                do {
                    try await board.modem.placeCall(to: number)
                } catch {
                    logger.warning("call to \(number) failed: \(error)")
                    bus.post(.callEnded(number, .noAnswer))
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
                }
            case .audio(let on):
                try await board.modem.setAudio(on: on)
            case .readTemperature:
                if let thermometer = board.thermometer, thermometerInService {
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
            }
        } catch {
            logger.error("\(effect) failed: \(error)")
        }
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
