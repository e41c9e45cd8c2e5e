/// What became of one command message, an SMS or a local console command (spec §2.7): the step that
/// decided and why, with the command as a log may show it. The core reports it once per message as
/// ``Effect/verdict(_:)``; the shell, which knows the message and sees the other effects (replies, relay
/// changes), writes the activity log from it.
public struct Verdict: Equatable, Hashable, Sendable {
    /// The command with the access password prefix and every password in it masked (``Redaction``); nil
    /// when none of it can be shown safely (a body that does not begin with the access password may hold a
    /// mistyped one anywhere) or there is nothing to show (an empty or over-long message).
    public var command: String?
    public var outcome: Outcome

    public init(command: String?, outcome: Outcome) {
        self.command = command
        self.outcome = outcome
    }

    public enum Outcome: Equatable, Hashable, Sendable, CustomStringConvertible {
        /// Step 1: longer than 30 characters (§2.4); the count is of the trimmed body.
        case tooLong(characters: Int)
        /// Nothing but white space (§5 A69).
        case empty
        /// Step 2: SECLIST=ON and the sender is not on the list, or hidden.
        case notOnList
        /// Step 3: the body does not begin with the access password.
        case wrongPassword
        /// Step 4: no such command.
        case unknownCommand
        /// Step 4: a command the Light models lack (§1.2).
        case notOnThisModel
        /// Step 5: a 30min command while the configuration window is closed.
        case windowClosed
        /// Step 6: a value outside its set or range.
        case incorrectValue
        /// Step 8: the board lacks the part the command needs (thermometer, alarm input, micro-relay).
        case missingPart
        /// Steps 7–8: a documented refusal or a failure, with its reply text (which holds no password).
        case refused(String)
        /// Executed.
        case done
        /// Executed; the answer comes later (a USSD request).
        case answerLater

        /// Plain words for the log.
        public var description: String {
            switch self {
            case .tooLong(let count): "dropped: \(count) characters, more than \(SocketCore.Timing.maxMessageLength)"
            case .empty: "dropped: empty"
            case .notOnList: "refused: the sender is not on the SECNUMBER list"
            case .wrongPassword: "refused: wrong or missing access password"
            case .unknownCommand: "refused: unknown command"
            case .notOnThisModel: "refused: not a command of this model"
            case .windowClosed: "refused: the 30-minute configuration window is closed"
            case .incorrectValue: "refused: incorrect value"
            case .missingPart: "refused: the board does not have the part it needs"
            case .refused(let reply): "refused: \(reply)"
            case .done: "done"
            case .answerLater: "done, the answer comes later"
            }
        }
    }
}
