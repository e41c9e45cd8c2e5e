import ATModem

/// How one modem family talks, recorded as data and played by ``ModemSimulator`` over its built-in
/// behaviour: the answers it gives, the forms of its unsolicited lines, its storages, what it says when it
/// starts, how its calls progress, its USSD and network-time lines.
///
/// ## The file format
///
/// One statement per line. A line starting with `#` is a comment; blank lines are skipped. A statement
/// that takes lines (a *block*) is followed by lines starting with `< ` (the rest of the line, verbatim,
/// is one line the modem sends); the block ends at the next statement.
///
/// | statement | meaning |
/// |---|---|
/// | `name TEXT` | the modem the file describes |
/// | `source TEXT` | where a behaviour was learnt (for people; any number) |
/// | `line-end CRLF` / `CRCRLF` / `LF` | how the modem ends its lines |
/// | `unknown FINAL` | the final result of a command the modem does not know (`ERROR`, `COMMAND NOT SUPPORT`) |
/// | `first-index N` | the lowest storage index (0 or 1) |
/// | `storage NAME CAPACITY [read-only]` | a message storage; a read-only one (`SR`, `BM`) can only be read from (mem1) |
/// | `view NAME PART PART…` | a name covering several storages, indexed part after part (`view MT ME SM`: ME's slots first, then SM's) |
/// | `storage-parameters N` | how many of mem1, mem2, mem3 `AT+CPMS=` takes (more is refused with `ERROR`); its answer has N used/total pairs |
/// | `status-reports` | status reports are stored in "SR" (otherwise only `+CDS` delivers them) |
/// | `empty-read FINAL` | what `AT+CMGR` of an empty slot answers (default `+CMS ERROR: 321`) |
/// | `factory SETTING VALUE` | a setting after power-up: `echo 0\|1`, `clip 0\|1`, `cnmi a,b,c,d,e`, `cmgf 0\|1`, `cpms A,B,C`, `csms 0\|1`, `cscs NAME` |
/// | `form KEY LINE` | how the modem writes a line the simulator builds; keys and the built-in forms they replace are in ``Dialect/builtInForms`` |
/// | `dial-final deferred` | `ATD…;` gets no final result at once: it comes with the call's outcome (the `call` blocks carry it) |
/// | `> COMMAND` block | the recorded answer to COMMAND (case-insensitive; a trailing `*` matches any command starting so) |
/// | `boot` block | what the modem says when it has (re)started |
/// | `noise` block | unsolicited lines it sends now and then that change nothing (signal, cell, heartbeat reports) |
/// | `call EVENT` block | the lines of a dialled call's EVENT: `dial` (after `ATD`), `answered`, `rejected` (busy or declined), `remote-end` (the far end hung up), `local-end` (after `ATH`/`AT+CHUP`) |
/// | `ussd reply TEXT` / `ussd failed` block | `+CUSD` lines the network sends after `AT+CUSD=1,…`, and the ``SocketCore/Event/ussdReply(_:)`` they must give (TEXT, where `\n` is a line break; nil for `failed`) |
/// | `time YYYY-MM-DD HH:MM:SS ZONE` block | network-time lines and the local time and zone (quarter hours) they announce |
///
/// Placeholders: `{rssi}`, `{ber}`, `{creg-mode}`, `{registration}` in recorded answers are the simulated
/// signal and registration; `{number}` in `call` blocks is the dialled number; forms use the placeholders
/// of the built-in form they replace.
///
/// ## How a dialect is played
///
/// A command with a recorded answer gets that answer. If the answer ends in `OK`, or has no final result
/// code at all, the built-in behaviour runs too, for its effect on the simulated state (`AT+CNMI=…` still
/// changes the routing); an answer ending in an error changes nothing. `AT+CPMS`, and `AT+CMGR`, `AT+CMGL`,
/// `AT+CMGD` on a view, are the dialect's own (per-storage capacities, views, parameter count). Every other
/// command gets the built-in answer with its lines in the dialect's forms and the dialect's `unknown`
/// instead of `ERROR`.
package struct Dialect: Sendable, CustomStringConvertible {
    package struct Storage: Sendable, Equatable {
        package var name: String
        package var capacity: Int
        package var readOnly: Bool
    }

    package enum CallEvent: String, Sendable, CaseIterable {
        case dial, answered, rejected
        case remoteEnd = "remote-end"
        case localEnd = "local-end"
    }

    /// A USSD exchange: the `+CUSD` lines, and the reply they must give (nil: the request failed).
    package struct USSDExchange: Sendable {
        package var lines: [String]
        package var reply: String?
    }

    /// Network-time lines and the local time (and zone, in quarter hours) they announce.
    package struct TimeAnnouncement: Sendable {
        package var lines: [String]
        package var year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int
        package var zoneQuarterHours: Int
    }

    package var name = ""
    package var sources: [String] = []
    package var lineEnd = "\r\n"
    package var unknownCommand = "ERROR"
    package var firstIndex = 1
    package var storages: [Storage] = []
    package var views: [String: [String]] = [:]
    package var storageParameters = 3
    package var storesStatusReports = false
    package var emptyRead: String?
    package var factory = ModemSimulator.Settings()
    package var forms: [String: String] = [:]
    package var deferredDialFinal = false
    package var answers: [(command: String, lines: [String])] = []
    package var boot: [String] = []
    package var noise: [String] = []
    package var calls: [CallEvent: [String]] = [:]
    package var ussd: [USSDExchange] = []
    package var times: [TimeAnnouncement] = []

    package var description: String { name }

    /// The lines the simulator builds itself, by form key, with the placeholders a dialect's form may use.
    package static let builtInForms: [String: String] = [
        "cmti": "+CMTI: \"{storage}\",{index}",
        "cdsi": "+CDSI: \"{storage}\",{index}",
        "cmt": "+CMT: ,{length}",
        "cds": "+CDS: {length}",
        "cmgr": "+CMGR: {stat},,{length}",
        "cmgl": "+CMGL: {index},{stat},,{length}",
        "clip": "+CLIP: \"{number}\",145,,,,0",
        "clip-hidden": "+CLIP: \"\",128,,,,1",
        "clcc": "+CLCC: 1,0,{stat},0,0,\"{number}\",129",
        "ring": "RING",
    ]

    /// The storages messages can be received into (not the read-only ones).
    package var messageStorages: [String] { storages.filter { !$0.readOnly }.map(\.name) }

    /// Reads a dialect file's text. Throws ``DialectError`` naming the line.
    package init(parsing text: String) throws(DialectError) {
        var block: Block?
        for (offset, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(raw.hasSuffix("\r") ? raw.dropLast() : raw)
            let number = offset + 1
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            if line.hasPrefix("<") {
                guard block != nil else { throw DialectError(.lineOutsideBlock, line: number, text: line) }
                block?.lines.append(line.hasPrefix("< ") ? String(line.dropFirst(2)) : String(line.dropFirst()))
                continue
            }
            if let finished = block { try close(finished) }
            block = try statement(line, number: number)
        }
        if let finished = block { try close(finished) }
        guard !name.isEmpty else { throw DialectError(.missingName, line: 0, text: "") }
    }

    /// A statement waiting for its `<` lines.
    private struct Block {
        enum Kind {
            case answer(String), boot, noise, call(CallEvent), ussd(String?), time(TimeAnnouncement)
        }
        var kind: Kind
        var line: Int
        var text: String
        var lines: [String] = []
    }

    private mutating func statement(_ line: String, number: Int) throws(DialectError) -> Block? {
        if line.hasPrefix("> ") { return Block(kind: .answer(String(line.dropFirst(2)).uppercased()), line: number, text: line) }
        let (keyword, rest) = line.splitAtFirstSpace
        func fail(_ code: DialectError.Code) -> DialectError { DialectError(code, line: number, text: line) }
        func integer(_ text: String) throws(DialectError) -> Int {
            guard let value = Int(text) else { throw fail(.badValue) }
            return value
        }
        switch keyword {
        case "name": name = rest
        case "source": sources.append(rest)
        case "line-end":
            switch rest {
            case "CRLF": lineEnd = "\r\n"
            case "CRCRLF": lineEnd = "\r\r\n"
            case "LF": lineEnd = "\n"
            default: throw fail(.badValue)
            }
        case "unknown": unknownCommand = rest
        case "first-index": firstIndex = try integer(rest)
        case "storage":
            let words = rest.split(separator: " ").map(String.init)
            guard words.count == 2 || (words.count == 3 && words[2] == "read-only") else { throw fail(.badValue) }
            storages.append(Storage(name: words[0], capacity: try integer(words[1]), readOnly: words.count == 3))
        case "view":
            let words = rest.split(separator: " ").map(String.init)
            guard words.count >= 2 else { throw fail(.badValue) }
            views[words[0]] = Array(words.dropFirst())
        case "storage-parameters":
            storageParameters = try integer(rest)
            guard (1...3).contains(storageParameters) else { throw fail(.badValue) }
        case "status-reports": storesStatusReports = true
        case "empty-read": emptyRead = rest
        case "factory": try setFactory(rest, fail: fail(.badValue))
        case "form":
            let (key, form) = rest.splitAtFirstSpace
            guard Self.builtInForms[key] != nil, !form.isEmpty else { throw fail(.unknownForm) }
            forms[key] = form
        case "dial-final":
            guard rest == "deferred" else { throw fail(.badValue) }
            deferredDialFinal = true
        case "boot": return Block(kind: .boot, line: number, text: line)
        case "noise": return Block(kind: .noise, line: number, text: line)
        case "call":
            guard let event = CallEvent(rawValue: rest) else { throw fail(.badValue) }
            return Block(kind: .call(event), line: number, text: line)
        case "ussd":
            let (kind, text) = rest.splitAtFirstSpace
            switch kind {
            case "reply" where !text.isEmpty:
                return Block(kind: .ussd(text.replacingAll("\\n", with: "\n")), line: number, text: line)
            case "failed": return Block(kind: .ussd(nil), line: number, text: line)
            default: throw fail(.badValue)
            }
        case "time":
            let numbers = rest.split(whereSeparator: { " -:".contains($0) }).map { Int($0.hasPrefix("+") ? $0.dropFirst() : $0) }
            guard numbers.count == 7, let y = numbers[0], let mo = numbers[1], let d = numbers[2], let h = numbers[3],
                let mi = numbers[4], let s = numbers[5], let zone = numbers[6]
            else { throw fail(.badValue) }
            let announcement = TimeAnnouncement(
                lines: [], year: y, month: mo, day: d, hour: h, minute: mi, second: s, zoneQuarterHours: zone)
            return Block(kind: .time(announcement), line: number, text: line)
        default:
            throw fail(.unknownStatement)
        }
        return nil
    }

    private mutating func setFactory(_ text: String, fail: DialectError) throws(DialectError) {
        let (setting, value) = text.splitAtFirstSpace
        let numbers = value.split(separator: ",").map { Int($0) }
        switch setting {
        case "echo": factory.echo = value == "1"
        case "clip": factory.callerID = value == "1"
        case "cmgf": factory.messageFormat = value == "1" ? 1 : 0
        case "csms": factory.messageService = value == "1" ? 1 : 0
        case "cscs": factory.characterSet = value
        case "cnmi":
            guard numbers.count == 5, numbers.allSatisfy({ $0 != nil }) else { throw fail }
            factory.cnmi = numbers.map { $0! }
        case "cpms":
            let names = value.split(separator: ",").map(String.init)
            guard names.count == 3 else { throw fail }
            factory.storages = names
        default:
            throw fail
        }
    }

    private mutating func close(_ block: Block) throws(DialectError) {
        switch block.kind {
        case .answer(let command): answers.append((command, block.lines))
        case .boot: boot = block.lines
        case .noise: noise = block.lines
        case .call(let event): calls[event] = block.lines
        case .ussd(let reply):
            guard !block.lines.isEmpty else { throw DialectError(.emptyBlock, line: block.line, text: block.text) }
            ussd.append(USSDExchange(lines: block.lines, reply: reply))
        case .time(var announcement):
            guard !block.lines.isEmpty else { throw DialectError(.emptyBlock, line: block.line, text: block.text) }
            announcement.lines = block.lines
            times.append(announcement)
        }
    }

    // MARK: - Playing

    /// Puts the dialect in charge of `s`: its line end, boot notices, storages (empty), factory settings (with
    /// echo off, as an earlier run left it).
    package func apply(to s: inout ModemSimulator.Script) {
        s.dialect = self
        s.lineEnd = lineEnd
        s.bootNotices = boot
        s.factory = factory
        s.settings = factory
        s.settings.echo = false
        s.firstIndex = firstIndex
        s.storages = Dictionary(uniqueKeysWithValues: storages.map { ($0.name, [:]) })
        s.storageNames = storages.map(\.name) + views.keys.sorted()
        s.newMessageStorage = nil
    }

    /// The lines in the dialect's forms (lines that are no built-in form pass unchanged).
    package func rewrite(_ lines: [String]) -> [String] {
        guard !forms.isEmpty else { return lines }
        return lines.map { line in
            for (key, form) in forms {
                guard let builtIn = Self.builtInForms[key], let values = LinePattern(builtIn).match(line) else { continue }
                return LinePattern(form).render(values) ?? line
            }
            return line
        }
    }

    /// The lines of a dialled call's `event`.
    package func lines(of event: CallEvent, number: String) -> [String] {
        (calls[event] ?? []).map { $0.replacingAll("{number}", with: number) }
    }

    /// The answer to one command (see the type's documentation). `builtIn` is the simulator's own answer.
    func answer(
        to command: String, _ s: inout ModemSimulator.Script,
        builtIn: (String, inout ModemSimulator.Script) -> ModemSimulator.Reply
    ) -> ModemSimulator.Reply {
        // The built-in behaviour runs without the dialect (it would come back here otherwise).
        s.dialect = nil
        defer { s.dialect = self }
        let upper = command.uppercased()
        if let recorded = answers.last(where: { matches($0.command, upper) }) {
            var lines = recorded.lines.map { substitute($0, s) }
            let final = lines.last.flatMap { ATFinalResult(line: $0, afterDial: upper.hasPrefix("ATD")) }
            if final != nil { lines.removeLast() }
            if final == nil || final == .ok { _ = builtIn(command, &s) }
            return .lines(lines, final: final == nil ? nil : recorded.lines.last)
        }
        if let reply = storageCommand(command, upper, &s, builtIn) { return reply }
        let callBefore = s.call
        guard case .lines(let information, let final, var after) = builtIn(command, &s) else { return .prompt }
        var answer = rewrite(information)
        var last = final == "ERROR" ? unknownCommand : final
        if upper.hasPrefix("ATD"), final == "OK", let call = s.call {
            after += lines(of: .dial, number: call.number)
            if deferredDialFinal { last = nil }
        }
        if upper == "ATH" || upper == "AT+CHUP", let call = callBefore {
            after += lines(of: .localEnd, number: call.number)
        }
        if upper.hasPrefix("AT+CMGR="), final == "+CMS ERROR: 321", let emptyRead {
            answer = []
            last = emptyRead
        }
        return .lines(answer, final: last, after: rewrite(after))
    }

    private func matches(_ recorded: String, _ command: String) -> Bool {
        recorded.hasSuffix("*") ? command.hasPrefix(recorded.dropLast()) : recorded == command
    }

    private func substitute(_ line: String, _ s: ModemSimulator.Script) -> String {
        line.replacingAll("{rssi}", with: "\(s.signal.rssi)").replacingAll("{ber}", with: "\(s.signal.ber)")
            .replacingAll("{creg-mode}", with: "\(s.cregMode)").replacingAll("{registration}", with: "\(s.registration)")
    }

    // MARK: - Storages

    private func storage(_ name: String) -> Storage? { storages.first { $0.name == name } }

    /// The real storages `name` stands for: itself, or a view's parts.
    private func parts(of name: String) -> [String] { views[name] ?? (storage(name) == nil ? [] : [name]) }

    private func used(_ name: String, _ s: ModemSimulator.Script) -> Int {
        parts(of: name).reduce(0) { $0 + (s.storages[$1]?.count ?? 0) }
    }

    private func capacity(_ name: String) -> Int { parts(of: name).reduce(0) { $0 + (storage($1)?.capacity ?? 0) } }

    /// `AT+CPMS?` and `AT+CPMS=…` (per-storage capacities, views, the parameter count); `AT+CMGR`, `AT+CMGL`,
    /// `AT+CMGD` when mem1 is a view. Nil for anything else.
    private func storageCommand(
        _ command: String, _ upper: String, _ s: inout ModemSimulator.Script,
        _ builtIn: (String, inout ModemSimulator.Script) -> ModemSimulator.Reply
    ) -> ModemSimulator.Reply? {
        if upper == "AT+CPMS?" {
            let memories = s.settings.storages.map { "\"\($0)\",\(used($0, s)),\(capacity($0))" }
            return .lines(["+CPMS: " + memories.joined(separator: ",")], final: "OK")
        }
        if upper.hasPrefix("AT+CPMS="), upper != "AT+CPMS=?" {
            let names = command.dropFirst("AT+CPMS=".count).split(separator: ",", omittingEmptySubsequences: false)
                .map { $0.filter { $0 != "\"" } }
            guard names.count <= storageParameters else { return .lines([], final: "ERROR") }
            for (position, name) in names.enumerated() {
                let real = parts(of: name)
                guard !real.isEmpty, position == 0 || real.allSatisfy({ storage($0)?.readOnly == false }) else {
                    return .lines([], final: "+CMS ERROR: 302")
                }
            }
            for (position, name) in names.enumerated() { s.settings.storages[position] = name }
            // A view as mem3 receives into its first part.
            s.newMessageStorage = views[s.settings.storages[2]]?.first
            let pairs = s.settings.storages.prefix(storageParameters).map { "\(used($0, s)),\(capacity($0))" }
            return .lines(["+CPMS: " + pairs.joined(separator: ",")], final: "OK")
        }
        guard let view = views[s.settings.storages[0]] else { return nil }
        let memory = s.settings.storages[0]
        defer { s.settings.storages[0] = memory }
        // Each part's slots follow the previous part's: part k's first slot is firstIndex + the capacities before it.
        var offsets: [(name: String, offset: Int)] = []
        var offset = 0
        for part in view {
            offsets.append((part, offset))
            offset += storage(part)?.capacity ?? 0
        }
        func locate(_ index: Int) -> (name: String, local: Int)? {
            guard let part = offsets.last(where: { index - firstIndex >= $0.offset }) else { return nil }
            return (part.name, index - part.offset)
        }
        func arguments(_ prefix: String) -> [Int?] {
            command.dropFirst(prefix.count).split(separator: ",").map { Int($0) }
        }
        if upper.hasPrefix("AT+CMGR=") {
            guard let index = arguments("AT+CMGR=").first ?? nil, let place = locate(index) else {
                return .lines([], final: emptyRead ?? "+CMS ERROR: 321")
            }
            s.settings.storages[0] = place.name
            return answer(to: "AT+CMGR=\(place.local)", &s, builtIn: builtIn)
        }
        if upper.hasPrefix("AT+CMGD=") {
            let values = arguments("AT+CMGD=")
            if values.count > 1, values[1] == 4 {
                for part in view {
                    s.settings.storages[0] = part
                    _ = builtIn("AT+CMGD=\(firstIndex),4", &s)
                }
                return .lines([], final: "OK")
            }
            guard let index = values.first ?? nil, let place = locate(index) else { return .lines([], final: "+CMS ERROR: 321") }
            s.settings.storages[0] = place.name
            return builtIn("AT+CMGD=\(place.local)", &s)
        }
        if upper.hasPrefix("AT+CMGL=") {
            var listing: [String] = []
            for (part, offset) in offsets {
                s.settings.storages[0] = part
                guard case .lines(let lines, "OK", _) = builtIn(command, &s) else { continue }
                listing += lines.map { line in
                    guard let values = LinePattern(Self.builtInForms["cmgl"]!).match(line), let index = values["index"].flatMap({ Int($0) })
                    else { return line }
                    var moved = values
                    moved["index"] = "\(index + offset)"
                    return LinePattern(Self.builtInForms["cmgl"]!).render(moved) ?? line
                }
            }
            return .lines(rewrite(listing), final: "OK")
        }
        return nil
    }
}

