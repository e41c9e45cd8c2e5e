/// Voice calls: incoming control calls (RING, RINGCONFIRM; spec §4.4) and the one outgoing call the
/// modem can hold at a time (alarm calls, ring-confirm call-backs).
struct ActiveCall: Sendable, Equatable {
    enum Purpose: Equatable, Sendable {
        case alarm, callBack
        /// A rule's `call`, by its request number.
        case rule(Int)
    }
    var number: String
    var purpose: Purpose
    var answered = false
}

extension SocketCore {
    /// A call from an allowed number carries out RING and is hung up so it costs nothing; other calls
    /// just ring (the caller hears ringing, M§18's reachability test).
    mutating func incomingCall(from address: String?) {
        guard persistent.ring != .noAction, persistent.secListActive, let address,
            let caller = Self.listForm(address), persistent.secNumbers.contains(caller)
        else { return }
        emit(.rejectCall(from: address))
        let text: String
        // The caller asked for the switching: if it fails, they hear of it as an SMS sender would.
        volatile.requester = .sms(address)
        defer { volatile.requester = .nobody }
        switch persistent.ring {
        case .toggle:
            let on = !persistent.mainRelayOn
            setMain(on)
            text = on ? "Power socket ON" : "Power socket OFF"
        case .restart:
            restartMain()
            text = "Power socket restarted"
        case .noAction:
            return
        }
        guard persistent.ringConfirm else { return }
        switch persistent.ringConfirmType {
        case .sms: emit(.sendSMS(to: address, text: text))
        case .call: placeCall(to: address, purpose: .callBack)
        }
    }

    /// Alarm calls take the line from anything else; a call-back finding the line busy is dropped.
    mutating func placeCall(to number: String, purpose: ActiveCall.Purpose) {
        if let current = volatile.call {
            guard purpose == .alarm else {
                if case .rule(let id) = purpose { emit(.ruleCallDone(id: id, result: .failed)) }
                return
            }
            hangUp(current)
            if case .rule(let id) = current.purpose, !current.answered { emit(.ruleCallDone(id: id, result: .failed)) }
        }
        volatile.call = ActiveCall(number: number, purpose: purpose)
        emit(.placeCall(to: number))
        let ring: Int64 =
            switch purpose {
            case .alarm: Timing.alarmCallRing
            case .callBack: Timing.ringConfirmCallBack
            case .rule(let id): volatile.ruleCallRing[id] ?? Timing.alarmCallRing
            }
        schedule(.callRing, afterSeconds: ring)
    }

    /// Ends the current call from this side; a late report of its end is then ignored.
    mutating func hangUp(_ call: ActiveCall) {
        emit(.endCall(to: call.number))
        emit(.cancelTimer(call.answered ? .callListen : .callRing))
        if volatile.alarm.audioOn {
            volatile.alarm.audioOn = false
            emit(.audio(on: false))
        }
        volatile.call = nil
    }

    mutating func callRingExpired() {
        guard let call = volatile.call, !call.answered else { return }
        hangUp(call)
        if call.purpose == .alarm, volatile.alarm.phase == .cycle { callNextAlertNumber() }
        if case .rule(let id) = call.purpose { emit(.ruleCallDone(id: id, result: .noAnswer)) }
    }

    mutating func callAnswered(_ number: String) {
        guard var call = volatile.call, call.number == number, !call.answered else { return }
        if case .rule(let id) = call.purpose {
            // The rule talks on: the call stays up until its `hangup()`, the end of its run, or the listen-in time.
            emit(.cancelTimer(.callRing))
            call.answered = true
            volatile.call = call
            schedule(.callListen, afterSeconds: Timing.alarmListenIn)
            return emit(.ruleCallDone(id: id, result: .answered))
        }
        guard call.purpose == .alarm else { return hangUp(call) }
        emit(.cancelTimer(.callRing))
        call.answered = true
        volatile.call = call
        volatile.alarm.audioOn = true
        emit(.audio(on: true))
        releasePulse()
        endCycle()
        schedule(.callListen, afterSeconds: Timing.alarmListenIn)
    }

    mutating func callEnded(_ number: String, _ outcome: CallOutcome) {
        guard let call = volatile.call, call.number == number else { return }
        emit(.cancelTimer(call.answered ? .callListen : .callRing))
        volatile.call = nil
        if volatile.alarm.audioOn {
            volatile.alarm.audioOn = false
            emit(.audio(on: false))
        }
        if case .rule(let id) = call.purpose, !call.answered {
            return emit(.ruleCallDone(id: id, result: outcome == .rejected ? .rejected : .noAnswer))
        }
        guard call.purpose == .alarm, !call.answered, volatile.alarm.phase == .cycle else { return }
        if outcome != .noAnswer {
            releasePulse()
            endCycle()
        } else {
            callNextAlertNumber()
        }
    }

    mutating func listenInExpired() {
        guard let call = volatile.call, call.answered else { return }
        hangUp(call)
    }

    /// A rule's `call(NUMBER, [ring])`: answered with ``Effect/ruleCallDone(id:result:)``. The line holds one
    /// call: busy (another call up), the rule's call fails at once; an alarm call takes the line from it.
    mutating func ruleCall(id: Int, number: String, ringSeconds: Int) {
        volatile.ruleCallRing[id] = Int64(min(max(ringSeconds, 1), 120))
        defer { volatile.ruleCallRing[id] = nil }
        placeCall(to: number, purpose: .rule(id))
    }

    /// A rule's `hangup()`, or the end of its run: its call ends.
    mutating func ruleHangup(id: Int) {
        guard let call = volatile.call, call.purpose == .rule(id) else { return }
        hangUp(call)
    }
}
