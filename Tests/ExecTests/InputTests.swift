import TestSupport
import Testing

@testable import Exec

@Suite struct InputTests {
    private func input(_ command: [String], restartDelay: Duration = .milliseconds(100)) -> (ExecInput, Recorder<String>) {
        let (logger, log) = recordingLogger()
        return (ExecInput(command: command, restartDelay: restartDelay, killGrace: .milliseconds(300), logger: logger), log)
    }

    /// The first line is the level at start; repeats of the current level are not changes.
    @Test(arguments: [
        ("echo 1", [true]),
        ("echo 0", [false]),
        ("echo 1; echo 0; echo 0; echo 1", [true, false, true]),
        ("printf '0\\r\\n 1 \\n\\n1\\n'", [false, true]),
        ("echo 1; sleep 0.05; echo 0; sleep 0.05; echo 1", [true, false, true]),
    ])
    func levels(script: String, expected: [Bool]) async throws {
        let (input, log) = input(sh(script + "; sleep 5"))
        let levels = Recorder<Bool>()
        try await input.start { levels.append($0) }
        #expect(await eventually { levels.all.count == expected.count })
        await input.stop()
        #expect(levels.all == expected)
        #expect(log.all.isEmpty)
    }

    @Test func garbageLinesAreLoggedAndIgnored() async throws {
        let (input, log) = input(sh("echo 1; echo hello; echo 2; echo 0; sleep 5"))
        let levels = Recorder<Bool>()
        try await input.start { levels.append($0) }
        #expect(await eventually { levels.all.count == 2 })
        await input.stop()
        #expect(levels.all == [true, false])
        #expect(log.all == [
            #"warning: input command printed "hello", expected 0 or 1; ignored"#,
            #"warning: input command printed "2", expected 0 or 1; ignored"#,
        ])
    }

    /// An exit is logged and the command is started again; its first line is compared with the last level.
    @Test func restartAfterExit() async throws {
        let dir = try TemporaryDirectory()
        let count = dir.path("runs")
        let script = try dir.script("watch", """
            n=$(cat \(count) 2>/dev/null || echo 0); n=$((n+1)); echo $n > \(count)
            if [ $n -eq 1 ]; then echo 1; echo lost contact >&2; exit 2; fi
            if [ $n -eq 2 ]; then echo 1; exit 0; fi
            echo 0; sleep 5
            """)
        let (input, log) = input([script])
        let levels = Recorder<Bool>()
        try await input.start { levels.append($0) }
        #expect(await eventually { levels.all.count == 2 })
        await input.stop()
        #expect(levels.all == [true, false])
        #expect(log.all == [
            "warning: input `\(script)` exited with status 2; stderr: \"lost contact\"; restarting in 100 ms",
            "warning: input `\(script)` exited with status 0; restarting in 200 ms",
        ])
    }

    @Test func restartsBackOff() async throws {
        let (input, log) = input(sh("echo 1; exit 1"), restartDelay: .milliseconds(100))
        let levels = Recorder<Bool>()
        try await input.start { levels.append($0) }
        #expect(await eventually { log.all.count >= 3 })
        await input.stop()
        #expect(levels.all == [true])
        #expect(Array(log.all.prefix(3)) == [100, 200, 400].map {
            "warning: input `/bin/sh -c 'echo 1; exit 1'` exited with status 1; restarting in \($0) ms"
        })
    }

    @Test func killedBySignalIsLogged() async throws {
        let (input, log) = input(sh("echo 0; kill -9 $$"), restartDelay: .seconds(10))
        try await input.start { _ in }
        #expect(await eventually { !log.all.isEmpty })
        await input.stop()
        #expect(log.all == [
            "warning: input `/bin/sh -c 'echo 0; kill -9 $$'` was killed by signal SIGKILL (9); restarting in 10000 ms"
        ])
    }

    @Test(arguments: [
        (["/nonexistent/watch-mains"], ExecError.Code.notFound, "`/nonexistent/watch-mains` not found (ENOENT)"),
        (["/tmp"], .notExecutable, "`/tmp` is not executable (EACCES)"),
    ])
    func startFailsWhenTheCommandCannotRun(command: [String], code: ExecError.Code, text: String) async {
        let (input, _) = input(command)
        let error = await #expect(throws: ExecError.self) { try await input.start { _ in } }
        #expect(error?.code == code)
        #expect(error?.description == text)
        await input.stop()
    }

    /// Stop ends the command, and what it started, within the grace period, even when it ignores SIGTERM.
    @Test(arguments: ["echo 1; sleep 5", "trap '' TERM; echo 1; sleep 5"])
    func stopEndsTheCommand(script: String) async throws {
        let dir = try TemporaryDirectory()
        let (input, log) = input(sh(script + "; echo after > \(dir.path("after"))"))
        let levels = Recorder<Bool>()
        try await input.start { levels.append($0) }
        #expect(await eventually { levels.all == [true] })
        let took = await ContinuousClock().measure { await input.stop() }
        #expect(took < .milliseconds(1000))
        #expect(log.all.isEmpty)
        try await Task.sleep(for: .milliseconds(50))
        #expect(dir.read("after") == "")
    }

    /// Stopped during the pause before a restart, the input does not wait the pause out.
    @Test func stopDuringRestartDelay() async throws {
        let (input, log) = input(sh("exit 1"), restartDelay: .seconds(30))
        try await input.start { _ in }
        #expect(await eventually { !log.all.isEmpty })
        let took = await ContinuousClock().measure { await input.stop() }
        #expect(took < .milliseconds(500))
    }

    /// A stopped input can be started again, and reports the level at start again.
    @Test func startAgainAfterStop() async throws {
        let (input, _) = input(sh("echo 1; sleep 5"))
        let levels = Recorder<Bool>()
        try await input.start { levels.append($0) }
        #expect(await eventually { levels.all.count == 1 })
        await input.stop()
        try await input.start { levels.append($0) }
        #expect(await eventually { levels.all.count == 2 })
        await input.stop()
        #expect(levels.all == [true, true])
    }
}
