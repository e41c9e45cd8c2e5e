import TestSupport
import Testing

@testable import Exec

@Suite struct OutputTests {
    /// The script appends its arguments to a file, so the test sees what each call passed.
    @Test(arguments: [
        ([true], "1 on\n"),
        ([false], "1 off\n"),
        ([true, false, true, true], "1 on\n1 off\n1 on\n1 on\n"),
    ])
    func onOffReachTheCommand(states: [Bool], expected: String) async throws {
        let dir = try TemporaryDirectory()
        let script = try dir.script("relay", "echo \"$@\" >> \(dir.path("calls"))")
        let (logger, _) = recordingLogger()
        let output = ExecOutput(command: [script, "1"], logger: logger)
        try await output.start(events: EventRecorder())
        for on in states { try await output.set(on: on) }
        await output.stop()
        #expect(dir.read("calls") == expected)
    }

    @Test(arguments: [
        (sh("echo relay jammed >&2; exit 4"), ExecError.Code.exitStatus,
         #"`/bin/sh -c 'echo relay jammed >&2; exit 4' on` exited with status 4; stderr: "relay jammed""#),
        (sh("sleep 5"), .timedOut, "`/bin/sh -c 'sleep 5' on` timed out after 200 ms and was killed with SIGTERM"),
        (sh("kill -9 $$"), .killedBySignal, "`/bin/sh -c 'kill -9 $$' on` was killed by signal SIGKILL (9)"),
        (["/nonexistent/relay", "2"], .notFound, "`/nonexistent/relay 2 on` not found (ENOENT)"),
    ])
    func failureIsThrown(command: [String], code: ExecError.Code, text: String) async throws {
        let (logger, _) = recordingLogger()
        let output = ExecOutput(
            command: command, timeout: testTimeout(command, overrun: .milliseconds(200)), killGrace: .milliseconds(200), logger: logger)
        let error = await #expect(throws: ExecError.self) { try await output.set(on: true) }
        #expect(error?.code == code)
        #expect(error?.description == text)
        #expect(error?.command == command + ["on"])
    }

    /// Output that a relay command prints does not matter; only the exit status does.
    @Test func outputIsIgnored() async throws {
        let (logger, _) = recordingLogger()
        let output = ExecOutput(command: sh("echo whatever; echo noise >&2"), logger: logger)
        try await output.set(on: false)
    }
}
