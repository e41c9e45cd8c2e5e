import Foundation
import TestSupport
import Testing

/// scripts/kernel/verdict, the part of scripts/kernel-test that reads the guest's console: every way the
/// guest can go wrong is a FAIL line and exit 1, and a check it could not make is never a PASS (issue 11).
@Suite struct KernelTestVerdictTests {
    /// A console as the guest writes it, Swift Testing's lines included.
    static let up = "\u{1b}ckernel-test: guest up: Linux 6.1.192, 2 CPUs, clock source hpet\n"
    static let ran = """
        ◇ Test run started.
        ◇ Test lineInfo() started.
        ✔ Test lineInfo() passed after 1.2 seconds.
        ◇ Test "a glitch" started.
        ◇ Test case passing 1 argument milliseconds → 0 to "a glitch" started.
        ✔ Test "a glitch" with 2 test cases passed after 0.7 seconds.
        ✔ Suite KernelGuestTests passed after 2.0 seconds.
        ✔ Test run with 3 tests in 1 suite passed after 2.0 seconds.

        """
    static let done = "kernel-test: tests exited 0\nkernel-test: guest done\nreboot: Restarting system\n"

    /// A console the verdict must fail; named by `what` alone in the test's report.
    struct Case: Sendable, CustomTestStringConvertible {
        var what: String
        var console: String
        var qemuStatus = 0
        var expected: [String]
        var testDescription: String { what }
    }

    struct Verdict {
        var status: Int32
        var output: String
        var lines: [String] { output.split(separator: "\n").map(String.init) }
        var failures: [String] { lines.filter { $0.hasPrefix("FAIL  ") } }
    }

    /// Runs the verdict on `console`, qemu having exited with `qemuStatus` (124: `timeout` stopped it).
    func verdict(_ console: String, qemuStatus: Int = 0) throws -> Verdict {
        let folder = try TemporaryDirectory()
        try console.write(toFile: folder.path("console"), atomically: true, encoding: .utf8)
        // #filePath is …/<package>/Tests/LinuxGPIOTests/<file>.swift.
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
        let output = folder.path("output")
        let run = try ChildProcess(
            ["/bin/bash", package + "/scripts/kernel/verdict", folder.path("console"), "\(qemuStatus)", "300"], outputPath: output)
        run.closeInput()
        let status = run.waitForExit()
        return Verdict(status: (status >> 8) & 0xff, output: readTextFile(output))
    }

    @Test func aGuestWhoseTestsAllPassedPasses() throws {
        let result = try verdict(Self.up + Self.ran + Self.done)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.failures == [])
        #expect(result.lines.contains("PASS  boot: Linux 6.1.192, 2 CPUs, clock source hpet"))
        #expect(result.lines.contains("PASS  lineInfo()"))
        #expect(result.lines.contains("PASS  \"a glitch\" with 2 test cases"))
        #expect(result.lines.contains("PASS  no kernel warning, oops or BUG"))
    }

    static let failures: [Case] = [
        Case(
            what: "a failed test, with its issue",
            console: up + """
                ◇ Test lineInfo() started.
                ✘ Test lineInfo() recorded an issue at KernelGuestTests.swift:162:9: Expectation failed: debounce
                ✘ Test lineInfo() failed after 1.2 seconds with 1 issue.
                kernel-test: tests exited 1
                kernel-test: guest done

                """,
            expected: [
                "FAIL  lineInfo()", "      KernelGuestTests.swift:162:9: Expectation failed: debounce",
                "FAIL  the test bundle: kernel-test: tests exited 1",
            ]),
        Case(
            what: "a parameterized test's issue, with its arguments",
            console: up + """
                ◇ Test "a glitch" started.
                ✘ Test "a glitch" recorded an issue with 2 arguments milliseconds → 50, expected → [false] at RealKernelTests.swift:92:9: Expectation failed
                ✘ Test "a glitch" with 2 test cases failed after 0.7 seconds with 1 issue.
                kernel-test: tests exited 1
                kernel-test: guest done

                """,
            expected: [
                "FAIL  \"a glitch\" with 2 test cases",
                "      (milliseconds → 50, expected → [false]) RealKernelTests.swift:92:9: Expectation failed",
            ]),
        Case(
            what: "a skipped test",
            console: up + """
                ➜ Suite KernelGuestTests skipped: "runs in scripts/kernel-test's guest (SMSOCKET_KERNEL_TEST=1)"
                ➜ Test lineInfo() skipped: "runs in scripts/kernel-test's guest (SMSOCKET_KERNEL_TEST=1)"

                """ + done,
            expected: ["FAIL  lineInfo() skipped: in the guest every LinuxGPIO test must run"]),
        Case(
            what: "a timeout in a test",
            console: up + """
                ◇ Test run started.
                ◇ Test lineInfo() started.
                ✔ Test lineInfo() passed after 1.2 seconds.
                ◇ Test sigterm() started.

                """,
            qemuStatus: 124,
            expected: [
                "FAIL  the guest did not finish within 300 s", "FAIL  sigterm() started and never ended",
                "FAIL  the test bundle: never finished", "FAIL  the guest did not reach its end (nor read its kernel log)",
            ]),
        Case(
            what: "a kernel panic",
            console: up + ran + "kernel-test: tests exited 0\nKernel panic - not syncing: Attempted to kill init! exitcode=0x00000300\n",
            expected: ["FAIL  kernel: Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000300"]),
        Case(
            what: "a kernel warning",
            console: up + ran + "kernel-test: tests exited 0\nkernel-test: kernel said: WARNING: CPU: 1 PID: 9 at gpiolib.c:1\n" + done,
            expected: ["FAIL  kernel warnings: WARNING: CPU: 1 PID: 9 at gpiolib.c:1"]),
        Case(
            what: "a guest that never booted",
            console: "Kernel panic - not syncing: VFS: Unable to mount root fs\n",
            expected: [
                "FAIL  boot: the guest never reached its init", "FAIL  no test results in the guest's output",
                "FAIL  the test bundle: never finished",
            ]),
    ]

    @Test(arguments: failures)
    func aGuestThatWentWrongFails(_ guest: Case) throws {
        let result = try verdict(guest.console, qemuStatus: guest.qemuStatus)
        #expect(result.status == 1, "\(result.output)")
        for line in guest.expected { #expect(result.lines.contains(line), "\(line)\n\(result.output)") }
        // A check the guest never got to make is not passed.
        if !guest.console.contains("kernel-test: guest done") {
            #expect(!result.lines.contains("PASS  no kernel warning, oops or BUG"))
        }
    }
}