/// A dialect file that cannot be read.
package struct DialectError: Error, Equatable, CustomStringConvertible {
    package enum Code: String, Sendable {
        case unknownStatement = "unknown statement"
        case badValue = "bad value"
        case unknownForm = "unknown form key"
        case lineOutsideBlock = "a '<' line outside a block"
        case emptyBlock = "a block without lines"
        case missingName = "no 'name' statement"
    }

    package var code: Code
    /// The line's number (from 1; 0 for the file as a whole) and text.
    package var line: Int
    package var text: String

    package init(_ code: Code, line: Int, text: String) {
        self.code = code
        self.line = line
        self.text = text
    }

    package var description: String { "dialect line \(line): \(code.rawValue): \(text)" }
}

/// A line with `{name}` placeholders: `+CMTI: "{storage}",{index}`. A placeholder takes the shortest text up
/// to the literal after it (the rest of the line when it ends the pattern).
struct LinePattern {
    private enum Piece: Equatable {
        case literal(String), field(String)
    }

    private var pieces: [Piece] = []

    init(_ pattern: String) {
        var rest = Substring(pattern)
        while !rest.isEmpty {
            if rest.first == "{", let close = rest.firstIndex(of: "}") {
                pieces.append(.field(String(rest[rest.index(after: rest.startIndex)..<close])))
                rest = rest[rest.index(after: close)...]
            } else {
                let end = rest.dropFirst().firstIndex(of: "{") ?? rest.endIndex
                pieces.append(.literal(String(rest[..<end])))
                rest = rest[end...]
            }
        }
    }

