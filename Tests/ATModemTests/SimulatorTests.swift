@testable import ATModem
import ModemSimulator
import Glibc
import Testing

/// End to end over a real pseudo-terminal: ``SerialTransport`` and ``ATChannel`` against ``ModemSimulator``.
extension PseudoTerminalTests {
    @Suite("ATChannel over a pty with the modem simulator")
    struct SimulatorTests {
        /// A simulator and a channel on its slave side, with real time and short timeouts.
        func connect(
            _ simulator: ModemSimulator, timeouts: ATTimeouts = ATTimeouts(command: .seconds(2), prompt: .seconds(2))
        ) throws -> ATChannel {
            ATChannel(transport: try SerialTransport(path: simulator.slavePath), timeouts: timeouts)
        }

        @Test func initSequence() async throws {
            let modem = try ModemSimulator()
            let channel = try connect(modem)
            #expect(try await channel.synchronize(tries: 3) == 1)
            #expect(try await channel.send("ATE0").isOK)
            #expect(try await channel.send("AT+CMEE=1").isOK)
            #expect(try await channel.send("AT+CPIN?").lines == ["+CPIN: READY"])
            #expect(try await channel.send("AT+CSQ").values(of: "+CSQ") == ["20,0"])
            #expect(try await channel.send("AT+CREG?").values(of: "+CREG") == ["0,1"])
            #expect(try await channel.send("AT+BOGUS").final == .error)
            await channel.close()
            await modem.stop()
            #expect(modem.commands == ["AT", "ATE0", "AT+CMEE=1", "AT+CPIN?", "AT+CSQ", "AT+CREG?", "AT+BOGUS"])
        }

        @Test(
            "SIM states",
            arguments: [
                (ModemSimulator.SIMState.ready, ATResponse(lines: ["+CPIN: READY"], final: .ok)),
                (.pin("1234"), ATResponse(lines: ["+CPIN: SIM PIN"], final: .ok)),
                (.puk, ATResponse(lines: ["+CPIN: SIM PUK"], final: .ok)),
                (.absent, ATResponse(final: .cmeError(10))),
            ])
        func simStates(state: ModemSimulator.SIMState, answer: ATResponse) async throws {
            let modem = try ModemSimulator()
            modem.script { $0.sim = state }
            let channel = try connect(modem)
            #expect(try await channel.send("AT+CPIN?") == answer)
            await channel.close()
            await modem.stop()
        }

        @Test func readListDeleteStoredMessages() async throws {
            let modem = try ModemSimulator()
            let first = modem.store(pdu: sampleDeliverPDU)
            let second = modem.store(pdu: sampleDeliverPDU, status: 1)
            let channel = try connect(modem)
            #expect(try await channel.send("AT+CPMS=\"SM\",\"SM\",\"SM\"").values(of: "+CPMS") == ["2,30,2,30,2,30"])
            let read = try await channel.send("AT+CMGR=\(first)")
            #expect(read.lines == ["+CMGR: 0,,\(tpduLength(sampleDeliverPDU))", sampleDeliverPDU])
            let list = try await channel.send("AT+CMGL=4")
            #expect(list.lines.count == 4 && list.lines[2] == "+CMGL: \(second),1,,\(tpduLength(sampleDeliverPDU))")
            #expect(try await channel.send("AT+CMGD=\(first)").isOK)
            #expect(try await channel.send("AT+CMGR=\(first)").final == .cmsError(321))
            #expect(modem.storage.keys.sorted() == [second])
            #expect(try await channel.send("AT+CMGD=1,4").isOK)
            #expect(modem.storage.isEmpty)
            await channel.close()
            await modem.stop()
        }

        @Test func submitAndStorageFull() async throws {
            let modem = try ModemSimulator()
            modem.script { $0.failingSubmits = 1 }
            let channel = try connect(modem)
            let pdu = "0011000B916407281553F80000AA0AE8329BFD4697D9EC37"
            #expect(try await channel.sendSMS(pdu: pdu, tpduLength: 23).final == .cmsError(322))
            #expect(try await channel.sendSMS(pdu: pdu, tpduLength: 23) == ATResponse(lines: ["+CMGS: 1"], final: .ok))
            #expect(modem.submittedPDUs == [pdu])
            await channel.close()
            await modem.stop()
        }

