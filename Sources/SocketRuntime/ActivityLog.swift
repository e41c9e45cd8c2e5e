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
/// through ``Redaction/reply(_:)``. The ``History`` keeps the same lines, once what they tell happened.
struct ActivityLog: Sendable {
    let logger: Logger
    /// Each line also goes here, with the time it was written (`smsocket simulate --verbose`'s `#` lines).
    let onLine: @Sendable (Instant, String) -> Void

    /// One line of the log, and where the history files it.
    struct Line: Equatable {
        var text: String
        /// The history's kind for it; nil for what the log alone tells: an SMS queued but not sent yet (the
        /// outbox records it once sent), a USSD request, a message the dark device left in the modem.
        var kind: HistoryEntry.Kind?
        /// The effect the line announces: it happened only if that effect succeeded (a relay switched, a call
        /// placed, an incoming call hung up). Nil: the line tells what already happened.
        var effect: Effect?
    }

    /// Writes `lines`, for an event handled at `now`: called once the event's changes are committed, before
    /// its effects are carried out.
    func write(_ lines: [Line], at now: Instant) {
        for line in lines {
            logger.info("\(line.text)")
            onLine(now, line.text)
        }
    }

    /// The lines for `event`, whose effects are `effects`.
    static func lines(for event: Event, _ effects: [Effect], hiding secrets: [String]) -> [Line] {
        var lines: [Line] = []
        let verdict = effects.lazy.compactMap { if case .verdict(let v) = $0 { v } else { nil } }.first
        var repliedTo: String?
        switch event {
        case .sms(let sms):
            repliedTo = sms.sender
            let sender = Self.name(sms.sender)
            guard let verdict else {
                lines.append(Line(text: "SMS from \(sender): the device is off; the message waits in the modem"))
                break
            }
            let replied = effects.contains { if case .sendSMS(let to, _) = $0 { to == sms.sender } else { false } }
            let reply =
                replied ? "reply queued"
                : SocketCore.answers(sms.sender) ? "no reply" : "no reply (a hidden number, a name or a short code is never answered)"
            lines.append(Line(text: "SMS from \(sender)\(Self.quoted(verdict.command)): \(verdict.outcome); \(reply)", kind: .sms))
        case .importSettings:
            lines.append(Line(text: "settings imported", kind: .command))
        case .localCommand:
            if let verdict { lines.append(Line(text: "local command\(Self.quoted(verdict.command)): \(verdict.outcome)", kind: .command)) }
        case .incomingCall(let from):
            let hangUp = effects.first { if case .rejectCall = $0 { true } else { false } }
            lines.append(Line(text: "call from \(Self.name(from)): \(hangUp == nil ? "left ringing" : "hung up")", kind: .call, effect: hangUp))
        case .callEnded(let number, let outcome):
            let words: String =
                switch outcome {
                case .answered: "answered"
                case .rejected: "rejected"
                case .noAnswer: "no answer"
                }
            lines.append(Line(text: "call to \(number) ended: \(words)", kind: .call))
        default:
            break
        }
        let cause = Self.cause(of: event)
        for effect in effects {
            switch effect {
            case .setRelay(let relay, let on):
                lines.append(Line(text: "\(relay.partName) \(on ? "on" : "off") (\(cause))", kind: .relay, effect: effect))
            case .sendSMS(let to, let text) where to != repliedTo:
                lines.append(Line(text: "SMS to \(to) (\(cause)): \(jsonStringLiteral(Redaction.hiding(secrets, in: Redaction.reply(text))))"))
            case .placeCall(let to):
                lines.append(Line(text: "calling \(to) (\(cause))", kind: .call, effect: effect))
            case .sendUSSD(let code):
                lines.append(Line(text: "USSD request \(code) (\(cause))"))
            default:
                break
            }
        }
        return lines
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
