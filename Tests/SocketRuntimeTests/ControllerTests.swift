import Foundation
import Exec
import GRDB
import InMemoryLogging
import Logging
import Simulated
import SocketCore
import Synchronization
import Testing

@testable import SocketRuntime

/// A modem that records what it is asked to do and, at each SMS it sends, what the database holds. Each
/// recipient's SMS can be refused or end in doubt, and sends can be held until the test releases them.
final class RecordingModem: ModemPort {
    struct Sent: Equatable {
        var to: String
        var text: String
        /// RESTARTTIME as committed in the database at the moment the SMS was handed to the modem.
        var committedRestartTime: Int
    }

    /// How the modem ends a send. `refuseAfterParts(n)`: the network took the first `n` parts of a long text.
    enum Answer { case accept, refuse, refuseAfterParts(Int), uncertain }

    private struct State {
        var sent: [Sent] = []
        var tries: [OutgoingSMS] = []
        var acknowledged: [MessageReceipt] = []
        var answers: [String: Answer] = [:]
        var answer = Answer.accept
        var holding = false
        var held: [CheckedContinuation<Void, Never>] = []
        /// `start` and each ``keepOutOfLogs(_:)``'s passwords, in order.
        var lifecycle: [String] = []
    }

    private let state = Mutex(State())
    let databasePath: String
    /// Every call of ``sendSMS(_:)``, as it starts.
    let attempts: AsyncStream<OutgoingSMS>
    private let attemptsContinuation: AsyncStream<OutgoingSMS>.Continuation

    init(databasePath: String) {
        self.databasePath = databasePath
        (attempts, attemptsContinuation) = AsyncStream.makeStream()
    }

    var sent: [Sent] { state.withLock { $0.sent } }
    /// Every message handed to the modem, whatever became of it.
    var tries: [OutgoingSMS] { state.withLock { $0.tries } }
    var acknowledged: [MessageReceipt] { state.withLock { $0.acknowledged } }
    func failSends(_ fail: Bool) { state.withLock { $0.answer = fail ? .refuse : .accept } }
    func answer(_ answer: Answer, to number: String) { state.withLock { $0.answers[number] = answer } }
    /// Sends from now on wait in the modem until ``release()``.
    func hold() { state.withLock { $0.holding = true } }
    func release() {
        let held = state.withLock { s in
            s.holding = false
            defer { s.held = [] }
            return s.held
        }
        for continuation in held { continuation.resume() }
    }

    var lifecycle: [String] { state.withLock { $0.lifecycle } }
    func start(events: any EventSink) async throws { state.withLock { $0.lifecycle.append("start") } }
    func keepOutOfLogs(_ passwords: Redaction.Passwords) async { state.withLock { $0.lifecycle.append("passwords \(passwords.all)") } }
    func stop() async {}
    func sendSMS(_ message: OutgoingSMS) async throws(SMSSendError) {
        let answer = state.withLock { s in
            s.tries.append(message)
            return s.answers[message.to] ?? s.answer
        }
        attemptsContinuation.yield(message)
        await withCheckedContinuation { continuation in
            let wait = state.withLock { s in
                if s.holding { s.held.append(continuation) }
                return s.holding
            }
            if !wait { continuation.resume() }
        }
        switch answer {
        case .refuse: throw SMSSendError(.refused, partsSent: message.partsSent, "+CMS ERROR: 500")
        case .refuseAfterParts(let parts): throw SMSSendError(.refused, partsSent: max(parts, message.partsSent), "+CMS ERROR: 500")
        case .uncertain: throw SMSSendError(.uncertain, partsSent: message.partsSent, "no answer from the modem in time")
        case .accept: break
        }
        // Read beside the controller's store, as a person with the sqlite3 tool would: the lock is the
        // store's, not SQLite's.
        let committed = (try? await DatabaseQueue(path: databasePath).read { db in
            try Int.fetchOne(db, sql: "SELECT value FROM setting WHERE key = 'restart_time'")
        }).flatMap { $0 } ?? -1
        state.withLock { $0.sent.append(Sent(to: message.to, text: message.text, committedRestartTime: committed)) }
    }
    func acknowledge(_ receipt: MessageReceipt) async throws { state.withLock { $0.acknowledged.append(receipt) } }
    func placeCall(to number: String) async throws {}
    func endCall(to number: String) async throws {}
    func rejectCall(from number: String) async throws {}
    func sendUSSD(code: String) async throws {}
    func setAudio(on: Bool) async throws {}
    func setPowered(_ powered: Bool) async {}
}