        @Test func echoOnAndURCsInsideResponses() async throws {
            let modem = try ModemSimulator()
            modem.script { $0.settings.echo = true }
            let index = modem.store(pdu: sampleDeliverPDU)
            let channel = try connect(modem)
            modem.script { $0.urcsInsideNextResponse = ["+CMTI: \"SM\",2", "RING"] }
            let read = try await channel.send("AT+CMGR=\(index)")
            #expect(read.lines == ["+CMGR: 0,,\(tpduLength(sampleDeliverPDU))", sampleDeliverPDU])
            modem.script { $0.urcsInsideNextResponse = ["+CLIP: \"+27821231234\",145,,,,0"] }
            let sent = try await channel.sendSMS(pdu: "0011000B916407281553F80000AA0AE8329BFD4697D9EC37", tpduLength: 23)
            #expect(sent.lines == ["+CMGS: 1"])
            var urcs = channel.unsolicited.makeAsyncIterator()
            #expect(await urcs.next()?.name == "+CMTI")
            #expect(await urcs.next()?.name == "RING")
            #expect(await urcs.next() == ATUnsolicited(name: "+CLIP", value: "\"+27821231234\",145,,,,0"))
            await channel.close()
            await modem.stop()
        }

        @Test func injectedURCsArriveAnyTime() async throws {
            let modem = try ModemSimulator()
            let channel = try connect(modem)
            #expect(try await channel.send("AT").isOK)
            modem.inject("+CMTI: \"SM\",3")
            modem.inject("RING")
            var urcs = channel.unsolicited.makeAsyncIterator()
            #expect(await urcs.next() == ATUnsolicited(name: "+CMTI", value: "\"SM\",3"))
            #expect(await urcs.next() == ATUnsolicited(name: "RING"))
            await channel.close()
            await modem.stop()
        }

        @Test func huaweiProfile() async throws {
            let modem = try ModemSimulator(profile: .huaweiE1752)
            let channel = try connect(modem)
            #expect(try await channel.send("AT+CSQ").lines == ["+CSQ: 20,0"])
            #expect(try await channel.send("AT+CMGDA=\"DEL ALL\"").final == .commandNotSupported)
            #expect(try await channel.send("ATD+27821231234;").isOK)
            var urcs = channel.unsolicited.makeAsyncIterator()
            #expect(await urcs.next()?.name == "^ORIG")
            #expect(await urcs.next()?.name == "^CONF")
            #expect(try await channel.send("ATH").isOK)
            #expect(await urcs.next() == ATUnsolicited(name: "^CEND", value: "1,5,29,16"))
            await channel.close()
            await modem.stop()
        }

        @Test func callProgressAndUSSD() async throws {
            let modem = try ModemSimulator()
            modem.script {
                $0.callProgress = [2, 3, 0]
                $0.callEndsAfterProgress = true
            }
            let channel = try connect(modem)
            #expect(try await channel.send("ATD+27821231234;").isOK)
            var stats: [String] = []
            for _ in 0..<3 { stats += try await channel.send("AT+CLCC").values(of: "+CLCC") }
            #expect(stats.map { $0.split(separator: ",")[2] } == ["2", "3", "0"])
            #expect(try await channel.send("AT+CLCC").lines == [])
            var urcs = channel.unsolicited.makeAsyncIterator()
            #expect(await urcs.next() == ATUnsolicited(name: "NO CARRIER"))
            #expect(try await channel.send("AT+CUSD=1,\"*101#\",15").isOK)
            #expect(await urcs.next() == ATUnsolicited(name: "+CUSD", value: "0,\"Available Balance: R 96.45 .\",15"))
            await channel.close()
            await modem.stop()
        }

        @Test func silenceTimesOutAndGarbageIsSurvived() async throws {
            let modem = try ModemSimulator()
            let channel = try connect(modem, timeouts: ATTimeouts(command: .milliseconds(300)))
            modem.script { $0.silent = true }
            await #expect(throws: ATChannelError(.timeout, command: "AT+CSQ")) { try await channel.send("AT+CSQ") }
            modem.script { $0.silent = false }
            modem.inject(bytes: [0x00, 0xFF, 0xFE, 0x80, 0x0D, 0x0A, 0x00])
            #expect(try await channel.synchronize(tries: 3, timeout: .milliseconds(300)) == 1)
            await channel.close()
            await modem.stop()
        }

