import Foundation
import InMemoryLogging
import Logging
import SystemCalls
import TestSupport
import Testing

@testable import SocketRuntime

@Suite("sd_notify: the service manager hears READY, WATCHDOG, RELOADING and STOPPING")
struct ServiceNotifierTests {
    /// As long as a socket's name may be: 107 bytes.
    static let longName = String(repeating: "a", count: UnixSocket.maximumPathLength - 1)

    @Test(arguments: [
        (nil, nil),
        ("", nil),
        ("/run/systemd/notify", UnixSocket.Address.path("/run/systemd/notify")),
        ("@/org/freedesktop/systemd1/notify/123", .abstract("/org/freedesktop/systemd1/notify/123")),
        ("/" + longName, .path("/" + longName)),
        ("@a" + longName, .abstract("a" + longName)),
    ] as [(String?, UnixSocket.Address?)])
    func notifySocketNamesAPathOrAnAbstractName(_ value: String?, _ expected: UnixSocket.Address?) throws {
        #expect(try ServiceNotifier.address(value) == expected)
    }

    @Test(arguments: ["run/notify", "notify", "@", "/a" + longName, "@aa" + longName])
    func aNotifySocketThatNamesNoSocketIsRefused(_ value: String) {
        #expect(throws: ServiceNotifierError(code: .invalidAddress, context: "")) { try ServiceNotifier.address(value) }
    }

    @Test(arguments: [
        (nil, nil, nil),
        ("30000000", nil, Duration.seconds(15)),
        ("30000000", "42", .seconds(15)),
        ("30000000", "7", nil),
        ("1", nil, .milliseconds(1)),
        ("200000", "", .milliseconds(100)),
    ] as [(String?, String?, Duration?)])
    func theWatchdogIsPingedAtHalfItsTimeoutWhenItIsOurs(_ microseconds: String?, _ pid: String?, _ expected: Duration?) throws {
        #expect(try ServiceNotifier.watchdogInterval(microseconds: microseconds, pid: pid, ownPID: 42) == expected)
    }