struct NullLog: SimulationLog { func record(_ event: String) {} }

@Suite("The controller")
struct ControllerTests {
    let path = NSTemporaryDirectory() + "smsocket-controller-\(UUID().uuidString).sqlite"
    let start = Instant(seconds: CivilTime(year: 2026, month: 1, day: 5, hour: 8, minute: 0, second: 0).epochSeconds)
    let sms = IncomingSMS(sender: "+3589123456789", text: "RESTARTTIME=5", timestamp: nil)

    func makeController(
        _ modem: RecordingModem, bus: EventBus, clock: VirtualClock? = nil, relay: SimulatedRelay = SimulatedRelay(name: "main", log: NullLog()),
        delivery: Outbox.Delivery = .inline
    ) throws -> Controller {
        let board = Board(modem: modem, thermometer: nil, mainRelay: relay, microRelay: nil, inputs: [])
        return try Controller(
            model: .gsm707, identity: DeviceIdentity(serialNumber: "1"), store: try Store(path: path), board: board,
            clock: clock ?? VirtualClock(start: start), bus: bus, delivery: delivery)
    }

    @Test func aChangeIsCommittedBeforeItsReplyIsSent() async throws {
        let modem = RecordingModem(databasePath: path)
        let bus = EventBus()
        let controller = try makeController(modem, bus: bus)
        try await controller.start()
        bus.post(sms, receipt: MessageReceipt(key: "m1"))
        await controller.drain()
        #expect(modem.sent == [.init(to: "+3589123456789", text: "RESTARTTIME=5 - OK", committedRestartTime: 5)])
        #expect(modem.acknowledged == [MessageReceipt(key: "m1")])
    }

    /// The modem's AT trace shows message texts: it learns the passwords before it starts, and each change.
    @Test func theModemIsToldThePasswordsBeforeItStartsAndWhenTheyChange() async throws {
        let modem = RecordingModem(databasePath: path)
        let bus = EventBus()
        let controller = try makeController(modem, bus: bus)
        try await controller.start()
        for text in ["PASSWORD=12abc", "12abcSTATUS", "12abcPASSWORD=NO"] {
            bus.post(IncomingSMS(sender: "+3589123456789", text: text, timestamp: nil), receipt: MessageReceipt(key: text))
            await controller.drain()
        }
        #expect(modem.lifecycle == ["passwords []", "start", "passwords [\"12abc\"]", "passwords []"])
    }

    @Test func aMessageReportedTwiceIsHandledOnce() async throws {
        let modem = RecordingModem(databasePath: path)
        let bus = EventBus()
        do {
            let controller = try makeController(modem, bus: bus)
            try await controller.start()
            bus.post(sms, receipt: MessageReceipt(key: "m1"))
            bus.post(sms, receipt: MessageReceipt(key: "m1"))
            await controller.drain()
            #expect(modem.sent.count == 1)
            #expect(modem.acknowledged.count == 2, "the duplicate is deleted from the modem too")
            await controller.stop()
        }

        // Also after a restart: the key is in the database.
        let again = try makeController(modem, bus: bus)
        try await again.start()
        bus.post(sms, receipt: MessageReceipt(key: "m1"))
        await again.drain()
        #expect(modem.sent.count == 1)
    }

    @Test func anSMSTheModemRefusesWaitsInTheOutboxAndGoesOutAfterARestart() async throws {
        let modem = RecordingModem(databasePath: path)
        let bus = EventBus()
        do {
            let controller = try makeController(modem, bus: bus)
            try await controller.start()
            modem.failSends(true)
            bus.post(sms, receipt: MessageReceipt(key: "m1"))
            await controller.drain()
            #expect(modem.sent.isEmpty)
            #expect(modem.acknowledged == [MessageReceipt(key: "m1")], "the command itself is committed")
            await controller.stop()
        }

        // The next try keeps its time across the restart (30 s after the refusal).
        modem.failSends(false)
        let restarted = try makeController(modem, bus: bus, clock: VirtualClock(start: start.adding(seconds: 30)))
        try await restarted.start()
        #expect(modem.sent.map(\.text) == ["RESTARTTIME=5 - OK"])
    }

