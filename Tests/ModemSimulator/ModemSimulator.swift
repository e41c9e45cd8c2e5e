import SystemCalls
import ATModem
import Glibc
import Synchronization

/// A GSM modem on a real pseudo-terminal: a thread reads the master side and answers like a SIM800 (or, with
/// ``Profile/huaweiE1752``, like a Huawei E1752 stick), so the channel is tested over a real tty.
///
/// Open ``slavePath`` like a serial port. Everything a test scripts (SIM contents, PIN state, call
/// progress, faults) goes through ``script(_:)`` or the helpers, and can change at any time; what the
/// modem was asked is in ``commands`` and ``submittedPDUs``.
package final class ModemSimulator: Sendable {
    /// The operator `AT+COPS?` names while registered.
    package static let operatorName = "Simulated Telecom"

    package enum Profile: Sendable {
        /// `\r\n` line ends, `ERROR` for unknown commands, `RDY`/`Call Ready`-style URCs.
        case sim800
        /// `\r\r\n` line ends, `COMMAND NOT SUPPORT`, `^ORIG`/`^CONF`/`^CONN`/`^CEND` call URCs.
        case huaweiE1752
    }

    package enum SIMState: Sendable {
        case ready, pin(String), puk, absent
    }

    /// What the modem took off the line, for ``Script/beforeAnswering``.
    package enum Received: Sendable {
        /// A command line, without its CR.
        case command(String)
        /// The text after a `> ` prompt: a PDU handed to the network (`submitted`, ended by Ctrl-Z) or abandoned (ESC).
        case messageText(String, submitted: Bool)
    }

    package struct StoredMessage: Sendable, Equatable {
        /// 0 REC UNREAD, 1 REC READ, 2 STO UNSENT, 3 STO SENT.
        package var status: Int
        /// The PDU in hex, SMSC part included.
        package var pdu: String
    }

    /// The settings a modem keeps in RAM: the controller sets them, a reboot restores the factory values.
    package struct Settings: Sendable, Equatable {
        package var echo = true
        /// `AT+CLIP=<n>`: whether `RING` is followed by `+CLIP`.
        package var callerID = false
        /// `AT+CNMI=<mode>,<mt>,<bm>,<ds>,<bfr>`: mt 0 = no notice, 1 = store and `+CMTI`, 2 = `+CMT` directly;
        /// ds 1 = `+CDS` directly, 2 = store in "SR" and `+CDSI`.
        package var cnmi = [1, 0, 0, 0, 0]
        /// `AT+CMGF`: 0 PDU mode, 1 text mode.
        package var messageFormat = 0
        /// `AT+CPMS`: mem1 (read, list, delete), mem2 (write), mem3 (receive).
        package var storages = ["SM", "SM", "SM"]
        package var characterSet = "IRA"
        /// `AT+CSMS`: 1 = phase 2+, where every `+CMT`/`+CDS` needs `AT+CNMA`.
        package var messageService = 0

        package init() {}
    }

    /// Everything the modem knows and every fault it is told to show.
    package struct Script: Sendable {
        package var profile: Profile
        /// The settings now in force; ``factory`` is what a reboot restores.
        package var settings = Settings()
        package var factory = Settings()
        /// Line end of answers; the E1752 profile starts with `\r\r\n`.
        package var lineEnd = "\r\n"
        package var sim = SIMState.ready
        /// PIN attempts left before the SIM asks for its PUK (a SIM's counter: 3, reset by a right PIN).
        package var pinAttemptsLeft = 3
        /// Whether `AT+CPINR="SIM PIN"` and SIMCom's `AT+SPIC` tell the attempts left (false: `ERROR`, as on
        /// modems that have neither).
        package var reportsPINAttempts = true
        /// Every `AT+CPIN=` the SIM has seen, right or wrong.
        package var pinEntries = 0
        package var signal = (rssi: 20, ber: 0)
        package var registration = 1
        package var cregMode = 0
        /// Messages by storage ("SM", "ME", "SR", …) and index.
        package var storages: [String: [Int: StoredMessage]] = ["SM": [:], "ME": [:], "SR": [:]]
        /// The storages `AT+CPMS=?` offers for mem1 (the others offer the same without "SR").
        package var storageNames = ["SM", "ME", "SR"]
        /// Where new messages go whatever `AT+CPMS` selected (SIMCom and Quectel firmware that store in
        /// "ME" and say so in `+CMTI`); nil = mem3.
        package var newMessageStorage: String?
        package var capacity = 30
        package var messageReference = 0
        /// The next this many `AT+CMGS` fail with `+CMS ERROR: <submitError>`.
        package var failingSubmits = 0
        package var submitError = 322
        /// The next this many accepted `AT+CMGS` lose their final result on the line: `+CMGS: <mr>` comes,
        /// then a garbled `0K` instead of `OK` (the message was sent).
        package var garbledSubmitFinals = 0
        /// The next this many PDU lines of `AT+CMGR`/`AT+CMGL` answers lose their last four hex digits on
        /// the line (the stored message stays intact).
        package var corruptedReads = 0
        /// How long before the `> ` prompt.
        package var promptDelay: Duration = .zero
        /// URCs to put inside the next answer that has lines (after its first line) or before its final.
        package var urcsInsideNextResponse: [String] = []
        /// Stops answering (reads and drops everything).
        package var silent = false
        /// Commands (as sent, upper case) answered with their information lines and no final result code
        /// (older Wavecom and Siemens firmware answer `AT+CPIN?` and some queries that way).
        package var withoutFinal: Set<String> = []
        /// `+CUSD` lines sent after `AT+CUSD=1,…` (with its `OK`), in order: the whole lines, e.g.
        /// `+CUSD: 0,"Balance",15`. A network may first report a release (`+CUSD: 2`) or another client
        /// (`+CUSD: 3`) and then the real answer.
        package var ussdReplies = ["+CUSD: 0,\"Available Balance: R 96.45 .\",15"]
        /// Send the first `+CUSD` before the `OK` instead of after.
        package var ussdBeforeOK = false
        /// The call `stat`s (`+CLCC`) a dialled call goes through, one per `AT+CLCC` poll: 2 dialling,
        /// 3 alerting, 0 active. After the last, the call ends (`NO CARRIER`, no more `+CLCC` lines).
        package var callProgress = [2, 3, 3, 0]
        /// Whether a call ends by itself after its progress (false: it stays in its last state until ATH).
        package var callEndsAfterProgress = false
        package var call: (number: String, step: Int)?
        /// What the modem says when it has (re)started, in order.
        package var bootNotices: [String]
        /// `AT+CNMA` commands received, and how many direct deliveries still wait for one.
        package var acknowledgedDirect = 0
        package var awaitingAcknowledgement = 0
        /// The lowest storage index (Quectel and Huawei number from 0).
        package var firstIndex = 1
        /// A recorded modem family's way of talking, played over the built-in behaviour (see ``Dialect``).
        package var dialect: Dialect?
        /// A message that arrives from the network right after the modem answered this command (as sent, upper
        /// case), routed as ``ModemSimulator/receive(pdu:direct:)`` routes it: an arrival between two commands.
        package var arrivalAfter: (command: String, pdu: String)?
        /// Called on the modem's thread with each command line and each message text it takes, before it
        /// answers: a test can stop the process under test at that exact point (kill -9 mid-send, or between a
        /// commit and the deletion it owes the SIM). Until it returns, the modem answers nothing.
        package var beforeAnswering: (@Sendable (Received) -> Void)?

        package init(profile: Profile) {
            self.profile = profile
            // Echo off, as an earlier run of the controller left it; a reboot turns it back on.
            settings.echo = false
            switch profile {
            case .sim800:
                bootNotices = ["RDY", "+CFUN: 1", "+CPIN: READY", "Call Ready", "SMS Ready"]
            case .huaweiE1752:
                lineEnd = "\r\r\n"
                bootNotices = ["^SIMST: 1", "^SRVST: 2"]
            }
        }

        /// The "SM" storage, where tests put messages by default.
        package var storage: [Int: StoredMessage] {
            get { storages["SM"] ?? [:] }
            set { storages["SM"] = newValue }
        }
    }

    private struct Runtime {
        var terminal: PseudoTerminal?
        var reader: ReaderThread?
        var commands: [String] = []
        var submitted: [String] = []
        /// The `AT+CMGS=<n>` waiting for its PDU (after the prompt).
        var awaitingBody = false
        /// Everything taken as message text after a prompt, whether sent (Ctrl-Z) or aborted (ESC).
        var bodies: [String] = []
    }

    private let state: Mutex<Script>
    private let runtime = Mutex(Runtime())
    private let writing = Mutex(())

    package init(profile: Profile = .sim800) throws {
        state = Mutex(Script(profile: profile))
        try start()
    }

    // No deinit closing the pty: its reader thread closes it when it sees the simulator gone, so the fd
    // number cannot be reused (by the next test's pty) while the thread still polls it.

    // MARK: - Scripting

    /// The slave side to open; it changes after ``vanish()`` and ``reappear()``.
    package var slavePath: String { runtime.withLock { $0.terminal?.slavePath ?? "/dev/pts/vanished" } }

    /// The `[modem]` table of an `smsocket` configuration file that drives this simulator: its ``slavePath``
    /// and its profile's vendor. No line end after it, so that a test may add keys (`pin`, `trace`).
    package var configTable: String {
        let vendor = switch script({ $0.profile }) {
        case .sim800: "simcom"
        case .huaweiE1752: "huawei"
        }
        return "[modem]\nkind = \"atmodem\"\ndevice = \"\(slavePath)\"\nvendor = \"\(vendor)\""
    }

    /// Changes the script (atomically with respect to the modem thread).
    package func script<T>(_ change: (inout Script) -> T) -> T { state.withLock { change(&$0) } }

    /// Every command line the modem received (without CR), in order.
    package var commands: [String] { runtime.withLock { $0.commands } }

    /// Everything the modem took as message text after a `> ` prompt, sent or aborted, in order.
    package var messageTexts: [String] { runtime.withLock { $0.bodies } }

    /// The PDUs that `AT+CMGS` accepted, in order.
    package var submittedPDUs: [String] { runtime.withLock { $0.submitted } }

    /// The SIM's messages by index.
    package var storage: [Int: StoredMessage] { state.withLock { $0.storage } }

    /// The messages of one storage ("SM", "ME", "SR") by index.
    package func storage(_ name: String) -> [Int: StoredMessage] { state.withLock { $0.storages[name] ?? [:] } }

    /// Puts a message (hex PDU with SMSC part) in `storageName` at the lowest free index (from 1) and
    /// returns the index. Nothing is announced: see ``receive(pdu:)``.
    @discardableResult
    package func store(pdu: String, status: Int = 0, in storageName: String = "SM") -> Int {
        state.withLock { s in Self.put(pdu, status: status, in: storageName, &s) }
    }

    private static func put(_ pdu: String, status: Int, in storageName: String, _ s: inout Script) -> Int {
        let index = (s.firstIndex...).first { s.storages[storageName]?[$0] == nil }!
        s.storages[storageName, default: [:]][index] = StoredMessage(status: status, pdu: pdu)
        return index
    }

    /// A message arrives from the network and is routed as the settings say: with `AT+CNMI` mt = 2, or
    /// `direct` (a class-0 "flash" SMS), as `+CMT: ,<length>` and the PDU; otherwise stored (in
    /// ``Script/newMessageStorage`` or mem3) and, with mt = 1, announced by `+CMTI`. Returns where it was stored.
    @discardableResult
    package func receive(pdu: String, direct: Bool = false) -> (storage: String, index: Int)? {
        let (urcs, stored): ([String], (String, Int)?) = state.withLock { s in
            let mt = s.settings.cnmi.count > 1 ? s.settings.cnmi[1] : 0
            if direct || mt == 2 {
                if s.settings.messageService == 1 { s.awaitingAcknowledgement += 1 }
                return (["+CMT: ,\(tpduLength(pdu))", pdu], nil)
            }
            let name = s.newMessageStorage ?? s.settings.storages[2]
            let index = Self.put(pdu, status: 0, in: name, &s)
            return (mt == 1 ? ["+CMTI: \"\(name)\",\(index)"] : [], (name, index))
        }
        if !urcs.isEmpty { inject(lines: urcs) }
        return stored
    }

    /// A status report arrives: with `AT+CNMI` ds = 1 as `+CDS: <length>` and the PDU, with ds = 2 stored
    /// in "SR" and announced by `+CDSI`.
    package func receive(statusReport pdu: String) {
        let urcs: [String] = state.withLock { s in
            let ds = s.settings.cnmi.count > 3 ? s.settings.cnmi[3] : 0
            if ds == 1 {
                if s.settings.messageService == 1 { s.awaitingAcknowledgement += 1 }
                return ["+CDS: \(tpduLength(pdu))", pdu]
            }
            let index = Self.put(pdu, status: 0, in: "SR", &s)
            return ds == 2 ? ["+CDSI: \"SR\",\(index)"] : []
        }
        if !urcs.isEmpty { inject(lines: urcs) }
    }

    /// An incoming call: `RING`, and `+CLIP` when caller ID is on and the number is shown.
    package func ring(from number: String?) {
        let clip = state.withLock { $0.settings.callerID }
        var lines = ["RING"]
        if clip { lines.append(number.map { "+CLIP: \"\($0)\",145,,,,0" } ?? "+CLIP: \"\",128,,,,1") }
        inject(lines: lines)
    }

    /// The modem restarts by itself (a brown-out): the settings go back to the factory values, a
    /// half-entered message is forgotten, and the boot notices come.
    package func reboot() {
        let notices = state.withLock { s in
            s.settings = s.factory
            s.call = nil
            return s.bootNotices
        }
        runtime.withLock { $0.awaitingBody = false }
        inject(lines: notices)
    }

    /// The modem waits for the text of an `AT+CMGS` a previous process started (it shows `> ` and takes
    /// everything up to Ctrl-Z or ESC as the message).
    package func leaveWaitingForMessageText() {
        runtime.withLock { $0.awaitingBody = true }
    }

    /// Sends lines now, each framed as the modem frames lines.
    package func inject(lines: [String]) {
        let (end, lines) = state.withLock { s in (s.lineEnd, s.dialect?.rewrite(lines) ?? lines) }
        emit(Array(lines.map { end + $0 + end }.joined().utf8))
    }

    /// Sends a URC now (framed as the modem frames lines).
    package func inject(_ urc: String) { inject(lines: [urc]) }

    /// Sends raw bytes now (noise, a wrong baud rate).
    package func inject(bytes: [UInt8]) { emit(bytes) }

    /// Closes the master side: the port vanishes (an unplugged or resetting USB stick).
    package func vanish() async {
        let (terminal, reader) = runtime.withLock { r in
            defer {
                r.terminal = nil
                r.reader = nil
            }
            return (r.terminal, r.reader)
        }
        await reader?.stop()
        terminal?.close()
    }

    /// Brings the port back on a new pty; returns the new ``slavePath``. The SIM and script stay.
    @discardableResult
    package func reappear() throws -> String {
        try start()
        return slavePath
    }

    /// Stops the modem thread and closes the pty.
    package func stop() async { await vanish() }

    // MARK: - The modem thread

    private func start() throws {
        let terminal = try PseudoTerminal.open()
        let master = terminal.master
        runtime.withLock { r in
            r.terminal = terminal
            r.awaitingBody = false
        }
        let reader = try ReaderThread.start { [weak self] thread in
            var pending: [UInt8] = []
            while !thread.isStopping && self != nil {
                guard case .success(let polled) = system_poll(master, timeoutMilliseconds: 20), polled.readable,
                    case .success(let bytes) = system_read(master, maxBytes: 4096)
                else { continue }
                pending += bytes
                self?.process(&pending)
            }
            // Stopped by vanish(), which closes the pty itself; or the simulator is gone: close it here.
            if !thread.isStopping { terminal.close() }
        }.get()
        runtime.withLock { $0.reader = reader }
    }

    /// Takes whole commands (ending in CR) or PDU bodies (ending in Ctrl-Z or ESC) off `pending` and answers.
    private func process(_ pending: inout [UInt8]) {
        while true {
            let (silent, echo) = state.withLock { ($0.silent, $0.settings.echo) }
            if silent {
                pending.removeAll()
                return
            }
            if runtime.withLock({ $0.awaitingBody }) {
                guard let end = pending.firstIndex(where: { $0 == 0x1A || $0 == 0x1B }) else { return }
                let body = String(decoding: pending[..<end], as: UTF8.self)
                let submit = pending[end] == 0x1A
                if echo { emit(Array(pending[...end]) + Array("\r\n".utf8)) }
                pending.removeSubrange(...end)
                runtime.withLock { $0.awaitingBody = false }
                runtime.withLock { $0.bodies.append(body) }
                state.withLock { $0.beforeAnswering }?(.messageText(body, submitted: submit))
                answer(body: body, submit: submit)
                continue
            }
            guard let end = pending.firstIndex(of: 0x0D) else { return }
            let line = String(decoding: pending[..<end].filter { $0 != 0x0A }, as: UTF8.self)
            if echo { emit(Array(pending[...end])) }
            pending.removeSubrange(...end)
            if line.isEmpty { continue }
            runtime.withLock { $0.commands.append(line) }
            state.withLock { $0.beforeAnswering }?(.command(line))
            answer(command: line)
        }
    }

    enum Reply {
        case lines([String], final: String?, after: [String] = [])
        case prompt
    }

    private func answer(command: String) {
        let reply = state.withLock { respond(to: command, &$0) }
        switch reply {
        case .lines(let lines, let final, let after):
            send(lines, final: final, after: after)
            let arrival = state.withLock { s -> String? in
                guard let arrival = s.arrivalAfter, arrival.command == command.uppercased() else { return nil }
                s.arrivalAfter = nil
                return arrival.pdu
            }
            if let arrival { receive(pdu: arrival) }
        case .prompt:
            let (delay, end) = state.withLock { ($0.promptDelay, $0.lineEnd) }
            if delay > .zero { sleepThread(delay) }
            runtime.withLock { $0.awaitingBody = true }
            // SIM800: CR LF, then `> ` with no line end.
            emit(Array((end + "> ").utf8))
        }
    }

    private func answer(body: String, submit: Bool) {
        guard submit else {
            send([], final: "OK")
            return
        }
        let (lines, final): ([String], String) = state.withLock { s in
            if s.failingSubmits > 0 {
                s.failingSubmits -= 1
                return ([], "+CMS ERROR: \(s.submitError)")
            }
            s.messageReference = (s.messageReference + 1) % 256
            if s.garbledSubmitFinals > 0 {
                s.garbledSubmitFinals -= 1
                return (["+CMGS: \(s.messageReference)"], "0K")
            }
            return (["+CMGS: \(s.messageReference)"], "OK")
        }
        if !lines.isEmpty { runtime.withLock { $0.submitted.append(body) } }
        send(lines, final: final)
    }

    /// Frames an answer, putting scripted URCs after its first line (or before its final); no final result
    /// code when `final` is nil.
    private func send(_ lines: [String], final: String?, after: [String] = []) {
        let (end, inside) = state.withLock { s in
            defer { s.urcsInsideNextResponse = [] }
            return (s.lineEnd, s.urcsInsideNextResponse)
        }
        var all = lines
        all.insert(contentsOf: inside, at: min(1, all.count))
        if let final { all.append(final) }
        all += after
        emit(Array(all.map { end + $0 + end }.joined().utf8))
    }

    /// Writes all of `bytes`, one writer at a time. The master side is non-blocking: a write into a full pty
    /// buffer (a slow reader on a loaded machine) is partial or refused, so the rest waits for room; a
    /// modem does not lose what it says.
    private func emit(_ bytes: [UInt8]) {
        writing.withLock { _ in
            var rest = bytes[...]
            let deadline = ContinuousClock.now.advanced(by: .seconds(5))
            while !rest.isEmpty, ContinuousClock.now < deadline {
                guard let master = runtime.withLock({ $0.terminal?.master }) else { return }
                switch system_write(master, rest) {
                case .success(let written): rest = rest.dropFirst(written)
                case .failure(let error) where error.errno == EAGAIN || error.errno == EINTR:
                    _ = system_poll(master, forWriting: true, timeoutMilliseconds: 20)
                case .failure: return
                }
            }
        }
    }

    // MARK: - Commands

    private func respond(to command: String, _ s: inout Script) -> Reply {
        let reply = concatenated(command).count > 1 ? answer(toEach: concatenated(command), &s) : answer(to: command, &s)
        guard s.withoutFinal.contains(command.uppercased()), case .lines(let lines, _, let after) = reply else { return reply }
        return .lines(lines, final: nil, after: after)
    }

    /// `AT+CPMS="ME";+CMGR=3` as `["AT+CPMS=\"ME\"", "AT+CMGR=3"]` (V.250 §5.2.1: `;` separates extended
    /// commands on one line; a `;` inside quotes is text).
    private func concatenated(_ command: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var quoted = false
        for character in command {
            if character == "\"" { quoted.toggle() }
            if character == ";" && !quoted && !current.uppercased().hasPrefix("ATD") {
                parts.append(current)
                current = "AT"
            } else {
                current.append(character)
            }
        }
        parts.append(current)
        return parts.filter { $0.uppercased() != "AT" || parts.count == 1 }
    }

    /// A line of several commands: their lines in order, and the first error or the last final.
    private func answer(toEach commands: [String], _ s: inout Script) -> Reply {
        var lines: [String] = []
        var after: [String] = []
        for command in commands {
            guard case .lines(let more, let final, let later) = answer(to: command, &s) else { return .prompt }
            lines += more
            after += later
            if final != "OK" { return .lines(lines, final: final, after: after) }
        }
        return .lines(lines, final: "OK", after: after)
    }

    private func answer(to command: String, _ s: inout Script) -> Reply {
        if let dialect = s.dialect { return dialect.answer(to: command, &s) { self.answer(to: $0, &$1) } }
        let upper = command.uppercased()
        let unknown = s.profile == .huaweiE1752 ? "COMMAND NOT SUPPORT" : "ERROR"
        func ok(_ lines: String...) -> Reply { .lines(lines, final: "OK") }
        func argument(after prefix: String) -> String { String(command.dropFirst(prefix.count)) }
        func numbers(after prefix: String) -> [Int?] {
            argument(after: prefix).split(separator: ",", omittingEmptySubsequences: false).map { Int($0) }
        }
        let mem1 = s.settings.storages[0]

        if upper.hasPrefix("ATD") {
            let number = String(command.dropFirst(3)).replacingSemicolon
            s.call = (number, 0)
            let urcs = s.profile == .huaweiE1752 ? ["^ORIG:1,0", "^CONF:1"] : []
            return .lines([], final: "OK", after: urcs)
        }
        switch upper {
        case "AT", "ATZ", "AT&F", "AT&W": return ok()
        case "ATE0", "ATE1":
            s.settings.echo = upper == "ATE1"
            return ok()
        case "ATI":
            return s.profile == .sim800 ? ok("SIM800 R14.18") : ok("Manufacturer: huawei", "Model: E1752")
        case "ATH", "AT+CHUP":
            let ended = s.call != nil
            s.call = nil
            return .lines([], final: "OK", after: ended && s.profile == .huaweiE1752 ? ["^CEND:1,5,29,16"] : [])
        case "AT+CPIN?":
            switch s.sim {
            case .ready: return ok("+CPIN: READY")
            case .pin: return ok("+CPIN: SIM PIN")
            case .puk: return ok("+CPIN: SIM PUK")
            case .absent: return .lines([], final: "+CME ERROR: 10")
            }
        case "AT+CSQ": return ok("+CSQ: \(s.signal.rssi),\(s.signal.ber)")
        case "AT+CREG?": return ok("+CREG: \(s.cregMode),\(s.registration)")
        case "AT+COPS?": return ok([1, 5].contains(s.registration) ? "+COPS: 0,0,\"\(Self.operatorName)\",7" : "+COPS: 0")
        case "AT+CFUN?": return ok("+CFUN: 1")
        case "AT+CLIP?": return ok("+CLIP: \(s.settings.callerID ? 1 : 0),1")
        case "AT+CMGF?": return ok("+CMGF: \(s.settings.messageFormat)")
        case "AT+CNMI?": return ok("+CNMI: " + s.settings.cnmi.map(String.init).joined(separator: ","))
        case "AT+CSCS?": return ok("+CSCS: \"\(s.settings.characterSet)\"")
        case "AT+CSMS?": return ok("+CSMS: \(s.settings.messageService),1,1,1")
        case "AT+CPMS?":
            return ok("+CPMS: " + s.settings.storages.map { "\"\($0)\",\(s.storages[$0]?.count ?? 0),\(s.capacity)" }.joined(separator: ","))
        case "AT+CPMS=?":
            let all = "(" + s.storageNames.map { "\"\($0)\"" }.joined(separator: ",") + ")"
            let plain = "(" + s.storageNames.filter { $0 != "SR" }.map { "\"\($0)\"" }.joined(separator: ",") + ")"
            return ok("+CPMS: \(all),\(plain),\(plain)")
        case "AT+CNMA":
            guard s.awaitingAcknowledgement > 0 else { return .lines([], final: "+CMS ERROR: 340") }
            s.awaitingAcknowledgement -= 1
            s.acknowledgedDirect += 1
            return ok()
        case "AT+CLCC":
            guard let call = s.call else { return ok() }
            let stat = s.callProgress.isEmpty ? 0 : s.callProgress[min(call.step, s.callProgress.count - 1)]
            if call.step >= s.callProgress.count && s.callEndsAfterProgress {
                s.call = nil
                return .lines([], final: "OK", after: ["NO CARRIER"])
            }
            s.call?.step += 1
            var after: [String] = []
            if s.profile == .huaweiE1752 && stat == 0 && call.step == s.callProgress.count - 1 { after = ["^CONN:1,0"] }
            return .lines(["+CLCC: 1,0,\(stat),0,0,\"\(call.number)\",129"], final: "OK", after: after)
        case "AT+CUSD=2": return ok()
        default: break
        }
        if upper == "AT+CPINR=\"SIM PIN\"" || (upper == "AT+SPIC" && s.profile == .sim800) {
            guard s.reportsPINAttempts else { return .lines([], final: unknown) }
            return upper == "AT+SPIC" ? ok("+SPIC: \(s.pinAttemptsLeft),10,3,10") : ok("+CPINR: SIM PIN,\(s.pinAttemptsLeft),3")
        }
        if upper.hasPrefix("AT+CPIN=") {
            guard case .pin(let pin) = s.sim else { return .lines([], final: "+CME ERROR: 3") }
            s.pinEntries += 1
            let given = argument(after: "AT+CPIN=").trimmingCharacters(in: "\"")
            if given == pin {
                s.sim = .ready
                s.pinAttemptsLeft = 3
                // A SIM800 reports the SIM starting as it does at power-up.
                return .lines([], final: "OK", after: s.profile == .sim800 ? ["+CPIN: READY", "Call Ready", "SMS Ready"] : [])
            }
            s.pinAttemptsLeft = max(s.pinAttemptsLeft - 1, 0)
            if s.pinAttemptsLeft == 0 { s.sim = .puk }
            return .lines([], final: "+CME ERROR: 16")
        }
        if upper.hasPrefix("AT+CREG=") {
            s.cregMode = Int(argument(after: "AT+CREG=")) ?? 0
            return ok()
        }
        if upper.hasPrefix("AT+CLIP=") {
            s.settings.callerID = argument(after: "AT+CLIP=") == "1"
            return ok()
        }
        if upper.hasPrefix("AT+CMGF=") {
            guard let format = Int(argument(after: "AT+CMGF=")), (0...1).contains(format) else { return .lines([], final: unknown) }
            s.settings.messageFormat = format
            return ok()
        }
        if upper.hasPrefix("AT+CNMI=") {
            let values = numbers(after: "AT+CNMI=")
            guard values.count >= 2, values.allSatisfy({ $0 != nil }) else { return .lines([], final: "+CMS ERROR: 303") }
            s.settings.cnmi = (values.map { $0! } + [0, 0, 0, 0, 0]).prefix(5).map { $0 }
            return ok()
        }
        if upper.hasPrefix("AT+CSCS=") {
            s.settings.characterSet = argument(after: "AT+CSCS=").trimmingCharacters(in: "\"")
            return ok()
        }
        if upper.hasPrefix("AT+CSMS=") {
            guard let service = Int(argument(after: "AT+CSMS=")), (0...1).contains(service) else { return .lines([], final: "+CMS ERROR: 303") }
            s.settings.messageService = service
            return ok("+CSMS: 1,1,1")
        }
        if upper.hasPrefix("AT+CPMS=") {
            let names = argument(after: "AT+CPMS=").split(separator: ",").map { String($0).trimmingCharacters(in: "\"") }
            guard !names.isEmpty, names.allSatisfy({ s.storageNames.contains($0) }) else { return .lines([], final: "+CMS ERROR: 302") }
            for (position, name) in names.prefix(3).enumerated() { s.settings.storages[position] = name }
            return ok("+CPMS: " + s.settings.storages.map { "\(s.storages[$0]?.count ?? 0),\(s.capacity)" }.joined(separator: ","))
        }
        if upper.hasPrefix("AT+CMGR=") {
            guard let index = Int(argument(after: "AT+CMGR=")), let message = s.storages[mem1]?[index] else {
                return .lines([], final: "+CMS ERROR: 321")
            }
            if message.status == 0 { s.storages[mem1]?[index]?.status = 1 }
            if s.settings.messageFormat == 1 { return ok("+CMGR: \"\(textStatus(message.status))\",\"\",,\"\"", textOf(message.pdu)) }
            return ok("+CMGR: \(message.status),,\(tpduLength(message.pdu))", corrupted(message.pdu, &s))
        }
        if upper.hasPrefix("AT+CMGL=") {
            let wanted = argument(after: "AT+CMGL=").trimmingCharacters(in: "\"")
            let status: Int?
            if s.settings.messageFormat == 1 {
                status = wanted == "ALL" ? 4 : (0...3).first { textStatus($0) == wanted }
            } else {
                status = Int(wanted)
            }
            guard let status else { return .lines([], final: "+CMS ERROR: 302") }
            var lines: [String] = []
            for (index, message) in (s.storages[mem1] ?? [:]).sorted(by: { $0.key < $1.key }) where status == 4 || message.status == status {
                if s.settings.messageFormat == 1 {
                    lines += ["+CMGL: \(index),\"\(textStatus(message.status))\",\"\",,\"\"", textOf(message.pdu)]
                } else {
                    lines += ["+CMGL: \(index),\(message.status),,\(tpduLength(message.pdu))", corrupted(message.pdu, &s)]
                }
                if message.status == 0 { s.storages[mem1]?[index]?.status = 1 }
            }
            return .lines(lines, final: "OK")
        }
        if upper.hasPrefix("AT+CMGD=") {
            let parts = argument(after: "AT+CMGD=").split(separator: ",").compactMap { Int($0) }
            guard let index = parts.first else { return .lines([], final: "+CMS ERROR: 302") }
            if parts.count > 1 && parts[1] == 4 {
                s.storages[mem1] = [:]
            } else {
                s.storages[mem1]?[index] = nil
            }
            return ok()
        }
        if upper.hasPrefix("AT+CMGS=") {
            guard Int(argument(after: "AT+CMGS=")) != nil else { return .lines([], final: "+CMS ERROR: 304") }
            return .prompt
        }
        if upper.hasPrefix("AT+CUSD=1") {
            guard let first = s.ussdReplies.first else { return ok() }
            let rest = Array(s.ussdReplies.dropFirst())
            return s.ussdBeforeOK ? .lines([first], final: "OK", after: rest) : .lines([], final: "OK", after: s.ussdReplies)
        }
        let accepted = ["AT+CMEE=", "AT+CRC=", "AT+CVHU=", "AT+CFUN=", "AT+CLTS=", "AT+MORING=", "AT+CLCC=", "AT+COPS="]
        if accepted.contains(where: { upper.hasPrefix($0) }) { return ok() }
        if s.profile == .huaweiE1752 && upper.hasPrefix("AT^") { return ok() }
        return .lines([], final: unknown)
    }
}

