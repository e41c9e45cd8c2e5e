/// Why the modem cannot be used, said so a person can act on it.
public struct ModemError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case simPINRequired, simPUKRequired, noSIM, simNotReady, noAnswer, rejected, sendFailed, dialFailed, offline
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
            text = "the SIM card asks for its PIN: turn the PIN request off (put the SIM in a phone: security settings, SIM PIN lock off)"
        case .simPUKRequired:
            text = "the SIM card is blocked and asks for its PUK: unblock it in a phone, then turn the PIN request off"
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
