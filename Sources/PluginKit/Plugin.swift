import Logging
import SocketCore

/// A hardware plugin: a type named by a static ``kind`` that builds ports for the roles it can fill.
///
/// Adding a plugin is a folder under `Plugins/` and one line in the runtime's registry.
public protocol Plugin {
    /// The `kind = "..."` that selects this plugin in the configuration file.
    static var kind: String { get }
    /// The roles it can fill.
    static var roles: Set<Role> { get }
    /// Reads `settings` (every key it knows) and builds the port for `role`, touching no hardware: the
    /// port opens its device in `start`. Used by `smsocket check` too.
    static func make(for role: Role, settings: inout PluginSettings, context: PluginContext) throws(ConfigError) -> PluginPort
    /// What `smsocket check` verifies once `make` has accepted the settings: that what the port needs when
    /// it starts is on this machine (a program that exists and may be run, ...). Looks at files, touches no
    /// hardware; each problem names its key.
    static func preflight(for role: Role, settings: PluginSettings) -> [ConfigError]
}

extension Plugin {
    /// Nothing to verify beyond the settings.
    public static func preflight(for role: Role, settings: PluginSettings) -> [ConfigError] { [] }
}

/// A port built by a plugin, of the kind its role needs.
public enum PluginPort: Sendable {
    case modem(any ModemPort)
    case thermometer(any ThermometerPort)
    case input(any DigitalInputPort)
    case output(any OutputPort)

    public var kind: PortKind {
        switch self {
        case .modem: .modem
        case .thermometer: .thermometer
        case .input: .input
        case .output: .output
        }
    }
}

/// What a plugin gets besides its settings.
public struct PluginContext: Sendable {
    public var logger: Logger
    /// The model the controller behaves as.
    public var model: Model
    /// Objects plugins share between the roles they fill (one GPIO chip for several lines, one simulated
    /// world for every simulated role).
    public var shared: SharedObjects
    /// The folder of the state database, where a plugin may keep what must outlive the process (the modem's
    /// record of a PIN entry); nil where nothing is kept (`smsocket check`, tests).
    public var stateDirectory: String?

    public init(logger: Logger, model: Model, shared: SharedObjects = SharedObjects(), stateDirectory: String? = nil) {
        self.logger = logger
        self.model = model
        self.shared = shared
        self.stateDirectory = stateDirectory
    }
}
