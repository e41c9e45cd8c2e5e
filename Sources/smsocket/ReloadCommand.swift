import ArgumentParser
import SocketRuntime

/// `smsocket reload`: the Lua rules loaded again, as SIGHUP does.
struct ReloadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reload",
        abstract: "Load the running controller's Lua rules again (as SIGHUP does); show what loaded and what failed.",
        discussion: ControlOptions.exitCodes)

    @OptionGroup var options: ControlOptions

    func run() throws {
        try options.run(.reload, as: RulesReport.self) { $0.lines }
    }
}
