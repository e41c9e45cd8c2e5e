/// What differs between modem families, in one place: detection, extra initialisation, hanging up.
public enum ModemVendor: String, CaseIterable, Sendable {
    /// SIM800/SIM900, SIM7600.
    case simcom
    /// EC25, M95.
    case quectel
    /// USB sticks (E1752, K3715, …).
    case huawei
    /// Anything else that speaks 27.007.
    case generic

    /// The vendor named by `AT+CGMI` / `ATI` answers.
    public static func detect(_ identification: String) -> ModemVendor {
        let text = identification.uppercased()
        if text.contains("SIMCOM") || text.contains("SIM800") || text.contains("SIM900") || text.contains("SIM7600") {
            return .simcom
        }
        if text.contains("QUECTEL") { return .quectel }
        if text.contains("HUAWEI") { return .huawei }
        return .generic
    }

    /// Commands sent after the common initialisation; errors are logged and ignored (older firmware).
    public var extraInitialisation: [String] {
        switch self {
        // Network time URCs; call-state URCs while dialling.
        case .simcom: ["AT+CLTS=1", "AT+CLCC=1"]
        case .quectel: ["AT+CTZU=3", "AT+CTZR=2", "AT+QURCCFG=\"urcport\",\"all\""]
        // Plain-text USSD; no voice over the USB audio port.
        case .huawei: ["AT^USSDMODE=0", "AT^CVOICE=0"]
        // Time zone reports with the local time (27.007 §8.41), where the modem has them.
        case .generic: ["AT+CTZR=2"]
        }
    }

    /// The command that asks how many PIN attempts the SIM has left, and where its answer says it: SIMCom's
    /// `AT+SPIC` (`+SPIC: <pin1>,<puk1>,<pin2>,<puk2>`), Quectel's `AT+QPINC="SC"` (`+QPINC: "SC",<pin>,<puk>`),
    /// Huawei's `AT^CPIN?` (`^CPIN: <code>,<times>,<puk_times>,<pin_times>,…`), and 3GPP TS 27.007 §8.65's
    /// `AT+CPINR="SIM PIN"` (`+CPINR: SIM PIN,<retries>,<default>`) for the rest, and as every vendor's
    /// fallback.
    public var pinAttemptsQuery: (command: String, name: String, field: Int) {
        switch self {
        case .simcom: ("AT+SPIC", "+SPIC", 0)
        case .quectel: ("AT+QPINC=\"SC\"", "+QPINC", 1)
        case .huawei: ("AT^CPIN?", "^CPIN", 3)
        case .generic: ("AT+CPINR=\"SIM PIN\"", "+CPINR", 1)
        }
    }

    /// How a call is hung up.
    public var hangUp: String {
        switch self {
        case .huawei, .quectel: "AT+CHUP"
        case .simcom, .generic: "ATH"
        }
    }

    /// The command that opens the microphone path at the device's MICLEVEL (15), where there is one.
    public var microphoneOn: String? {
        self == .simcom ? "AT+CMIC=0,15" : nil
    }
}
