import ATModem

/// Fuzz target `at-decoder`: the byte-fed AT line decoder and the response parsers behind it.
///
/// The input is records separated by the byte 0xFE (which UTF-8 never uses; 0xFF stays for invalid bytes):
/// the first gives the line limit (its first byte picks 8, 32, 96 or 4096) and the chunk size the bytes are
/// cut into the second time (its second byte, 1 to 17); after it, a record that begins with `AT` is a
/// command written (what follows a `|` in it: the PDU sent at the prompt), an empty record gives the command
/// up, and any other record is bytes from the modem.
///
/// Invariants: the same events whole and in chunks; every event within the line limit (``isBounded(_:limit:)``);
/// and every line through every parser (``checkParsers(_:)``), the answer lines of each command together as
/// the port reads a `+CMGL` listing or a `+CMGR` answer.
public enum ATFuzz {
    static let lineLimits = [8, 32, 96, 4096]

    /// What the port does with the decoder: writes a command (and the PDU it sends at the prompt), gives the
    /// command up, or hands over bytes from the modem.
    package enum Step {
        case command(String, body: String?)
        case abandon
        case bytes(ArraySlice<UInt8>)
    }

    static func run(_ input: [UInt8]) -> [String] {
        var records = input.split(separator: 0xFE, omittingEmptySubsequences: false).makeIterator()
        let settings = Array(records.next() ?? [])
        let limit = lineLimits[Int(settings.first ?? 0) % lineLimits.count]
        let chunk = 1 + Int(settings.dropFirst().first ?? 0) % 17
        let steps: [Step] = Array(IteratorSequence(records)).map { record in
            if record.isEmpty { return .abandon }
            guard record.starts(with: "AT".utf8) else { return .bytes(record) }
            let parts = record.split(separator: UInt8(ascii: "|"), maxSplits: 1, omittingEmptySubsequences: false)
            return .command(String(decoding: parts[0], as: UTF8.self), body: parts.dropFirst().first.map { String(decoding: $0, as: UTF8.self) })
        }
        let whole = decode(steps, limit: limit) { [0..<$0] }
        let chunked = decode(steps, limit: limit) { count in stride(from: 0, to: count, by: chunk).map { $0..<min(count, $0 + chunk) } }
        var problems: [String] = []
        if chunked != whole { problems.append("other events in chunks of \(chunk)") }
        var answer: [String] = []
        for event in whole {
            if !isBounded(event, limit: limit) { problems.append("\(event) beyond \(limit)") }
            switch event {
            case .response(let line):
                answer.append(line)
                problems += checkParsers(line)
            case .final:
                problems += checkAnswer(answer)
                answer = []
            case .stray(let line), .overlongLine(let line, _):
                problems += checkParsers(line)
            case .unsolicited(let urc):
                problems += checkParsers(urc.value)
                if let pdu = urc.pdu { problems += checkAnswer(["+CMGR: " + urc.value, pdu]) }
            case .prompt:
                break
            }
        }
        return problems + checkAnswer(answer)
    }

    /// Runs `steps` through one decoder of line limit `limit`; `cuts` gives, for a stretch of `count` bytes,
    /// the ranges (in order, covering it) that are fed to the decoder one after another.
    package static func decode(_ steps: [Step], limit: Int, cuts: (_ count: Int) -> [Range<Int>]) -> [ATEvent] {
        var decoder = ATDecoder(lineLimit: limit)
        var events: [ATEvent] = []
        for step in steps {
            switch step {
            case .command(let command, let body): decoder.commandSent(command, body: body)
            case .abandon: decoder.commandAbandoned()
            case .bytes(let bytes):
                for range in cuts(bytes.count) {
                    events += decoder.decode(bytes[bytes.startIndex + range.lowerBound..<bytes.startIndex + range.upperBound])
                }
            }
        }
        return events
    }

    /// Whether `event` keeps within `limit` (in characters: a byte gives at most one). A `+CUSD` spread over
    /// lines is joined from at most 32 of them.
    public static func isBounded(_ event: ATEvent, limit: Int) -> Bool {
        let length = { (text: String) in text.unicodeScalars.count }
        switch event {
        case .response(let line), .stray(let line): return length(line) <= limit
        case .final(.cmeErrorText(let text)), .final(.cmsErrorText(let text)): return length(text) <= limit
        case .final, .prompt: return true
        case .overlongLine(let head, let total): return length(head) <= limit && total > limit
        case .unsolicited(let urc):
            let lineLimit = urc.name == "+CUSD" ? 32 * (limit + 1) : limit
            return length(urc.name) + length(urc.value) <= lineLimit && length(urc.pdu ?? "") <= limit
        }
    }

    /// Every response parser on `text` (the value of a line, or a whole line): none traps, a signal is a
    /// dBm figure +CSQ can give, a network time lies in 1999–2100 with a zone of −48 to +56 quarter-hours, and
    /// the PDU of a listing decodes or fails at an offset within its octets.
    public static func checkParsers(_ text: String) -> [String] {
        var problems: [String] = []
        _ = ATResponseParser.fields(text)
        if let dBm = ATResponseParser.signal(csq: text), !(-113 ... -51).contains(dBm) { problems.append("+CSQ \(text): \(dBm) dBm") }
        _ = ATResponseParser.registered(creg: text, isAnswer: true)
        _ = ATResponseParser.registered(creg: text, isAnswer: false)
        _ = ATResponseParser.caller(clip: text)
        _ = ATResponseParser.call(clcc: text)
        _ = ATResponseParser.ussd(cusd: text)
        _ = ATResponseParser.location(cmti: text)
        _ = ATResponseParser.storages(cpmsTest: text)
        _ = ATResponseParser.receivingStorage(cpms: text)
        _ = ATResponseParser.isTextMode(header: "+CMGL: " + text)
        _ = ATResponseParser.tpduLength(direct: text)
        problems += checkAnswer(["+CMGL: " + text, text, "+CMGL:" + text])
        problems += checkAnswer(["+CMGR: " + text, text])
        for name in ["*PSUTTZ", "+QLTS"] {
            guard let stamp = ATResponseParser.networkTime(name: name, value: text) else { continue }
            if !(1999...2100).contains(stamp.local.year) || !(-48...56).contains(stamp.zoneQuarterHours ?? 99) {
                problems.append("\(name) \(text): \(stamp)")
            }
        }
        return problems
    }

    /// The answer lines of one command read as a `+CMGL` listing and as a `+CMGR` answer, and each PDU found
    /// decoded with the length its header names.
    static func checkAnswer(_ lines: [String]) -> [String] {
        var problems: [String] = []
        for stored in ATResponseParser.listing(lines) + [ATResponseParser.message(cmgr: lines)].compactMap({ $0 }) {
            do throws(PDUError) {
                _ = try SMSPDU(line: stored.pdu, tpduLength: stored.tpduLength)
            } catch {
                if !(0...stored.pdu.utf8.count / 2).contains(error.offset) { problems.append("\(error) in \(stored.pdu)") }
            }
        }
        return problems
    }
}
