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
    package enum Profile: Sendable {
        /// `\r\n` line ends, `ERROR` for unknown commands, `RDY`/`Call Ready`-style URCs.
        case sim800
        /// `\r\r\n` line ends, `COMMAND NOT SUPPORT`, `^ORIG`/`^CONF`/`^CONN`/`^CEND` call URCs.
        case huaweiE1752
    }

    package enum SIMState: Sendable {
        case ready, pin(String), puk, absent
    }

    package struct StoredMessage: Sendable, Equatable {
        /// 0 REC UNREAD, 1 REC READ, 2 STO UNSENT, 3 STO SENT.
        package var status: Int
        /// The PDU in hex, SMSC part included.
        package var pdu: String
    }

    /// Everything the modem knows and every fault it is told to show.
    package struct Script: Sendable {
        package var profile: Profile
        package var echo = false
        /// Line end of answers; the E1752 profile starts with `\r\r\n`.
        package var lineEnd = "\r\n"
        package var sim = SIMState.ready
        package var signal = (rssi: 20, ber: 0)
        package var registration = 1
        package var cregMode = 0
        package var storage: [Int: StoredMessage] = [:]
        package var capacity = 30
        package var messageReference = 0
        /// The next this many `AT+CMGS` fail with `+CMS ERROR: <submitError>`.
        package var failingSubmits = 0
        package var submitError = 322
        /// How long before the `> ` prompt.
        package var promptDelay: Duration = .zero
        /// URCs to put inside the next answer that has lines (after its first line) or before its final.
        package var urcsInsideNextResponse: [String] = []
        /// Stops answering (reads and drops everything).
        package var silent = false
        /// `+CUSD` sent after `AT+CUSD=1,…` (with its `OK`): the whole line, e.g. `+CUSD: 0,"Balance",15`.
        package var ussdReply: String? = "+CUSD: 0,\"Available Balance: R 96.45 .\",15"
        /// Send the `+CUSD` before the `OK` instead of after.
        package var ussdBeforeOK = false
        /// The call `stat`s (`+CLCC`) a dialled call goes through, one per `AT+CLCC` poll: 2 dialling,
        /// 3 alerting, 0 active. After the last, the call ends (`NO CARRIER`, no more `+CLCC` lines).
        package var callProgress = [2, 3, 3, 0]
        /// Whether a call ends by itself after its progress (false: it stays in its last state until ATH).
        package var callEndsAfterProgress = false
        package var call: (number: String, step: Int)?

        package init(profile: Profile) {
            self.profile = profile
            if profile == .huaweiE1752 { lineEnd = "\r\r\n" }
        }
    }

    private struct Runtime {
        var terminal: PseudoTerminal?
        var reader: PortReaderThread?
        var commands: [String] = []
        var submitted: [String] = []
        /// The `AT+CMGS=<n>` waiting for its PDU (after the prompt).
        var awaitingBody = false
    }

    private let state: Mutex<Script>
    private let runtime = Mutex(Runtime())

    package init(profile: Profile = .sim800) throws {
        state = Mutex(Script(profile: profile))
        try start()
    }

    // No deinit closing the pty: its reader thread closes it when it sees the simulator gone, so the fd
    // number cannot be reused (by the next test's pty) while the thread still polls it.

    // MARK: - Scripting

    /// The slave side to open; it changes after ``vanish()`` and ``reappear()``.
    package var slavePath: String { runtime.withLock { $0.terminal?.slavePath ?? "/dev/pts/vanished" } }

    /// Changes the script (atomically with respect to the modem thread).
    package func script<T>(_ change: (inout Script) -> T) -> T { state.withLock { change(&$0) } }

    /// Every command line the modem received (without CR), in order.
    package var commands: [String] { runtime.withLock { $0.commands } }

    /// The PDUs that `AT+CMGS` accepted, in order.
    package var submittedPDUs: [String] { runtime.withLock { $0.submitted } }

    /// The SIM's messages by index.
    package var storage: [Int: StoredMessage] { state.withLock { $0.storage } }

    /// Puts a received message (hex PDU with SMSC part) on the SIM at the lowest free index (from 1) and
    /// returns the index.
    @discardableResult
    package func store(pdu: String, status: Int = 0) -> Int {
        state.withLock { s in
            let index = (1...).first { s.storage[$0] == nil }!
            s.storage[index] = StoredMessage(status: status, pdu: pdu)
            return index
        }
    }

    /// Sends a URC now (framed as the modem frames lines).
    package func inject(_ urc: String) {
        let end = state.withLock { $0.lineEnd }
        emit(Array((end + urc + end).utf8))
    }

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
        let reader = PortReaderThread.start { [weak self] thread in
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
        }
        runtime.withLock { $0.reader = reader }
    }

    /// Takes whole commands (ending in CR) or PDU bodies (ending in Ctrl-Z or ESC) off `pending` and answers.
    private func process(_ pending: inout [UInt8]) {
        while true {
            let (silent, echo) = state.withLock { ($0.silent, $0.echo) }
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
                answer(body: body, submit: submit)
                continue
            }
            guard let end = pending.firstIndex(of: 0x0D) else { return }
            let line = String(decoding: pending[..<end].filter { $0 != 0x0A }, as: UTF8.self)
            if echo { emit(Array(pending[...end])) }
            pending.removeSubrange(...end)
            if line.isEmpty { continue }
            runtime.withLock { $0.commands.append(line) }
            answer(command: line)
        }
    }

    private enum Reply {
        case lines([String], final: String, after: [String] = [])
        case prompt
    }

    private func answer(command: String) {
        let reply = state.withLock { respond(to: command, &$0) }
        switch reply {
        case .lines(let lines, let final, let after):
            send(lines, final: final, after: after)
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
            return (["+CMGS: \(s.messageReference)"], "OK")
        }
        if final == "OK" { runtime.withLock { $0.submitted.append(body) } }
        send(lines, final: final)
    }

    /// Frames an answer, putting scripted URCs after its first line (or before its final).
    private func send(_ lines: [String], final: String, after: [String] = []) {
        let (end, inside) = state.withLock { s in
            defer { s.urcsInsideNextResponse = [] }
            return (s.lineEnd, s.urcsInsideNextResponse)
        }
        var all = lines
        all.insert(contentsOf: inside, at: min(1, all.count))
        all.append(final)
        all += after
        emit(Array(all.map { end + $0 + end }.joined().utf8))
    }

    private func emit(_ bytes: [UInt8]) {
        guard let master = runtime.withLock({ $0.terminal?.master }) else { return }
        _ = system_write(master, bytes[...])
    }

    // MARK: - Commands

    private func respond(to command: String, _ s: inout Script) -> Reply {
        let upper = command.uppercased()
        let unknown = s.profile == .huaweiE1752 ? "COMMAND NOT SUPPORT" : "ERROR"
        func ok(_ lines: String...) -> Reply { .lines(lines, final: "OK") }
        func argument(after prefix: String) -> String { String(command.dropFirst(prefix.count)) }

        if upper.hasPrefix("ATD") {
            let number = String(command.dropFirst(3)).replacingSemicolon
            s.call = (number, 0)
            let urcs = s.profile == .huaweiE1752 ? ["^ORIG:1,0", "^CONF:1"] : []
            return .lines([], final: "OK", after: urcs)
        }
        switch upper {
        case "AT", "ATZ", "AT&F", "AT&W": return ok()
        case "ATE0", "ATE1":
            s.echo = upper == "ATE1"
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
        case "AT+CFUN?": return ok("+CFUN: 1")
        case "AT+CPMS?":
            let used = s.storage.count
            return ok("+CPMS: \"SM\",\(used),\(s.capacity),\"SM\",\(used),\(s.capacity),\"SM\",\(used),\(s.capacity)")
        case "AT+CPMS=?": return ok("+CPMS: (\"SM\",\"ME\"),(\"SM\",\"ME\"),(\"SM\",\"ME\")")
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
        if upper.hasPrefix("AT+CPIN=") {
            guard case .pin(let pin) = s.sim else { return .lines([], final: "+CME ERROR: 3") }
            let given = argument(after: "AT+CPIN=").trimmingCharacters(in: "\"")
            if given == pin {
                s.sim = .ready
                return ok()
            }
            return .lines([], final: "+CME ERROR: 16")
        }
        if upper.hasPrefix("AT+CREG=") {
            s.cregMode = Int(argument(after: "AT+CREG=")) ?? 0
            return ok()
        }
        if upper.hasPrefix("AT+CPMS=") {
            let used = s.storage.count
            return ok("+CPMS: \(used),\(s.capacity),\(used),\(s.capacity),\(used),\(s.capacity)")
        }
        if upper.hasPrefix("AT+CMGR=") {
            guard let index = Int(argument(after: "AT+CMGR=")), let message = s.storage[index] else {
                return .lines([], final: "+CMS ERROR: 321")
            }
            if message.status == 0 { s.storage[index]?.status = 1 }
            return ok("+CMGR: \(message.status),,\(tpduLength(message.pdu))", message.pdu)
        }
        if upper.hasPrefix("AT+CMGL=") {
            guard let wanted = Int(argument(after: "AT+CMGL=")) else { return .lines([], final: "+CMS ERROR: 302") }
            var lines: [String] = []
            for (index, message) in s.storage.sorted(by: { $0.key < $1.key }) where wanted == 4 || message.status == wanted {
                lines += ["+CMGL: \(index),\(message.status),,\(tpduLength(message.pdu))", message.pdu]
                if message.status == 0 { s.storage[index]?.status = 1 }
            }
            return .lines(lines, final: "OK")
        }
        if upper.hasPrefix("AT+CMGD=") {
            let parts = argument(after: "AT+CMGD=").split(separator: ",").compactMap { Int($0) }
            guard let index = parts.first else { return .lines([], final: "+CMS ERROR: 302") }
            if parts.count > 1 && parts[1] == 4 {
                s.storage.removeAll()
            } else {
                s.storage[index] = nil
            }
            return ok()
        }
        if upper.hasPrefix("AT+CMGS=") {
            guard Int(argument(after: "AT+CMGS=")) != nil else { return .lines([], final: "+CMS ERROR: 304") }
            return .prompt
        }
        if upper.hasPrefix("AT+CUSD=1") {
            guard let reply = s.ussdReply else { return ok() }
            return s.ussdBeforeOK ? .lines([reply], final: "OK") : .lines([], final: "OK", after: [reply])
        }
        let accepted = [
            "AT+CMEE=", "AT+CMGF=", "AT+CSCS=", "AT+CNMI=", "AT+CLIP=", "AT+CRC=", "AT+CVHU=", "AT+CFUN=",
            "AT+CLTS=", "AT+MORING=", "AT+CLCC=", "AT+COPS=", "AT+CSMS=",
        ]
        if accepted.contains(where: { upper.hasPrefix($0) }) { return ok() }
        if s.profile == .huaweiE1752 && upper.hasPrefix("AT^") { return ok() }
        return .lines([], final: unknown)
    }
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
