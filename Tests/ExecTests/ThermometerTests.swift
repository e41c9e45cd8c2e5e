import Foundation
import SocketCore
import TestSupport
import Testing

@testable import Exec

@Suite struct ThermometerTests {
    /// Requests one reading and waits for it.
    private func reading(_ command: [String]) async throws -> (TemperatureReading?, [String]) {
        let (logger, log) = recordingLogger()
        let thermometer = ExecThermometer(
            command: command, timeout: testTimeout(command, overrun: .milliseconds(300)), killGrace: .milliseconds(200), logger: logger)
        let sink = EventRecorder()
        try await thermometer.start(events: sink)
        thermometer.requestReading()
        await eventually { !sink.events.all.isEmpty }
        await thermometer.stop()
        guard case .temperature(let reading)? = sink.events.all.first else { return (nil, log.all) }
        return (reading, log.all)
    }

    @Test(arguments: [
        ("echo 21.5", 21.5),
        ("echo -3", -3),
        ("printf '  22.25  \\nsecond line\\n'", 22.25),
        ("printf 19.875", 19.875),
        ("echo 23; echo ignored >&2", 23),
    ])
    func goodReading(script: String, celsius: Double) async throws {
        let (reading, log) = try await reading(sh(script))
        #expect(reading == .celsius(celsius))
        #expect(log.isEmpty)
    }

    @Test(arguments: [
        ("echo abc", #"`/bin/sh -c 'echo abc'` printed "abc", expected a temperature in °C"#),
        ("true", "`/bin/sh -c true` printed nothing, expected a temperature in °C"),
        ("echo; echo 21", #"`/bin/sh -c 'echo; echo 21'` printed "", expected a temperature in °C"#),
        ("echo 21.5; echo probe lost >&2; exit 3",
         #"`/bin/sh -c 'echo 21.5; echo probe lost >&2; exit 3'` exited with status 3; stderr: "probe lost""#),
        ("kill -9 $$", "`/bin/sh -c 'kill -9 $$'` was killed by signal SIGKILL (9)"),
        ("sleep 5", "`/bin/sh -c 'sleep 5'` timed out after 300 ms and was killed with SIGTERM"),
    ])
    func faultyReading(script: String, why: String) async throws {
        let (reading, log) = try await reading(sh(script))
        #expect(reading == .faulty)
        #expect(log == ["warning: thermometer reads as faulty: " + why])
    }

    @Test func commandNotFoundIsMissing() async throws {
        let (reading, log) = try await reading(["/nonexistent/read-temp", "--probe", "2"])
        #expect(reading == .missing)
        #expect(log == ["warning: thermometer reads as missing: `/nonexistent/read-temp --probe 2` not found (ENOENT)"])
    }

    @Test func notExecutableIsFaulty() async throws {
        let dir = try TemporaryDirectory()
        let script = try dir.script("read-temp", "echo 20", executable: false)
        let (reading, log) = try await reading([script])
        #expect(reading == .faulty)
        #expect(log == ["warning: thermometer reads as faulty: `\(script)` is not executable (EACCES)"])
    }

    @Test func scriptWithArguments() async throws {
        let dir = try TemporaryDirectory()
        let script = try dir.script("read-temp", #"[ "$1 $2" = "--probe 2" ] && echo 18.5"#)
        let (reading, _) = try await reading([script, "--probe", "2"])
        #expect(reading == .celsius(18.5))
    }

    /// A failure is logged once until it changes, and the recovery is logged.
    @Test func repeatedFailureIsLoggedOnce() async throws {
        let dir = try TemporaryDirectory()
        let flag = dir.path("broken")
        let (logger, log) = recordingLogger()
        let thermometer = ExecThermometer(
            command: sh("if [ -e \(flag) ]; then exit 1; fi; echo 20"), logger: logger)
        let sink = EventRecorder()
        try await thermometer.start(events: sink)
        _ = FileManager.default.createFile(atPath: flag, contents: nil)
        for count in 1...3 {
            if count == 3 { try FileManager.default.removeItem(atPath: flag) }
            thermometer.requestReading()
            #expect(await eventually { sink.events.all.count == count })
        }
        await thermometer.stop()
        #expect(sink.events.all == [.temperature(.faulty), .temperature(.faulty), .temperature(.celsius(20))])
        #expect(log.all.filter { $0.hasPrefix("warning") }.count == 1)
        #expect(log.all.filter { $0.hasPrefix("debug") }.count == 1)
        #expect(log.all.last == "notice: thermometer command works again")
    }

    /// Requests while a reading runs are answered by that reading.
    @Test func requestsDuringAReadingAreCoalesced() async throws {
        let (logger, _) = recordingLogger()
        let thermometer = ExecThermometer(command: sh("sleep 0.1; echo 21"), logger: logger)
        let sink = EventRecorder()
        try await thermometer.start(events: sink)
        for _ in 1...5 { thermometer.requestReading() }
        #expect(await eventually { !sink.events.all.isEmpty })
        try await Task.sleep(for: .milliseconds(150))
        #expect(sink.events.all == [.temperature(.celsius(21))])
        await thermometer.stop()
    }

    @Test func requestReadingReturnsAtOnce() async throws {
        let (logger, _) = recordingLogger()
        let thermometer = ExecThermometer(command: sh("sleep 0.3; echo 21"), logger: logger)
        let sink = EventRecorder()
        try await thermometer.start(events: sink)
        let took = ContinuousClock().measure { thermometer.requestReading() }
        #expect(took < .milliseconds(50))
        #expect(await eventually { !sink.events.all.isEmpty })
        await thermometer.stop()
    }
}
