import ArgumentParser
import SocketCore

/// `smsocket`: the SMSocket controller.
@main
struct SMSocketCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "smsocket",
        abstract: "An open controller for GSM power sockets that speaks the iSocket GSM 706/707 SMS language.",
        version: SocketCore.version,
        subcommands: [
            Simulate.self, Run.self, Check.self, StatusCommand.self, SendCommand.self, SMSCommand.self, ReloadCommand.self, LogCommand.self,
            ExportCommand.self, ImportCommand.self,
        ]
    )
}
