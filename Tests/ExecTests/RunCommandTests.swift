import Glibc
import Testing

@testable import Exec

/// The one-shot runner under the thermometer and outputs: what comes back, and how errors read.
@Suite struct RunCommandTests {
    private func run(_ command: [String], timeout: Duration? = nil) -> Result<CommandOutput, ExecError> {
        runCommand(command, timeout: timeout ?? testTimeout(command, overrun: .milliseconds(300)), killGrace: .milliseconds(200))
    }

    @Test func firstLineAndStderr() throws {
        let output = try run(sh("echo warming up >&2; echo; echo 21.5; echo 22")).get()
        #expect(output == CommandOutput(firstLine: "", stderrLine: "warming up"))
    }

    /// Much more output than a pipe holds is drained, not left to block the command.
    @Test func largeOutputIsDrained() throws {
        let output = try run(sh("echo 20; i=0; while [ $i -lt 2000 ]; do echo 0123456789012345678901234567890123456789; i=$((i+1)); done; seq 1 20000 >&2")).get()
        #expect(output.firstLine == "20")
        #expect(output.stderrLine == "1")
    }

    @Test(arguments: [
        (sh("echo oops >&2; echo more >&2; exit 3"), ExecError.Code.exitStatus,
         #"`/bin/sh -c 'echo oops >&2; echo more >&2; exit 3'` exited with status 3; stderr: "oops""#),
        (sh("exit 255"), .exitStatus, "`/bin/sh -c 'exit 255'` exited with status 255"),
        (sh("kill -USR1 $$"), .killedBySignal, "`/bin/sh -c 'kill -USR1 $$'` was killed by signal SIGUSR1 (10)"),
        (sh("echo started >&2; sleep 5"), .timedOut,
         #"`/bin/sh -c 'echo started >&2; sleep 5'` timed out after 300 ms and was killed with SIGTERM; stderr: "started""#),
        (["/nonexistent/relay", "1"], .notFound, "`/nonexistent/relay 1` not found (ENOENT)"),
        (["no-such-program-for-exec-tests"], .notFound, "`no-such-program-for-exec-tests` not found (ENOENT)"),
        (["/tmp"], .notExecutable, "`/tmp` is not executable (EACCES)"),
    ])
    func failure(command: [String], code: ExecError.Code, text: String) {
        let result = run(command)
        guard case .failure(let error) = result else {
            Issue.record("expected \(code), got \(result)")
            return
        }
        #expect(error.code == code)
        #expect(error.description == text)
        #expect(error.command == command)
    }

    /// A command that ignores SIGTERM gets SIGKILL after the grace period; so does what it started.
    @Test func sigkillAfterGrace() {
        let clock = ContinuousClock()
        var result: Result<CommandOutput, ExecError>?
        let took = clock.measure { result = run(sh("trap '' TERM; sleep 5; echo never"), timeout: .milliseconds(100)) }
        guard case .failure(let error)? = result else {
            Issue.record("expected a time-out, got \(String(describing: result))")
            return
        }
        #expect(error.description == "`/bin/sh -c 'trap '\\'''\\'' TERM; sleep 5; echo never'` timed out after 100 ms and was killed with SIGKILL")
        #expect(took < .milliseconds(1500))
    }

    /// The exit status is known once the command exits, even if it closed its output long before.
    @Test func exitAfterClosingOutput() throws {
        let output = try run(sh("echo 5; exec >&- 2>&-; sleep 0.1"), timeout: .seconds(2)).get()
        #expect(output.firstLine == "5")
    }

    @Test func errorsAreEqualByCode() {
        #expect(ExecError(.exitStatus, command: ["a"], exitStatus: 1) == ExecError(.exitStatus, command: ["b"], exitStatus: 2))
        #expect(ExecError(.exitStatus, command: ["a"], exitStatus: 1) != ExecError(.timedOut, command: ["a"]))
    }
}

extension RunCommandTests {
    /// The command gets stdin, stdout and stderr, not a descriptor the daemon opened without close-on-exec.
    @Test func onlyStandardDescriptorsAreInherited() throws {
        // A descriptor of our own, without close-on-exec. (Never dup2 onto a chosen number: with tests
        // running in parallel, that number may be another test's pipe or database file, which dup2 would
        // silently close and this test's close would then close again.)
        let fd = open("/dev/null", O_RDONLY)
        try #require(fd > 2)
        defer { close(fd) }
        let output = try runCommand(
            sh("[ -e /proc/$$/fd/\(fd) ] && echo open || echo closed"), timeout: .seconds(2), killGrace: .milliseconds(200)
        ).get()
        #expect(output.firstLine == "closed")
    }
}
