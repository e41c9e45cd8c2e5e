import Logging
import SocketCore
import Testing

@testable import ATModem
import ModemSimulator

extension PseudoTerminalTests {
    /// What real modems and networks do that a modem of our own tests would not (issue 7): each behaviour
    /// is taught to the simulator, then the port is run against it on a pty.
    @Suite("Modems in the field")
    struct ModemQuirksTests {
        typealias Port = ATModemPortTests

        /// A port with short waits, so that supervision, settling and quiet periods happen within a test.
        static func port(_ simulator: ModemSimulator, _ adjust: (inout ATModem.Configuration) -> Void = { _ in }) -> ATModem {
            var configuration = ATModem.Configuration(device: "pty", vendor: .simcom)
            configuration.checkInterval = .milliseconds(50)
            configuration.checkTimeout = .milliseconds(400)
            configuration.sweepTimeout = .seconds(1)
            configuration.sweepInterval = .milliseconds(200)
            configuration.reconnectDelay = .milliseconds(50)
            configuration.bootSettle = .milliseconds(50)
            configuration.concatenationTimeout = .milliseconds(300)
            configuration.timeouts = ATTimeouts(
                command: .seconds(2), prompt: .seconds(2), body: .seconds(30), abort: .milliseconds(100),
                impliedFinal: .milliseconds(150))
            adjust(&configuration)
            return ATModem(configuration: configuration, logger: Logger(label: "test")) { _ in
                try SerialTransport(path: simulator.slavePath)
            }
        }

        func started(_ simulator: ModemSimulator) async throws -> (ATModem, RecordingSink) {
            let modem = Self.port(simulator)
            let sink = RecordingSink()
            try await modem.start(events: sink)
            await eventually { sink.events.contains(.modemOnline(true)) }
            return (modem, sink)
        }

        /// Acknowledges every message the sink has been given, as the controller does after its commit.
        func acknowledgeAll(_ modem: ATModem, _ sink: RecordingSink) async throws {
            for receipt in sink.receipts { try await modem.acknowledge(receipt) }
        }

        @Test(arguments: ["ME", "MT", "SM"])
        func aMessageIsReadFromTheStorageItsNoticeNames(_ storage: String) async throws {
            let simulator = try ModemSimulator()
            simulator.script { $0.storageNames = ["SM", "ME", "MT", "SR"] }
            let (modem, sink) = try await started(simulator)
            simulator.script { $0.newMessageStorage = storage }
            let stored = simulator.receive(pdu: try Port.deliver("STATUS")[0])
            #expect(stored?.storage == storage)
            await eventually { sink.messages.map(\.text) == ["STATUS"] }
            try await acknowledgeAll(modem, sink)
            await eventually { simulator.storage(storage).isEmpty }
            await modem.stop()
        }

        @Test func everyStorageIsSweptAndStatusReportsAreCleared() async throws {
            let simulator = try ModemSimulator()
            simulator.store(pdu: try Port.deliver("first")[0], in: "ME")
            simulator.store(pdu: try Port.deliver("second")[0], in: "SM")
            simulator.store(pdu: "0006D60B911326880736F4111011719551401110117195714000", in: "SR")
            let (modem, sink) = try await started(simulator)
            await eventually { Set(sink.messages.map(\.text)) == ["first", "second"] }
            await eventually { simulator.storage("SR").isEmpty }
            try await acknowledgeAll(modem, sink)
            await eventually { simulator.storage("ME").isEmpty && simulator.storage("SM").isEmpty }
            await modem.stop()
        }

        @Test func aDirectDeliveryIsHandledAndAcknowledgedAfterItsCommit() async throws {
            let simulator = try ModemSimulator()
            simulator.script { $0.settings.messageService = 1 }
            let (modem, sink) = try await started(simulator)
            // Class 0 ("flash"): STATUS from +3589123456789, straight to the line.
            simulator.receive(pdu: "00040D91539821436587F900106211927115940006536A905A9D02", direct: true)
            await eventually { sink.messages.map(\.text) == ["STATUS"] }
            #expect(sink.messages.first?.sender == "+3589123456789")
            #expect(simulator.script { $0.acknowledgedDirect } == 0, "acknowledged only once committed")
            try await acknowledgeAll(modem, sink)
            await eventually { simulator.script { $0.acknowledgedDirect } == 1 }
            // A status report routed to the line is acknowledged and never handed over.
            simulator.script { $0.settings.cnmi[3] = 1 }
            simulator.receive(statusReport: "0006D60B911326880736F4111011719551401110117195714000")
            await eventually { simulator.script { $0.acknowledgedDirect } == 2 }
            #expect(sink.messages.count == 1)
            await modem.stop()
        }

