import Foundation
import InMemoryLogging
import Logging
import SocketCore
import Testing
import TestSupport

@testable import ATModem
import ModemSimulator

extension PseudoTerminalTests {
    /// `[modem] pin` against a PIN-locked SIM in the modem simulator, on a real pseudo-terminal.
    @Suite("The SIM PIN", .serialized)
    struct SIMPINTests {
        let folder: TemporaryDirectory
        let handler = InMemoryLogHandler()
        var logger: Logger

        init() throws {
            folder = try TemporaryDirectory()
            logger = Logger(label: "test") { [handler] _ in handler }
            logger.logLevel = .trace
        }

        var recordPath: String { folder.path(PINAttemptRecord.fileName) }

        /// A port with `pin` whose record of PIN entries is kept in the test's folder: a second port made
        /// with it is the controller after a restart.
        func port(_ simulator: ModemSimulator, pin: String?, vendor: ModemVendor? = nil, trace: Bool = false) -> ATModem {
            ATModemPortTests.port(simulator, vendor: vendor, logger: logger) {
                $0.pin = pin
                $0.pinRecordPath = recordPath
                $0.trace = trace
                $0.simStartPause = .milliseconds(20)
                $0.bootSettle = .milliseconds(100)
            }
        }

        func expectNoPINLogged(_ pins: [String], sourceLocation: SourceLocation = #_sourceLocation) {
            for entry in handler.entries {
                let line = "\(entry.message) \(entry.metadata)"
                for pin in pins { #expect(!line.contains(pin), "PIN \(pin) in the log: \(line)", sourceLocation: sourceLocation) }
            }
        }

        @Test func aReadySIMIsNotGivenThePIN() async throws {
            let simulator = try ModemSimulator()
            let modem = port(simulator, pin: "1234")
            try await modem.connect()
            #expect(!simulator.commands.contains { $0.hasPrefix("AT+CPIN=") })
            #expect(await modem.online)
            await modem.stop()
        }

        @Test(arguments: [nil, ModemVendor.simcom])
        func theRightPINIsEnteredOnceAndNeverLogged(_ vendor: ModemVendor?) async throws {
            let simulator = try ModemSimulator()
            simulator.script { $0.sim = .pin("1234") }
            let modem = port(simulator, pin: "1234", vendor: vendor, trace: true)
            try await modem.connect()
            #expect(await modem.online)
            #expect(simulator.commands.filter { $0.hasPrefix("AT+CPIN=") } == ["AT+CPIN=\"1234\""])
            #expect(simulator.commands.contains(vendor == .simcom ? "AT+SPIC" : "AT+CPINR=\"SIM PIN\""), "the attempts left are asked first")
            #expect(simulator.script { $0.pinEntries } == 1)
            #expect(!FileManager.default.fileExists(atPath: recordPath), "nothing to remember once the SIM is ready")
            let messages = handler.entries.map { "\($0.message)" }
            #expect(messages.contains("> AT+CPIN=\"****\""), "the trace shows the command, masked")
            #expect(messages.contains("modem pty: the SIM accepted its PIN"))
            // The SIM800 announces the SIM starting like a power-up: the modem is initialised again, the PIN not.
            await eventually(.seconds(10)) { simulator.commands.filter { $0 == "AT+CPIN?" }.count >= 3 }
            #expect(simulator.script { $0.pinEntries } == 1)
            #expect(!handler.entries.contains { $0.level == .warning && "\($0.message)".contains("restarted") })
            expectNoPINLogged(["1234"])
            await modem.stop()
        }

        @Test func aWrongPINIsEnteredOnceNeitherAgainNorAfterARestart() async throws {
            let simulator = try ModemSimulator()
            simulator.script { $0.sim = .pin("1234") }
            let modem = port(simulator, pin: "4321")
            await #expect(throws: ModemError(.wrongPIN)) { try await modem.connect() }
            #expect(simulator.script { $0.pinAttemptsLeft } == 2)
            await modem.disconnect(reason: nil)
            await #expect(throws: ModemError(.pinNotRetried)) { try await modem.connect() }
            await modem.stop()

            // The controller restarted (after a crash, or by systemd): the record in the state folder holds.
            let restarted = port(simulator, pin: "4321")
            let error = await #expect(throws: ModemError.self) { try await restarted.connect() }
            #expect(error?.code == .pinNotRetried)
            #expect(error?.description.contains("the SIM refused it at ") == true, "\(String(describing: error))")
            #expect(error?.description.contains(recordPath) == true)
            await restarted.stop()
            #expect(simulator.script { $0.pinEntries } == 1, "never the same wrong PIN twice")

            // The owner corrected the PIN: the new one is tried, and the SIM's counter is full again.
            let corrected = port(simulator, pin: "1234")
            try await corrected.connect()
            #expect(simulator.script { ($0.pinEntries, $0.pinAttemptsLeft) } == (2, 3))
            #expect(!FileManager.default.fileExists(atPath: recordPath))
            expectNoPINLogged(["1234", "4321"])
            await corrected.stop()
        }

        @Test func aWrongPINSaysSoAndHowManyAttemptsAreLeft() async throws {
            let simulator = try ModemSimulator()
            simulator.script { $0.sim = .pin("1234") }
            let modem = port(simulator, pin: "0000")
            let error = await #expect(throws: ModemError.self) { try await modem.connect() }
            #expect(error?.code == .wrongPIN)
            #expect(error?.description == "\(ModemError(.wrongPIN)): the SIM answered +CME ERROR: 16; 2 attempts left")
            await modem.stop()
        }

        @Test func withoutACounterTheRecordAloneKeepsAWrongPINFromBeingRetried() async throws {
            let simulator = try ModemSimulator()
            simulator.script {
                $0.sim = .pin("1234")
                $0.reportsPINAttempts = false
            }
            for _ in 0..<3 {
                let modem = port(simulator, pin: "9999")
                await #expect(throws: ModemError.self) { try await modem.connect() }
                await modem.stop()
            }
            #expect(simulator.script { ($0.pinEntries, $0.pinAttemptsLeft) } == (1, 2), "three starts, one entry")
        }

        @Test func onlyOneAttemptLeftIsNeverRisked() async throws {
            let simulator = try ModemSimulator()
            simulator.script {
                $0.sim = .pin("1234")
                $0.pinAttemptsLeft = 1
            }
            let modem = port(simulator, pin: "1234")
            let error = await #expect(throws: ModemError.self) { try await modem.connect() }
            #expect(error?.code == .pinAttemptsLow)
            #expect(error?.description.hasSuffix("the SIM reports 1 attempt left") == true)
            #expect(simulator.script { $0.pinEntries } == 0)
            await modem.stop()
        }

        @Test func aLockedSIMIsReportedPlainlyAndGivenNothing() async throws {
            let simulator = try ModemSimulator()
            simulator.script { $0.sim = .puk }
            let modem = port(simulator, pin: "1234")
            let error = await #expect(throws: ModemError.self) { try await modem.connect() }
            #expect(error?.code == .simPUKRequired)
            #expect(error?.description.hasPrefix("the SIM is locked (PUK needed); put it in a phone") == true)
            #expect(!simulator.commands.contains { $0.hasPrefix("AT+CPIN=") })
            await modem.stop()
        }

        @Test func aSIMThatAsksForAPINWhenNoneIsConfiguredIsAPlainError() async throws {
            let simulator = try ModemSimulator()
            simulator.script { $0.sim = .pin("1234") }
            let modem = port(simulator, pin: nil)
            let error = await #expect(throws: ModemError.self) { try await modem.connect() }
            #expect(error?.code == .simPINRequired)
            #expect(error?.description.contains("none is configured: set [modem] pin") == true)
            #expect(simulator.script { $0.pinEntries } == 0)
            await modem.stop()
        }

        /// A PIN entered just before a crash or a power cut, its answer never read: not entered again until
        /// the SIM shows it took it.
        @Test func aPINWhoseAnswerWasLostIsNotEnteredAgainUntilTheSIMIsReady() async throws {
            var record = PINAttemptRecord(path: recordPath)
            try record.attempting("1234")
            let simulator = try ModemSimulator()
            simulator.script { $0.sim = .pin("1234") }
            let modem = port(simulator, pin: "1234")
            let error = await #expect(throws: ModemError.self) { try await modem.connect() }
            #expect(error?.code == .pinNotRetried)
            #expect(error?.description.contains("its answer was lost") == true)
            await modem.stop()

            simulator.script { $0.sim = .ready }  // it had taken it (or was unlocked in a phone)
            let restarted = port(simulator, pin: "1234")
            try await restarted.connect()
            #expect(!FileManager.default.fileExists(atPath: recordPath), "a ready SIM ends the record")
            await restarted.stop()
            #expect(simulator.script { $0.pinEntries } == 0)
        }

        @Test func aRecordThatCannotBeReadBlocksEveryPIN() async throws {
            try "garbage".write(toFile: recordPath, atomically: true, encoding: .utf8)
            let simulator = try ModemSimulator()
            simulator.script { $0.sim = .pin("1234") }
            let modem = port(simulator, pin: "1234")
            let error = await #expect(throws: ModemError.self) { try await modem.connect() }
            #expect(error?.code == .pinNotRetried)
            #expect(error?.description.contains("\(recordPath), cannot be read") == true)
            await modem.stop()
            #expect(simulator.script { $0.pinEntries } == 0)
        }

        @Test func theRecordFileHoldsNoPINAndOnlyItsOwnerReadsIt() throws {
            var record = PINAttemptRecord(path: recordPath)
            try record.attempting("12345678")
            record.refused()
            let text = folder.read(PINAttemptRecord.fileName)
            #expect(!text.contains("12345678"))
            #expect(text.contains("outcome=refused"))
            let mode = try FileManager.default.attributesOfItem(atPath: recordPath)[.posixPermissions] as? Int
            #expect(mode == 0o600)
            let reread = PINAttemptRecord(path: recordPath)
            #expect(reread.entry == record.entry)
            #expect(reread.blocking("12345678") != nil)
            #expect(reread.blocking("12345679") == nil, "another PIN may be tried")
        }

        /// A modem that never came online tells the controller so, which takes a modem for online until told
        /// otherwise: STATUS says `Signal: Modem offline`, not `No network`.
        @Test(arguments: [(ModemSimulator.SIMState.puk, "1234"), (.pin("1234"), nil), (.absent, nil)] as [(ModemSimulator.SIMState, String?)])
        func aSIMThatWaitsForAPersonIsReportedOffline(_ sim: ModemSimulator.SIMState, _ pin: String?) async throws {
            let simulator = try ModemSimulator()
            simulator.script { $0.sim = sim }
            let modem = port(simulator, pin: pin)
            let sink = RecordingSink()
            try await modem.start(events: sink)
            await eventually { sink.events.contains(.modemOnline(false)) }
            #expect(!sink.events.contains(.modemOnline(true)))
            // `smsocket status` says why a locked SIM keeps it offline: nothing but a person recovers it. A
            // missing SIM may be a SIM not seen yet: the port goes on trying, as for a silent modem.
            if case .absent = sim {
                #expect(await modem.networkStatus().waitingForAPerson == nil)
            } else {
                await eventually { await modem.networkStatus().waitingForAPerson != nil }
                let why = await modem.networkStatus().waitingForAPerson ?? ""
                #expect(why.contains("PUK") || why.contains("PIN"), "\(why)")
            }
            await modem.stop()
            #expect(sink.events.filter { $0 == .modemOnline(false) }.count == 1, "told once, however often it is tried")
        }

        /// Supervised as `smsocket run` runs it: the modem stays offline, the error is logged once, and the
        /// PIN goes out once however often the port reconnects.
        @Test func theSupervisorReportsAWrongPINOnceAndKeepsTheModemOffline() async throws {
            let simulator = try ModemSimulator()
            simulator.script { $0.sim = .pin("1234") }
            let modem = port(simulator, pin: "4321")
            let sink = RecordingSink()
            try await modem.start(events: sink)
            await eventually { simulator.commands.filter { $0 == "AT+CPIN?" }.count >= 4 }
            #expect(simulator.script { $0.pinEntries } == 1)
            #expect(!sink.events.contains(.modemOnline(true)))
            #expect(sink.events.contains(.modemOnline(false)), "STATUS says Signal: Modem offline")
            let errors = handler.entries.filter { $0.level == .error }.map { "\($0.message)" }
            #expect(errors.count == 2, "the refusal, then that it is not retried: \(errors)")
            #expect(errors.first?.contains("the SIM refused the configured PIN") == true)
            #expect(errors.last?.contains("the modem stays offline until it is resolved") == true)
            expectNoPINLogged(["1234", "4321"])
            await modem.stop()
        }
    }
}