    @Test func theOutboxRetriesInOrderWithBackOff() async throws {
        let modem = RecordingModem(databasePath: path)
        let bus = EventBus()
        let clock = VirtualClock(start: start)
        let board = Board(modem: modem, thermometer: nil, mainRelay: SimulatedRelay(name: "main", log: NullLog()), microRelay: nil, inputs: [])
        let controller = try Controller(
            model: .gsm707, identity: DeviceIdentity(serialNumber: "1"), store: try Store(path: path), board: board,
            clock: clock, bus: bus, delivery: .inline)
        try await controller.start()
        modem.failSends(true)
        bus.post(IncomingSMS(sender: "+3589123456789", text: "RESTARTTIME=5", timestamp: nil), receipt: MessageReceipt(key: "a"))
        await controller.drain()
        #expect(await controller.nextDeadline == start.adding(seconds: 30))
        bus.post(IncomingSMS(sender: "+3589123456789", text: "RESTARTTIME=6", timestamp: nil), receipt: MessageReceipt(key: "b"))
        await controller.drain()

        clock.set(start.adding(seconds: 30))
        await controller.fireDueTimers()
        #expect(modem.sent.isEmpty)
        #expect(await controller.nextDeadline == start.adding(seconds: 90), "the second try waits twice as long")

        modem.failSends(false)
        clock.set(start.adding(seconds: 90))
        await controller.fireDueTimers()
        #expect(modem.sent.map(\.text) == ["RESTARTTIME=5 - OK", "RESTARTTIME=6 - OK"], "in the order they were queued")
        #expect(await controller.nextDeadline != start.adding(seconds: 90))
    }

