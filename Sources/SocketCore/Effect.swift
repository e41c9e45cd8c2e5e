/// The two relays of the device.
public enum Relay: String, CaseIterable, Hashable, Sendable {
    case main, micro

    /// The part's name in STATUS's `Fault:` line, the fault SMS and the log.
    public var partName: String {
        switch self {
        case .main: "main relay"
        case .micro: "micro relay"
        }
    }
}

/// Something the core asks the shell to do. Effects are returned in the order they must be carried out.
public enum Effect: Equatable, Hashable, Sendable {
    case sendSMS(to: String, text: String)
    /// A reply to the local console (the origin of a ``Event/localCommand(_:)``).
    case reply(String)
    case setRelay(Relay, on: Bool)
    /// Start calling this number; the shell reports ``Event/callAnswered(_:)`` / ``Event/callEnded(_:_:)``.
    case placeCall(to: String)
    /// End the outgoing call to this number (ringing or connected).
    case endCall(to: String)
    /// Hang up an incoming call.
    case rejectCall(from: String)
    case sendUSSD(code: String)
    /// The microphone channel of an alarm call.
    case audio(on: Bool)
    /// Take a reading; the shell answers with ``Event/temperature(_:)``.
    case readTemperature
    case schedule(TimerID, at: Instant)
    case cancelTimer(TimerID)
    /// The device is going dark (mains lost without a battery, or the battery run ended).
    case powerDown
    /// Answers a ``Event/outputFailed(_:on:)``: the replies that the failed switching produced and that the
    /// shell has not let out yet are dropped: SMS to this address, or with nil the local console's replies.
    /// They claimed a switching that did not happen; an error reply follows instead.
    case retractReplies(to: String?)
    /// A scheduler rule with a rule's action name fired: run that rule's `action` handler.
    case ruleAction(String)
    /// Run a rule's command handler; answer with ``Event/ruleCommandDone(id:reply:failed:)``.
    case ruleCommand(RuleCommandRequest)
    /// Start (true) or cancel (false) the rules' alarm response as the notification cycle; a started one is
    /// answered with ``Event/alarmResponseEnded(failed:)``.
    case alarmResponse(start: Bool)
    /// Something rules may watch that only the core knows.
    case notice(DeviceNotice)
    /// How a rule's call ``Event/ruleCall(id:number:ringSeconds:)`` came out.
    case ruleCallDone(id: Int, result: RuleCallResult)
    /// The network's answer to a rule's USSD request, nil when none came.
    case ruleUSSDDone(id: Int, answer: String?)
    /// A human-readable note for logs and the simulator's `#` lines.
    case note(String)
    /// What became of the SMS or local command being handled, for the activity log (one per message).
    case verdict(Verdict)
}
