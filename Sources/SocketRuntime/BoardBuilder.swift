import PluginKit
import SocketCore

/// Builds the board a configuration describes: the plugin of each role is looked up by kind, reads its
/// settings, and makes its port. No hardware is touched here (ports open their devices when started), so
/// `smsocket check` runs this on any machine.
public struct BoardBuilder {
    /// The ports of the configured roles.
    public struct Ports: Sendable {
        public var byRole: [Role: PluginPort]
        /// `main relay: gpio` … for `check` and the start-up log.
        public var summary: [String]
    }

    /// Roles every board needs.
    static let requiredRoles: [Role] = [.modem, .mainRelay]
    /// Roles a Light model does not have (spec §1.2).
    static let absentOnLight: Set<Role> = [.thermometer, .alarmInput, .microRelay, .ledMic]

    /// The ports of the configured roles.
    ///
    /// - Throws: the first problem in file order (``build(for:context:)`` has them all).
    public static func ports(for config: ControllerConfig, context: PluginContext) throws(ConfigError) -> Ports {
        let (ports, problems) = build(for: config, context: context)
        if let first = problems.first { throw first }
        return ports
    }

    /// The port of every role whose table is right, roles in file order, and every problem in file order:
    /// a required role missing, a role the model does not have, an unknown kind, a setting a plugin refuses
    /// (the first of each table), every unknown key. A port is made even where its table has unknown keys.
    static func build(for config: ControllerConfig, context: PluginContext) -> (ports: Ports, problems: [ConfigError]) {
        var problems: [ConfigError] = []
        for role in requiredRoles where config.roles[role] == nil {
            problems.append(ConfigError(file: config.file, line: nil, key: role.rawValue, message: "missing; every board needs a [\(role.rawValue)] table"))
        }
        var byRole: [Role: PluginPort] = [:]
        var summary: [String] = []
        for role in rolesInFileOrder(config) {
            var (kind, settings) = config.roles[role]!
            do throws(ConfigError) {
                byRole[role] = try port(for: role, kind: kind, settings: &settings, model: config.model, context: context)
                summary.append("\(role.rawValue): \(kind)")
                problems += settings.unknownKeys()
            } catch {
                problems.append(error)
            }
        }
        return (Ports(byRole: byRole, summary: summary), problems.inFileOrder())
    }

    /// The configured roles by the line of their table, so that of two roles that clash the later one is
    /// reported.
    static func rolesInFileOrder(_ config: ControllerConfig) -> [Role] {
        config.roles.keys.sorted { a, b in
            (config.roles[a]!.settings.line ?? .max, a.rawValue) < (config.roles[b]!.settings.line ?? .max, b.rawValue)
        }
    }

    private static func port(
        for role: Role, kind: String, settings: inout PluginSettings, model: Model, context: PluginContext
    ) throws(ConfigError) -> PluginPort {
        if model.isLight, absentOnLight.contains(role) {
            throw settings.error(nil, "model \(model.rawValue) has no \(role.rawValue); remove the table")
        }
        guard let plugin = PluginRegistry.plugin(kind: kind) else {
            throw settings.error("kind", "unknown plugin kind \"\(kind)\"; known kinds: \(PluginRegistry.kinds.joined(separator: ", "))")
        }
        guard plugin.roles.contains(role) else {
            let roles = plugin.roles.sorted().map(\.rawValue).joined(separator: ", ")
            throw settings.error("kind", "the \(kind) plugin cannot be the \(role.rawValue); it fills \(roles)")
        }
        let port = try plugin.make(for: role, settings: &settings, context: context)
        guard port.kind == role.portKind else {
            throw settings.error("kind", "the \(kind) plugin made a \(port.kind.rawValue) port, the \(role.rawValue) needs \(role.portKind.rawValue)")
        }
        return port
    }

    /// The board the controller drives, with input roles adapted to events and LEDs to pattern drivers.
    public static func board(_ ports: Ports, clock: any ControllerClock) -> Board {
        var modem: (any ModemPort)?
        var thermometer: (any ThermometerPort)?
        var outputs: [Role: any OutputPort] = [:]
        var inputs: [RoleInput] = []
        for (role, port) in ports.byRole.sorted(by: { $0.key < $1.key }) {
            switch port {
            case .modem(let m): modem = m
            case .thermometer(let t): thermometer = t
            case .output(let o): outputs[role] = o
            case .input(let i): inputs.append(RoleInput(role: role, input: i, clock: clock))
            }
        }
        let ledRoles: [(Role, LED)] = [(.ledPower, .power), (.ledGSM, .gsm), (.ledMic, .mic), (.ledOut, .out)]
        var leds: [LED: LEDDriver] = [:]
        for (role, led) in ledRoles { if let o = outputs[role] { leds[led] = LEDDriver(output: o) } }
        var board = Board(
            modem: modem!, thermometer: thermometer, mainRelay: outputs[.mainRelay]!, microRelay: outputs[.microRelay],
            inputs: inputs, leds: leds)
        board.modemPowerKey = outputs[.modemPowerKey]
        return board
    }
}

extension ControllerConfig {
    /// The model's optional parts that have a role in this configuration.
    public var equipment: Equipment {
        var parts: Equipment = []
        if roles[.thermometer] != nil { parts.insert(.thermometer) }
        if roles[.alarmInput] != nil { parts.insert(.alarmInput) }
        if roles[.microRelay] != nil { parts.insert(.microRelay) }
        return parts.intersection(.complete(for: model))
    }
}