    /// The placeholders' values when `line` is of this form, else nil.
    func match(_ line: String) -> [String: String]? {
        var values: [String: String] = [:]
        var rest = Substring(line)
        for (position, piece) in pieces.enumerated() {
            switch piece {
            case .literal(let text):
                guard rest.hasPrefix(text) else { return nil }
                rest = rest.dropFirst(text.count)
            case .field(let name):
                if position + 1 < pieces.count, case .literal(let next) = pieces[position + 1] {
                    guard let range = rest.firstRange(of: next) else { return nil }
                    values[name] = String(rest[..<range.lowerBound])
                    rest = rest[range.lowerBound...]
                } else {
                    values[name] = String(rest)
                    rest = ""
                }
            }
        }
        return rest.isEmpty ? values : nil
    }

    /// The line with `values` in the placeholders; nil when one is missing.
    func render(_ values: [String: String]) -> String? {
        var line = ""
        for piece in pieces {
            switch piece {
            case .literal(let text): line += text
            case .field(let name):
                guard let value = values[name] else { return nil }
                line += value
            }
        }
        return line
    }
}

// MARK: - Playing a dialect's calls and reports

extension ModemSimulator {
    /// A modem that talks as `dialect` does, with nothing stored.
    package convenience init(dialect: Dialect) throws {
        try self.init(profile: .sim800)
        script { dialect.apply(to: &$0) }
    }

