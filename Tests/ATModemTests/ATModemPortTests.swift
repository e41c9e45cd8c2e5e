import Logging
import SocketCore
import Synchronization
import Testing

@testable import ATModem
import ModemSimulator

extension PDUError {
    static let notSubmit = PDUError(.unexpectedMessageType, at: 0, "not an SMS-SUBMIT")
}

/// Records what the modem port posts.
final class RecordingSink: EventSink {
    private let state = Mutex<(events: [Event], receipts: [MessageReceipt])>(([], []))
    func post(_ event: Event) { state.withLock { $0.events.append(event) } }
    func post(_ sms: IncomingSMS, receipt: MessageReceipt) {
        state.withLock {
            $0.events.append(.sms(sms))
            $0.receipts.append(receipt)
        }
    }
    var events: [Event] { state.withLock { $0.events } }
    var receipts: [MessageReceipt] { state.withLock { $0.receipts } }
    var messages: [IncomingSMS] { events.compactMap { if case .sms(let sms) = $0 { sms } else { nil } } }
}

extension PseudoTerminalTests {
    /// The ATModem port against the modem simulator on a real pseudo-terminal.
    @Suite("The AT modem port", .serialized)
    struct ATModemPortTests {
        static let stamp = NetworkTimestamp(local: CivilTime(year: 2026, month: 1, day: 5, hour: 8, minute: 0, second: 0), zoneQuarterHours: 8)

        static func deliver(_ text: String, from sender: String = "+3589123456789", reference: UInt16 = 0) throws -> [String] {
            try DeliverPDU.encode(text: text, from: PDUAddress(number: sender), timestamp: stamp, reference: reference).map(\.hex)
        }

        static func submitted(_ hex: String) throws -> SubmitPDU {
            guard case .submit(let pdu) = try SMSPDU(hex: hex) else { throw PDUError.notSubmit }
            return pdu
        }

        /// A port on `simulator`, with short intervals so supervision happens within a test.
        static func port(
            _ simulator: ModemSimulator, vendor: ModemVendor? = nil, logger: Logger = Logger(label: "test"),
            _ adjust: (inout ATModem.Configuration) -> Void = { _ in }
        ) -> ATModem {
            var configuration = ATModem.Configuration(device: "pty", vendor: vendor)
            configuration.checkInterval = .milliseconds(50)
            configuration.checkTimeout = .milliseconds(400)
            configuration.sweepTimeout = .seconds(1)
            configuration.reconnectDelay = .milliseconds(50)
            configuration.callPollInterval = .milliseconds(20)
            configuration.timeouts = ATTimeouts(command: .seconds(2), prompt: .seconds(2), body: .seconds(2), abort: .milliseconds(200))
            adjust(&configuration)
            return ATModem(configuration: configuration, logger: logger) { _ in
                try SerialTransport(path: simulator.slavePath)
            }
        }

        func started(_ simulator: ModemSimulator, vendor: ModemVendor? = nil) async throws -> (ATModem, RecordingSink) {
            let modem = Self.port(simulator, vendor: vendor)
            let sink = RecordingSink()
            try await modem.start(events: sink)
            await eventually { sink.events.contains(.modemOnline(true)) }
            return (modem, sink)
        }

        @Test func initialisesAndReportsSignal() async throws {
            let simulator = try ModemSimulator()
            let (modem, sink) = try await started(simulator)
            defer { Task { await modem.stop() } }
            for command in ["ATE0", "AT+CMEE=1", "AT+CPIN?", "AT+CMGF=0", "AT+CNMI=2,1,0,0,0", "AT+CLIP=1", "AT+CREG=2"] {
                #expect(simulator.commands.contains(command), "\(command) was not sent")
            }
            await eventually { sink.events.contains(.signal(dBm: -73)) }
            await modem.stop()
        }

        /// `smsocket status`'s registration and operator: the `+CREG` state, and `AT+COPS?` asked once per
        /// registration (not at every check).
        @Test func reportsRegistrationAndOperator() async throws {
            let simulator = try ModemSimulator()
            simulator.script { $0.registration = 5 }
            let (modem, _) = try await started(simulator)
            let roaming = NetworkStatus(registration: .roaming, operatorName: ModemSimulator.operatorName)
            await eventually { await modem.networkStatus() == roaming }
            await eventually { simulator.commands.filter { $0 == "AT+CREG?" }.count >= 4 }
            #expect(simulator.commands.filter { $0 == "AT+COPS?" }.count == 1)
            simulator.script { $0.registration = 2 }
            await eventually { await modem.networkStatus() == NetworkStatus(registration: .searching) }
            await modem.stop()
            #expect(await modem.networkStatus() == NetworkStatus(), "nothing is known of a modem that is offline")
        }

