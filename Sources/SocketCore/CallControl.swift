/// Voice calls: incoming control calls (RING, RINGCONFIRM; spec §4.4) and the one outgoing call the
/// modem can hold at a time (alarm calls, ring-confirm call-backs).
struct ActiveCall: Sendable, Equatable {
    enum Purpose: Sendable { case alarm, callBack }
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
            guard purpose == .alarm else { return }
            hangUp(current)
        }
        volatile.call = ActiveCall(number: number, purpose: purpose)
        emit(.placeCall(to: number))
        schedule(.callRing, afterSeconds: purpose == .alarm ? Timing.alarmCallRing : Timing.ringConfirmCallBack)
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
    }

    mutating func callAnswered(_ number: String) {
        guard var call = volatile.call, call.number == number, !call.answered else { return }
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
}