        @Test func afterARebootTheModemIsInitialisedAgain() async throws {
            let simulator = try ModemSimulator()
            let (modem, sink) = try await started(simulator)
            simulator.reboot()
            #expect(simulator.script { $0.settings.callerID } == false)
            await eventually { simulator.script { $0.settings.callerID && $0.settings.cnmi[1] == 1 && !$0.settings.echo } }
            simulator.ring(from: "+3589123456789")
            await eventually { sink.events.contains(.incomingCall(from: "+3589123456789")) }
            let index = simulator.receive(pdu: try Port.deliver("ON")[0])
            #expect(index != nil)
            await eventually { sink.messages.map(\.text) == ["ON"] }
            await modem.stop()
        }

        @Test func settingsThatDriftAreSetAgainByTheHealthCheck() async throws {
            let simulator = try ModemSimulator()
            let (modem, _) = try await started(simulator)
            simulator.script {
                $0.settings.callerID = false
                $0.settings.cnmi = [0, 0, 0, 0, 0]
                $0.settings.messageFormat = 1
            }
            await eventually {
                simulator.script { $0.settings.callerID && $0.settings.cnmi[1] == 1 && $0.settings.messageFormat == 0 }
            }
            await modem.stop()
        }

        @Test func aMessageInTextModeIsNeverDeletedAsUndecodable() async throws {
            let simulator = try ModemSimulator()
            let (modem, sink) = try await started(simulator)
            simulator.script { $0.settings.messageFormat = 1 }
            let index = simulator.store(pdu: try Port.deliver("STATUS")[0])
            simulator.inject("+CMTI: \"SM\",\(index)")
            await eventually { sink.messages.map(\.text) == ["STATUS"] }
            await modem.stop()
        }

        @Test func aModemLeftWaitingForMessageTextComesBack() async throws {
            let simulator = try ModemSimulator()
            simulator.leaveWaitingForMessageText()
            let (modem, _) = try await started(simulator)
            #expect(simulator.submittedPDUs.isEmpty, "nothing was sent as a message")
            #expect(simulator.messageTexts == [""], "the waiting message was abandoned empty")
            await modem.stop()
        }

        /// At start the outbox hands over at once what an earlier run left (found by the kill -9 rounds): it
        /// waited neither for the ESC to settle nor for PDU mode, the modem took `ESC AT+CMGS=…` for noise, and
        /// every reply to that number then waited out the 30 s back-off.
        @Test func anSMSAskedForWhileThePortConnectsWaitsForItsInitialisation() async throws {
            let simulator = try ModemSimulator()
            simulator.leaveWaitingForMessageText()
            let modem = Self.port(simulator)
            try await modem.start(events: RecordingSink())
            try await modem.sendSMS(OutgoingSMS(to: "+3589123456789", text: "Power socket ON"))
            let commands = simulator.commands
            let initialised = try #require(commands.firstIndex(of: "AT+CMGF=0"), "\(commands)")
            let sent = try #require(commands.firstIndex { $0.hasPrefix("AT+CMGS=") }, "\(commands)")
            #expect(initialised < sent, "\(commands)")
            #expect(simulator.submittedPDUs.count == 1)
            await modem.stop()
        }

        @Test func answersWithoutAFinalResultCode() async throws {
            let simulator = try ModemSimulator()
            simulator.script { $0.withoutFinal = ["AT+CPIN?", "AT+CSQ", "AT+CREG?", "AT+CPMS=?"] }
            let (modem, sink) = try await started(simulator)
            await eventually { sink.events.contains(.signal(dBm: -73)) }
            await modem.stop()
        }

        @Test func aGarbledFinalAfterCMGSIsNotWaitedOnAndNotSentAgain() async throws {
            let simulator = try ModemSimulator()
            simulator.script { $0.garbledSubmitFinals = 1 }
            let (modem, _) = try await started(simulator)
            let start = ContinuousClock.now
            try await modem.sendSMS(OutgoingSMS(to: "+3589123456789", text: "Power socket ON"))
            #expect(ContinuousClock.now - start < .seconds(10), "not held for the body timeout")
            #expect(simulator.submittedPDUs.count == 1)
            await modem.stop()
        }

        @Test func aGarbledCopyIsReadAgainBeforeItIsDeleted() async throws {
            let simulator = try ModemSimulator()
            let (modem, sink) = try await started(simulator)
            simulator.script { $0.corruptedReads = 1 }
            let index = simulator.store(pdu: try Port.deliver("STATUS")[0])
            simulator.inject("+CMTI: \"SM\",\(index)")
            await eventually { sink.messages.map(\.text) == ["STATUS"] }
            #expect(simulator.storage[index] != nil)
            await modem.stop()
        }