        @Test(arguments: [
            (ModemSimulator.SIMState.pin("1234"), ModemError.Code.simPINRequired),
            (.puk, .simPUKRequired),
            (.absent, .noSIM),
        ])
        func aSIMProblemIsReportedAndRetried(_ sim: ModemSimulator.SIMState, _ code: ModemError.Code) async throws {
            let simulator = try ModemSimulator()
            simulator.script { $0.sim = sim }
            let modem = Self.port(simulator)
            await #expect(throws: ModemError(code)) { try await modem.connect() }
            await modem.stop()
        }

        @Test func messagesAreReadOnCMTIAndDeletedOnlyWhenAcknowledged() async throws {
            let simulator = try ModemSimulator()
            let (modem, sink) = try await started(simulator)
            let index = simulator.store(pdu: try Self.deliver("ON")[0])
            simulator.inject("+CMTI: \"SM\",\(index)")
            await eventually { sink.messages.count == 1 }
            #expect(sink.messages.first?.text == "ON")
            #expect(sink.messages.first?.sender == "+3589123456789")
            #expect(sink.messages.first?.timestamp == Self.stamp)
            #expect(simulator.storage[index] != nil, "kept until the controller committed it")
            simulator.inject("+CMTI: \"SM\",\(index)")  // reported twice
            try await modem.acknowledge(sink.receipts[0])
            await eventually { simulator.storage.isEmpty }
            #expect(sink.messages.count == 1, "a message seen twice is handed over once")
            await modem.stop()
        }

        @Test func messagesStoredWhileDownAreSweptAtStart() async throws {
            let simulator = try ModemSimulator()
            simulator.store(pdu: try Self.deliver("STATUS")[0])
            simulator.store(pdu: "0011000B916407281553F80000AA0AE8329BFD4697D9EC37", status: 3)  // a stored SUBMIT
            simulator.store(pdu: "07911326040000F0GG")  // garbage
            let (modem, sink) = try await started(simulator)
            await eventually { sink.messages.map(\.text) == ["STATUS"] }
            await eventually { simulator.storage.count == 1 }  // the SUBMIT and the garbage are deleted at once
            try await modem.acknowledge(sink.receipts[0])
            await eventually { simulator.storage.isEmpty }
            await modem.stop()
        }

        @Test func concatenatedPartsBecomeOneMessage() async throws {
            let simulator = try ModemSimulator()
            let (modem, sink) = try await started(simulator)
            let text = String(repeating: "Long message. ", count: 20)
            let parts = try Self.deliver(text, reference: 7)
            #expect(parts.count == 2)
            for part in parts.reversed() { simulator.inject("+CMTI: \"SM\",\(simulator.store(pdu: part))") }
            await eventually { sink.messages.count == 1 }
            #expect(sink.messages.first?.text == text)
            try await modem.acknowledge(try #require(sink.receipts.first))
            await eventually { simulator.storage.isEmpty }
            await modem.stop()
        }

        @Test func sendsGSM7UCS2AndLongTextsAsParts() async throws {
            let simulator = try ModemSimulator()
            let (modem, _) = try await started(simulator)
            try await modem.sendSMS(OutgoingSMS(to: "+3589123456789", text: "Power socket ON"))
            try await modem.sendSMS(OutgoingSMS(to: "+3589123456789", text: "Ответ: 5 руб"))
            try await modem.sendSMS(OutgoingSMS(to: "+3589123456789", text: String(repeating: "x", count: 200)))
            let submitted = try simulator.submittedPDUs.map(Self.submitted)
            #expect(submitted.map(\.text) == ["Power socket ON", "Ответ: 5 руб", String(repeating: "x", count: 153), String(repeating: "x", count: 47)])
            #expect(submitted[0].dataCoding.alphabet == DataCodingScheme.Alphabet.gsm7)
            #expect(submitted[1].dataCoding.alphabet == DataCodingScheme.Alphabet.ucs2)
            #expect(submitted[0].destination.description == "+3589123456789")
            await modem.stop()
        }

        @Test func aRefusedSubmitIsReportedAsRefusedAndNotRetried() async throws {
            let simulator = try ModemSimulator()
            let (modem, _) = try await started(simulator)
            simulator.script { $0.failingSubmits = 1 }
            let error = await #expect(throws: SMSSendError.self) {
                try await modem.sendSMS(OutgoingSMS(to: "+3589123456789", text: "refused"))
            }
            #expect(error?.code == .refused)
            #expect(error?.partsSent == 0)
            #expect(simulator.commands.filter { $0.hasPrefix("AT+CMGS=") }.count == 1, "one try: the outbox owns retries")
            try await modem.sendSMS(OutgoingSMS(to: "+3589123456789", text: "accepted"))
            #expect(try simulator.submittedPDUs.map(Self.submitted).map(\.text) == ["accepted"])
            await modem.stop()
        }

