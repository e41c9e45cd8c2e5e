import Foundation
import TestSupport
import Testing

@testable import LinuxGPIO

/// `smsocket run` on a gpio-sim board, in scripts/kernel-test's guest only (issue 11): the kernel's own view
/// of the lines it requests, the commands, the button, the alarm input's debounce, a line another process
/// holds, the chip taken away and brought back, and SIGTERM.
@Suite(.serialized, .enabled(if: RealKernelTests.inKernelTestGuest, "runs in scripts/kernel-test's guest (SMSOCKET_KERNEL_TEST=1)"))
struct KernelGuestTests {
    /// The simulated board's lines, by offset on the chip labelled `smsocket-board`.
    static let lines = [0: "SMSOCKET_MAIN", 1: "SMSOCKET_MICRO", 2: "SMSOCKET_ALARM", 3: "SMSOCKET_BUTTON", 4: "SMSOCKET_MAINS"]

    /// A gpio-sim board with `smsocket run` on it, its control socket and its log in a folder of its own.
    final class Board {
        var sim: GPIOSim
        let folder: TemporaryDirectory
        let config: String
        let log: String
        private(set) var run: ChildProcess?

        init() throws {
            sim = try GPIOSim(lines: 5, names: KernelGuestTests.lines, label: "smsocket-board")
            // Mains present: the sense line is high (its bias is left as it is, so the pull stays).
            try sim.write("sim_gpio4/pull", "pull-up")
            folder = try TemporaryDirectory()
            config = folder.path("smsocket.toml")
            log = folder.path("smsocket.log")
            try """
                model = "707"
                state = "\(folder.path("state.sqlite"))"
                control_socket = "\(folder.path("control.sock"))"
                serial = "00000000000000011"
                log_level = "info"

                [modem]
                kind = "simulated"

                [main_relay]
                kind = "gpio"
                line = "SMSOCKET_MAIN"

                [micro_relay]
                kind = "gpio"
                line = "SMSOCKET_MICRO"
                active_low = true

                [alarm_input]
                kind = "gpio"
                chip = "smsocket-board"
                line = 2
                bias = "pull-up"
                active_low = true
                debounce_ms = 50

                [button]
                kind = "gpio"
                line = "SMSOCKET_BUTTON"
                bias = "pull-up"
                active_low = true
                debounce_ms = 0

                [mains_sense]
                kind = "gpio"
                line = "SMSOCKET_MAINS"
                debounce_ms = 0

                """.write(toFile: config, atomically: true, encoding: .utf8)
        }

        deinit {
            run = nil
            sim.remove()
        }

