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

            [modem]
            kind = "atmodem"
            device = "\(simulator.slavePath)"
            vendor = "simcom"

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
