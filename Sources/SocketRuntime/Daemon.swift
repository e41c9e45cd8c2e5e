import Logging
import PluginKit
import ServiceLifecycle
import Simulated
import SocketCore

#if canImport(Glibc)
    import Glibc
#endif

/// `smsocket run`: the controller on the configured board with the real clock.
public enum Daemon {
    /// Everything `run` starts, ready for a ServiceGroup: the controller, and on a simulated board the
    /// console that drives it from standard input (its end of input stops the controller gracefully).
    public static func services(
        config: ControllerConfig, logger: Logger, write: @escaping @Sendable (String) -> Void
    ) throws -> [ServiceGroupConfiguration.ServiceConfiguration] {
        let context = PluginContext(logger: logger, model: config.model)
        let ports = try BoardBuilder.ports(for: config, context: context)
        logger.info("board: \(ports.summary.joined(separator: "; "))")
        let clock = SystemClock()
        let board = BoardBuilder.board(ports, clock: clock)
        let store = try Store(path: config.statePath ?? ControllerConfig.defaultStatePath, durability: .full)
        let bus = EventBus()
        let identity = DeviceIdentity(serialNumber: config.serialNumber ?? machineSerialNumber())
        let controller = try Controller(
            model: config.model, identity: identity, store: store, board: board, clock: clock, bus: bus, logger: logger)
        var services = [ServiceGroupConfiguration.ServiceConfiguration(service: ControllerService(controller: controller, bus: bus, clock: clock))]
        if config.roles.values.contains(where: { $0.kind == SimulatedPlugin.kind }) {
            let world = context.shared.object(SimulatedPlugin.worldKey) { SimulatedWorld(log: StandardOutputLog()) }
            services.append(.init(service: SimulatedConsole(world: world, write: write), successTerminationBehavior: .gracefullyShutdownGroup))
        }
        return services
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
