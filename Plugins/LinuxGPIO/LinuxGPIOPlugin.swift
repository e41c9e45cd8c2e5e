import PluginKit
import SocketCore

/// `kind = "gpio"`: an input or output on a GPIO line, through the kernel's character device (uAPI v2).
///
/// Settings:
/// - `chip`: the chip's label (`"pinctrl-bcm2711"`); optional, by default every chip is searched for the line's name.
/// - `line`: the line's name (`"GPIO17"`) or its offset on `chip` (a whole number).
/// - `active_low`: true when the line is active low (a contact to ground, a low-triggered relay); default false.
/// - Inputs: `bias` (`"pull-up"`, `"pull-down"`, `"disabled"` or `"as-is"`, the default) and `debounce_ms`
///   (0 to 1000, default 10).
/// - Outputs: `initial`, the level requested with the line (default false).
///
/// Every GPIO role of a board shares one ``GPIOChips`` (the scan of `/dev/gpiochip*`), and no two roles
/// may name the same line.
public enum LinuxGPIOPlugin: Plugin {
    public static let kind = "gpio"
    public static let roles: Set<Role> = [
        .alarmInput, .button, .mainsSense, .mainRelay, .microRelay, .ledPower, .ledGSM, .ledMic, .ledOut,
        .modemPowerKey,
    ]

    /// The key under which the board's chips are shared between roles.
    public static let chipsKey = "gpio.chips"
    /// The key under which the lines the board's roles took are shared.
    static let claimsKey = "gpio.claims"

    public static func make(for role: Role, settings: inout PluginSettings, context: PluginContext) throws(ConfigError) -> PluginPort {
        let chips = context.shared.object(chipsKey) { GPIOChips() }
        return try make(for: role, settings: &settings, context: context, chips: chips)
    }

    /// ``make(for:settings:context:)`` with the chips given, for tests with a fake device.
    public static func make(
        for role: Role, settings: inout PluginSettings, context: PluginContext, chips: GPIOChips
    ) throws(ConfigError) -> PluginPort {
        let chip = try settings.string("chip")
        if let chip, chip.isEmpty { throw settings.error("chip", "expected a chip's label, e.g. \"pinctrl-bcm2711\"; leave it out to search every chip") }
        let line = try lineSelector(&settings, chip: chip)
        try context.shared.object(claimsKey) { GPIOLineClaims() }.claim(chip: chip, line: line, settings: settings)
        let activeLow = try settings.bool("active_low") ?? false
        let consumer = "smsocket " + role.rawValue
        switch role.portKind {
        case .input:
            let bias = try settings.choice("bias", Bias.allCases.map(\.rawValue)).flatMap(Bias.init(rawValue:)) ?? .asIs
            let debounce = try settings.int("debounce_ms", in: 0...1000) ?? 10
            let config = GPIOInputConfiguration(
                chip: chip, line: line, activeLow: activeLow, bias: bias, debounceMilliseconds: debounce, consumer: consumer)
            return .input(GPIOInput(config, chips: chips, logger: context.logger))
        case .output:
            let initial = try settings.bool("initial") ?? false
            let config = GPIOOutputConfiguration(chip: chip, line: line, activeLow: activeLow, initial: initial, consumer: consumer)
            return .output(GPIOOutput(config, chips: chips, logger: context.logger))
        case .modem, .thermometer:
            throw settings.error(nil, "a GPIO line cannot be the \(role.rawValue)")
        }
    }

    /// `line = "GPIO17"` or `line = 17` (an offset, which needs `chip`).
    private static func lineSelector(_ settings: inout PluginSettings, chip: String?) throws(ConfigError) -> LineSelector {
        let expected = "expected a line name like \"GPIO17\" or an offset on `chip` (a whole number)"
        if let name = try? settings.string("line") {
            guard !name.isEmpty else { throw settings.error("line", expected) }
            return .name(name)
        }
        let offset: Int?
        do { offset = try settings.int("line", in: Int.min...Int.max) } catch { throw settings.error("line", expected) }
        guard let offset else { throw settings.error("line", "missing; " + expected) }
        guard (0...65535).contains(offset) else {
            throw settings.error("line", "expected a line offset from 0 to 65535, not \(offset)")
        }
        guard chip != nil else {
            throw settings.error("line", "an offset needs `chip` (the chip's label, e.g. \"pinctrl-bcm2711\"); or give the line's name, e.g. \"GPIO17\"")
        }
        return .offset(UInt32(offset))
    }
}