        /// Starts `smsocket run` and waits until it has powered up (its control socket may answer before)
        /// and its control socket answers.
        func start() throws {
            run = try ChildProcess([smsocketExecutable(besides: #filePath), "run", "--config", config], outputPath: log)
            guard waitForText(in: log, seconds: 30, until: { $0.contains(" info power up\n") }),
                KernelGuestTests.eventually(30, { try status().isEmpty == false })
            else {
                throw GPIOSim.Failure(description: "smsocket run did not start within 30 s:\n\(readTextFile(log))")
            }
        }

        /// `smsocket ARGUMENTS --config CONFIG`: its exit status and output.
        func smsocket(_ arguments: [String]) throws -> (status: Int32, output: String) {
            let output = folder.path("client-\(UUID().uuidString).out")
            let client = try ChildProcess([smsocketExecutable(besides: #filePath)] + arguments + ["--config", config], outputPath: output)
            client.closeInput()
            let status = client.waitForExit()
            return ((status >> 8) & 0xff, readTextFile(output))
        }

        /// `smsocket send TEXT`: the reply.
        func send(_ text: String) throws -> String {
            try smsocket(["send", text]).output.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        /// `smsocket status --json`, decoded.
        func status() throws -> [String: Any] {
            let (code, output) = try smsocket(["status", "--json"])
            guard code == 0, let object = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any] else {
                throw GPIOSim.Failure(description: "smsocket status --json: exit \(code): \(output)")
            }
            return object["status"] as? [String: Any] ?? object
        }

        func faults() throws -> [String] { try status()["faults"] as? [String] ?? [] }

        /// What the controller drives on the line at `offset`: "0" or "1".
        func value(_ offset: Int) throws -> String { try sim.read("sim_gpio\(offset)/value") }

        /// Pulls an input line up or down, as a contact to ground opening or closing would.
        func pull(_ offset: Int, up: Bool) throws { try sim.write("sim_gpio\(offset)/pull", up ? "pull-up" : "pull-down") }

        /// The kernel's line info (GPIO_V2_GET_LINEINFO) of the line at `offset`.
        func lineInfo(_ offset: Int) throws -> LineInfo {
            let device = LinuxGPIODevice()
            let chip = "/dev/" + (try GPIOSim.read(sim.dir + "/bank0/chip_name"))
            let fd = try device.open(chip)
            defer { device.close(fd) }
            return try device.lineInfo(fd, offset: UInt32(offset), chip: chip)
        }

        /// Stops smsocket with SIGTERM; true if it exited 0.
        func terminate() -> Bool {
            guard let run else { return false }
            run.signal(SIGTERM)
            return ChildProcess.exited(run.waitForExit(), code: 0)
        }
    }

    /// Polls `condition` every 10 ms until it holds or `seconds` passed (by the clock: under emulation one
    /// look, which may start a process, can take a good part of a second).
    static func eventually(_ seconds: Int64 = 20, _ condition: () throws -> Bool) -> Bool {
        TestSupport.eventually(seconds, pausingMicroseconds: 10_000, condition)
    }

    @Test func theKernelsLineInfoMatchesTheConfiguration() throws {
        let board = try Board()
        try board.start()
        let main = try board.lineInfo(0)
        #expect(main.consumer == "smsocket main_relay")
        #expect(main.flags == [.used, .output])
        let micro = try board.lineInfo(1)
        #expect(micro.consumer == "smsocket micro_relay")
        #expect(micro.flags == [.used, .output, .activeLow])
        let alarm = try board.lineInfo(2)
        #expect(alarm.consumer == "smsocket alarm_input")
        #expect(alarm.flags == [.used, .input, .activeLow, .edgeRising, .edgeFalling, .biasPullUp])
        #expect(alarm.attributes.contains(.debounce(microseconds: 50_000)))
        let button = try board.lineInfo(3)
        #expect(button.consumer == "smsocket button")
        #expect(button.flags == [.used, .input, .activeLow, .edgeRising, .edgeFalling, .biasPullUp])
        #expect(!button.attributes.contains { if case .debounce = $0 { true } else { false } })
        let mains = try board.lineInfo(4)
        #expect(mains.consumer == "smsocket mains_sense")
        #expect(mains.flags == [.used, .input, .edgeRising, .edgeFalling])
        #expect(mains.attributes.isEmpty)
        // Requested off: the main relay low, the active-low micro-relay high.
        #expect(try board.value(0) == "0")
        #expect(try board.value(1) == "1")
        #expect(try board.faults() == [])
        #expect(board.terminate())
    }

    @Test func commandsDriveTheRelayLines() throws {
        let board = try Board()
        try board.start()
        #expect(try board.send("ON") == "Power socket ON")
        #expect(try board.value(0) == "1")
        #expect(try board.send("OFF") == "Power socket OFF")
        #expect(try board.value(0) == "0")
        #expect(try board.send("ONM") != "Execute error!")
        #expect(try board.value(1) == "0", "the micro-relay is active low")
        #expect(try board.send("OFFM") != "Execute error!")
        #expect(try board.value(1) == "1")
        // Through the (simulated) modem, as an SMS.
        board.run?.write("sms +3589123456789 ON\n")
        #expect(Self.eventually { try board.value(0) == "1" }, "\(readTextFile(board.log))")
        #expect(board.terminate())
    }

    @Test func aButtonPressTogglesAndAGlitchCountsWithDebounce0() throws {
        let board = try Board()
        try board.start()
        try board.pull(3, up: false)
        usleep(100_000)
        try board.pull(3, up: true)
        #expect(Self.eventually { try board.value(0) == "1" }, "a press switches the socket on")
        try board.pull(3, up: false)
        usleep(100_000)
        try board.pull(3, up: true)
        #expect(Self.eventually { try board.value(0) == "0" }, "a second press switches it off")
        // A glitch on a line without debounce is a press.
        try board.pull(3, up: false)
        usleep(RealKernelTests.glitchMicroseconds)
        try board.pull(3, up: true)
        #expect(Self.eventually { try board.value(0) == "1" }, "\(readTextFile(board.log))")
        #expect(board.terminate())
    }

    @Test func aGlitchShorterThanTheDebounceIsIgnoredAndAnEdgeTriggersTheArmedAlarm() throws {
        let board = try Board()
        try board.start()
        #expect(try board.send("ALARMON") != "Execute error!")
        let alarm = { try board.status()["alarm"] as? [String: Any] ?? [:] }
        #expect(try alarm()["armed"] as? Bool == true)
        // The same glitch, under the 50 ms debounce: the kernel drops it.
        try board.pull(2, up: false)
        usleep(RealKernelTests.glitchMicroseconds)
        try board.pull(2, up: true)
        usleep(500_000)
        #expect(try alarm()["triggered"] as? Bool == false)
        #expect(try alarm()["activity"] as? Bool == false)
        // Closed for good: the alarm goes off.
        try board.pull(2, up: false)
        #expect(Self.eventually { try alarm()["triggered"] as? Bool == true }, "\(readTextFile(board.log))")
        #expect(try alarm()["sensor_active"] as? Bool == true)
        #expect(board.terminate())
    }

    @Test func sigtermReleasesEveryLine() throws {
        let board = try Board()
        try board.start()
        #expect(try (0..<5).allSatisfy { try board.lineInfo($0).flags.contains(.used) })
        #expect(board.terminate())
        for offset in 0..<5 {
            let info = try board.lineInfo(offset)
            #expect(!info.flags.contains(.used), "line \(offset) still held by '\(info.consumer)'")
        }
        #expect(readTextFile(board.log).contains("SMSocket stopped"))
    }

    @Test func mainsSenseEdgesAt1kHzForThreeSecondsLeaveTheControllerRightAndRunning() throws {
        let board = try Board()
        try board.start()
        let mains = { try board.status()["mains_present"] as? Bool }
        #expect(try mains() == true)
        let writes = try board.sim.toggle(offset: 4, seconds: 3, endingUp: false)
        #expect(writes >= 1000, "only \(writes) writes in 3 s")
        #expect(Self.eventually { try mains() == false }, "\(readTextFile(board.log))")
        try board.pull(4, up: true)
        #expect(Self.eventually { try mains() == true })
        #expect(try board.send("ON") == "Power socket ON")
        #expect(board.terminate())
    }

    @Test func aLineAnotherProcessHoldsIsOutOfServiceAndTheRestRuns() throws {
        let board = try Board()
        // This process is the other one: it holds the button's line.
        let chips = GPIOChips()
        let line = try chips.find(chip: "smsocket-board", line: .offset(3))
        let held = try chips.request(line, config: LineConfig(flags: [.input], attributes: []), consumer: "kernel-test holder")
        defer { LinuxGPIODevice().close(held) }
        try board.start()
        #expect(try board.faults() == ["button"])
        let log = readTextFile(board.log)
        #expect(log.contains("the button did not start and is out of service: line SMSOCKET_BUTTON is busy (used by 'kernel-test holder')"), "\(log)")
        #expect(try board.send("ON") == "Power socket ON")
        #expect(try board.value(0) == "1")
        #expect(try board.lineInfo(2).consumer == "smsocket alarm_input")
        #expect(board.terminate())
    }

    @Test func theChipTakenAwayWhileRunningIsAFaultUntilItComesBack() throws {
        let board = try Board()
        try board.start()
        let chipName = { try GPIOSim.read(board.sim.dir + "/bank0/chip_name") }
        let before = try chipName()
        try board.sim.setLive(false)
        #expect(Self.eventually { try Set(board.faults()) == ["alarm input", "button", "mains sense"] }, "\(readTextFile(board.log))")
        let fault = try board.send("STATUS").split(separator: "\n").first { $0.hasPrefix("Fault: ") } ?? ""
        #expect(Set(fault.dropFirst("Fault: ".count).split(separator: ", ").map(String.init)) == ["alarm input", "button", "mains sense"])
        #expect(try board.send("ON") == "Execute error!")
        #expect(try Set(board.faults()) == ["alarm input", "button", "mains sense", "main relay"])
        // Another chip takes the number meanwhile (its coming finds none of the lines), so the board's comes
        // back under another.
        let other = try GPIOSim(lines: 1, names: [:], label: "smsocket-other")
        defer { other.remove() }
        usleep(200_000)
        #expect(try Set(board.faults()) == ["alarm input", "button", "mains sense", "main relay"])
        // Back: the inputs at once, the relay at its next switching.
        try board.sim.setLive(true)
        #expect(try chipName() != before, "the chip came back as \(before) again")
        #expect(Self.eventually { try board.faults() == ["main relay"] }, "\(readTextFile(board.log))")
        #expect(try board.lineInfo(2).consumer == "smsocket alarm_input")
        #expect(try board.send("ON") == "Power socket ON")
        #expect(try board.value(0) == "1")
        #expect(try board.faults() == [])
        try board.pull(3, up: false)
        usleep(100_000)
        try board.pull(3, up: true)
        #expect(Self.eventually { try board.value(0) == "0" }, "the button works again")
        #expect(board.terminate())
    }
}