    /// The far end picks up the dialled call: `AT+CLCC` says active from now on, and the dialect's
    /// `answered` lines come (for a deferred dial, the `ATD`'s final result among them).
    package func answerCall() {
        let lines: [String] = script { s in
            guard let call = s.call else { return [] }
            s.callProgress = [0]
            s.call?.step = 0
            return s.dialect?.lines(of: .answered, number: call.number) ?? []
        }
        inject(lines: lines)
    }

    /// The far end is busy or declines: the call is gone and the dialect's `rejected` lines come.
    package func rejectCall() { endCall(.rejected) }

    /// The far end hangs up an answered call: the call is gone and the dialect's `remote-end` lines come.
    package func hangUpRemotely() { endCall(.remoteEnd) }

    private func endCall(_ event: Dialect.CallEvent) {
        let lines: [String] = script { s in
            guard let call = s.call else { return [] }
            s.call = nil
            return s.dialect?.lines(of: event, number: call.number) ?? []
        }
        inject(lines: lines)
    }

    /// Puts a message in `storage` and announces it there with `+CMTI` (in the dialect's form), as a modem
    /// does with a message of class 2 (SIM-specific), which goes to the SIM whatever mem3 says.
    @discardableResult
    package func deliver(pdu: String, into storage: String) -> Int {
        let index = store(pdu: pdu, in: storage)
        inject("+CMTI: \"\(storage)\",\(index)")
        return index
    }

    /// A status report arrives, routed as `AT+CNMI`'s ds says; a modem without an "SR" storage
    /// (SIM800) only delivers it directly (ds 1) and otherwise drops it.
    package func receiveStatusReport(_ pdu: String) {
        let (stores, direct) = script { s in
            (s.dialect?.storesStatusReports ?? true, s.settings.cnmi.count > 3 && s.settings.cnmi[3] == 1)
        }
        if stores || direct { receive(statusReport: pdu) }
    }
}

extension String {
    fileprivate var splitAtFirstSpace: (String, String) {
        guard let space = firstIndex(of: " ") else { return (self, "") }
        return (String(self[..<space]), String(self[index(after: space)...]))
    }

    fileprivate func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = Substring(self)
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound] + replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
