@testable import ATModem
import ModemSimulator
import Testing

/// The channel against an in-memory transport and a manual clock: no pty, no sleeping for timeouts.
@Suite("ATChannel with a fake transport")
struct ChannelTests {
    let transport = FakeTransport()
    let clock = ManualClock()

    func channel(_ timeouts: ATTimeouts = ATTimeouts()) -> ATChannel {
        ATChannel(transport: transport, clock: clock, timeouts: timeouts)
    }

    @Test func answerWithLinesAndFinal() async throws {
        let channel = channel()
        async let response = channel.send("AT+CSQ")
        #expect(await transport.waitForWrites(1) == ["AT+CSQ\r"])
        transport.receive("AT+CSQ\r\r\n+CSQ: 17,0\r\n\r\nOK\r\n")
        #expect(try await response == ATResponse(lines: ["+CSQ: 17,0"], final: .ok))
    }

    @Test("error finals are answers, not errors", arguments: ["ERROR", "+CMS ERROR: 322", "+CME ERROR: 10", "COMMAND NOT SUPPORT"])
    func errorFinals(line: String) async throws {
        let channel = channel()
        async let response = channel.send("AT+CPIN?")
        await transport.waitForWrites(1)
        transport.receive("\r\n\(line)\r\n")
        #expect(try await response.final == ATFinalResult(line: line))
    }

    @Test func commandsQueueInOrder() async throws {
        let channel = channel()
        let first = Task { try await channel.send("AT+CSQ") }
        await transport.waitForWrites(1)
        let second = Task { try await channel.send("AT+CREG?") }
        await eventually { await channel.queuedCount == 1 }
        let third = Task { try await channel.send("AT+CPMS?") }
        // Nothing else goes while the first is in flight.
        try await Task.sleep(for: .milliseconds(20))
        #expect(transport.written == ["AT+CSQ\r"])
        transport.receive("\r\n+CSQ: 10,0\r\n\r\nOK\r\n")
        await transport.waitForWrites(2)
        transport.receive("\r\n+CREG: 0,1\r\n\r\nOK\r\n")
        await transport.waitForWrites(3)
        transport.receive("\r\n+CPMS: \"SM\",1,30,\"SM\",1,30,\"SM\",1,30\r\n\r\nOK\r\n")
        #expect(try await first.value.lines == ["+CSQ: 10,0"])
        #expect(try await second.value.lines == ["+CREG: 0,1"])
        #expect(try await third.value.values(of: "+CPMS") == ["\"SM\",1,30,\"SM\",1,30,\"SM\",1,30"])
        #expect(transport.written == ["AT+CSQ\r", "AT+CREG?\r", "AT+CPMS?\r"])
    }

    @Test func urcsArriveWhileACommandIsInFlight() async throws {
        let channel = channel()
        async let response = channel.send("AT+CMGR=3")
        await transport.waitForWrites(1)
        transport.receive("\r\n+CMGR: 0,,23\r\n\r\n+CMTI: \"SM\",4\r\n\r\n0011\r\n\r\nOK\r\n\r\nRING\r\n")
        #expect(try await response.lines == ["+CMGR: 0,,23", "0011"])
        var urcs = channel.unsolicited.makeAsyncIterator()
        #expect(await urcs.next() == ATUnsolicited(name: "+CMTI", value: "\"SM\",4"))
        #expect(await urcs.next() == ATUnsolicited(name: "RING"))
    }

    @Test func timeoutWithoutSleepingThenTheQueueMovesOn() async throws {
        let channel = channel(ATTimeouts(command: .seconds(5)))
        let first = Task { try await channel.send("AT+CSQ") }
        let second = Task { try await channel.send("AT") }
        await clock.waitForSleepers(1)
        await transport.waitForWrites(1)
        clock.advance(by: .seconds(4))
        #expect(transport.written.count == 1)
        clock.advance(by: .seconds(1))
        await #expect(throws: ATChannelError(.timeout, command: "AT+CSQ")) { try await first.value }
        await transport.waitForWrites(2)
        transport.receive("\r\nOK\r\n")
        #expect(try await second.value.isOK)
    }

    @Test func perCommandTimeout() async throws {
        let channel = channel(ATTimeouts(command: .seconds(5)))
        let dial = Task { try await channel.send("ATD+27821231234;", timeout: .seconds(30)) }
        await clock.waitForSleepers(1)
        clock.advance(by: .seconds(10))
        transport.receive("\r\nBUSY\r\n")
        #expect(try await dial.value.final == .busy)
    }