        @Test func aLongTextResumesAfterThePartsAlreadySent() async throws {
            let simulator = try ModemSimulator()
            let (modem, _) = try await started(simulator)
            let text = String(repeating: "y", count: 200)
            try await modem.sendSMS(OutgoingSMS(to: "+3589123456789", text: text, reference: 42, partsSent: 1))
            let submitted = try simulator.submittedPDUs.map(Self.submitted)
            #expect(submitted.map(\.text) == [String(repeating: "y", count: 47)], "only the second part")
            #expect(submitted.first?.concatenation?.reference == 42)
            #expect(submitted.first?.concatenation?.sequence == 2)
            await modem.stop()
        }

        @Test(arguments: [
            ([2, 3, 0], [Event.callAnswered("+3581"), .callEnded("+3581", .answered)]),
            ([2, 3], [.callEnded("+3581", .noAnswer)]),
        ])
        func callsAreFollowedUntilTheyEnd(_ progress: [Int], _ expected: [Event]) async throws {
            let simulator = try ModemSimulator()
            simulator.script { $0.callProgress = progress }
            let (modem, sink) = try await started(simulator)
            try await modem.placeCall(to: "+3581")
            #expect(simulator.commands.contains("ATD+3581;"))
            try await Task.sleep(for: .milliseconds(200))
            try await modem.endCall(to: "+3581")
            let calls = sink.events.filter { if case .callAnswered = $0 { true } else if case .callEnded = $0 { true } else { false } }
            #expect(calls == expected)
            #expect(simulator.commands.contains("ATH"))
            await modem.stop()
        }

        @Test func aCallThatEndsBeforeBeingAnsweredWasRejected() async throws {
            let simulator = try ModemSimulator()
            simulator.script {
                $0.callProgress = [2, 3]
                $0.callEndsAfterProgress = true
            }
            let (modem, sink) = try await started(simulator)
            try await modem.placeCall(to: "+3581")
            await eventually { sink.events.contains(.callEnded("+3581", .rejected)) }
            await modem.stop()
        }

        @Test func anIncomingCallIsReportedOnceAndHungUp() async throws {
            let simulator = try ModemSimulator()
            let (modem, sink) = try await started(simulator)
            for _ in 0..<3 {
                simulator.inject("RING")
                simulator.inject("+CLIP: \"+3589123456789\",145,,,,0")
            }
            await eventually { sink.events.contains(.incomingCall(from: "+3589123456789")) }
            try await Task.sleep(for: .milliseconds(100))
            #expect(sink.events.filter { $0 == .incomingCall(from: "+3589123456789") }.count == 1)
            let before = simulator.commands.count
            try await modem.rejectCall(from: "+3589123456789")
            #expect(simulator.commands.dropFirst(before).contains("ATH"))
            await modem.stop()
        }

        @Test func aHiddenCallerIsReportedAfterTwoRings() async throws {
            let simulator = try ModemSimulator()
            let (modem, sink) = try await started(simulator)
            simulator.inject("RING")
            simulator.inject("RING")
            await eventually { sink.events.contains(.incomingCall(from: nil)) }
            await modem.stop()
        }

        @Test func ussdAnswersArePosted() async throws {
            let simulator = try ModemSimulator()
            simulator.script { $0.ussdBeforeOK = true }
            let (modem, sink) = try await started(simulator)
            try await modem.sendUSSD(code: "*100#")
            await eventually { sink.events.contains(.ussdReply("Available Balance: R 96.45 .")) }
            await modem.stop()
        }

