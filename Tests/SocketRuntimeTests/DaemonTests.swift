import Foundation
import Logging
import PluginKit
import ServiceLifecycle
import Simulated
import SocketCore
import Synchronization
import TestSupport
import Testing

@testable import SocketRuntime

/// Collects simulated events in memory.
final class CollectingLog: SimulationLog {
    private let lines = Mutex<[String]>([])
    func record(_ event: String) { lines.withLock { $0.append(event) } }
    var all: [String] { lines.withLock { $0 } }

    /// Waits (polling, bounded) until `predicate` holds for the lines seen so far.
    func wait(for predicate: ([String]) -> Bool) async -> Bool {
        for _ in 0..<500 {
            if predicate(all) { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return false
    }
}

@Suite("smsocket run: the controller on the real clock")
struct DaemonTests {
    @Test func answersAnSMSAndStopsGracefully() async throws {
        let path = NSTemporaryDirectory() + "smsocket-run-\(UUID().uuidString).sqlite"
        let config = try ControllerConfig.parse(
            "state = \"\(path)\"\n[modem]\nkind = \"simulated\"\n[main_relay]\nkind = \"simulated\"\n[button]\nkind = \"simulated\"\n",
            file: "run.toml")
        let log = CollectingLog()
        let context = PluginContext(logger: Logger(label: "test"), model: config.model)
        let world = context.shared.object(SimulatedPlugin.worldKey) { SimulatedWorld(log: log) }
        let ports = try BoardBuilder.ports(for: config, context: context)
        let bus = EventBus()
        // The controller, and with it the store that holds the database, is gone once the group has run.
        let group = ServiceGroup(
            services: [
                ControllerService(
                    controller: try Controller(
                        model: config.model, identity: DeviceIdentity(serialNumber: "1"), store: Store(path: path),
                        board: BoardBuilder.board(ports, clock: SystemClock()), clock: SystemClock(), bus: bus),
                    bus: bus)
            ], logger: Logger(label: "test"))

        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            world.network.deliver(IncomingSMS(sender: "+3589123456789", text: "ON", timestamp: nil))
            #expect(await log.wait { $0.contains(#"sms-out +3589123456789 "Power socket ON""#) })
            // The button, timed by the real clock: a short press toggles the socket off.
            world.button.set(true)
            world.button.set(false)
            #expect(await log.wait { $0.last == "relay main off" })
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(log.all == ["relay main on", #"sms-out +3589123456789 "Power socket ON""#, "relay main off"])
        #expect(world.network.storedMessageCount == 0, "the handled SMS was deleted from the modem")
        #expect(try Store(path: path).loadState().mainRelayOn == false)
    }

    /// `smsocket run` on the simulated board as systemd runs it: standard input at its end from the start;
    /// SIGHUP loads the rules again.
    @Test func runOutlivesItsInputReloadsRulesOnSIGHUPAndSaysWhenItStartsAndStops() throws {
        let binary = smsocketExecutable(besides: #filePath)
        let folder = try TemporaryDirectory()
        let dir = folder.url.path
        let config = dir + "/smsocket.toml"
        try FileManager.default.createDirectory(atPath: dir + "/rules", withIntermediateDirectories: true)
        try "log(\"loaded\")\n".write(toFile: dir + "/rules/hello.lua", atomically: true, encoding: .utf8)
        try "state = \"\(dir)/state.sqlite\"\nrules = \"rules\"\ncontrol_socket = \"control.sock\"\nlog_level = \"info\"\n[modem]\nkind = \"simulated\"\n[main_relay]\nkind = \"simulated\"\n"
            .write(toFile: config, atomically: true, encoding: .utf8)
        let output = dir + "/output.txt"
        let run = try ChildProcess([binary, "run", "--config", config], outputPath: output)
        run.closeInput()

        #expect(waitForText(in: output) { $0.contains("standard input ended") })
        #expect(waitForText(in: output) { $0.contains("rule hello: loaded") }, "a relative rules folder is the config file's")
        run.signal(SIGHUP)
        #expect(waitForText(in: output) { $0.contains("SIGHUP: loading the rules again") })
        run.signal(SIGHUP)
        #expect(waitForText(in: output) { $0.components(separatedBy: "rule hello: loaded").count == 4 })
        run.signal(SIGTERM)
        #expect(ChildProcess.exited(run.waitForExit(), code: 0), "alive until SIGTERM, then a clean stop")
        let log = readTextFile(output)
        #expect(log.contains("Z notice SMSocket \(SocketCore.version) starting: config \(config), state \(dir)/state.sqlite, control socket \(dir)/control.sock, model 707, board: modem: simulated; main_relay: simulated"))
        #expect(log.hasSuffix("Z notice SMSocket stopped\n"), "\(log)")
        withExtendedLifetime(folder) {}
    }

    @Test func aPortThatCannotStartIsReportedAndTheRestWorks() async throws {
        struct Broken: Error {}
        final class BrokenThermometer: ThermometerPort {
            func start(events: any EventSink) async throws { throw Broken() }
            func stop() async {}
            func requestReading() {}
        }
        let path = NSTemporaryDirectory() + "smsocket-fault-\(UUID().uuidString).sqlite"
        let log = CollectingLog()
        let world = SimulatedWorld(log: log)
        let board = Board(modem: world.network, thermometer: BrokenThermometer(), mainRelay: world.mainRelay, microRelay: nil, inputs: [])
        let controller = try Controller(
            model: .gsm707, identity: DeviceIdentity(serialNumber: "1"), store: Store(path: path), board: board,
            clock: VirtualClock(start: Instant(seconds: 1_767_600_000)))
        try await controller.start()
        #expect(await controller.execute(localCommand: "STATUS").first?.hasSuffix("\nFault: thermometer") == true)
        #expect(await controller.execute(localCommand: "ON") == ["Power socket ON"])
    }

    @Test func anInputThatGoesAwayWhileRunningIsAFaultUntilItIsBack() async throws {
        /// An input whose hardware the test takes away and brings back.
        final class VanishingInput: DigitalInputPort {
            let service = Mutex<(@Sendable (Bool) -> Void)?>(nil)
            func start(onChange: @escaping @Sendable (Bool) -> Void) async throws { onChange(false) }
            func start(onChange: @escaping @Sendable (Bool) -> Void, onService: @escaping @Sendable (Bool) -> Void) async throws {
                service.withLock { $0 = onService }
                onChange(false)
            }
            func stop() async {}
            func report(_ working: Bool) { service.withLock { $0 }?(working) }
        }
        let path = NSTemporaryDirectory() + "smsocket-vanish-\(UUID().uuidString).sqlite"
        let world = SimulatedWorld(log: CollectingLog())
        let clock = VirtualClock(start: Instant(seconds: 1_767_600_000))
        let input = VanishingInput()
        let board = Board(
            modem: world.network, thermometer: nil, mainRelay: world.mainRelay, microRelay: nil,
            inputs: [RoleInput(role: .alarmInput, input: input, clock: clock)])
        let controller = try Controller(
            model: .gsm706, identity: DeviceIdentity(serialNumber: "1"), store: Store(path: path), board: board, clock: clock)
        try await controller.start()
        #expect(await controller.execute(localCommand: "STATUS").first?.contains("Fault:") == false)
        input.report(false)
        await controller.drain()
        #expect(await controller.execute(localCommand: "STATUS").first?.hasSuffix("\nFault: alarm input") == true)
        #expect(await controller.controlStatus(version: "test").faults == ["alarm input"])
        // Nothing else is out: the socket still switches.
        #expect(await controller.execute(localCommand: "ON") == ["Power socket ON"])
        input.report(true)
        await controller.drain()
        #expect(await controller.execute(localCommand: "STATUS").first?.contains("Fault:") == false)
    }

    @Test(arguments: [
        (Role.alarmInput, [true, false], [Event.sensor(closed: true), .sensor(closed: false)]),
        (.mainsSense, [false, true], [.mains(present: false), .mains(present: true)]),
        (.button, [false, true, false], [.button(heldMilliseconds: 1500)]),
    ])
    func inputLevelsBecomeRoleEvents(_ role: Role, _ levels: [Bool], _ expected: [Event]) {
        let clock = VirtualClock(start: Instant(seconds: 0))
        let input = RoleInput(role: role, input: SimulatedDigitalInput(level: false), clock: clock)
        var events: [Event] = []
        for level in levels {
            if let event = input.event(for: level) { events.append(event) }
            clock.set(clock.now.adding(milliseconds: 1500))
        }
        #expect(events == expected)
    }
}
