@testable import ATModem
import Logging
import SocketCore
import Testing

extension ATModem {
    /// Puts `channel` in place of a connected modem's, skipping the initialisation dialogue.
    func use(_ channel: ATChannel) { self.channel = channel }
}

/// How ``ATModem/sendSMS(_:)`` sorts what happened into refused (certainly not sent, the outbox may try
/// again) and uncertain (the PDU may have gone out, never sent again), against a fake transport and a
/// manual clock.
@Suite("Sending an SMS: refused or uncertain")
struct SMSSendOutcomeTests {
    let transport = FakeTransport()
    let clock = ManualClock()
    let short = OutgoingSMS(to: "+3589123456789", text: "Power socket ON")
    /// Two parts: 153 + 47 septets.
    let long = OutgoingSMS(to: "+3589123456789", text: String(repeating: "z", count: 200), reference: 9)

    func connectedModem() async -> ATModem {
        let modem = ATModem(configuration: ATModem.Configuration(device: "fake"), logger: Logger(label: "test"))
        let timeouts = ATTimeouts(prompt: .seconds(10), body: .seconds(60), abort: .seconds(2))
        await modem.use(ATChannel(transport: transport, clock: clock, timeouts: timeouts))
        return modem
    }

    /// Starts sending `message`; the task's value is the error, nil when every part was accepted.
    func sending(_ message: OutgoingSMS, with modem: ATModem) -> Task<SMSSendError?, Never> {
        Task {
            do throws(SMSSendError) {
                try await modem.sendSMS(message)
                return nil
            } catch {
                return error
            }
        }
    }

    /// Plays the modem through the prompt of the `writes`-th write and waits for the PDU after it.
    func prompt(afterWrites writes: Int) async {
        await transport.waitForWrites(writes)
        transport.receive("\r\n> ")
        await transport.waitForWrites(writes + 1)
    }

    @Test("an error final before or after the prompt is refused", arguments: [false, true])
    func errorFinal(afterPrompt: Bool) async {
        let modem = await connectedModem()
        let send = sending(short, with: modem)
        if afterPrompt { await prompt(afterWrites: 1) } else { await transport.waitForWrites(1) }
        transport.receive("\r\n+CMS ERROR: 500\r\n")
        let error = await send.value
        #expect(error?.code == .refused)
        #expect(error?.partsSent == 0)
        #expect(error?.detail.contains("+CMS ERROR: 500") == true)
    }

    @Test func noPromptIsRefused() async {
        let modem = await connectedModem()
        let send = sending(short, with: modem)
        await clock.waitForSleepers(1)
        clock.advance(by: .seconds(10))
        await transport.waitForWrites(2)  // the ESC
        await clock.waitForSleepers(1)
        clock.advance(by: .seconds(2))
        #expect(await send.value?.code == .refused)
    }

    @Test func noFinalAfterThePDUIsUncertain() async {
        let modem = await connectedModem()
        let send = sending(short, with: modem)
        await prompt(afterWrites: 1)
        await clock.waitForSleepers(1)
        clock.advance(by: .seconds(60))
        let error = await send.value
        #expect(error?.code == .uncertain)
        #expect(error?.partsSent == 0)
    }

    @Test func thePortClosingAfterThePDUIsUncertain() async {
        let modem = await connectedModem()
        let send = sending(short, with: modem)
        await prompt(afterWrites: 1)
        transport.unplug()
        #expect(await send.value?.code == .uncertain)
    }

    @Test func thePortClosingBeforeThePDUIsRefused() async {
        let modem = await connectedModem()
        let send = sending(short, with: modem)
        await transport.waitForWrites(1)  // AT+CMGS=…, no prompt yet
        transport.unplug()
        let error = await send.value
        #expect(error?.code == .refused)
        #expect(error?.partsSent == 0)
    }

    @Test func noChannelIsRefused() async {
        let modem = ATModem(configuration: ATModem.Configuration(device: "fake"), logger: Logger(label: "test"))
        #expect(await sending(short, with: modem).value?.code == .refused)
    }

    @Test func aTextThatCannotBeEncodedIsRefused() async {
        let modem = await connectedModem()
        let error = await sending(OutgoingSMS(to: "+123456789012345678901", text: "x"), with: modem).value
        #expect(error?.code == .refused)
        #expect(transport.written.isEmpty)
    }

    @Test func aSecondPartRefusedCountsTheFirst() async {
        let modem = await connectedModem()
        let send = sending(long, with: modem)
        await prompt(afterWrites: 1)
        transport.receive("\r\n+CMGS: 1\r\n\r\nOK\r\n")
        await prompt(afterWrites: 3)
        transport.receive("\r\n+CMS ERROR: 500\r\n")
        let error = await send.value
        #expect(error?.code == .refused)
        #expect(error?.partsSent == 1)
    }

    @Test func aSecondPartInDoubtCountsOnlyTheFirst() async {
        let modem = await connectedModem()
        let send = sending(long, with: modem)
        await prompt(afterWrites: 1)
        transport.receive("\r\n+CMGS: 1\r\n\r\nOK\r\n")
        await prompt(afterWrites: 3)
        await clock.waitForSleepers(1)
        clock.advance(by: .seconds(60))
        let error = await send.value
        #expect(error?.code == .uncertain)
        #expect(error?.partsSent == 1)
    }

    @Test func aResumedTextSendsOnlyTheRemainingParts() async throws {
        let modem = await connectedModem()
        var resumed = long
        resumed.partsSent = 1
        let send = sending(resumed, with: modem)
        await prompt(afterWrites: 1)
        transport.receive("\r\n+CMGS: 2\r\n\r\nOK\r\n")
        #expect(await send.value == nil)
        #expect(transport.written.count == 2, "one AT+CMGS and its PDU")
        let pdu = try #require(transport.written.last?.dropLast())  // Ctrl-Z
        guard case .submit(let part) = try SMSPDU(hex: String(pdu)) else {
            Issue.record("not an SMS-SUBMIT")
            return
        }
        #expect(part.concatenation?.sequence == 2)
        #expect(part.concatenation?.reference == 9)
    }
}
