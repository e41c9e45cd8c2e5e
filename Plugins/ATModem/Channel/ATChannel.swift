/// The byte pipe under an ``ATChannel``: the real ``SerialTransport``, or an in-memory fake in tests.
public protocol ATTransport: Sendable {
    /// What the modem sends, in chunks as they arrive; it ends (or throws) when the port is gone.
    /// The channel is its only reader.
    var incoming: AsyncThrowingStream<[UInt8], any Error> { get }
    /// Sends `bytes` to the modem.
    func write(_ bytes: [UInt8]) async throws
    /// Closes the port; ``incoming`` ends.
    func close() async
}

/// One line the channel wrote to the modem or the modem sent, for the AT trace (`[modem] trace`).
public enum ATTraceLine: Hashable, Sendable {
    /// A command line written (without its CR).
    case sent(String)
    /// What was written after a `> ` prompt (the hex PDU of `AT+CMGS`), without its Ctrl-Z.
    case sentBody(String)
    /// ESC written: a prompt aborted, or the modem's attention got.
    case sentEscape
    /// What the modem sent, as the decoder read it (its echo of a command is dropped before).
    case received(ATEvent)
}

/// A command's answer: its information lines (echo and URCs taken out) and how it ended.
public struct ATResponse: Hashable, Sendable, CustomStringConvertible {
    public var lines: [String]
    public var final: ATFinalResult

    public init(lines: [String] = [], final: ATFinalResult) {
        self.lines = lines
        self.final = final
    }

    /// `OK`, or an answer whose final result code was ``ATFinalResult/implied``.
    public var isOK: Bool { final.isOK }

    /// The values of the lines named `name` (`"+CSQ"` gives `["17,0"]` for `+CSQ: 17,0`).
    public func values(of name: String) -> [String] {
        lines.compactMap { line in
            let (lineName, value) = atNameValue(line)
            return lineName == name ? value : nil
        }
    }

    public var description: String { (lines + [final.description]).joined(separator: " / ") }
}

/// How long the channel waits; every command may also pass its own timeout.
public struct ATTimeouts: Hashable, Sendable {
    /// For a command's final result.
    public var command: Duration
    /// For the `> ` prompt after `AT+CMGS=<n>`.
    public var prompt: Duration
    /// For the final result after a PDU was sent (SIM800: up to 60 s).
    public var body: Duration
    /// For the final result after a missing prompt was aborted with ESC, before the next command goes.
    public var abort: Duration
    /// Quiet after a line that answers the command (`+CPIN: READY` for `AT+CPIN?`, `+CMGS: 12` for
    /// `AT+CMGS`) after which the answer counts as complete without its final result code: see
    /// ``ATFinalResult/implied``.
    public var impliedFinal: Duration

    public init(
        command: Duration = .seconds(5), prompt: Duration = .seconds(10), body: Duration = .seconds(60),
        abort: Duration = .seconds(2), impliedFinal: Duration = .milliseconds(1500)
    ) {
        self.command = command
        self.prompt = prompt
        self.body = body
        self.abort = abort
        self.impliedFinal = impliedFinal
    }
}

/// Why a command got no answer. Equal by code and command.
public struct ATChannelError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: Hashable, Sendable {
        /// No final result within the timeout.
        case timeout
        /// No `> ` within the prompt timeout; the command was aborted with ESC.
        case noPrompt
        /// Nothing answered `AT` with `OK` in ``ATChannel/synchronize(tries:timeout:)``.
        case noResponse
        /// The port closed or went away (unplugged, reset) before the answer; reopen it.
        case closed
        /// Writing to the port failed.
        case writeFailed
    }

    public let code: Code
    /// The command concerned, when there is one.
    public let command: String?
    /// The transport's error or other detail.
    public let detail: String?
    /// For a command with a body (`AT+CMGS`): whether the body had been written when it failed. A body never
    /// written (the port closed while the command waited in the queue or for its prompt) was certainly not
    /// submitted.
    public let bodyWritten: Bool

    public init(_ code: Code, command: String? = nil, detail: String? = nil, bodyWritten: Bool = false) {
        self.code = code
        self.command = command
        self.detail = detail
        self.bodyWritten = bodyWritten
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code && lhs.command == rhs.command }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(command)
    }

    public var description: String {
        let what = command.map { " (\($0))" } ?? ""
        let why = detail.map { ": \($0)" } ?? ""
        switch code {
        case .timeout: return "no answer from the modem in time\(what)\(why)"
        case .noPrompt: return "the modem gave no '> ' prompt\(what); aborted\(why)"
        case .noResponse: return "the modem does not answer AT\(why)"
        case .closed: return "the modem port is closed\(what)\(why)"
        case .writeFailed: return "could not write to the modem\(what)\(why)"
        }
    }
}

