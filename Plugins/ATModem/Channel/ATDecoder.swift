/// How a command ended: the modem's final result code.
public enum ATFinalResult: Hashable, Sendable, CustomStringConvertible {
    case ok
    case error
    /// `+CME ERROR: <n>` (equipment error, with `AT+CMEE=1`): 10 no SIM, 11 PIN, 14 SIM busy, 515 busy.
    case cmeError(Int)
    /// `+CME ERROR: <text>` (with `AT+CMEE=2`).
    case cmeErrorText(String)
    /// `+CMS ERROR: <n>` (message service): 321 bad index, 322 memory full, 330 SMSC unknown, 500 unknown.
    case cmsError(Int)
    /// `+CMS ERROR: <text>`.
    case cmsErrorText(String)
    /// `NO CARRIER`, `BUSY`, `NO ANSWER`, `NO DIALTONE`: final only for a dial (`ATD`, `ATA`, `ATO`);
    /// any other time they are unsolicited.
    case noCarrier
    case busy
    case noAnswer
    case noDialtone
    /// Huawei's answer to a command it does not know.
    case commandNotSupported
    /// No final result code came, but the line that answers the command did and the modem then fell quiet
    /// (see ``ATChannel``): older firmware that never sends `OK` after some queries, or an `OK` garbled on
    /// the line. Counts as success.
    case implied

    /// `OK`, or an answer whose final was ``implied``.
    public var isOK: Bool { self == .ok || self == .implied }

    /// The final result `line` spells, or nil. Call-progress codes count only when `afterDial`.
    public init?(line: String, afterDial: Bool = true) {
        switch line {
        case "OK": self = .ok
        case "ERROR": self = .error
        case "COMMAND NOT SUPPORT": self = .commandNotSupported
        case "NO CARRIER" where afterDial: self = .noCarrier
        case "BUSY" where afterDial: self = .busy
        case "NO ANSWER" where afterDial: self = .noAnswer
        case "NO DIALTONE" where afterDial: self = .noDialtone
        default:
            if let rest = line.atDroppingPrefix("+CME ERROR:") {
                let text = rest.atTrimmed
                self = Int(text).map { .cmeError($0) } ?? .cmeErrorText(text)
            } else if let rest = line.atDroppingPrefix("+CMS ERROR:") {
                let text = rest.atTrimmed
                self = Int(text).map { .cmsError($0) } ?? .cmsErrorText(text)
            } else {
                return nil
            }
        }
    }

    public var description: String {
        switch self {
        case .ok: "OK"
        case .error: "ERROR"
        case .cmeError(let n): "+CME ERROR: \(n)"
        case .cmeErrorText(let t): "+CME ERROR: \(t)"
        case .cmsError(let n): "+CMS ERROR: \(n)"
        case .cmsErrorText(let t): "+CMS ERROR: \(t)"
        case .noCarrier: "NO CARRIER"
        case .busy: "BUSY"
        case .noAnswer: "NO ANSWER"
        case .noDialtone: "NO DIALTONE"
        case .commandNotSupported: "COMMAND NOT SUPPORT"
        case .implied: "(no final result code)"
        }
    }
}

/// An unsolicited result code: a line the modem sent on its own (`+CMTI: "SM",3`, `RING`, `Call Ready`).
public struct ATUnsolicited: Hashable, Sendable, CustomStringConvertible {
    /// What comes before the colon (`+CMTI`, `^CEND`, `*PSUTTZ`), or the whole line when there is none
    /// (`RING`, `Call Ready`, `MO RING`, `NO CARRIER`).
    public var name: String
    /// What follows the colon, without the leading spaces (`"SM",3`); empty when there is no colon.
    /// A `+CUSD` string that spans lines keeps its line breaks as `\n`.
    public var value: String
    /// The PDU line that follows `+CMT:` and `+CDS:`.
    public var pdu: String?

    public init(name: String, value: String = "", pdu: String? = nil) {
        self.name = name
        self.value = value
        self.pdu = pdu
    }

    /// Splits a line into name and value.
    public init(line: String) {
        let (name, value) = atNameValue(line)
        self.init(name: name ?? line, value: value ?? "")
    }

    /// The line as the modem sent it (without the PDU line).
    public var line: String { value.isEmpty && !name.hasPrefix("+") ? name : "\(name): \(value)" }

    public var description: String { pdu.map { "\(line) / \($0)" } ?? line }
}

/// What the decoder made of the bytes so far.
public enum ATEvent: Hashable, Sendable {
    /// An information line of the command in flight (`+CSQ: 17,0`, `+CMGR: 0,,23`, a PDU line).
    case response(String)
    /// The command in flight ended.
    case final(ATFinalResult)
    /// The modem's `> ` (no line end): it waits for the PDU of `AT+CMGS`/`AT+CMGW`.
    case prompt
    /// An unsolicited result code, at any moment, including in the middle of a response.
    case unsolicited(ATUnsolicited)
    /// A line that is no known URC while no command is in flight: a late answer to a command given up on,
    /// noise on the line at the wrong baud rate, an unknown vendor message.
    case stray(String)
    /// A line longer than the decoder's limit: its first `limit` bytes and its full length; the rest was
    /// dropped.
    case overlongLine(head: String, length: Int)
}

