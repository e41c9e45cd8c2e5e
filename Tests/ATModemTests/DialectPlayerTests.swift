import Testing

@testable import ATModem
import ModemSimulator

extension PseudoTerminalTests {
    /// The simulator playing a recorded dialect, seen through a bare ``ATChannel``: what each modem says.
    @Suite("The modem simulator playing recorded dialects")
    struct DialectPlayerTests {
        func connect(_ name: String) throws -> (ModemSimulator, ATChannel) {
            let simulator = try ModemSimulator(dialect: try RecordedDialects.load(name))
            let channel = ATChannel(
                transport: try SerialTransport(path: simulator.slavePath),
                timeouts: ATTimeouts(command: .milliseconds(500), prompt: .seconds(1)))
            return (simulator, channel)
        }

        func close(_ simulator: ModemSimulator, _ channel: ATChannel) async {
            await channel.close()
            await simulator.stop()
        }

        @Test func theFormatIsCheckedLineByLine() {
            #expect(throws: DialectError(.unknownStatement, line: 2, text: "colour blue")) {
                try Dialect(parsing: "name x\ncolour blue")
            }
            #expect(throws: DialectError(.lineOutsideBlock, line: 2, text: "< OK")) { try Dialect(parsing: "name x\n< OK") }
            #expect(throws: DialectError(.unknownForm, line: 2, text: "form cmx +CMX: {index}")) {
                try Dialect(parsing: "name x\nform cmx +CMX: {index}")
            }
            #expect(throws: DialectError(.missingName, line: 0, text: "")) { try Dialect(parsing: "# nothing\n") }
        }

        @Test func aWavecomAnswersCPINWithoutAFinalResultAndTakesTwoStorages() async throws {
            let (simulator, channel) = try connect("wavecom-fastrack")
            await #expect(throws: ATChannelError(.timeout, command: "AT+CPIN?")) { try await channel.send("AT+CPIN?") }
            #expect(try await channel.send("AT+CPMS=\"SM\",\"SM\",\"SM\"").final == .error)
            #expect(try await channel.send("AT+CPMS=\"SM\",\"SM\"").values(of: "+CPMS") == ["0,50,0,50"])
            #expect(try await channel.send("AT+CGMI").lines == ["WAVECOM MODEM"])
            await close(simulator, channel)
        }

        @Test func aWavecomDialGetsItsFinalResultWhenAnswered() async throws {
            let (simulator, channel) = try connect("wavecom-fastrack")
            async let dialled = channel.send("ATD+3581;", timeout: .seconds(5))
            var urcs = channel.unsolicited.makeAsyncIterator()
            #expect(await urcs.next() == ATUnsolicited(name: "+WIND", value: "5,1"))
            #expect(await urcs.next() == ATUnsolicited(name: "+WIND", value: "2"))
            simulator.answerCall()
            #expect(try await dialled.final == .ok)
            await close(simulator, channel)
        }

        @Test func aQuectelNumbersFromZeroAnswersAnEmptySlotWithOKAndMisnamesStatusReports() async throws {
            let (simulator, channel) = try connect("quectel-ec25")
            #expect(try await channel.send("AT+CNMI=2,1,0,2,0").isOK)
            var urcs = channel.unsolicited.makeAsyncIterator()
            simulator.receive(pdu: sampleDeliverPDU)
            #expect(await urcs.next() == ATUnsolicited(name: "+CMTI", value: "\"ME\",0"))
            simulator.receiveStatusReport("0006D60B911326880736F4111011719551401110117195714000")
            #expect(await urcs.next() == ATUnsolicited(name: "+CDSI", value: "\"SM\",0"))
            #expect(simulator.storage("SR").keys.sorted() == [0])
            #expect(try await channel.send("AT+CMGR=7") == ATResponse(final: .ok))
            await close(simulator, channel)
        }

        @Test func aSIM800WritesTheEmptyAlphaAndItsViewsCoverBothStorages() async throws {
            let (simulator, channel) = try connect("simcom-sim800l")
            simulator.store(pdu: sampleDeliverPDU, in: "SM")
            simulator.store(pdu: sampleDeliverPDU, in: "ME")
            #expect(try await channel.send("AT+CPMS=\"MT\",\"SM\",\"SM\"").values(of: "+CPMS") == ["2,100,1,50,1,50"])
            let listing = try await channel.send("AT+CMGL=4")
            let length = tpduLength(sampleDeliverPDU)
            #expect(listing.lines == ["+CMGL: 1,0,\"\",\(length)", sampleDeliverPDU, "+CMGL: 51,0,\"\",\(length)", sampleDeliverPDU])
            #expect(try await channel.send("AT+CMGD=51").isOK)
            #expect(simulator.storage("ME").isEmpty && simulator.storage("SM").count == 1)
            var urcs = channel.unsolicited.makeAsyncIterator()
            simulator.receive(pdu: sampleDeliverPDU, direct: true)
            #expect(await urcs.next() == ATUnsolicited(name: "+CMT", value: "\"\",\(length)", pdu: sampleDeliverPDU))
            await close(simulator, channel)
        }

        @Test func aHuaweiStickRefusesInItsOwnWordsAndReportsCallProgress() async throws {
            let (simulator, channel) = try connect("huawei-e1752")
            #expect(try await channel.send("AT+CMGDA=\"DEL ALL\"").final == .commandNotSupported)
            #expect(try await channel.send("ATD+3581;").isOK)
            var urcs = channel.unsolicited.makeAsyncIterator()
            #expect(await urcs.next() == ATUnsolicited(name: "^ORIG", value: "1,0"))
            #expect(await urcs.next() == ATUnsolicited(name: "^CONF", value: "1"))
            simulator.answerCall()
            #expect(await urcs.next() == ATUnsolicited(name: "^CONN", value: "1,0"))
            #expect(try await channel.send("AT+CHUP").isOK)
            #expect(await urcs.next() == ATUnsolicited(name: "^CEND", value: "1,5,29,16"))
            await close(simulator, channel)
        }
    }
}
