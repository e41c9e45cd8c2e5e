import Foundation
import Simulated
import SocketCore
import Synchronization
import Testing

@testable import SocketRuntime

/// A modem that records what it is asked to do and, at each SMS it sends, what the database holds.
final class RecordingModem: ModemPort {
    struct Sent: Equatable {
        var to: String
        var text: String
        /// RESTARTTIME as committed in the database at the moment the SMS was handed to the modem.
        var committedRestartTime: Int
    }

    private let state = Mutex<(sent: [Sent], acknowledged: [MessageReceipt], failSends: Bool)>(([], [], false))
    let databasePath: String

    init(databasePath: String) { self.databasePath = databasePath }

    var sent: [Sent] { state.withLock { $0.sent } }
    var acknowledged: [MessageReceipt] { state.withLock { $0.acknowledged } }
    func failSends(_ fail: Bool) { state.withLock { $0.failSends = fail } }

    func start(events: any EventSink) async throws {}
    func stop() async {}
    func sendSMS(to number: String, text: String) async throws {
        if state.withLock({ $0.failSends }) { throw NoNetwork() }
        let committed = try Store(path: databasePath).loadState().restartTime
        state.withLock { $0.sent.append(Sent(to: number, text: text, committedRestartTime: committed)) }
    }
    func acknowledge(_ receipt: MessageReceipt) async throws { state.withLock { $0.acknowledged.append(receipt) } }
    func placeCall(to number: String) async throws {}
    func endCall(to number: String) async throws {}
    func rejectCall(from number: String) async throws {}
    func sendUSSD(code: String) async throws {}
    func setAudio(on: Bool) async throws {}
    func setPowered(_ powered: Bool) async {}
}

struct NoNetwork: Error {}

struct NullLog: SimulationLog { func record(_ event: String) {} }

@Suite("The controller")
struct ControllerTests {
    let path = NSTemporaryDirectory() + "smsocket-controller-\(UUID().uuidString).sqlite"
    let start = Instant(seconds: CivilTime(year: 2026, month: 1, day: 5, hour: 8, minute: 0, second: 0).epochSeconds)
    let sms = IncomingSMS(sender: "+3589123456789", text: "RESTARTTIME=5", timestamp: nil)

    func makeController(_ modem: RecordingModem, bus: EventBus) throws -> Controller {
        let board = Board(modem: modem, thermometer: nil, mainRelay: SimulatedRelay(name: "main", log: NullLog()), microRelay: nil, inputs: [])
        return try Controller(
            model: .gsm707, identity: DeviceIdentity(serialNumber: "1"), store: try Store(path: path), board: board,
            clock: VirtualClock(start: start), bus: bus)
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

    @Test func aMessageReportedTwiceIsHandledOnce() async throws {
        let modem = RecordingModem(databasePath: path)
        let bus = EventBus()
        let controller = try makeController(modem, bus: bus)
        try await controller.start()
        bus.post(sms, receipt: MessageReceipt(key: "m1"))
        bus.post(sms, receipt: MessageReceipt(key: "m1"))
        await controller.drain()
        #expect(modem.sent.count == 1)
        #expect(modem.acknowledged.count == 2, "the duplicate is deleted from the modem too")

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
        let controller = try makeController(modem, bus: bus)
        try await controller.start()
        modem.failSends(true)
        bus.post(sms, receipt: MessageReceipt(key: "m1"))
        await controller.drain()
        #expect(modem.sent.isEmpty)
        #expect(modem.acknowledged == [MessageReceipt(key: "m1")], "the command itself is committed")

        modem.failSends(false)
        let restarted = try makeController(modem, bus: bus)
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
            clock: clock, bus: bus)
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