        @Test func aMessageNotAcknowledgedIsHandedOverAgain() async throws {
            let simulator = try ModemSimulator()
            let modem = Self.port(simulator) { $0.handOverAgainAfter = .milliseconds(200) }
            let sink = RecordingSink()
            try await modem.start(events: sink)
            await eventually { sink.events.contains(.modemOnline(true)) }
            let index = simulator.store(pdu: try Port.deliver("ON")[0])
            simulator.inject("+CMTI: \"SM\",\(index)")
            // The controller could not commit it (a full disk): after a sweep interval it comes again.
            await eventually { sink.messages.count >= 2 }
            #expect(Set(sink.receipts).count == 1, "the same message, under the same receipt")
            try await modem.acknowledge(sink.receipts[0])
            await eventually { simulator.storage.isEmpty }
            let count = sink.messages.count
            try await Task.sleep(for: .milliseconds(500))
            #expect(sink.messages.count == count, "an acknowledged message is not handed over again")
            await modem.stop()
        }

        @Test func aLonePartIsDroppedNeverHandledAlone() async throws {
            let simulator = try ModemSimulator()
            let (modem, sink) = try await started(simulator)
            let parts = try Port.deliver(String(repeating: "x", count: 160) + "OFF", reference: 7)
            let index = simulator.store(pdu: parts[1])
            simulator.inject("+CMTI: \"SM\",\(index)")
            await eventually { simulator.storage.isEmpty }
            #expect(sink.messages.isEmpty)
            await modem.stop()
        }

        @Test(arguments: [
            ("empty", "00040B917228214365F7000031308051206180" + "03200508"),
            ("8-bit data", "00040B917228214365F7000431308051206180" + "03414243"),
            ("message waiting", "00040B917228214365F700C831308051206180" + "02C824"),
            ("SIM data download", "00040B917228214365F77FF631308051206180" + "03414243"),
            ("replace type 1", "00040B917228214365F7410031308051206180" + "02C824"),
        ])
        func whatIsNoCommandIsDeletedUnanswered(_ name: String, _ pdu: String) async throws {
            let simulator = try ModemSimulator()
            let (modem, sink) = try await started(simulator)
            let index = simulator.store(pdu: pdu)
            let command = simulator.store(pdu: try Port.deliver("STATUS")[0])
            simulator.inject("+CMTI: \"SM\",\(index)")
            simulator.inject("+CMTI: \"SM\",\(command)")
            await eventually { sink.messages.map(\.text) == ["STATUS"] }
            await eventually { simulator.storage[index] == nil }
            await modem.stop()
        }

        @Test func aLenientlyDecodedMessageIsActedOn() async throws {
            let simulator = try ModemSimulator()
            let (modem, sink) = try await started(simulator)
            // STATUS with the zone octet C2 a live network sent.
            let index = simulator.store(pdu: "00040D91539821436587F90000621192810015C206536A905A9D02")
            simulator.inject("+CMTI: \"SM\",\(index)")
            await eventually { sink.messages.map(\.text) == ["STATUS"] }
            #expect(sink.messages.first?.sender == "+3589123456789")
            await modem.stop()
        }

        @Test(arguments: [
            (["+CUSD: 2", "+CUSD: 0,\"Balance 5.00\",15"], Event.ussdReply("Balance 5.00")),
            (["+CUSD: 3", "+CUSD: 0,\"Balance 5.00\",15"], .ussdReply("Balance 5.00")),
            (["+CUSD: 2,\"\",15", "+CUSD: 2,\"Balance 5.00\",15"], .ussdReply("Balance 5.00")),
            (["+CUSD: 1,\"Menu\",15"], .ussdReply("Menu")),
            (["+CUSD: 4"], .ussdReply(nil)),
            (["+CUSD: 5"], .ussdReply(nil)),
            (["+CUSD: 0,\"00420061006C0061006E00630065\",72"], .ussdReply("Balance")),
        ])
        func ussdSessions(_ replies: [String], _ expected: Event) async throws {
            let simulator = try ModemSimulator()
            simulator.script { $0.ussdReplies = replies }
            let (modem, sink) = try await started(simulator)
            try await modem.sendUSSD(code: "*100#")
            await eventually { sink.events.contains { if case .ussdReply = $0 { true } else { false } } }
            try await Task.sleep(for: .milliseconds(100))  // nothing more comes after the answer
            #expect(sink.events.filter { if case .ussdReply = $0 { true } else { false } } == [expected])
            await modem.stop()
        }
    }
}
