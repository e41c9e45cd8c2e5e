import PluginKit
import SocketCore
import SystemCalls

#if canImport(Glibc)
    import Glibc
#endif

/// `kind = "simulated"`: any role on the simulated board, so a configuration can run without hardware.
/// Every simulated role of one board shares one ``SimulatedWorld``, which prints what happens to it.
public enum SimulatedPlugin: Plugin {
    public static let kind = "simulated"
    public static let roles: Set<Role> = [.modem, .thermometer, .alarmInput, .button, .mainsSense, .mainRelay, .microRelay]

    /// The key under which the board's world is shared between roles.
    public static let worldKey = "simulated.world"

    public static func make(for role: Role, settings: inout PluginSettings, context: PluginContext) throws(ConfigError) -> PluginPort {
        let world = context.shared.object(worldKey) { SimulatedWorld(log: StandardOutputLog()) }
        switch role {
        case .modem: return .modem(world.network)
        case .thermometer: return .thermometer(world.thermometer)
        case .alarmInput: return .input(world.sensor)
        case .button: return .input(world.button)
        case .mainsSense: return .input(world.mains)
        case .mainRelay: return .output(world.mainRelay)
        case .microRelay: return .output(world.microRelay)
        default: throw settings.error(nil, "the simulated board has no \(role.rawValue)")
        }
    }
}

/// Prints simulated events with the real UTC time, for `smsocket run` on the demo board.
public struct StandardOutputLog: SimulationLog {
    public init() {}

    public func record(_ event: String) {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        writeToStandardOutput("\(Instant(seconds: Int64(ts.tv_sec))) \(event)\n")
    }
}

/// Writes straight to file descriptor 1, unbuffered (a reader on a pipe sees each line as soon as it
/// happened), retrying partial writes.
public func writeToStandardOutput(_ text: String) {
    writeAll(Array(text.utf8), to: 1)
}
