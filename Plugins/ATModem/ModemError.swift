/// Why the modem cannot be used, said so a person can act on it.
public struct ModemError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case simPINRequired, simPUKRequired, wrongPIN, pinNotRetried, pinAttemptsLow, noSIM, simNotReady, noAnswer, rejected,
            sendFailed, dialFailed, offline

        /// Nothing the port can do ends it: a person must act on the SIM or the configuration. The port keeps
        /// looking (the SIM may be swapped or unlocked in a phone) without repeating the error in the log.
        public var needsAPerson: Bool {
            switch self {
            case .simPINRequired, .simPUKRequired, .wrongPIN, .pinNotRetried, .pinAttemptsLow: true
            default: false
            }
        }
    }

    public let code: Code
    public let detail: String

    public init(_ code: Code, _ detail: String = "") {
        self.code = code
        self.detail = detail
    }

    public static func == (a: ModemError, b: ModemError) -> Bool { a.code == b.code }

    public var description: String {
        let text: String
        switch code {
        case .simPINRequired:
            text =
                "the SIM card asks for its PIN and none is configured: set [modem] pin = \"<PIN>\", or turn the PIN request off (put the SIM in a phone: security settings, SIM PIN lock off)"
        case .simPUKRequired:
            text = "the SIM is locked (PUK needed); put it in a phone and unblock it with its PUK (SMSocket never enters a PUK)"
        case .wrongPIN:
            text =
                "the SIM refused the configured PIN ([modem] pin); it is not entered again, since three wrong PINs lock the SIM: correct the pin, then restart"
        case .pinNotRetried:
            text =
                "the SIM refused the configured PIN ([modem] pin) before, or its answer was lost; it is not entered again, since three wrong PINs lock the SIM: correct the pin (a different one is tried once), or unlock the SIM in a phone"
        case .pinAttemptsLow:
            text =
                "the SIM allows only one more PIN attempt, and a wrong one would lock it: enter the PIN in a phone (which restores the attempts), then restart"
        case .noSIM: text = "no SIM card: insert one (contacts down) and check the holder"
        case .simNotReady: text = "the SIM card is not ready"
        case .noAnswer: text = "the modem does not answer AT: check the wiring, its power supply (2 A peaks) and the baud rate"
        case .rejected: text = "the modem refused a setup command"
        case .sendFailed: text = "the SMS was not sent"
        case .dialFailed: text = "the call could not be placed"
        case .offline: text = "the modem is offline (being recovered)"
        }
        return detail.isEmpty ? text : "\(text): \(detail)"
    }
}
