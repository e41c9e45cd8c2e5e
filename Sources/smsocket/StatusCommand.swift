import ArgumentParser
import SocketRuntime

/// `smsocket status`: what the running controller knows now.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the running controller's state: relays, temperature, alarm, modem, outbox, rules, uptime.",
        discussion: ControlOptions.exitCodes)

    @OptionGroup var options: ControlOptions

    func run() throws {
        try options.run(.status, as: ControlStatus.self) { $0.lines }
    }
}
