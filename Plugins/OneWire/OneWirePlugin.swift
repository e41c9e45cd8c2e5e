import PluginKit
import SocketCore

/// The `onewire` plugin: the thermometer role filled by a DS18x20-family sensor on the kernel's 1-Wire bus.
///
/// ```toml
/// [thermometer]
/// kind = "onewire"
/// sensor = "28-0316a2795eff"   # optional; default: the first thermometer found
/// retries = 3                  # optional, 1…10; tries per reading before reporting a fault
/// root = "/sys/bus/w1/devices" # optional; where the kernel lists 1-Wire devices
/// ```
public enum OneWirePlugin: Plugin {
    public static let kind = "onewire"
    public static let roles: Set<Role> = [.thermometer]

    /// Tries per reading when `retries` is not set.
    public static let defaultRetries = 3
    /// The pause between tries: long enough for a brown-out or a bus glitch to pass.
    public static let retryDelay: Duration = .seconds(1)

    /// Reads `root`, `sensor` and `retries` and builds the thermometer; touches no file (the sensor is
    /// looked up at each reading, so a board without it yet still starts).
    public static func make(for role: Role, settings: inout PluginSettings, context: PluginContext) throws(ConfigError) -> PluginPort {
        guard role == .thermometer else {
            throw settings.error(nil, "the \(kind) plugin fills only the thermometer role, not \(role.rawValue)")
        }
        let root = try settings.string("root") ?? W1Bus.defaultRoot
        guard root.hasPrefix("/") else {
            throw settings.error("root", "expected an absolute path such as \"\(W1Bus.defaultRoot)\", not \"\(root)\"")
        }
        var selection = OneWireThermometer.Selection.firstFound
        if let name = try settings.string("sensor") {
            guard let id = W1SensorID(name) else {
                throw settings.error(
                    "sensor",
                    "expected a sensor id like \"28-0316a2795eff\" (family 10, 22, 28, 3b or 42, a dash, "
                        + "then 12 lowercase hex digits), not \"\(name)\""
                )
            }
            selection = .id(id)
        }
        let retries = try settings.int("retries", in: 1...10) ?? defaultRetries
        return .thermometer(
            OneWireThermometer(
                bus: W1Bus(root: root), selection: selection, retries: retries, retryDelay: retryDelay,
                logger: context.logger
            )
        )
    }
}