    @Test(arguments: [("0", nil), ("-1", nil), ("30s", nil), ("99999999999999999999999", nil), ("30000000", "me"), ("30000000", "-3")])
    func aWatchdogSettingThatIsNoNumberIsRefused(_ microseconds: String, _ pid: String?) {
        #expect(throws: ServiceNotifierError(code: .invalidWatchdog, context: "")) {
            try ServiceNotifier.watchdogInterval(microseconds: microseconds, pid: pid, ownPID: 42)
        }
    }

    @Test(arguments: [
        ([ServiceNotifier.State.ready, .status("Running")], "READY=1\nSTATUS=Running"),
        ([.reloading(monotonicMicroseconds: 123_456_789)], "RELOADING=1\nMONOTONIC_USEC=123456789"),
        ([.stopping], "STOPPING=1"),
        ([.watchdog], "WATCHDOG=1"),
        ([.status("two\nlines")], "STATUS=two lines"),
    ])
    func eachStateIsALineOfOneDatagram(_ states: [ServiceNotifier.State], _ datagram: String) throws {
        let folder = try TemporaryDirectory()
        let socket = try NotificationSocket(.path(folder.path("notify")))
        try notifier(socket.address).send(states)
        #expect(socket.receive(within: 5000) == datagram)
        withExtendedLifetime(folder) {}
    }

    @Test func anAbstractSocketIsReachedToo() throws {
        let socket = try NotificationSocket(.abstract("smsocket-test-\(UUID().uuidString)"))
        try notifier(socket.address).send([.ready])
        #expect(socket.receive(within: 5000) == "READY=1")
    }

    @Test func withoutNotifySocketNothingIsSent() throws {
        let quiet = try ServiceNotifier(environment: { _ in nil }, pid: getpid(), logger: Logger(label: "test"))
        #expect(quiet.address == nil && quiet.watchdogInterval == nil)
        try quiet.send([.ready])
    }

    @Test func aSocketThatIsGoneIsLoggedOnceAndItsReturnToo() throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("notify")
        let log = InMemoryLogHandler()
        let notifier = try notifier(path, logger: Logger(label: "test", factory: { _ in log }))
        #expect(throws: ServiceNotifierError(code: .sendFailed, context: "")) { try notifier.send([.ready]) }
        notifier.notify([.ready])
        notifier.notify([.watchdog])
        let socket = try NotificationSocket(.path(path))
        notifier.notify([.watchdog])
        #expect(socket.receive(within: 5000) == "WATCHDOG=1")
        #expect(
            log.entries.map { "\($0.level) \($0.message)" } == [
                "warning cannot notify the service manager to \(path): sendto failed: No such file or directory (ENOENT)",
                "notice the service manager's notification socket takes messages again",
            ])
        #expect(notifier.isReady, "READY=1 was announced, though the socket missed it")
        withExtendedLifetime(folder) {}
    }

    private func notifier(_ address: String, logger: Logger = Logger(label: "test")) throws -> ServiceNotifier {
        try ServiceNotifier(environment: { $0 == "NOTIFY_SOCKET" ? address : nil }, pid: getpid(), logger: logger)
    }

    // MARK: - smsocket run under a service manager

    @Test func runIsReadyPingsTheWatchdogReloadsAndStops() throws {
        let folder = try TemporaryDirectory()
        let config = try simulatedBoard(in: folder, button: true)
        let socket = try NotificationSocket(.path(folder.path("notify")))
        let run = try ChildProcess(
            [smsocketExecutable(besides: #filePath), "run", "--config", config], outputPath: folder.path("output.txt"),
            environment: ["NOTIFY_SOCKET": socket.address, "WATCHDOG_USEC": "200000"])
        run.closeInput()

        #expect(socket.receive(until: { $0.hasPrefix("READY=1") }).last == "READY=1\nSTATUS=Running")
        #expect(socket.receive(until: { $0 == "WATCHDOG=1" }).last == "WATCHDOG=1")
        #expect(socket.receive(until: { $0 == "WATCHDOG=1" }).last == "WATCHDOG=1", "pinged again, every 100 ms")
        run.signal(SIGHUP)
        let reload = socket.receive(until: { $0.hasPrefix("READY=1") }).filter { $0 != "WATCHDOG=1" }
        #expect(reload.count == 2)
        let reloading = reload.first?.split(separator: "\n") ?? []
        #expect(reloading.first == "RELOADING=1" && reloading.last == "STATUS=Reloading the rules")
        let stamp = reloading.first { $0.hasPrefix("MONOTONIC_USEC=") }.flatMap { UInt64($0.dropFirst(15)) }
        #expect(stamp.map { $0 <= ServiceNotifier.monotonicMicroseconds() } == true, "CLOCK_MONOTONIC in microseconds")
        #expect(reload.last == "READY=1\nSTATUS=Running")
        // `smsocket reload` through the control socket is announced as SIGHUP is.
        let client = try ChildProcess(
            [smsocketExecutable(besides: #filePath), "reload", "--config", config], outputPath: folder.path("reload.txt"))
        #expect(ChildProcess.exited(client.waitForExit(), code: 0))
        #expect(
            socket.receive(until: { $0.hasPrefix("READY=1") }).filter { $0 != "WATCHDOG=1" }.map { $0.prefix { $0 != "\n" } }
                == ["RELOADING=1", "READY=1"])
        run.signal(SIGTERM)
        #expect(socket.receive(until: { $0.hasPrefix("STOPPING=1") }).last == "STOPPING=1\nSTATUS=Stopping")
        #expect(ChildProcess.exited(run.waitForExit(), code: 0))
    }

    @Test func runReachesAnAbstractSocketWithoutAWatchdog() throws {
        let folder = try TemporaryDirectory()
        let config = try simulatedBoard(in: folder, button: true)
        let socket = try NotificationSocket(.abstract("smsocket-test-\(UUID().uuidString)"))
        let run = try ChildProcess(
            [smsocketExecutable(besides: #filePath), "run", "--config", config], outputPath: folder.path("output.txt"),
            environment: ["NOTIFY_SOCKET": socket.address, "WATCHDOG_USEC": "200000", "WATCHDOG_PID": "1"])
        run.closeInput()
        #expect(socket.receive(until: { $0.hasPrefix("READY=1") }).last == "READY=1\nSTATUS=Running")
        run.signal(SIGTERM)
        #expect(socket.receive(until: { $0.hasPrefix("STOPPING=1") }) == ["STOPPING=1\nSTATUS=Stopping"], "no watchdog: it is process 1's")
        #expect(ChildProcess.exited(run.waitForExit(), code: 0))
    }

    /// The watchdog is fed from the controller's loop: while the controller is stuck in an event (here a relay
    /// whose command takes 3 s), no ping goes out, so a controller stuck for good is restarted by systemd.
    @Test func aControllerStuckInAnEventStopsFeedingTheWatchdog() throws {
        let folder = try TemporaryDirectory()
        let relay = try folder.script("relay", "if [ \"$1\" = on ]; then : > \"\(folder.path("switching"))\"; sleep 3; fi")
        let config = try simulatedBoard(in: folder, mainRelay: "kind = \"exec\"\ncommand = [\"\(relay)\"]", button: true)
        let socket = try NotificationSocket(.path(folder.path("notify")))
        let output = folder.path("output.txt")
        let run = try ChildProcess(
            [smsocketExecutable(besides: #filePath), "run", "--config", config], outputPath: output,
            environment: ["NOTIFY_SOCKET": socket.address, "WATCHDOG_USEC": "200000"])

        #expect(socket.receive(until: { $0 == "WATCHDOG=1" }).last == "WATCHDOG=1")
        run.write("sms +3589123456789 ON\n")
        #expect(waitForText(in: output) { _ in FileManager.default.fileExists(atPath: folder.path("switching")) })
        // What was sent before the controller got stuck; from now on it is inside the event for 3 s.
        _ = socket.drain()
        #expect(socket.receive(within: 1500) == nil, "no ping while the controller is stuck")
        #expect(socket.receive(until: { $0 == "WATCHDOG=1" }).last == "WATCHDOG=1", "pinged again once it is free")
        #expect(waitForText(in: output) { $0.contains(#"sms-out +3589123456789 "Power socket ON""#) })
        run.closeInput()
        run.signal(SIGTERM)
        #expect(ChildProcess.exited(run.waitForExit(), code: 0))
    }
}
