/// A job on the board that a plugin fills: one table of the configuration file each.
public enum Role: String, CaseIterable, Sendable, Comparable {
    case modem
    case thermometer
    case alarmInput = "alarm_input"
    case button
    case mainRelay = "main_relay"
    case microRelay = "micro_relay"
    case mainsSense = "mains_sense"
    case ledPower = "led_power"
    case ledGSM = "led_gsm"
    case ledMic = "led_mic"
    case ledOut = "led_out"
    /// An output wired to the modem's power key, pulsed as the last step of recovering a dead modem.
    case modemPowerKey = "modem_power_key"

    /// The kind of port the role needs.
    public var portKind: PortKind {
        switch self {
        case .modem: .modem
        case .thermometer: .thermometer
        case .alarmInput, .button, .mainsSense: .input
        case .mainRelay, .microRelay, .ledPower, .ledGSM, .ledMic, .ledOut, .modemPowerKey: .output
        }
    }

    public static func < (a: Role, b: Role) -> Bool { a.rawValue < b.rawValue }
}

/// The four kinds of port a plugin can provide.
public enum PortKind: String, Sendable {
    case modem, thermometer, input, output
}