/// Turns the bytes an AT modem sends into ``ATEvent``s, one byte at a time.
///
/// Pure and I/O-free, in the shape of swift-nio-extras' `LineBasedFrameDecoder`: it holds the partial line
/// and what it knows about the command in flight, and the same bytes give the same events however they are
/// split. Lines end at CR or LF (so `\r\n`, `\r\r\n` and a lone `\n` all work; blank lines are skipped);
/// the `> ` prompt has no line end. NUL and other control bytes are dropped, bytes that are not UTF-8
/// become U+FFFD, and a line longer than ``lineLimit`` is cut and reported as ``ATEvent/overlongLine(head:length:)``.
///
/// How a line is classified depends on the command in flight (tell the decoder with ``commandSent(_:)``):
/// - a line equal to the command (or to the PDU sent after the prompt) is its echo, and is dropped;
/// - `OK`, `ERROR`, `+CME ERROR:`, `+CMS ERROR:`, `COMMAND NOT SUPPORT` end it (and so do `NO CARRIER`,
///   `BUSY`, `NO ANSWER`, `NO DIALTONE` after `ATD`/`ATA`; otherwise those are unsolicited);
/// - a known URC (``ATDecoder/unsolicitedNames``) is unsolicited unless it answers the command in flight
///   (`+CREG: 2,1` for `AT+CREG?`, `+CLCC:` for `AT+CLCC`); `+CUSD:` is unsolicited even during `AT+CUSD=1,…`;
/// - anything else is a response line of the command in flight, or a ``ATEvent/stray(_:)`` line without one.
public struct ATDecoder: Sendable {
    /// URC names that come with a colon (`+CMTI: "SM",3`).
    public static let unsolicitedNames: Set<String> = [
        "+CMTI", "+CMT", "+CDS", "+CDSI", "+CBM", "+CRING", "+CLIP", "+CCWA", "+CUSD", "+CREG", "+CGREG",
        "+CEREG", "+CLCC", "+CPIN", "+CFUN", "+CTZV", "+CTZE", "+QLTS", "+QIND", "*PSUTTZ", "DST", "+WIND",
        "^SMMEMFULL", "^ORIG", "^CONF", "^CONN", "^CEND", "^RSSI", "^HCSQ", "^BOOT", "^MODE", "^SIMST",
        "^SRVST", "^DSFLOWRPT", "+ZDONR", "+ZPASR", "+ZUSIMR", "HANGUP", "+QUSIM", "#QSS",
    ]
    /// URCs that are a whole line.
    public static let unsolicitedLines: Set<String> = [
        "RING", "RDY", "Call Ready", "SMS Ready", "MO RING", "MO CONNECTED", "NORMAL POWER DOWN",
        "NO CARRIER", "BUSY", "NO ANSWER", "NO DIALTONE", "START", "SMS DONE", "PB DONE",
    ]

    /// Bytes kept of one line; beyond it the line is cut and reported.
    public let lineLimit: Int

    private var buffer: [UInt8] = []
    /// Bytes of the current line beyond `lineLimit` (0 while within it).
    private var overflow = 0
    private var command: InFlight?
    /// A `+CMT:`/`+CDS:` header waiting for its PDU line.
    private var awaitingPDU: ATUnsolicited?
    /// A `+CUSD:` whose quoted string has not closed yet, and how many lines it has.
    private var openUSSD: (text: String, lines: Int)?

    private struct InFlight: Sendable {
        var text: String
        var name: String
        var echoes: [String]
        var isDial: Bool
    }

    public init(lineLimit: Int = 4096) {
        precondition(lineLimit > 0)
        self.lineLimit = lineLimit
    }

    /// The command in flight, as given to ``commandSent(_:)``; nil once its final result arrived.
    public var commandInFlight: String? { command?.text }

    /// A command was written (without its CR); lines are now read as its echo, response and final result.
    /// - Parameter body: what will be sent after the `> ` prompt (the PDU of `AT+CMGS`), whose echo is
    ///   dropped too.
    public mutating func commandSent(_ command: String, body: String? = nil) {
        let text = command.atTrimmed
        let name = commandName(text)
        var echoes = [text.uppercased()]
        if let body { echoes.append(body.atTrimmed.uppercased()) }
        self.command = InFlight(text: text, name: name, echoes: echoes, isDial: ["D", "A", "O"].contains(name))
    }

    /// The command was given up on (timed out): what follows is no longer its answer.
    public mutating func commandAbandoned() {
        command = nil
    }

    /// Decodes `bytes`, in order.
    public mutating func decode(_ bytes: some Sequence<UInt8>) -> [ATEvent] {
        var events: [ATEvent] = []
        for byte in bytes {
            if let event = decode(byte) { events.append(event) }
        }
        return events
    }

