import Logging
import SocketCore
import Testing

@testable import ATModem
import ModemSimulator

/// Issue 7's promises (a message is never lost, never handled twice, no reply sent twice) under what an
/// adversarial modem, network or controller can do: each test is one way found to break one of them.
extension PseudoTerminalTests {
    @Suite("Breaking the modem port's promises")
    struct BreakerTests {
        typealias Port = ATModemPortTests

        func started(
            _ simulator: ModemSimulator, _ adjust: (inout ATModem.Configuration) -> Void = { _ in }
        ) async throws -> (ATModem, RecordingSink) {
            let modem = ModemQuirksTests.port(simulator, adjust)
            let sink = RecordingSink()
            try await modem.start(events: sink)
            await eventually { sink.events.contains(.modemOnline(true)) }
            return (modem, sink)
        }

        func receipt(of text: String, in sink: RecordingSink) -> MessageReceipt? {
            zip(sink.messages, sink.receipts).first { $0.0.text == text }?.1
        }

        /// Line noise garbles two copies in a row while the stored message is intact: the copy is shorter
        /// than its header's length says, which a stored message never is, so it is not deleted.
        @Test func aMessageCutOnTheLineTwiceIsNotDeleted() async throws {
            let simulator = try ModemSimulator()
            let (modem, sink) = try await started(simulator) { $0.sweepInterval = .seconds(3600) }
            // The sweep after connecting is over: only the notice reads the message.
            await eventually { simulator.commands.contains("AT+CPMS=\"SR\";+CMGL=4") }
            simulator.script { $0.corruptedReads = 2 }
            let index = simulator.store(pdu: try Port.deliver("STATUS")[0])
            let read = "AT+CPMS=\"SM\";+CMGR=\(index)"
            simulator.inject("+CMTI: \"SM\",\(index)")
            await eventually { simulator.commands.filter { $0 == read }.count == 2 }
            try await Task.sleep(for: .milliseconds(200))
            #expect(simulator.storage[index] != nil, "the intact message is still stored")
            // The next sweep reads a good copy.
            await modem.setPowered(true)
            await eventually { sink.messages.map(\.text) == ["STATUS"] }
            await modem.stop()
        }

        /// A sweep's listing is stale by the time its last entries are handled: a message acknowledged
        /// meanwhile frees its index, a new message takes it, and the listing's old entry must not delete it.
        @Test func aStaleListingDoesNotDeleteANewMessageAtAReusedIndex() async throws {
            let simulator = try ModemSimulator()
            let (modem, sink) = try await started(simulator) {
                $0.timeouts.impliedFinal = .milliseconds(400)
            }
            simulator.store(pdu: try Port.deliver("A")[0])
            let index = simulator.store(pdu: try Port.deliver("B")[0])
            simulator.inject("+CMTI: \"SM\",\(index)")
            await eventually { sink.messages.map(\.text).contains("B") }
            let b = try #require(receipt(of: "B", in: sink))
            let c = try Port.deliver("C")[0]
            // The next listing of "SM" ends only after its quiet period; C arrives as B's index is freed.
            let listing = "AT+CPMS=\"SM\";+CMGL=4"
            simulator.script {
                $0.withoutFinal = [listing]
                $0.arrivalAfter = ("AT+CPMS=\"SM\";+CMGD=\(index)", c)
            }
            let before = simulator.commands.count
            await eventually { simulator.commands.dropFirst(before).contains(listing) }
            try await modem.acknowledge(b)
            simulator.script { $0.withoutFinal = [] }
            await eventually { sink.messages.map(\.text).contains("C") }
            try await Task.sleep(for: .milliseconds(300))
            #expect(simulator.storage[index]?.pdu == c, "C is kept until it is acknowledged")
            await modem.stop()
        }

        /// The controller does not acknowledge what a dark device was handed (Controller.handle); the
        /// message stays in the modem for later, and power-up hands it over again (as SimulatedPhoneNetwork does).
        @Test func aMessageHandedToADarkDeviceIsHandedOverAgainAtPowerUp() async throws {
            let simulator = try ModemSimulator()
            let (modem, sink) = try await started(simulator)
            simulator.receive(pdu: try Port.deliver("ON")[0])
            await eventually { sink.messages.count == 1 }
            await modem.setPowered(false)
            await modem.setPowered(true)
            await eventually { sink.messages.map(\.text) == ["ON", "ON"] }
            await modem.stop()
        }

