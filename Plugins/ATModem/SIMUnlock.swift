import SocketCore

/// The SIM's PIN: asked with `AT+CPIN?` at every initialisation, entered with `AT+CPIN="<pin>"` when the SIM
/// asks for it and `[modem] pin` is set, at most once per PIN (``PINAttemptRecord``), and never logged.
///
/// A PIN is not entered when the SIM reports fewer than two attempts left (``ModemVendor/pinAttemptsQuery``,
/// where the modem can tell): the entry must never be the one that locks the SIM. A SIM that asks for its
/// PUK is left alone. Each of these is a ``ModemError`` that ``ModemError/Code/needsAPerson``: the modem
/// stays offline, the rest of the controller runs on.
extension ATModem {
    /// What `AT+CPIN?` says of the SIM.
    enum SIMStatus: Equatable {
        case ready, pin, puk, absent
        /// Anything else (`SIM BUSY`, `PH-SIM PIN`, an error): the whole answer.
        case other(String)
    }

    func simStatus() async throws -> SIMStatus {
        let answer = try await command("AT+CPIN?")
        let value = (answer.values(of: "+CPIN").first ?? "").filter { $0 != "\"" }
        switch (answer.final, value) {
        case (let final, "READY") where final.isOK: return .ready
        // 27.007 §9.2: +CME ERROR 11 is "SIM PIN required", 12 "SIM PUK required", 10 "SIM not inserted".
        case (_, "SIM PIN"), (.cmeError(11), _): return .pin
        case (_, "SIM PUK"), (.cmeError(12), _): return .puk
        case (.cmeError(10), _): return .absent
        default: return .other(answer.description)
        }
    }

    /// Makes sure the SIM is ready, entering the configured PIN when it asks for one.
    /// - Throws: ``ModemError`` (`.simPINRequired` with no PIN configured, `.wrongPIN`, `.pinNotRetried`,
    ///   `.pinAttemptsLow`, `.simPUKRequired`, `.noSIM`, `.simNotReady`); ``ATChannelError`` from `AT+CPIN?`.
    func unlockSIM() async throws {
        switch try await simStatus() {
        case .ready:
            // Ready means a right PIN was entered since (or the lock is off): the SIM's counter is full again.
            if pinRecord.entry != nil || pinRecord.unreadable {
                logger.notice("modem \(configuration.device): the SIM is ready; the record of an earlier PIN entry is no longer needed")
                pinRecord.clear()
            }
        case .pin: try await enterPIN()
        case .puk: throw ModemError(.simPUKRequired)
        case .absent: throw ModemError(.noSIM)
        case .other(let answer): throw ModemError(.simNotReady, answer)
        }
    }

    private func enterPIN() async throws {
        guard let pin = configuration.pin else { throw ModemError(.simPINRequired) }
        if let reason = pinRecord.blocking(pin) { throw ModemError(.pinNotRetried, reason) }
        let left = await pinAttemptsLeft()
        if let left, left < 2 { throw ModemError(.pinAttemptsLow, "the SIM reports \(left) attempt\(left == 1 ? "" : "s") left") }
        do {
            try pinRecord.attempting(pin)
        } catch {
            throw ModemError(.simNotReady, "the PIN is not entered, since the attempt cannot be recorded first (\(error))")
        }
        let attempts = left.map { " (\($0) attempts left)" } ?? ""
        logger.notice("modem \(configuration.device): the SIM asks for its PIN; entering the configured one\(attempts)")
        let answer: ATResponse
        pinEnteredAt = clock.now
        do {
            answer = try await command("AT+CPIN=\"\(pin)\"")
        } catch {
            // Not the channel's error: it names the command, and with it the PIN.
            let why = (error as? ATChannelError).map { "\($0.code)" } ?? "the port failed"
            throw ModemError(.simNotReady, "no answer to the PIN (\(why)); it is not entered again until the SIM shows whether it took it")
        }
        switch answer.final {
        case let final where final.isOK:
            break
        case .cmeError(12):
            throw ModemError(.simPUKRequired)
        default:
            // +CME ERROR: 16 (incorrect password) or any other refusal.
            try await pinRefused("the SIM answered \(answer.final)")
        }
        // The SIM takes a moment to start after its PIN (SIM BUSY meanwhile).
        for _ in 0..<max(configuration.simStartTries, 1) {
            switch try await simStatus() {
            case .ready:
                pinRecord.clear()
                logger.notice("modem \(configuration.device): the SIM accepted its PIN")
                return
            case .pin: try await pinRefused("the SIM still asks for its PIN")
            case .puk: throw ModemError(.simPUKRequired)
            case .absent: throw ModemError(.noSIM)
            case .other: try await clock.sleep(for: configuration.simStartPause)
            }
        }
        throw ModemError(.simNotReady, "the SIM took its PIN but did not become ready")
    }

    private func pinRefused(_ what: String) async throws -> Never {
        pinRecord.refused()
        let left = await pinAttemptsLeft()
        throw ModemError(.wrongPIN, what + (left.map { "; \($0) attempt\($0 == 1 ? "" : "s") left" } ?? ""))
    }

    /// PIN attempts the SIM has left, where the modem tells (the vendor's query, then 27.007's `AT+CPINR`).
    func pinAttemptsLeft() async -> Int? {
        var queries = [vendor.pinAttemptsQuery]
        if vendor != .generic { queries.append(ModemVendor.generic.pinAttemptsQuery) }
        for query in queries {
            guard let answer = try? await command(query.command), answer.isOK, let value = answer.values(of: query.name).first else { continue }
            let fields = ATResponseParser.fields(value)
            if fields.count > query.field, let count = Int(fields[query.field]), (0...99).contains(count) { return count }
        }
        return nil
    }
}