    @Test func aRefusedRecipientDoesNotDelayOthers() async throws {
        let modem = RecordingModem(databasePath: path)
        let bus = EventBus()
        let clock = VirtualClock(start: start)
        let controller = try makeController(modem, bus: bus, clock: clock)
        try await controller.start()
        let owner = "+3589123456789", typo = "+3589000000001", other = "+3589000000002"
        modem.answer(.refuse, to: typo)
        bus.post(IncomingSMS(sender: owner, text: "ALERTNUMBER+3589000000001", timestamp: nil), receipt: MessageReceipt(key: "a"))
        bus.post(IncomingSMS(sender: owner, text: "ALERTNUMBER+3589000000002", timestamp: nil), receipt: MessageReceipt(key: "b"))
        bus.post(.mains(present: false))
        bus.post(IncomingSMS(sender: owner, text: "RESTARTTIME=5", timestamp: nil), receipt: MessageReceipt(key: "c"))
        await controller.drain()
        #expect(modem.sent.map { [$0.to, $0.text] } == [
            [owner, "ALERTNUMBER+3589000000001 - OK"], [owner, "ALERTNUMBER+3589000000002 - OK"],
            [other, "Power failure!"], [owner, "RESTARTTIME=5 - OK"],
        ], "the power notice to the other number and the later reply go out at once")
        #expect(modem.tries.filter { $0.to == typo }.map(\.text) == ["Power failure!"])

        modem.answer(.accept, to: typo)
        clock.set(start.adding(seconds: 29))
        await controller.fireDueTimers()
        #expect(modem.tries.filter { $0.to == typo }.count == 1, "the refused one waits 30 s")
        clock.set(start.adding(seconds: 30))
        await controller.fireDueTimers()
        #expect(modem.sent.last.map { [$0.to, $0.text] } == [typo, "Power failure!"])
    }

    @Test func eventsAreHandledWhileASendIsSlow() async throws {
        let modem = RecordingModem(databasePath: path)
        let bus = EventBus()
        let relay = SimulatedRelay(name: "main", log: NullLog())
        let controller = try makeController(modem, bus: bus, relay: relay, delivery: .concurrent)
        try await controller.start()
        modem.hold()
        var attempts = modem.attempts.makeAsyncIterator()
        bus.post(sms, receipt: MessageReceipt(key: "m1"))
        await controller.drain()
        #expect(await attempts.next()?.text == "RESTARTTIME=5 - OK", "the reply is in the modem, which holds it")

        bus.post(IncomingSMS(sender: "+3589123456789", text: "ON", timestamp: nil), receipt: MessageReceipt(key: "m2"))
        await controller.drain()
        #expect(relay.on, "the second message was handled while the first reply's send is still held")
        let committed = try await DatabaseQueue(path: path).read { try Bool.fetchOne($0, sql: "SELECT 1 FROM handled_message WHERE key = 'm2'") }
        #expect(committed == true, "and committed")
        #expect(modem.sent.isEmpty)
        #expect(modem.acknowledged.isEmpty, "each message is deleted from the modem after its reply was tried")
        // Reported again: handled once; its deletion waits in the outbox, not in the controller.
        bus.post(sms, receipt: MessageReceipt(key: "m1"))
        await controller.drain()

        modem.release()
        #expect(await attempts.next()?.text == "Power socket ON")
        await controller.stop()
        #expect(modem.sent.map(\.text) == ["RESTARTTIME=5 - OK", "Power socket ON"], "in order, each once")
        #expect(modem.acknowledged.map(\.key) == ["m1", "m1", "m2"])
    }

    @Test func aReplyClaimingAFailedSwitchingNeverReachesTheModem() async throws {
        let modem = RecordingModem(databasePath: path)
        let bus = EventBus()
        let relay = SimulatedRelay(name: "main", log: NullLog())
        relay.setFailing(true)
        let controller = try makeController(modem, bus: bus, relay: relay, delivery: .concurrent)
        try await controller.start()
        var attempts = modem.attempts.makeAsyncIterator()
        bus.post(IncomingSMS(sender: "+3589123456789", text: "ON", timestamp: nil), receipt: MessageReceipt(key: "m1"))
        await controller.drain()
        #expect(await attempts.next()?.text == "Execute error!")
        #expect(await controller.execute(localCommand: "ON") == ["Execute error!"], "the console hears it too")
        await controller.stop()
        #expect(modem.sent.map(\.text) == ["Execute error!"], "the worker never saw the held confirmation")
        #expect(modem.acknowledged.map(\.key) == ["m1"])
        #expect(await controller.persistentState.mainRelayOn == false, "REMEMBER restores what the relay really is")
        let rows = try await DatabaseQueue(path: path).read { try String.fetchAll($0, sql: "SELECT state FROM outbox ORDER BY id") }
        #expect(rows == ["withdrawn"], "the confirmation is kept as a record, never sent")
    }

    @Test func aRelayCommandThatExitsNonZeroIsAFaultInPlainWords() async throws {
        let log = InMemoryLogHandler()
        let logger = Logger(label: "test") { _ in log }
        let relay = ExecOutput(command: ["/bin/sh", "-c", "exit 1", "relay"], logger: logger)
        let board = Board(modem: RecordingModem(databasePath: path), thermometer: nil, mainRelay: relay, microRelay: nil, inputs: [])
        let controller = try Controller(
            model: .gsm707, identity: DeviceIdentity(serialNumber: "1"), store: try Store(path: path), board: board,
            clock: VirtualClock(start: start), logger: logger, delivery: .inline)
        try await controller.start()
        #expect(await controller.execute(localCommand: "ON") == ["Execute error!"])
        let status = await controller.execute(localCommand: "STATUS").first ?? ""
        #expect(status.hasPrefix("Power socket OFF\n") && status.hasSuffix("\nFault: main relay"))
        let errors = log.entries.filter { $0.level == .error }.map(\.message.description)
        #expect(errors.contains { $0.hasPrefix("the main relay did not switch on: ") && $0.contains("exit") })
        #expect(!errors.contains { $0.contains("setRelay") || $0.contains("SocketCore.") }, "plain words, no Swift dumps: \(errors)")
    }

    @Test func aMicroRelayThatNeverStartedIsNeverReportedOn() async throws {
        struct DeadOnArrival: OutputPort {
            struct NoChip: Error {}
            func start(events: any EventSink) async throws { throw NoChip() }
            func stop() async {}
            func set(on: Bool) async throws {}  // a port that cannot tell: the controller must not ask it
        }
        let board = Board(
            modem: RecordingModem(databasePath: path), thermometer: nil, mainRelay: SimulatedRelay(name: "main", log: NullLog()),
            microRelay: DeadOnArrival(), inputs: [])
        let controller = try Controller(
            model: .gsm707, identity: DeviceIdentity(serialNumber: "1"), store: try Store(path: path), board: board,
            clock: VirtualClock(start: start), delivery: .inline)
        try await controller.start()
        #expect(await controller.execute(localCommand: "ONM") == ["Execute error!"])
        #expect(await controller.execute(localCommand: "STATUS").first?.contains("\nMicrorelay OFF\n") == true)
        #expect(await controller.execute(localCommand: "STATUS").first?.hasSuffix("\nFault: micro relay") == true)
    }

    @Test func localCommandsAreTrustedAndAnswered() async throws {
        let modem = RecordingModem(databasePath: path)
        let controller = try makeController(modem, bus: EventBus())
        try await controller.start()
        #expect(await controller.execute(localCommand: "PASSWORD=12abc") == ["PASSWORD=***** - OK"])
        #expect(await controller.execute(localCommand: "STATSU") == ["STATSU - Error!"])
        #expect(await controller.persistentState.password == "12abc")
        #expect(modem.sent.isEmpty)
    }
}