        /// A part that came directly, delivered again because the network missed its acknowledgement, is
        /// acknowledged again: the modem delivers nothing more until it is.
        @Test func aRepeatedDirectPartIsAcknowledgedAgain() async throws {
            let simulator = try ModemSimulator()
            simulator.script { $0.settings.messageService = 1 }
            let (modem, sink) = try await started(simulator)
            let parts = try Port.deliver(String(repeating: "x", count: 160) + "ON", reference: 9)
            simulator.receive(pdu: parts[0], direct: true)
            await eventually { simulator.script { $0.acknowledgedDirect } == 1 }
            simulator.receive(pdu: parts[0], direct: true)
            await eventually { simulator.script { $0.acknowledgedDirect } == 2 }
            simulator.receive(pdu: parts[1], direct: true)
            await eventually { sink.messages.count == 1 }
            await eventually { simulator.script { $0.awaitingAcknowledgement } == 0 }
            await modem.stop()
        }
    }
}

extension ChannelTests {
    /// A final that comes after its command's answer ended as `.implied` is no answer to `AT+CMGS`, which
    /// ends with `OK` only after its `> ` prompt and PDU: taking it would count an unsent reply as sent.
    @Test func aLateFinalIsNotTakenForASubmitWaitingForItsPrompt() async throws {
        let channel = channel(ATTimeouts(command: .seconds(5), impliedFinal: .seconds(1)))
        try await answerImplied(on: channel)
        let submit = Task { try await channel.sendSMS(pdu: "0011", tpduLength: 1) }
        // The channel's probe goes first and takes the late final as stray (ChannelTests has that case);
        // a final that still comes before the prompt is no answer to the submit either.
        #expect(await transport.waitForWrites(2).last == "AT+CSQ\r")
        transport.receive("\r\n+CSQ: 20,0\r\n\r\nOK\r\n")
        await transport.waitForWrites(3)
        transport.receive("\r\nOK\r\n\r\n> ")
        await transport.waitForWrites(4)
        transport.receive("\r\n+CMGS: 5\r\n\r\nOK\r\n")
        #expect(try await submit.value == ATResponse(lines: ["+CMGS: 5"], final: .ok))
    }
}

extension PseudoTerminalTests.BreakerTests {
    /// Powering up a device that was never dark (the controller's start) hands nothing over twice.
    @Test func powerUpAtStartHandsNothingOverTwice() async throws {
        let simulator = try ModemSimulator()
        simulator.store(pdu: try Port.deliver("ON")[0])
        let (modem, sink) = try await started(simulator)
        await eventually { sink.messages.count == 1 }
        await modem.setPowered(true)
        try await Task.sleep(for: .milliseconds(300))
        #expect(sink.messages.count == 1)
        await modem.stop()
    }
}

extension PseudoTerminalTests.BreakerTests {
    /// A receipt acknowledged again (or one the port no longer knows) names an index but not its storage:
    /// it deletes nothing else; the sweep deletes the message where it really is.
    @Test func anUnknownReceiptDeletesNoOtherMessage() async throws {
        let simulator = try ModemSimulator()
        let index = simulator.store(pdu: try Port.deliver("ON")[0], in: "ME")
        let other = simulator.store(pdu: try Port.deliver("OFF")[0], in: "SM")
        #expect(index == other)
        let (modem, sink) = try await started(simulator) { $0.sweepInterval = .seconds(3600) }
        await eventually { Set(sink.messages.map(\.text)) == ["ON", "OFF"] }
        let on = try #require(receipt(of: "ON", in: sink))
        try await modem.acknowledge(on)
        try await modem.acknowledge(on)
        #expect(simulator.storage("ME").isEmpty)
        #expect(simulator.storage("SM")[other] != nil, "OFF is kept until it is acknowledged")
        await modem.stop()
    }
}

/// A copy is cut short only when its line holds fewer octets than its header names; no length proves nothing.
@Test(arguments: [
    ("0006D60B911326880736F4111011719551401110117195714000", 25, false),
    ("0006D60B911326880736F41110117195514011101171957140", 25, true),
    ("07911326040000F0GG", 1, false),
    ("00", Int.max, true),
    ("00", nil, false),
    ("ZZ", 3, false),
])
func aCutCopyIsShorterThanItsHeaderSays(_ pdu: String, _ length: Int?, _ cut: Bool) {
    #expect(ATResponseParser.StoredPDU(index: nil, tpduLength: length, pdu: pdu).isCutShort == cut)
}
