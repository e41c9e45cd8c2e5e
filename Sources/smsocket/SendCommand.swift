import ArgumentParser
import SocketRuntime

/// `smsocket send "TEXT"`: an iSocket command with the local console's trust (no password); prints the reply.
struct SendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Run an iSocket command (as an SMS would, without password) on the running controller; print its reply.",
        discussion: ControlOptions.exitCodes)

    @Argument(help: "The command, e.g. \"STATUS\" or \"ON\".")
    var text: String

    @OptionGroup var options: ControlOptions

    func validate() throws {
        try ControlOptions.validate(text: text)
    }

    func run() throws {
        try options.run(.send(text: text), as: ControlReply.Replies.self) { $0.replies }
    }
}