    /// Decodes one byte: at most one event comes out of it.
    public mutating func decode(_ byte: UInt8) -> ATEvent? {
        switch byte {
        case UInt8(ascii: "\r"), UInt8(ascii: "\n"):
            return endOfLine()
        case UInt8(ascii: " ") where buffer == [UInt8(ascii: ">")] && overflow == 0:
            buffer.removeAll(keepingCapacity: true)
            return .prompt
        case 0x09, 0x20...:
            if buffer.count < lineLimit {
                buffer.append(byte)
            } else {
                overflow += 1
            }
            return nil
        default:
            // NUL, Ctrl-Z echoed after a PDU, other control bytes: never part of a line.
            return nil
        }
    }

    private mutating func endOfLine() -> ATEvent? {
        defer {
            buffer.removeAll(keepingCapacity: true)
            overflow = 0
        }
        if overflow > 0 {
            return .overlongLine(head: String(decoding: buffer, as: UTF8.self), length: buffer.count + overflow)
        }
        let line = String(decoding: buffer, as: UTF8.self).atTrimmed
        if line.isEmpty { return nil }
        return classify(line)
    }

    private mutating func classify(_ line: String) -> ATEvent? {
        if var header = awaitingPDU {
            awaitingPDU = nil
            header.pdu = line
            return .unsolicited(header)
        }
        if let open = openUSSD {
            let text = open.text + "\n" + line
            if quotesBalanced(text) || open.lines >= 32 {
                openUSSD = nil
                return .unsolicited(ATUnsolicited(line: text))
            }
            openUSSD = (text, open.lines + 1)
            return nil
        }
        if let current = command {
            if current.echoes.contains(line.uppercased()) { return nil }
            if let final = ATFinalResult(line: line, afterDial: current.isDial) {
                command = nil
                return .final(final)
            }
        }
        let (name, _) = atNameValue(line)
        if let name, Self.unsolicitedNames.contains(name), !answersCommand(name) {
            switch name {
            case "+CMT", "+CDS":
                awaitingPDU = ATUnsolicited(line: line)
                return nil
            case "+CUSD" where !quotesBalanced(line):
                openUSSD = (line, 1)
                return nil
            default:
                return .unsolicited(ATUnsolicited(line: line))
            }
        }
        if name == nil, Self.unsolicitedLines.contains(line) {
            return .unsolicited(ATUnsolicited(name: line))
        }
        return command == nil ? .stray(line) : .response(line)
    }

    /// Whether a `name:` line is the answer to the command in flight rather than a URC.
    private func answersCommand(_ name: String) -> Bool {
        guard let current = command, current.name == name else { return false }
        // `+CUSD: 0,"…",15` after `AT+CUSD=1,…` is the network's (unsolicited) answer; only the
        // query and test forms answer with +CUSD themselves.
        if name == "+CUSD" { return current.text.contains("?") }
        return true
    }
}

/// `+CMGR` for `AT+CMGR=3`, `+CREG` for `AT+CREG?`, `^SYSINFO` for `AT^SYSINFO`, `D` for `ATD123;`,
/// `E` for `ATE0`, empty for `AT`.
func commandName(_ command: String) -> String {
    var rest = Substring(command)
    if rest.uppercased().hasPrefix("AT") { rest = rest.dropFirst(2) }
    guard let first = rest.first else { return "" }
    if "+^*$%#&!".contains(first) {
        let body = rest.dropFirst().prefix { $0.isASCII && ($0.isLetter || $0.isNumber) }
        return String(first) + body.uppercased()
    }
    return first.isLetter ? first.uppercased() : ""
}

/// (`+CMTI`, `"SM",3`) for `+CMTI: "SM",3`; (nil, nil) when the line has no name before a colon.
func atNameValue(_ line: String) -> (name: String?, value: String?) {
    guard let colon = line.firstIndex(of: ":") else { return (nil, nil) }
    let name = line[..<colon]
    // A name is a short word (`+CMTI`, `^CEND`, `*PSUTTZ`, `HANGUP`): not a sentence that has a colon.
    guard !name.isEmpty, name.count <= 16, !name.contains(" "), !name.contains("\"") else { return (nil, nil) }
    return (String(name), String(line[line.index(after: colon)...]).atTrimmed)
}

private func quotesBalanced(_ text: String) -> Bool {
    text.utf8.reduce(0) { $1 == UInt8(ascii: "\"") ? $0 + 1 : $0 } % 2 == 0
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs.
    var atTrimmed: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let start = firstIndex(where: { !isSpace($0) }) else { return "" }
        let end = lastIndex(where: { !isSpace($0) })!
        return String(self[start...end])
    }

    func atDroppingPrefix(_ prefix: String) -> SubSequence? {
        hasPrefix(prefix) ? dropFirst(prefix.count) : nil
    }
}
