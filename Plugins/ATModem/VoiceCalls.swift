import SocketCore

/// Voice calls: who is ringing (RING and +CLIP), hanging up, and calls the controller places, followed
/// with AT+CLCC until they are answered, rejected or given up.
extension ATModem {
    /// A ring (with or without the caller's number). One incoming call is reported once, on its first
    /// `+CLIP`, or as hidden after two rings without one.
    func ring(caller: String?, withNumber: Bool) {
        let now = clock.now
        if var call = ringing, now - call.last < .seconds(8) {
            call.last = now
            if !withNumber { call.rings += 1 }
            ringing = call
        } else {
            ringing = RingingCall(rings: withNumber ? 0 : 1, reported: false, last: now)
        }
        guard var call = ringing, !call.reported else { return }
        if withNumber || call.rings >= 2 {
            call.reported = true
            ringing = call
            sink?.post(.incomingCall(from: withNumber ? caller : nil))
        }
    }

    public func rejectCall(from number: String) async throws {
        await connected()
        ringing?.reported = true
        _ = try await command(vendor.hangUp)
    }

    /// Dials `number` (`ATD<number>;`), then polls the call's state. Some modems (Wavecom) answer the dial
    /// only when the call is answered or fails; the call counts as outgoing from the moment it is dialled,
    /// so that ``endCall(to:)`` can end it meanwhile.
    public func placeCall(to number: String) async throws {
        await connected()
        if let previous = outgoing { await finishCall(previous, outcome: previous.answered ? .answered : .noAnswer) }
        outgoing = OutgoingCall(number: number, dialling: true)
        let answer: ATResponse
        do {
            answer = try await command("ATD\(number);", timeout: .seconds(30))
        } catch {
            if outgoing?.number == number { outgoing = nil }
            throw error
        }
        // Ended while dialling: its outcome is reported already.
        guard let call = outgoing, call.number == number, call.dialling else { return }
        outgoing?.dialling = false
        switch answer.final {
        case .ok:
            let interval = configuration.callPollInterval
            outgoing?.poller = Task {
                while !Task.isCancelled {
                    try? await self.clock.sleep(for: interval)
                    guard !Task.isCancelled else { return }
                    await self.pollCall()
                }
            }
        case .busy, .noCarrier:
            await finishCall(call, outcome: .rejected)
        case .noAnswer, .noDialtone:
            await finishCall(call, outcome: .noAnswer)
        default:
            outgoing = nil
            throw ModemError(.dialFailed, "ATD\(number);: \(answer.final)")
        }
    }

    func pollCall() async {
        guard let call = outgoing, let answer = try? await command("AT+CLCC"), answer.isOK else { return }
        let states = answer.values(of: "+CLCC").compactMap(ATResponseParser.call(clcc:)).filter { $0.outgoing && $0.voice }
        guard let state = states.first(where: { $0.stat != 6 }) else {
            // No call left: it ended; one that never became active was rejected (or busy).
            return await finishCall(call, outcome: call.answered ? .answered : .rejected)
        }
        await callState(state)
    }

    func callState(_ state: ATResponseParser.CallState) async {
        guard let call = outgoing else { return }
        switch state.stat {
        case 0: callBecameActive()
        case 6: await finishCall(call, outcome: call.answered ? .answered : .rejected)
        default: break
        }
    }

    func callBecameActive() {
        guard var call = outgoing, !call.answered else { return }
        call.answered = true
        outgoing = call
        sink?.post(.callAnswered(call.number))
    }

    /// Hangs up the call to `number` (ringing or connected).
    public func endCall(to number: String) async throws {
        guard let call = outgoing, call.number == number else { return }
        // Reported before hanging up: the modem's own end notice, racing the hang-up's OK, must not
        // report the call as rejected.
        await finishCall(call, outcome: call.answered ? .answered : .noAnswer)
        if call.dialling, let channel {
            await channel.abortDial(with: vendor.hangUp)
        } else {
            _ = try? await command(vendor.hangUp)
        }
    }

    func finishCall(_ call: OutgoingCall, outcome: CallOutcome) async {
        guard outgoing?.number == call.number else { return }
        outgoing?.poller?.cancel()
        outgoing = nil
        sink?.post(.callEnded(call.number, outcome))
    }
}