        @Test func aVanishedPortIsReopened() async throws {
            let simulator = try ModemSimulator()
            let (modem, sink) = try await started(simulator)
            await simulator.vanish()
            await eventually { sink.events.contains(.modemOnline(false)) }
            _ = try simulator.reappear()
            await eventually { sink.events.filter { $0 == .modemOnline(true) }.count == 2 }
            let index = simulator.store(pdu: try Self.deliver("after")[0])
            simulator.inject("+CMTI: \"SM\",\(index)")
            await eventually { sink.messages.map(\.text) == ["after"] }
            await modem.stop()
        }

        @Test func aSilentModemIsDroppedAndRetried() async throws {
            let simulator = try ModemSimulator()
            let (modem, sink) = try await started(simulator)
            simulator.script { $0.silent = true }
            await eventually(.seconds(15)) { sink.events.contains(.modemOnline(false)) }
            simulator.script { $0.silent = false }
            await eventually(.seconds(15)) { sink.events.filter { $0 == .modemOnline(true) }.count == 2 }
            await modem.stop()
        }

        @Test func aHuaweiStickWorksToo() async throws {
            let simulator = try ModemSimulator(profile: .huaweiE1752)
            let (modem, sink) = try await started(simulator, vendor: nil)
            let index = simulator.store(pdu: try Self.deliver("STATUS")[0])
            simulator.inject("+CMTI: \"SM\",\(index)")
            await eventually { sink.messages.count == 1 }
            try await modem.sendSMS(OutgoingSMS(to: "+3589123456789", text: "OK"))
            #expect(simulator.submittedPDUs.count == 1)
            await modem.stop()
        }
    }
}

/// Records the levels an output was set to.
final class RecordingOutput: OutputPort {
    private let levels = Mutex<[Bool]>([])
    func start(events: any EventSink) async throws {}
    func stop() async {}
    func set(on: Bool) async throws { levels.withLock { $0.append(on) } }
    var history: [Bool] { levels.withLock { $0 } }
}

extension PseudoTerminalTests {
    @Suite("The AT modem's recovery")
    struct ATModemRecoveryTests {
        static func port(_ simulator: ModemSimulator) -> ATModem {
            var configuration = ATModem.Configuration(device: "pty", vendor: .simcom)
            configuration.checkInterval = .milliseconds(30)
            configuration.checkTimeout = .milliseconds(300)
            configuration.registrationTimeout = .milliseconds(60)
            configuration.reconnectDelay = .milliseconds(20)
            configuration.radioOffPause = .milliseconds(10)
            configuration.powerKeyPulse = .milliseconds(10)
            configuration.powerOffPause = .milliseconds(10)
            configuration.timeouts = ATTimeouts(abort: .milliseconds(50))
            return ATModem(configuration: configuration, logger: Logger(label: "test")) { _ in
                try SerialTransport(path: simulator.slavePath)
            }
        }

        @Test func theLadderClimbsToThePowerKeyWhileUnregistered() async throws {
            let simulator = try ModemSimulator()
            simulator.script { $0.registration = 2 }  // searching, never registered
            let modem = Self.port(simulator)
            let key = RecordingOutput()
            await modem.usePowerKey(key)
            try await modem.start(events: RecordingSink())
            await eventually(.seconds(15)) { key.history == [true, false, true, false] }
            let commands = simulator.commands
            for step in ["AT+COPS=0", "AT+CFUN=0", "AT+CFUN=1", "AT+CFUN=1,1"] {
                #expect(commands.contains(step), "\(step) was not tried")
            }
            // Registered again: the ladder stops.
            simulator.script { $0.registration = 1 }
            await eventually { await modem.online }
            await modem.stop()
            await simulator.stop()
        }

        @Test func aSilentModemGetsItsPowerKeyPulsed() async throws {
            let simulator = try ModemSimulator()
            simulator.script { $0.silent = true }
            let modem = Self.port(simulator)
            let key = RecordingOutput()
            await modem.usePowerKey(key)
            try await modem.start(events: RecordingSink())
            await eventually(.seconds(15)) { key.history.count >= 2 }
            #expect(Array(key.history.prefix(2)) == [true, false])
            await modem.stop()
            await simulator.stop()
        }
    }
}
