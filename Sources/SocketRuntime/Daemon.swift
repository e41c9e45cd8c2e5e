import Logging
import PluginKit
import ServiceLifecycle
import Simulated
import SocketCore
import SystemCalls
import UnixSignals

#if canImport(Glibc)
    import Glibc
#endif

/// `smsocket run`: the controller on the configured board with the real clock.
public enum Daemon {
    /// Runs the controller `config` describes until SIGTERM or SIGINT, logging a start line and a stop line
    /// (notice level) and its activity (info); an error that stops it is thrown, for the caller to log. On a
    /// simulated board a console drives the simulated world from standard input; when that input ends (under
    /// systemd it is /dev/null) the console stops and the controller runs on. SIGHUP loads the rules again.
    /// The control socket (`control_socket`) answers `smsocket status|send|sms|reload`. `write` prints the
    /// console's lines.
    ///
    /// Under systemd (`Type=notify`, ``ServiceNotifier``) the service manager hears `READY=1` once the controller
    /// has started, `WATCHDOG=1` from the controller's loop, `RELOADING=1` and `READY=1` around a reload (SIGHUP
    /// or the control socket's), and `STOPPING=1` at a graceful stop; a `$NOTIFY_SOCKET` or `$WATCHDOG_USEC`
    /// that makes no sense stops the start with ``ServiceNotifierError``.
    ///
    /// The state database is opened before any hardware is touched, so a second controller on the same
    /// state stops at once (``StoreError/Code/inUse``). `state = "temporary"` (``TemporaryState/configValue``)
    /// gives a fresh database removed at the end, as on the demo board.
    public static func run(config: ControllerConfig, logger: Logger, write: @escaping @Sendable (String) -> Void) async throws {
        // Trapped before anything starts, so that no SIGHUP finds its default action (the end of the process).
        let hangUps = await UnixSignalsSequence(trapping: .sighup)
        // A log piped into a reader that went away (`| head`, a restarted `logger`) is no reason to stop:
        // the write fails with EPIPE instead.
        signal(SIGPIPE, SIG_IGN)
        let notifier = try ServiceNotifier(logger: logger)
        let configured = config.statePath ?? ControllerConfig.defaultStatePath
        let temporary = configured == TemporaryState.configValue ? try TemporaryState() : nil
        defer { temporary?.remove() }
        let statePath = temporary?.path ?? configured
        let store = try Store(path: statePath, durability: .full)

        let context = PluginContext(logger: logger, model: config.model, stateDirectory: ConfigCheck.parentFolder(of: statePath))
        let ports = try BoardBuilder.ports(for: config, context: context)
        let clock = SystemClock()
        let board = BoardBuilder.board(ports, clock: clock)
        let bus = EventBus()
        let identity = DeviceIdentity(serialNumber: config.serialNumber ?? machineSerialNumber())
        let controller = try Controller(
            model: config.model, identity: identity, store: store, board: board, clock: clock, bus: bus, logger: logger,
            zone: config.location?.zone)
        if let folder = config.rulesPath {
            await controller.useRules(
                Controller.RuleSetup(folder: folder, memoryKiB: config.ruleMemoryKiB, location: config.location?.coordinates))
        }
        let control = try controlServer(config, controller: controller, bus: bus, logger: logger, notifier: notifier)
        // A group stops its services last to first: the control socket closes before the controller stops.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(
                service: ControllerService(
                    controller: controller, bus: bus, clock: clock, notifier: notifier,
                    started: { StartUpCode.release(logger: logger) })),
            .init(
                service: ReloadSignal(signals: hangUps, controller: controller, bus: bus, logger: logger, notifier: notifier),
                successTerminationBehavior: .ignore),
        ]
        if let control { services.append(.init(service: control)) }
        if config.roles.values.contains(where: { $0.kind == SimulatedPlugin.kind }) {
            let world = context.shared.object(SimulatedPlugin.worldKey) { SimulatedWorld(log: StandardOutputLog()) }
            // Its end is not the controller's: .ignore keeps the group running.
            services.append(.init(service: SimulatedConsole(world: world, logger: logger, write: write), successTerminationBehavior: .ignore))
        }
        let state = temporary == nil ? statePath : "\(statePath) (temporary, removed at the end)"
        logger.notice(
            "SMSocket \(SocketCore.version) starting: config \(config.file), state \(state), \(control.map { "control socket \($0.path)" } ?? "no control socket"), model \(config.model.rawValue), board: \(ports.summary.joined(separator: "; "))"
        )
        let group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        logger.notice("SMSocket stopped")
    }

    /// The control socket, bound before anything runs, so that a socket another controller answers on stops
    /// this one here. Without `control_socket` in the file, a missing default folder (/run/smsocket, which the
    /// systemd unit makes) only costs the control commands, with a warning: a controller started by hand or by
    /// a test still runs.
    static func controlServer(
        _ config: ControllerConfig, controller: Controller, bus: EventBus, logger: Logger, notifier: ServiceNotifier? = nil,
        defaultPath: String = ControllerConfig.defaultControlSocketPath
    ) throws(ControlSocketError) -> ControlServer? {
        let path = config.controlSocketPath ?? defaultPath
        let handler = ControlHandler(controller: controller, bus: bus, logger: logger, notifier: notifier)
        do throws(ControlSocketError) {
            return try ControlServer(path: path, logger: logger) { request, peer, responder in
                await handler.respond(to: request, from: peer, through: responder)
            }
        } catch {
            let folder = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
            guard config.controlSocketPath == nil, case .failure(let missing) = fileKind(atPath: folder), missing.errno == ENOENT else {
                throw error
            }
            logger.warning(
                "no control socket: its folder \(folder) does not exist (the systemd unit makes it); `smsocket status` and the other control commands will not reach this controller. Set control_socket to use another place")
            return nil
        }
    }

    /// A stable 17-digit serial number derived from /etc/machine-id (all zeros where there is none).
    public static func machineSerialNumber(path: String = "/etc/machine-id") -> String {
        var value: UInt64 = 0
        if let file = fopen(path, "r") {
            defer { fclose(file) }
            var buffer = [CChar](repeating: 0, count: 64)
            if fgets(&buffer, 64, file) != nil {
                let id = String(decoding: buffer.prefix { $0 != 0 && $0 != 10 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                value = UInt64(id.prefix(16), radix: 16) ?? 0
            }
        }
        let digits = String(value % 100_000_000_000_000_000)
        return String(repeating: "0", count: 17 - digits.count) + digits
    }
}