    @Test func promptFlow() async throws {
        let channel = channel()
        let pdu = "0011000B916407281553F80000AA0AE8329BFD4697D9EC37"
        async let response = channel.sendSMS(pdu: pdu, tpduLength: 23)
        #expect(await transport.waitForWrites(1) == ["AT+CMGS=23\r"])
        transport.receive("\r\n> ")
        #expect(await transport.waitForWrites(2).last == pdu + "\u{1A}")
        transport.receive("\r\n+CMGS: 7\r\n\r\nOK\r\n")
        #expect(try await response == ATResponse(lines: ["+CMGS: 7"], final: .ok))
    }

    @Test func errorInsteadOfPrompt() async throws {
        let channel = channel()
        async let response = channel.send("AT+CMGS=23", body: "00")
        await transport.waitForWrites(1)
        transport.receive("\r\n+CMS ERROR: 304\r\n")
        #expect(try await response.final == .cmsError(304))
        #expect(transport.written == ["AT+CMGS=23\r"])
    }

    @Test func noPromptSendsEscapeAndWaitsForItsAnswer() async throws {
        let channel = channel(ATTimeouts(prompt: .seconds(10), abort: .seconds(2)))
        let submit = Task { try await channel.send("AT+CMGS=23", body: "00") }
        await clock.waitForSleepers(1)
        // Queued behind the submit (in flight once its prompt timer sleeps).
        let next = Task { try await channel.send("AT") }
        clock.advance(by: .seconds(10))
        #expect(await transport.waitForWrites(2).last == "\u{1B}")
        // The late answer to the aborted command is not taken for the next one's.
        transport.receive("\r\nOK\r\n")
        await #expect(throws: ATChannelError(.noPrompt, command: "AT+CMGS=23")) { try await submit.value }
        await transport.waitForWrites(3)
        transport.receive("\r\nOK\r\n")
        #expect(try await next.value.isOK)
    }

    @Test func abortWithoutAnyAnswerEndsAtTheAbortTimeout() async throws {
        let channel = channel(ATTimeouts(prompt: .seconds(10), abort: .seconds(2)))
        let submit = Task { try await channel.send("AT+CMGS=23", body: "00") }
        await clock.waitForSleepers(1)
        clock.advance(by: .seconds(10))
        await transport.waitForWrites(2)
        await clock.waitForSleepers(1)
        clock.advance(by: .seconds(2))
        await #expect(throws: ATChannelError(.noPrompt, command: "AT+CMGS=23")) { try await submit.value }
    }

    @Test func synchronizeRetriesUntilOK() async throws {
        let channel = channel()
        let sync = Task { try await channel.synchronize(tries: 5, timeout: .milliseconds(500)) }
        for attempt in 1...2 {
            await transport.waitForWrites(attempt)
            await clock.waitForSleepers(1)
            clock.advance(by: .milliseconds(500))
        }
        await transport.waitForWrites(3)
        transport.receive("AT\r\r\nOK\r\n")
        #expect(try await sync.value == 3)
        #expect(transport.written == ["AT\r", "AT\r", "AT\r"])
    }

    @Test func synchronizeGivesUp() async throws {
        let channel = channel()
        let sync = Task { try await channel.synchronize(tries: 3, timeout: .milliseconds(100)) }
        for attempt in 1...3 {
            await transport.waitForWrites(attempt)
            await clock.waitForSleepers(1)
            clock.advance(by: .milliseconds(100))
        }
        await #expect(throws: ATChannelError(.noResponse)) { try await sync.value }
    }

    @Test func unpluggedPortFailsEverythingAndEndsTheURCs() async throws {
        let channel = channel()
        let first = Task { try await channel.send("AT+CSQ") }
        await transport.waitForWrites(1)
        let second = Task { try await channel.send("AT") }
        transport.unplug()
        await #expect(throws: ATChannelError(.closed, command: "AT+CSQ")) { try await first.value }
        await #expect(throws: ATChannelError(.closed, command: "AT")) { try await second.value }
        await #expect(throws: ATChannelError(.closed, command: "AT")) { try await channel.send("AT") }
        var urcs = channel.unsolicited.makeAsyncIterator()
        #expect(await urcs.next() == nil)
    }

    @Test func closeClosesTheTransport() async throws {
        let channel = channel()
        await channel.close()
        #expect(transport.isClosed)
        await #expect(throws: ATChannelError(.closed, command: "AT")) { try await channel.send("AT") }
    }

