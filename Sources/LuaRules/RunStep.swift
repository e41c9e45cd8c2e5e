import SocketCore

/// One run of a handler: a coroutine of its own in the rule's state, from ``RuleHost/start(_:with:)`` until it
/// finishes, fails or is cancelled.
public struct RunID: Hashable, Sendable, CustomStringConvertible {
    public let rule: String
    /// Counts the runs of the host from 1, so no two runs share an ID while the host lives.
    public let number: Int

    public var description: String { "\(rule)/\(number)" }
}

/// Where a run stands after ``RuleHost/start(_:with:)`` or ``RuleHost/resume(_:with:)`` returns.
public struct RunStep: Sendable {
    public let run: RunID

    public enum Outcome: Sendable {
        /// The handler returned: its first return value (`.nil` when none), e.g. a command's reply text.
        case finished(LuaValue)
        /// The handler waits for the host: carry the request out, then call ``RuleHost/resume(_:with:)`` (or
        /// ``RuleHost/cancel(_:)``).
        case waiting(WaitRequest)
        /// The run ended in a failure: already counted against the rule; report it.
        case failed(RuleFailure)
    }

    public let outcome: Outcome

    /// The rule's `data` to store now, when it changed since the last time it was handed out (load counts as
    /// handed out: the value passed in). Nil when it is unchanged. Steps are exactly the save points the
    /// contract names: each wait and the end of each run.
    public let dataToSave: LuaValue?

    /// Other failures of the rule found during the step, to report after the outcome: `data` that cannot be
    /// stored when the run had failed already, and last the notice (``RuleFailure/Code/disabled``) when this
    /// step disabled the rule.
    public let reports: [RuleFailure]
}

/// What a waiting run asks the host for (the ⏸ actions of rules-api.md).
public enum WaitRequest: Hashable, Sendable {
    /// `sleep(DURATION)`: resume with ``WaitResult/slept`` once the controller's clock has advanced by it.
    case sleep(Duration)
    /// `call(NUMBER, [ring_seconds])`: ring NUMBER (`+` and 1–15 digits, as written) for at most `ring`
    /// (default 20 s), then resume with ``WaitResult/call(_:)``.
    case call(number: String, ring: Duration)
    /// `ussd(CODE)`: send the USSD request (`*100#`), resume with ``WaitResult/ussd(_:)``: the answer, or
    /// nil after 30 seconds.
    case ussd(code: String)
    /// An action that goes through the controller (`main.on`, `sms`, `run`, ...): carry it out, then resume with
    /// ``WaitResult/action(_:)``. It waits because switching a relay takes I/O, and a failure must reach the
    /// handler as an error (rules-api.md: an action that fails raises an error in the rule).
    case action(RuleAction)
}

/// The answer to a ``WaitRequest``, which becomes the return value of the waiting Lua call.
public enum WaitResult: Hashable, Sendable {
    /// `sleep` returns nothing.
    case slept
    /// `call` returns the result's Lua string: `"answered"`, `"rejected"`, `"noanswer"` or `"failed"`.
    case call(RuleCallResult)
    /// The network's answer, or nil when none came.
    case ussd(String?)
    /// What the action came to: `run`'s reply text (nil for none, and for the other actions), or why it failed,
    /// which the waiting call raises as a Lua error.
    case action(Result<String?, RuleActionError>)
}