        @Test func slowPromptIsAborted() async throws {
            let modem = try ModemSimulator()
            modem.script { $0.promptDelay = .milliseconds(600) }
            let channel = try connect(
                modem, timeouts: ATTimeouts(command: .seconds(2), prompt: .milliseconds(200), abort: .seconds(2)))
            await #expect(throws: ATChannelError(.noPrompt, command: "AT+CMGS=23")) {
                try await channel.sendSMS(pdu: "00", tpduLength: 23)
            }
            #expect(modem.submittedPDUs.isEmpty)
            modem.script { $0.promptDelay = .zero }
            #expect(try await channel.send("AT").isOK)
            await channel.close()
            await modem.stop()
        }

        @Test func portVanishesAndComesBack() async throws {
            let modem = try ModemSimulator()
            let index = modem.store(pdu: sampleDeliverPDU)
            let channel = try connect(modem)
            #expect(try await channel.send("AT").isOK)
            let oldPath = modem.slavePath
            await modem.vanish()
            await #expect(throws: ATChannelError(.closed, command: "AT")) { try await channel.send("AT") }
            #expect(throws: SerialPortError.self) { try SerialPort(path: oldPath) }
            let newPath = try modem.reappear()
            let reopened = try connect(modem)
            #expect(try await reopened.send("AT+CMGR=\(index)").lines.last == sampleDeliverPDU)
            #expect(newPath == modem.slavePath)
            await channel.close()
            await reopened.close()
            await modem.stop()
        }
    }
}

extension PseudoTerminalTests {
    @Suite("SerialPort")
    struct SerialPortTests {
        @Test func noSuchDevice() {
            #expect(throws: SerialPortError(.noSuchDevice, path: "/dev/ttyUSB-none")) {
                try SerialPort(path: "/dev/ttyUSB-none")
            }
            let error = SerialPortError(.noSuchDevice, path: "/dev/ttyUSB2", call: "open", errno: ENOENT)
            #expect(error.description.hasPrefix("no such device /dev/ttyUSB2"))
        }

        @Test func notATerminal() {
            #expect(throws: SerialPortError(.notATerminal, path: "/dev/null")) { try SerialPort(path: "/dev/null") }
        }

        @Test func unsupportedSpeed() {
            #expect(throws: SerialPortError(.unsupportedSpeed, path: "/dev/null")) {
                try SerialPort(path: "/dev/null", baudRate: 12345)
            }
        }

        @Test("speeds", arguments: SerialPort.baudRates)
        func speeds(baud: Int) async throws {
            let modem = try ModemSimulator()
            let port = try SerialPort(path: modem.slavePath, baudRate: baud)
            #expect(port.baudRate == baud)
            port.close()
            await modem.stop()
        }

        @Test func secondOpenIsBusy() async throws {
            let modem = try ModemSimulator()
            let port = try SerialPort(path: modem.slavePath)
            #expect(throws: SerialPortError(.busy, path: modem.slavePath)) { try SerialPort(path: modem.slavePath) }
            port.close()
            let again = try SerialPort(path: modem.slavePath)
            again.close()
            await modem.stop()
        }

        @Test func messages() {
            #expect(
                SerialPortError(.permissionDenied, path: "/dev/ttyAMA0").description
                    == "permission denied on /dev/ttyAMA0: add the user to the dialout group")
            #expect(
                SerialPortError(.busy, path: "/dev/ttyUSB2").description
                    == "busy: another program (ModemManager?) holds /dev/ttyUSB2")
        }

        @Test func readWriteAndHangup() async throws {
            let modem = try ModemSimulator()
            let port = try SerialPort(path: modem.slavePath)
            try port.write(Array("AT\r".utf8))
            var received: [UInt8] = []
            for _ in 0..<50 where !String(decoding: received, as: UTF8.self).contains("OK") {
                received += try port.read(timeout: .milliseconds(50))
            }
            #expect(String(decoding: received, as: UTF8.self) == "\r\nOK\r\n")
            #expect(try port.read(timeout: .milliseconds(20)) == [])
            await modem.vanish()
            #expect(throws: SerialPortError(.disconnected, path: port.path)) { try port.read(timeout: .seconds(1)) }
            port.close()
            #expect(throws: SerialPortError(.closed, path: port.path)) { try port.read(timeout: .zero) }
        }
    }
}