    @Test func strayLinesAreKept() async throws {
        let channel = channel()
        transport.receive("\r\nOK\r\n\u{FF}\u{FE}\r\n")
        await eventually { await channel.strayLines.count == 2 }
        #expect(await channel.strayLines.first == "OK")
    }

    // MARK: - Answers whose final result code never comes

    @Test func aNamedAnswerWithoutAFinalEndsAfterTheQuietPeriod() async throws {
        let channel = channel(ATTimeouts(command: .seconds(5), impliedFinal: .seconds(1)))
        let pin = Task { try await channel.send("AT+CPIN?") }
        await transport.waitForWrites(1)
        transport.receive("\r\n+CPIN: READY\r\n")
        await clock.waitForSleepers(2)
        clock.advance(by: .milliseconds(999))
        #expect(await channel.strayLines.isEmpty)
        clock.advance(by: .milliseconds(1))
        let answer = try await pin.value
        #expect(answer == ATResponse(lines: ["+CPIN: READY"], final: .implied))
        #expect(answer.isOK)
        // The final that comes after all belongs to no command.
        transport.receive("\r\nOK\r\n")
        await eventually { await channel.strayLines == ["OK"] }
    }

    /// `AT+CPIN?` answered by its line alone (no final): ended as `.implied` by a 1 s quiet period.
    func answerImplied(on channel: ATChannel) async throws {
        let pin = Task { try await channel.send("AT+CPIN?") }
        await transport.waitForWrites(1)
        transport.receive("\r\n+CPIN: READY\r\n")
        await clock.waitForSleepers(2)
        clock.advance(by: .seconds(1))
        #expect(try await pin.value.final == .implied)
    }

    @Test func aLateFinalAfterAnImpliedAnswerIsNotTakenForTheNextCommand() async throws {
        let channel = channel(ATTimeouts(command: .seconds(5), impliedFinal: .seconds(1)))
        try await answerImplied(on: channel)
        let next = Task { try await channel.send("AT+CMGD=1") }
        #expect(await transport.waitForWrites(2).last == "AT+CSQ\r", "a probe goes first")
        transport.receive("\r\nOK\r\n")  // AT+CPIN?'s final, late
        transport.receive("\r\n+CSQ: 20,0\r\n\r\nOK\r\n")
        #expect(await transport.waitForWrites(3).last == "AT+CMGD=1\r")
        transport.receive("\r\n+CMS ERROR: 321\r\n")
        #expect(try await next.value.final == .cmsError(321))
        #expect(await channel.strayLines == ["OK"])
    }

    @Test func aCommandWithoutANamedAnswerStillNeedsItsFinal() async throws {
        let channel = channel(ATTimeouts(command: .seconds(5), impliedFinal: .seconds(1)))
        let format = Task { try await channel.send("AT+CMGF=0") }
        await transport.waitForWrites(1)
        transport.receive("\r\nsomething\r\n")
        await clock.waitForSleepers(1)
        clock.advance(by: .seconds(5))
        await #expect(throws: ATChannelError(.timeout, command: "AT+CMGF=0")) { try await format.value }
    }

    @Test func onlyTheLastOfSeveralCommandsOnALineArmsTheQuietPeriod() async throws {
        let channel = channel(ATTimeouts(command: .seconds(5), impliedFinal: .seconds(1)))
        let read = Task { try await channel.send("AT+CPMS=\"ME\";+CMGR=3") }
        await transport.waitForWrites(1)
        transport.receive("\r\n+CPMS: 1,30,1,30,1,30\r\n")
        await clock.waitForSleepers(1)
        clock.advance(by: .seconds(2))  // the SIM is slow: still the same command
        transport.receive("\r\n+CMGR: 0,,5\r\n\r\n0011223344\r\n")
        await clock.waitForSleepers(2)
        clock.advance(by: .seconds(1))
        let answer = try await read.value
        #expect(answer.lines == ["+CPMS: 1,30,1,30,1,30", "+CMGR: 0,,5", "0011223344"])
        #expect(answer.final == .implied)
    }

    @Test(arguments: [
        ("AT+CPMS=\"ME\";+CMGR=3", "+CMGR=3"), ("AT+CSQ", "+CSQ"), ("AT+CSCA=\"a;b\"", "+CSCA=\"a;b\""),
        ("ATD+3581;", ""), ("at+cmgf=0;+cnmi=2,1", "+cnmi=2,1"),
    ])
    func theLastCommandOfALine(_ line: String, _ last: String) {
        #expect(lastCommand(of: line) == Substring(last))
    }
}
