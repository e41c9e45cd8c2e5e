import Logging
import SocketCore
import Synchronization

/// `[modem] trace = true`: every line to and from the modem in the log, for bringing up a new modem.
///
/// A line goes out as `> AT+CSQ` and comes in as `< +CSQ: 20,0`. A message is never shown as its raw hex: a
/// PDU (the body of `AT+CMGS`, the line after `+CMGR:`/`+CMGL:`, the line of `+CMT:`/`+CDS:`, or any other
/// line that is a long run of hex digits) is shown decoded, with its text masked as the activity log masks
/// it (``Redaction/incoming(_:_:)`` for what arrives: with an access password set, a text that does not begin
/// with it is not shown at all; ``Redaction/reply(_:)`` and every stored password for what goes out). The
/// arguments of the PIN commands (`AT+CPIN="1234"`) are shown as `****`, and the configured PIN is masked in
/// anything the modem sends back (a garbled echo).
///
/// Trace lines are logged at info, or at the logger's level when that is higher, so that they show whatever
/// `log_level` says.
final class ATTrace: Sendable {
    private let logger: Logger
    private let level: Logger.Level
    private let state: Mutex<State>

    /// What the formatter remembers between lines.
    struct State: Sendable {
        var passwords = Redaction.Passwords()
        /// The configured SIM PIN, masked wherever it shows up.
        var pin: String?
        /// The last line was a `+CMGR:`/`+CMGL:` header: the next is its message.
        var messageLineFollows = false
    }

    init(logger: Logger, pin: String?) {
        self.logger = logger
        level = max(logger.logLevel, .info)
        state = Mutex(State(pin: pin))
    }

    func keepOutOfLogs(_ passwords: Redaction.Passwords) { state.withLock { $0.passwords = passwords } }

    /// Logs `line`, one record per line the modem saw or sent.
    func record(_ line: ATTraceLine) {
        let texts = state.withLock { Self.texts(of: line, &$0) }
        for text in texts { logger.log(level: level, "\(text)") }
    }

    /// The trace lines for `line`: pure, apart from what `state` remembers.
    static func texts(of line: ATTraceLine, _ state: inout State) -> [String] {
        switch line {
        case .sent(let command):
            state.messageLineFollows = false
            return ["> " + maskingPIN(command)]
        case .sentBody(let body):
            return ["> " + message(body, &state)]
        case .sentEscape:
            return ["> <ESC>"]
        case .received(let event):
            switch event {
            case .response(let line), .stray(let line):
                if state.messageLineFollows || looksLikePDU(line) {
                    state.messageLineFollows = false
                    return ["< " + message(line, &state)]
                }
                let name = atNameValue(line).name
                state.messageLineFollows = name == "+CMGR" || name == "+CMGL"
                return ["< " + hidingPIN(line, state) + (event == .stray(line) ? "  (belongs to no command)" : "")]
            case .final(let final):
                state.messageLineFollows = false
                return ["< " + final.description]
            case .prompt:
                return ["< > "]
            case .unsolicited(let urc):
                return ["< " + hidingPIN(urc.line, state)] + (urc.pdu.map { ["< " + message($0, &state)] } ?? [])
            case .overlongLine(_, let length):
                return ["< a line of \(length) bytes, longer than the channel keeps; not shown"]
            }
        }
    }

    /// `AT+CPIN="****"` for `AT+CPIN="1234"`: every argument of a command that carries a PIN, PUK or facility
    /// password, four stars each (its length is no one's business either).
    static func maskingPIN(_ command: String) -> String {
        let name = commandName(command)
        guard ["+CPIN", "+CPIN2", "^CPIN", "+CLCK", "+CPWD"].contains(name), let equals = command.firstIndex(of: "=") else {
            return command
        }
        let arguments = command[command.index(after: equals)...].split(separator: ",", omittingEmptySubsequences: false)
        let masked = arguments.map { argument in argument.hasPrefix("\"") ? "\"****\"" : "****" }
        return String(command[...equals]) + masked.joined(separator: ",")
    }

    private static func hidingPIN(_ line: String, _ state: State) -> String {
        guard let pin = state.pin else { return line }
        return line.replacing(pin, with: "****")
    }

    /// A line that begins with 24 hex digits or more: a PDU whichever command it came with (a late answer, a
    /// stray line), noise run into its end or not.
    static func looksLikePDU(_ line: String) -> Bool {
        line.utf8.prefix { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x46) || ($0 >= 0x61 && $0 <= 0x66) }.count >= 24
    }

    /// A message line (a PDU, or a text-mode modem's text) as the trace shows it: decoded and masked, never raw.
    static func message(_ line: String, _ state: inout State) -> String {
        guard looksLikePDU(line) else {
            return "[text] " + shownIncoming(line, state)
        }
        let pdu: SMSPDU
        do {
            pdu = try SMSPDU(line: line, tpduLength: nil)
        } catch {
            return "[PDU] \(line.count / 2) octets that do not decode (\(error.code)); not shown"
        }
        switch pdu {
        case .deliver(let deliver):
            var words = "[PDU] SMS-DELIVER from \(deliver.sender)"
            if let stamp = deliver.timestamp { words += ", sent \(stamp.local.deviceFormat)\(stamp.zoneTag)" }
            words += part(deliver.concatenation)
            if let data = deliver.data { return words + ": 8-bit data, \(data.count) octets" }
            if deliver.missingUserDataOctets > 0 { words += " (\(deliver.missingUserDataOctets) octets of its text missing)" }
            return words + ": " + shownIncoming(deliver.text, state)
        case .submit(let submit):
            let words = "[PDU] SMS-SUBMIT to \(submit.destination)" + part(submit.concatenation)
            if let data = submit.data { return words + ": 8-bit data, \(data.count) octets" }
            return words + ": " + jsonStringLiteral(Redaction.hiding(state.passwords.all, in: Redaction.reply(submit.text)))
        case .statusReport(let report):
            return "[PDU] SMS-STATUS-REPORT for message \(report.messageReference) to \(report.recipient): status \(report.status)"
        }
    }

    private static func shownIncoming(_ text: String, _ state: State) -> String {
        guard let shown = Redaction.incoming(text, state.passwords) else {
            return "text not shown (\(text.count) characters that do not begin with the access password may hold a mistyped one)"
        }
        return jsonStringLiteral(hidingPIN(shown, state))
    }

    private static func part(_ concatenation: Concatenation?) -> String {
        guard let concatenation else { return "" }
        return ", part \(concatenation.sequence)/\(concatenation.total) of message \(concatenation.reference)"
    }
}
