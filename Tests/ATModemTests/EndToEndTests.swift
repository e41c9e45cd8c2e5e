import ATModem
import Foundation
import ModemSimulator
import SocketCore
import Testing
import TestSupport

extension PseudoTerminalTests {
    /// `smsocket run` with its modem on the simulator's pseudo-terminal: an SMS goes in through the pty,
    /// switches the (simulated) relay, and the reply comes back as a PDU the simulator decodes.
    @Suite("End to end through smsocket run", .serialized)
    struct EndToEndTests {
        static let binary = smsocketExecutable(besides: #filePath)

        @Test func anSMSSwitchesTheRelayAndIsAnswered() async throws {
            #expect(FileManager.default.isExecutableFile(atPath: Self.binary), "build smsocket first: \(Self.binary)")
            let simulator = try ModemSimulator()
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("smsocket-e2e-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            let config = dir.appendingPathComponent("board.toml")
            try """
            model = "707"
            state = "\(dir.path)/state.sqlite"
            log_level = "warning"

            \(simulator.configTable)

            [main_relay]
            kind = "simulated"
            """.write(to: config, atomically: true, encoding: .utf8)

            let output = dir.appendingPathComponent("out.txt").path
            // stdin stays open: on a board with a simulated role, its end would stop the daemon.
            let process = try ChildProcess([Self.binary, "run", "--config", config.path], outputPath: output)

            // Wait until the daemon has initialised the modem, then a message arrives.
            try await until { simulator.commands.contains("AT+CSQ") }
            let stamp = NetworkTimestamp(local: CivilTime(year: 2026, month: 1, day: 5, hour: 8, minute: 0, second: 0), zoneQuarterHours: 0)
            let pdu = try DeliverPDU.encode(text: "ON", from: PDUAddress(number: "+3589123456789"), timestamp: stamp)[0].hex
            let index = simulator.store(pdu: pdu)
            simulator.inject("+CMTI: \"SM\",\(index)")

            try await until { !simulator.submittedPDUs.isEmpty }
            guard case .submit(let reply) = try SMSPDU(hex: simulator.submittedPDUs[0]) else {
                Issue.record("not an SMS-SUBMIT: \(simulator.submittedPDUs[0])")
                return
            }
            #expect(reply.text == "Power socket ON")
            #expect(reply.destination.description == "+3589123456789")
            try await until { simulator.storage.isEmpty }  // deleted once committed
            #expect(readTextFile(output).contains("relay main on"))

            // SIGTERM: a graceful stop.
            process.signal(SIGTERM)
            #expect(ChildProcess.exited(process.waitForExit(), code: 0), "\(readTextFile(output))")
            await simulator.stop()
        }

        /// `smsocket run` with a wrong `[modem] pin` and the trace on, started twice as systemd would restart it:
        /// the PIN goes out once in all, masked in the trace; corrected, it unlocks the SIM.
        @Test func aWrongPINIsEnteredOnceAcrossRestartsAndNeverLogged() async throws {
            #expect(FileManager.default.isExecutableFile(atPath: Self.binary), "build smsocket first: \(Self.binary)")
            let simulator = try ModemSimulator()
            simulator.script { $0.sim = .pin("1234") }
            let folder = try TemporaryDirectory()
            let config = folder.path("board.toml")
            func write(pin: String) throws {
                try """
                state = "\(folder.path("state.sqlite"))"
                \(simulator.configTable)
                pin = "\(pin)"
                trace = true
                [main_relay]
                kind = "simulated"
                """.write(toFile: config, atomically: true, encoding: .utf8)
            }
            func run(until condition: () -> Bool) async throws -> String {
                let output = folder.path("out-\(UUID().uuidString).txt")
                let process = try ChildProcess([Self.binary, "run", "--config", config], outputPath: output)
                try await until(condition)
                process.signal(SIGTERM)
                #expect(ChildProcess.exited(process.waitForExit(), code: 0))
                return readTextFile(output)
            }
            try write(pin: "4321")
            let first = try await run { simulator.script { $0.pinEntries } == 1 && simulator.commands.filter { $0 == "AT+CPIN?" }.count >= 2 }
            #expect(first.contains("> AT+CPIN=\"****\""), "\(first)")
            #expect(first.contains("the SIM refused the configured PIN"), "\(first)")
            #expect(FileManager.default.fileExists(atPath: folder.path("sim-pin-attempt")))

            let asked = simulator.commands.filter { $0 == "AT+CPIN?" }.count
            let second = try await run { simulator.commands.filter { $0 == "AT+CPIN?" }.count > asked }
            #expect(second.contains("the SIM refused the configured PIN ([modem] pin) before"), "\(second)")
            #expect(simulator.script { ($0.pinEntries, $0.pinAttemptsLeft) } == (1, 2), "not entered again after the restart")

            try write(pin: "1234")
            let polled = simulator.commands.filter { $0 == "AT+CSQ" }.count
            let third = try await run { simulator.commands.filter { $0 == "AT+CSQ" }.count > polled }
            #expect(third.contains("the SIM accepted its PIN"), "\(third)")
            #expect(!FileManager.default.fileExists(atPath: folder.path("sim-pin-attempt")))
            for output in [first, second, third] {
                #expect(!output.contains("4321") && !output.contains("1234"), "a PIN in the log: \(output)")
            }
            await simulator.stop()
        }

        /// Polls `condition` for up to 20 s of real time.
        func until(_ condition: () -> Bool) async throws {
            for _ in 0..<2000 {
                if condition() { return }
                try await Task.sleep(for: .milliseconds(10))
            }
            Issue.record("timed out")
            throw CancellationError()
        }
    }
}