/// `pdu` as it reaches the port: cut short while ``Script/corruptedReads`` lasts.
private func corrupted(_ pdu: String, _ s: inout ModemSimulator.Script) -> String {
    guard s.corruptedReads > 0 else { return pdu }
    s.corruptedReads -= 1
    return String(pdu.dropLast(4))
}

/// The text-mode name of a message status (27.005 §3.1).
private func textStatus(_ status: Int) -> String {
    ["REC UNREAD", "REC READ", "STO UNSENT", "STO SENT"][min(max(status, 0), 3)]
}

/// What a text-mode listing shows of a stored PDU.
private func textOf(_ pdu: String) -> String {
    (try? DeliverPDU(hex: pdu))?.text ?? ""
}

/// Octets of the TPDU: the PDU's octets less the SMSC part (its length octet and what it counts).
package func tpduLength(_ pdu: String) -> Int {
    let smscLength = Int(pdu.prefix(2), radix: 16) ?? 0
    return pdu.count / 2 - 1 - smscLength
}

private func sleepThread(_ duration: Duration) {
    let (seconds, attoseconds) = duration.components
    var request = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
    var remaining = timespec()
    while nanosleep(&request, &remaining) == -1 && errno == EINTR { request = remaining }
}

extension String {
    fileprivate var replacingSemicolon: String { filter { $0 != ";" } }

    fileprivate func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
