import Simulated
import SocketCore
import Synchronization
import Testing

/// Collects what the simulated hardware logs and the events it posts.
final class Recorder: SimulationLog, EventSink {
    private let state = Mutex<(lines: [String], events: [Event], receipts: [MessageReceipt])>(([], [], []))

    func record(_ event: String) { state.withLock { $0.lines.append(event) } }
    func post(_ event: Event) { state.withLock { $0.events.append(event) } }
    func post(_ sms: IncomingSMS, receipt: MessageReceipt) {
        state.withLock {
            $0.events.append(.sms(sms))
            $0.receipts.append(receipt)
        }
    }

    var lines: [String] { state.withLock { $0.lines } }
    var events: [Event] { state.withLock { $0.events } }
    var receipts: [MessageReceipt] { state.withLock { $0.receipts } }
}

@Suite("The simulated board")
struct SimulatedBoardTests {
    let sms = IncomingSMS(sender: "+3589123456789", text: "STATUS", timestamp: nil)

    @Test func messagesStayStoredUntilAcknowledgedAndComeBackOnRestart() async throws {
        let log = Recorder()
        let network = SimulatedPhoneNetwork(log: log)
        try await network.start(events: log)
        network.deliver(sms)
        network.deliver(sms)
        #expect(network.storedMessageCount == 2)
        try await network.acknowledge(log.receipts[0])
        #expect(network.storedMessageCount == 1)

        let restarted = Recorder()
        await network.stop()
        try await network.start(events: restarted)
        #expect(restarted.receipts == [log.receipts[1]], "the unacknowledged message is handed over again")
        #expect(restarted.events.first == .signal(dBm: -67))
    }

    @Test func aDarkDeviceGetsItsMessagesWhenItComesBack() async throws {
        let log = Recorder()
        let network = SimulatedPhoneNetwork(log: log)
        try await network.start(events: log)
        await network.setPowered(false)
        network.deliver(sms)
        network.call(from: "+3589123456789")
        await #expect(throws: (any Error).self) { try await network.sendSMS(OutgoingSMS(to: "+1", text: "x")) }
        #expect(log.receipts.isEmpty)
        await network.setPowered(true)
        #expect(log.receipts.count == 1)
        #expect(!log.events.contains(.incomingCall(from: "+3589123456789")), "a call to a dark device is lost")
    }

    @Test(arguments: [
        (SimulatedPhoneNetwork.Pickup.answer, ["call-out +3581", "call-end +3581 answered"], [Event.callAnswered("+3581"), .callEnded("+3581", .answered)]),
        (.reject, ["call-out +3581", "call-end +3581 rejected"], [.callEnded("+3581", .rejected)]),
        (.ignore, ["call-out +3581", "call-end +3581 noanswer"], [.callEnded("+3581", .noAnswer)]),
    ])
    func phonesReactAsTold(_ pickup: SimulatedPhoneNetwork.Pickup, _ lines: [String], _ events: [Event]) async throws {
        let log = Recorder()
        let network = SimulatedPhoneNetwork(log: log)
        try await network.start(events: log)
        network.setPickup(pickup, for: "3581")  // matched with or without the leading +
        try await network.placeCall(to: "+3581")
        try await network.endCall(to: "+3581")
        #expect(log.lines == lines)
        #expect(Array(log.events.dropFirst()) == events)
    }

    @Test func ussdAnswersOnceThenStaysSilent() async throws {
        let log = Recorder()
        let network = SimulatedPhoneNetwork(log: log)
        try await network.start(events: log)
        network.setNextUSSDReply("Balance 5.00 EUR")
        try await network.sendUSSD(code: "*100#")
        try await network.sendUSSD(code: "*100#")
        #expect(log.lines == [#"ussd "*100#""#, #"ussd "*100#""#])
        #expect(Array(log.events.dropFirst()) == [.ussdReply("Balance 5.00 EUR")])
    }

    @Test func relaysReportOnlyChanges() async throws {
        let log = Recorder()
        let relay = SimulatedRelay(name: "main", log: log)
        for on in [true, true, false, false, true] { try await relay.set(on: on) }
        #expect(log.lines == ["relay main on", "relay main off", "relay main on"])
    }

    @Test func inputsReportTheirLevelAtStartAndEachChange() async throws {
        let levels = Mutex<[Bool]>([])
        let input = SimulatedDigitalInput(level: true)
        input.set(false)
        try await input.start { level in levels.withLock { $0.append(level) } }
        input.set(false)
        input.set(true)
        await input.stop()
        input.set(false)
        #expect(levels.withLock { $0 } == [false, true])
    }

    @Test(arguments: [
        ("Power socket ON", #""Power socket ON""#),
        ("a\nb", #""a\nb""#),
        (#"say "hi" \ bye"#, #""say \"hi\" \\ bye""#),
        ("\u{1}\t", #""\u0001\t""#),
        ("Ответ: 5 руб", #""Ответ: 5 руб""#),
    ])
    func smsTextsArePrintedAsJSONStrings(_ text: String, _ literal: String) {
        #expect(jsonStringLiteral(text) == literal)
    }
}