/// An AT command channel: one command in flight, the others queued in order, each with a timeout; URCs
/// delivered on ``unsolicited`` as they arrive, whatever is in flight.
///
/// When an answer is complete: at its final result code; or, when that never comes, once the line that
/// answers the command (its name is the command's: `+CPIN: READY` for `AT+CPIN?`, `+CMGS: 12` for
/// `AT+CMGS=23`) has been followed by ``ATTimeouts/impliedFinal`` of quiet. One rule for every command:
/// older Wavecom and Siemens firmware never send `OK` after some queries, and a final garbled on the line
/// after `+CMGS: <mr>` must not hold the channel for the body timeout (the message was sent). Such an
/// answer ends with ``ATFinalResult/implied``. A command whose answer has no named line (`ATE0`,
/// `AT+CMGF=0`) still needs its final result.
///
/// Bytes from the transport go through an ``ATDecoder``. Time is read from the injected clock, so tests
/// drive timeouts with a manual clock instead of sleeping.
public actor ATChannel {
    /// URCs, in arrival order. It ends when the transport does. Single consumer.
    public nonisolated let unsolicited: AsyncStream<ATUnsolicited>
    public let timeouts: ATTimeouts
    /// The most recent lines that belonged to no command (late answers, noise), newest last, at most 32.
    public private(set) var strayLines: [String] = []

    private let transport: any ATTransport
    private let clock: any Clock<Duration>
    private let trace: (@Sendable (ATTraceLine) -> Void)?
    private let urcs: AsyncStream<ATUnsolicited>.Continuation
    private var decoder: ATDecoder
    private var queue: [Request] = []
    private var current: Active?
    private var closedReason: String?
    private var nextID = 0

    private struct Request {
        var id: Int
        var command: String
        var body: String?
        var timeout: Duration?
        /// nil for the channel's own probe (see ``quietElapsed(_:)``), which nobody awaits.
        var reply: CheckedContinuation<Result<ATResponse, ATChannelError>, Never>?
    }

    private enum Phase { case awaitingPrompt, awaitingFinal, aborting }

    private struct Active {
        var request: Request
        var phase: Phase
        var lines: [String] = []
        var timer: WakeUp?
        /// The quiet timer of ``ATTimeouts/impliedFinal``, armed by a line that answers the command.
        var quiet: WakeUp?
        var answered = false
    }

    /// Starts reading `transport`.
    /// - Parameters:
    ///   - clock: what timeouts are measured with (`ContinuousClock()` outside tests).
    ///   - lineLimit: longest line kept (see ``ATDecoder/lineLimit``).
    ///   - trace: given every line written and every event read, in order, as it happens.
    public init(
        transport: any ATTransport, clock: any Clock<Duration> = ContinuousClock(), timeouts: ATTimeouts = ATTimeouts(),
        lineLimit: Int = 4096, trace: (@Sendable (ATTraceLine) -> Void)? = nil
    ) {
        self.transport = transport
        self.clock = clock
        self.trace = trace
        self.timeouts = timeouts
        self.decoder = ATDecoder(lineLimit: lineLimit)
        (unsolicited, urcs) = AsyncStream<ATUnsolicited>.makeStream()
        let incoming = transport.incoming
        Task { [weak self] in
            do {
                for try await chunk in incoming {
                    guard let self else { return }
                    await self.received(chunk)
                }
                await self?.transportEnded("the port closed")
            } catch {
                await self?.transportEnded("\(error)")
            }
        }
    }

    /// Sends `command` (without CR; `AT+CSQ`) once the commands before it are done, and waits for its
    /// final result, for `timeout` or ``ATTimeouts/command``.
    ///
    /// Error finals (`ERROR`, `+CMS ERROR: 322`) are answers, not thrown: see ``ATResponse/final``.
    public func send(_ command: String, timeout: Duration? = nil) async throws(ATChannelError) -> ATResponse {
        try await enqueue(command, body: nil, timeout: timeout)
    }

    /// Sends `command` (`AT+CMGS=23`), waits for the `> ` prompt, sends `body` (the hex PDU) and Ctrl-Z,
    /// and waits for the final result, for `timeout` or ``ATTimeouts/body``. Without a prompt within
    /// ``ATTimeouts/prompt`` it sends ESC and throws ``ATChannelError/Code/noPrompt``. A final result that
    /// comes instead of the prompt (`+CMS ERROR: 304`) is returned.
    public func send(_ command: String, body: String, timeout: Duration? = nil) async throws(ATChannelError)
        -> ATResponse
    {
        try await enqueue(command, body: body, timeout: timeout)
    }

    /// Submits an SMS in PDU mode: `AT+CMGS=<tpduLength>`, then `pdu` after the prompt.
    /// - Parameter tpduLength: octets of the TPDU, not counting the SMSC part.
    public func sendSMS(pdu: String, tpduLength: Int, timeout: Duration? = nil) async throws(ATChannelError)
        -> ATResponse
    {
        try await send("AT+CMGS=\(tpduLength)", body: pdu, timeout: timeout)
    }

    /// Sends `AT` until the modem answers `OK` (a SIM800 sets its baud rate from it), up to `tries` times,
    /// each waiting `timeout`. Returns the try that worked.
    @discardableResult
    public func synchronize(tries: Int = 10, timeout: Duration = .milliseconds(500)) async throws(ATChannelError)
        -> Int
    {
        for attempt in 1...max(tries, 1) {
            do {
                if try await send("AT", timeout: timeout).isOK { return attempt }
            } catch where error.code == .timeout {
                continue
            }
        }
        throw ATChannelError(.noResponse, detail: "\(tries) tries")
    }

    /// Commands waiting behind the one in flight.
    var queuedCount: Int { queue.count }

    /// Gets the modem's attention whatever it was doing: sends ESC, which ends a `> ` prompt that a
    /// previous process left open without sending anything (the modem would otherwise take the next
    /// commands as message text), and is ignored in command mode. Call it before ``synchronize(tries:timeout:)``
    /// on a new connection; it waits ``ATTimeouts/abort`` for the modem to settle.
    public func interruptPrompt() async {
        guard current == nil, queue.isEmpty, closedReason == nil else { return }
        let transport = self.transport
        trace?(.sentEscape)
        try? await transport.write([0x1B])
        try? await sleep(on: clock, for: timeouts.abort)
    }

    /// Ends a dial that still waits for its result (modems whose `ATD…;` answers only when the call is
    /// answered or fails): writes `hangUp` at once, ahead of the queue, and whatever the modem answers ends
    /// the dial. Does nothing unless a dial is in flight.
    public func abortDial(with hangUp: String) {
        guard let active = current, commandName(active.request.command) == "D" else { return }
        trace?(.sent(hangUp))
        write(Array(hangUp.utf8) + [0x0D], for: active.request.id)
    }

    /// Closes the transport; queued and in-flight commands fail with ``ATChannelError/Code/closed``.
    public func close() async {
        guard closedReason == nil else { return }
        closedReason = "closed by the controller"
        failAll()
        await transport.close()
    }

    // MARK: - Queue

    private func enqueue(_ command: String, body: String?, timeout: Duration?) async throws(ATChannelError)
        -> ATResponse
    {
        if let closedReason { throw ATChannelError(.closed, command: command, detail: closedReason) }
        let id = nextID
        nextID += 1
        let result = await withCheckedContinuation { continuation in
            queue.append(Request(id: id, command: command, body: body, timeout: timeout, reply: continuation))
            if current == nil { startNext() }
        }
        return try result.get()
    }

    private func startNext() {
        guard current == nil, closedReason == nil, !queue.isEmpty else { return }
        let request = queue.removeFirst()
        decoder.commandSent(request.command, body: request.body)
        current = Active(request: request, phase: request.body == nil ? .awaitingFinal : .awaitingPrompt)
        arm(request.body == nil ? request.timeout ?? timeouts.command : timeouts.prompt)
        trace?(.sent(request.command))
        write(Array(request.command.utf8) + [0x0D], for: request.id)
    }

    /// Writes without holding up the actor; a failure ends request `id` (if it is still current).
    private func write(_ bytes: [UInt8], for id: Int) {
        let transport = self.transport
        Task {
            do {
                try await transport.write(bytes)
            } catch let error as SerialPortError where error.code == .disconnected || error.code == .closed {
                self.writeFailed(id, .closed, "\(error)")
            } catch {
                self.writeFailed(id, .writeFailed, "\(error)")
            }
        }
    }

    private func writeFailed(_ id: Int, _ code: ATChannelError.Code, _ detail: String) {
        guard let active = current, active.request.id == id else { return }
        decoder.commandAbandoned()
        finish(.failure(ATChannelError(code, command: active.request.command, detail: detail)))
    }

    private func arm(_ duration: Duration) {
        guard let id = current?.request.id else { return }
        current?.timer?.cancel()
        current?.timer = wake(after: duration) { $0.timerFired(id) }
    }

    /// Runs `fired` on the channel after `duration` on the channel's clock, unless cancelled.
    private func wake(after duration: Duration, _ fired: @escaping @Sendable (isolated ATChannel) -> Void) -> WakeUp {
        WakeUp.after(duration, on: clock) { await fired(self) }
    }

    private func timerFired(_ id: Int) {
        guard let active = current, active.request.id == id else { return }
        switch active.phase {
        case .awaitingPrompt:
            // Abort the half-entered command, then give the modem a moment to answer the ESC, so that its
            // late OK/ERROR is not taken for the next command's.
            current?.phase = .aborting
            arm(timeouts.abort)
            trace?(.sentEscape)
            write([0x1B], for: id)
        case .aborting:
            decoder.commandAbandoned()
            finish(.failure(ATChannelError(.noPrompt, command: active.request.command)))
        case .awaitingFinal:
            decoder.commandAbandoned()
            finish(.failure(ATChannelError(.timeout, command: active.request.command)))
        }
    }

    private func finish(_ result: Result<ATResponse, ATChannelError>) {
        guard let active = current else { return }
        active.timer?.cancel()
        active.quiet?.cancel()
        current = nil
        active.request.reply?.resume(returning: result)
        startNext()
    }

    private func failAll() {
        let reason = closedReason ?? "closed"
        if let active = current {
            active.timer?.cancel()
            active.quiet?.cancel()
            current = nil
            active.request.reply?.resume(
                returning: .failure(
                    ATChannelError(
                        .closed, command: active.request.command, detail: reason,
                        bodyWritten: active.request.body != nil && active.phase == .awaitingFinal)))
        }
        let waiting = queue
        queue.removeAll()
        for request in waiting {
            request.reply?.resume(returning: .failure(ATChannelError(.closed, command: request.command, detail: reason)))
        }
        decoder.commandAbandoned()
    }

    // MARK: - Input

    private func received(_ bytes: [UInt8]) {
        for byte in bytes {
            guard let event = decoder.decode(byte) else { continue }
            handle(event)
        }
    }

    private func handle(_ event: ATEvent) {
        trace?(.received(event))
        switch event {
        case .response(let line):
            guard let active = current else { return }
            current?.lines.append(line)
            if active.phase == .awaitingFinal, active.answered || answers(active.request.command, line) {
                current?.answered = true
                armQuiet()
            }
        case .final(let final):
            guard let active = current else { return }
            if active.phase == .aborting {
                finish(.failure(ATChannelError(.noPrompt, command: active.request.command)))
            } else if active.request.reply == nil, !active.answered {
                // The probe's final counts only after its own line: this one is late.
                remember(final.description)
                decoder.commandSent(active.request.command)
            } else if active.phase == .awaitingPrompt, final == .ok {
                // A command with a body ends with OK only after its prompt and body: this OK is an earlier
                // command's, late (after its answer ended as `.implied`). Taken, it would count an unsent
                // message as sent.
                remember(final.description)
                decoder.commandSent(active.request.command, body: active.request.body)
            } else {
                finish(.success(ATResponse(lines: active.lines, final: final)))
            }
        case .prompt:
            guard let active = current, active.phase == .awaitingPrompt, let body = active.request.body else { return }
            current?.phase = .awaitingFinal
            arm(active.request.timeout ?? timeouts.body)
            trace?(.sentBody(body))
            write(Array(body.utf8) + [0x1A], for: active.request.id)
        case .unsolicited(let urc):
            urcs.yield(urc)
        case .stray(let line):
            remember(line)
        case .overlongLine(let head, let length):
            remember("\(head.prefix(64))… (\(length) bytes, cut)")
        }
    }

    /// Whether `line` is named like `command` (`+CPIN: READY` for `AT+CPIN?`). Of a command line holding
    /// several (`AT+CPMS="ME";+CMGR=3`), only the last one's answer counts: the first ones answer at once,
    /// the last may still be reading the SIM.
    private func answers(_ command: String, _ line: String) -> Bool {
        let name = commandName("AT" + lastCommand(of: command))
        guard name.count > 1, let lineName = atNameValue(line).name else { return false }
        return lineName.uppercased() == name
    }

    /// (Re)starts the quiet timer: every further line of the answer restarts it.
    private func armQuiet() {
        guard let id = current?.request.id else { return }
        current?.quiet?.cancel()
        current?.quiet = wake(after: timeouts.impliedFinal) { $0.quietElapsed(id) }
    }

    /// The answer ends as `.implied`. Its final result may still come late and would be taken for the next
    /// command's, so the next to go is a probe, `AT+CSQ`, whose own final counts only after its `+CSQ:`
    /// line: a final before that line is the late one. A probe that ends as `.implied` itself is not
    /// probed again.
    private func quietElapsed(_ id: Int) {
        guard let active = current, active.request.id == id, active.phase == .awaitingFinal else { return }
        decoder.commandAbandoned()
        if active.request.reply != nil {
            let probe = Request(id: nextID, command: Self.probeCommand, body: nil, timeout: nil, reply: nil)
            nextID += 1
            queue.insert(probe, at: 0)
        }
        finish(.success(ATResponse(lines: active.lines, final: .implied)))
    }

    static let probeCommand = "AT+CSQ"

    private func remember(_ line: String) {
        strayLines.append(line)
        if strayLines.count > 32 { strayLines.removeFirst(strayLines.count - 32) }
    }

    private func transportEnded(_ reason: String) {
        let closedHere = closedReason == nil
        if closedHere { closedReason = reason }
        failAll()
        urcs.finish()
        // The device went away: release the descriptor (and the reader thread) now, not at close().
        if closedHere {
            let transport = self.transport
            Task { await transport.close() }
        }
    }
}

/// The last of the commands on one line (V.250 §5.2.1: `;` separates them; a `;` in quotes is text):
/// `+CMGR=3` for `AT+CPMS="ME";+CMGR=3`, the command itself without the `AT` when there is one.
func lastCommand(of line: String) -> Substring {
    var quoted = false
    var start = line.startIndex
    for index in line.indices {
        switch line[index] {
        case "\"": quoted.toggle()
        case ";" where !quoted: start = line.index(after: index)
        default: break
        }
    }
    let last = line[start...]
    return last.uppercased().hasPrefix("AT") ? last.dropFirst(2) : last
}

/// Sleeps on an existential clock (opened here, since `Clock.sleep(for:)` needs the concrete type).
func sleep<C: Clock>(on clock: C, for duration: Duration) async throws where C.Duration == Duration {
    try await clock.sleep(until: clock.now.advanced(by: duration), tolerance: nil)
}
