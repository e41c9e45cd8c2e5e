import Logging
import Simulated
import SocketCore

/// The controller's activity log, at info level: what it does and why, in plain words.
///
/// One line per SMS or local command (who sent it, the command with every password masked, what became
/// of it and whether a reply goes out), per relay switched (and what switched it: an SMS and from whom, a
/// timer, the thermostat, the scheduler, the button, the alarm, a call, the local console), per call, per
/// SMS the device sends on its own (alerts, notices), per USSD request. Derived from the event and the
/// effects the core returned for it; the core's ``Verdict`` says only what the core alone knows. An SMS's
/// text is never written as it came: commands only as ``Verdict/command``, and texts the device sends
/// through ``Redaction/reply(_:)``.
struct ActivityLog: Sendable {
    let logger: Logger
    /// Each line also goes here, with the time it was written (`smsocket simulate --verbose`'s `#` lines).
    let onLine: @Sendable (Instant, String) -> Void

    /// Writes the lines for `event`, handled at `now`, whose effects are `effects`: called once the event's
    /// changes are committed, before its effects are carried out.
    func record(_ event: Event, _ effects: [Effect], at now: Instant, hiding secrets: [String]) {
        var lines: [String] = []
        let verdict = effects.lazy.compactMap { if case .verdict(let v) = $0 { v } else { nil } }.first
        var repliedTo: String?
        switch event {
        case .sms(let sms):
            repliedTo = sms.sender
            let sender = Self.name(sms.sender)
            guard let verdict else {
                lines.append("SMS from \(sender): the device is off; the message waits in the modem")
                break
            }
            let replied = effects.contains { if case .sendSMS(let to, _) = $0 { to == sms.sender } else { false } }
            let reply =
                replied ? "reply queued"
                : SocketCore.answers(sms.sender) ? "no reply" : "no reply (a hidden number, a name or a short code is never answered)"
            lines.append("SMS from \(sender)\(Self.quoted(verdict.command)): \(verdict.outcome); \(reply)")
        case .localCommand:
            if let verdict { lines.append("local command\(Self.quoted(verdict.command)): \(verdict.outcome)") }
        case .incomingCall(let from):
            let hungUp = effects.contains { if case .rejectCall = $0 { true } else { false } }
            lines.append("call from \(Self.name(from)): \(hungUp ? "hung up" : "left ringing")")
        case .callEnded(let number, let outcome):
            let words: String =
                switch outcome {
                case .answered: "answered"
                case .rejected: "rejected"
                case .noAnswer: "no answer"
                }
            lines.append("call to \(number) ended: \(words)")
        default:
            break
        }
        let cause = Self.cause(of: event)
        for effect in effects {
            switch effect {
            case .setRelay(let relay, let on):
                lines.append("\(relay.partName) \(on ? "on" : "off") (\(cause))")
            case .sendSMS(let to, let text) where to != repliedTo:
                lines.append("SMS to \(to) (\(cause)): \(jsonStringLiteral(Redaction.hiding(secrets, in: Redaction.reply(text))))")
            case .placeCall(let to):
                lines.append("calling \(to) (\(cause))")
            case .sendUSSD(let code):
                lines.append("USSD request \(code) (\(cause))")
            default:
                break
            }
        }
        for line in lines {
            logger.info("\(line)")
            onLine(now, line)
        }
    }

    /// A sender or caller as the log names it.
    private static func name(_ address: String?) -> String { address ?? "a hidden number" }

    /// ` "COMMAND"`, or nothing when the command cannot be shown.
    private static func quoted(_ command: String?) -> String { command.map { " " + jsonStringLiteral($0) } ?? "" }

    /// What made the core do what it did, in a few words.
    static func cause(of event: Event) -> String {
        switch event {
        case .sms(let sms): "SMS from \(name(sms.sender))"
        case .localCommand, .localSMS: "local console"
        case .incomingCall(let from): "call from \(name(from))"
        case .callAnswered(let number), .callEnded(let number, _): "call to \(number)"
        case .temperature: "thermostat"
        case .sensor, .sensorConnected: "alarm"
        case .button: "button"
        case .powerUp: "power-up"
        case .mains(let present): present ? "mains back" : "mains lost"
        case .ussdReply: "USSD answer"
        case .networkTime: "network time"
        case .timer(let id):
            switch id {
            case .scheduler: "scheduler"
            case .temperatureReading: "thermostat"
            case .alarmLockout, .alarmPulse: "alarm"
            case .callRing, .callListen: "call"
            case .thermostatFailSafe: "thermostat fail-safe"
            case .batteryShutdown: "battery run over"
            case .factoryResetWindow: "factory reset"
            case .ussdTimeout: "USSD timeout"
            default: "timer"
            }
        default: event.summary
        }
    }
}
