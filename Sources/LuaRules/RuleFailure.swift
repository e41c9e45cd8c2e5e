/// A rule that failed to load, a run that failed or was stopped, `data` that cannot be stored, or a rule
/// disabled after repeated failures: what `rule-error` prints and the log records (rules-api.md "Limits and failures").
///
/// Its text is built when the failure happens, so it never refers into a Lua state that may be gone when it is
/// read.
public struct RuleFailure: Error, Sendable, CustomStringConvertible {
    /// What kind of failure; compare with the static members (`failure.code == .timeLimit`).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String, Hashable, Sendable {
            case syntax, registration, runtime, memoryLimit, timeLimit, badYield, badData, disabled
        }
        private let kind: Kind

        /// The file is not valid Lua text (bytecode is refused here too).
        public static let syntax = Code(kind: .syntax)
        /// A trigger call at load time had a bad argument (`every("5x", f)`), or clashes with another rule.
        public static let registration = Code(kind: .registration)
        /// A Lua error: `error(...)`, a bad action argument, an action the device could not carry out, a
        /// metatable with `__gc` (finalizers run with the time limit off, so rules cannot have them).
        public static let runtime = Code(kind: .runtime)
        /// The rule's state reached its memory limit (`rule_memory_kib`).
        public static let memoryLimit = Code(kind: .memoryLimit)
        /// The run computed for longer than the limit (100 ms) without waiting.
        public static let timeLimit = Code(kind: .timeLimit)
        /// The handler yielded other than through `sleep`, `call` or `ussd`.
        public static let badYield = Code(kind: .badYield)
        /// `data` held something that cannot be stored (a function, a cycle, too deep, not UTF-8 text).
        public static let badData = Code(kind: .badData)
        /// The rule failed ``RuleHost/failuresBeforeDisabling`` times in a row and is disabled until reloaded.
        public static let disabled = Code(kind: .disabled)

        public var description: String { kind.rawValue }
    }

    public let code: Code
    public let rule: String
    /// `FILE:LINE` where the failure happened, when a line is known.
    public let location: String?
    /// The message without the location.
    public let message: String
    /// The Lua stack at the failure (`stack traceback:` and one line per level), when there was one.
    public let traceback: String?

    public init(code: Code, rule: String, location: String?, message: String, traceback: String? = nil) {
        self.code = code
        self.rule = rule
        self.location = location
        self.message = message
        self.traceback = traceback
    }

    /// `FILE:LINE: message`, or the message alone when no line is known: the TEXT of `rule-error`.
    public var description: String { location.map { "\($0): \(message)" } ?? message }
}
