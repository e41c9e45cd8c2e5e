import ArgumentParser
import SocketCore
import SocketRuntime

/// `smsocket sms NUMBER TEXT`: an SMS through the controller's outbox.
struct SMSCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sms",
        abstract: "Queue an SMS in the running controller's outbox (it is sent, and retried, as its own messages are).",
        discussion: ControlOptions.exitCodes)

    @Argument(help: "The recipient: an optional + and 1 to 15 digits.")
    var number: String

    @Argument(help: "The text (1 to \(ControlRequest.maximumTextLength) bytes).")
    var text: String

    @OptionGroup var options: ControlOptions

    func validate() throws {
        guard CommandParser.isDialableNumber(number) else {
            throw ValidationError("'\(number)' is not a phone number: an optional + and 1 to 15 digits")
        }
        try ControlOptions.validate(text: text)
    }

    func run() throws {
        try options.run(.sms(number: number, text: text), as: ControlReply.Queued.self) { ["queued for \($0.queued)"] }
    }
}
