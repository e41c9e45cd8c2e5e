import ArgumentParser
import SocketCore
import SocketRuntime

/// `smsocket export`: the settings as a JSON document on standard output, for a backup or a new board.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Print the settings (everything SMS commands set, passwords included) as a JSON document.",
        discussion: "Save it with `smsocket export > settings.json`; `smsocket import settings.json` reads it back. "
            + ControlOptions.exitCodes)

    @OptionGroup var stateOption: StateOption
    @OptionGroup var options: ControlOptions

    func run() throws {
        if let store = try stateOption.open(mayCreate: false, options) {
            let state: PersistentState
            do {
                state = try store.loadState()
            } catch {
                throw options.refuse(ControlError(.notRead, "\(error)"))
            }
            let document = SettingsDocument(settingsOf: state)
            print(options.json ? ControlReply.success(ControlReply.Exported(settings: document)) : document.json(pretty: true))
            return
        }
        try options.run(.export, as: ControlReply.Exported.self) { [$0.settings.json(pretty: true)] }
    }
}
