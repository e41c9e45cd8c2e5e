import ATModem
import Foundation
import ModemSimulator
import SocketCore
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// A board with no hardware on which a real `smsocket run` (the release build) can be measured: its
/// modem the simulated SIM800 on a pseudo-terminal, a DS18B20 in a 1-Wire sysfs tree in the kernel's own
/// format, the alarm input an exec command that reports the contact open once and then waits, the main
/// relay an exec command, and the local control socket in the board's folder.
final class BenchBoard {
    /// The sensor in the fixture tree, 20.000 °C with a valid CRC (the bytes a real DS18B20 gives).
    static let sensor = "28-0316a2795eff"

    let simulator: ModemSimulator
    let folder: TemporaryDirectory
    let sysfs: SysfsTree
    let configPath: String
    /// Where the daemons' standard output and error go, appended run after run.
    let logPath: String
    let binary: String

    /// - Parameter binary: the `smsocket` executable to run.
    init(binary: String) throws {
        self.binary = binary
        simulator = try ModemSimulator()
        folder = try TemporaryDirectory()
        sysfs = try SysfsTree()
        try sysfs.sensor(Self.sensor, w1Slave: w1Slave("40 01 4b 46 7f ff 10 10 1d", t: 20000))
        // The contact reads open (0) and never changes: the input's process blocks and so does its reader.
        let input = try folder.script("door-contact", "echo 0\nexec sleep infinity")
        configPath = folder.path("board.toml")
        logPath = folder.path("smsocket.log")
        try """
        model = "707"
        state = "\(folder.path("state.sqlite"))"
        control_socket = "\(folder.path("control.sock"))"
        log_level = "info"
        serial = "00000000000000042"

        \(simulator.configTable)

        [thermometer]
        kind = "onewire"
        sensor = "\(Self.sensor)"
        root = "\(sysfs.root)"

        [alarm_input]
        kind = "exec"
        command = ["\(input)"]

        [main_relay]
        kind = "exec"
        command = ["/bin/true"]
        """.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// Starts `smsocket run` on this board; with `notifySocket`, as systemd starts a `Type=notify` service
    /// (`$NOTIFY_SOCKET`), and with `watchdog` too, as with `WatchdogSec=` (`$WATCHDOG_USEC`).
    func start(notifySocket: String? = nil, watchdog: Duration? = nil) throws -> ChildProcess {
        var environment: [String: String] = [:]
        if let notifySocket { environment["NOTIFY_SOCKET"] = notifySocket }
        if let watchdog {
            let (seconds, attoseconds) = watchdog.components
            environment["WATCHDOG_USEC"] = String(seconds * 1_000_000 + attoseconds / 1_000_000_000_000)
        }
        return try ChildProcess([binary, "run", "--config", configPath], outputPath: logPath, environment: environment)
    }

    /// Waits until the daemon has set the modem up (its first signal query), for up to `timeout`.
    func waitForModem(timeout: Duration = .seconds(30)) async throws {
        let deadline = ContinuousClock.now + timeout
        while !simulator.commands.contains("AT+CSQ") {
            guard ContinuousClock.now < deadline else { throw BenchFailure("the daemon did not set the modem up in \(timeout); its log: \(logPath)") }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Stops a daemon gracefully (SIGTERM) and checks that it exited 0.
    func stop(_ daemon: ChildProcess) throws {
        daemon.signal(SIGTERM)
        let status = daemon.waitForExit()
        guard ChildProcess.exited(status, code: 0) else { throw BenchFailure("smsocket run ended with wait status \(status); its log: \(logPath)") }
    }
}

/// Sends SMS commands to a running controller through the simulated modem and waits for their replies.
final class SMSTraffic {
    let simulator: ModemSimulator
    let sender: String
    /// Messages sent so far: each gets its own network time stamp, so that no two are the same message
    /// (which the controller would handle once).
    private(set) var sent = 0
    /// Replies seen so far, and how many submitted PDUs have been looked at.
    private var replies = 0
    private var examined = 0
    private let firstStamp = Int64(time(nil)) - 86_400

    init(simulator: ModemSimulator, sender: String) {
        self.simulator = simulator
        self.sender = sender
    }

    /// Sends `texts` in rounds of `batch` messages (stored on the SIM and announced by `+CMTI` together) and
    /// waits after each round until every message was handled (deleted from the SIM) and answered; with
    /// `perSecond`, no faster than that.
    func send(_ texts: [String], batch: Int = 10, perSecond: Int? = nil, timeout: Duration = .seconds(60)) async throws {
        let began = ContinuousClock.now
        var done = 0
        var rest = texts[...]
        while !rest.isEmpty {
            if let perSecond, perSecond > 0 {
                try await Task.sleep(until: began + .milliseconds(done * 1000 / perSecond), clock: .continuous)
            }
            let round = rest.prefix(max(1, batch))
            rest = rest.dropFirst(round.count)
            var indexes: [Int] = []
            for text in round {
                let stamp = NetworkTimestamp(local: CivilTime(epochSeconds: firstStamp + Int64(sent)), zoneQuarterHours: 0)
                sent += 1
                let pdu = try DeliverPDU.encode(text: text, from: PDUAddress(number: sender), timestamp: stamp)[0].hex
                indexes.append(simulator.store(pdu: pdu))
            }
            simulator.inject(lines: indexes.map { "+CMTI: \"SM\",\($0)" })
            let expected = replies + round.count
            let deadline = ContinuousClock.now + timeout
            while !simulator.storage.isEmpty || countReplies() < expected {
                guard ContinuousClock.now < deadline else {
                    throw BenchFailure("\(round.count) commands not handled and answered in \(timeout) (\(expected - replies) replies missing)")
                }
                try await Task.sleep(for: .milliseconds(1))
            }
            done += round.count
        }
    }

    /// Counts the replies among the PDUs submitted since the last call: a message in several parts is one.
    private func countReplies() -> Int {
        let submitted = simulator.submittedPDUs
        for hex in submitted.dropFirst(examined) {
            guard case .submit(let pdu) = try? SMSPDU(hex: hex) else { continue }
            if pdu.concatenation.map({ $0.sequence == $0.total }) ?? true { replies += 1 }
        }
        examined = submitted.count
        return replies
    }
}

/// Why a measurement could not be made, said plainly.
struct BenchFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
