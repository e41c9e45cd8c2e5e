import ArgumentParser
import Foundation
import SocketCore
import SocketRuntime

/// `smsocket import FILE`: a settings document (`smsocket export`) replaces the settings.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Replace the settings with those of a JSON document written by `smsocket export`.",
        discussion: """
            Every field is checked first; a document with a problem changes nothing and the message names its \
            JSON path. The running controller applies the settings at once (arming the alarm, the thermostat's \
            fail-safe and the scheduler as a restart would) and answers once they are saved. The relays, the \
            alarm log, the clock and the history stay as they are. 
            """ + ControlOptions.exitCodes)

    @Argument(help: "The document (`-` for standard input).")
    var file: String

    @OptionGroup var stateOption: StateOption
    @OptionGroup var options: ControlOptions

    /// Far above any document (about 1.5 KB), far below what would strain memory.
    static let maximumBytes = 1 << 20

    func run() throws {
        let document: SettingsDocument
        do {
            document = try SettingsDocument.parse(try read())
        } catch let error as SettingsDocument.Invalid {
            throw options.refuse(ControlError(.badSettings, "\(file == "-" ? "standard input" : file): \(error)"))
        }
        if let store = try stateOption.open(mayCreate: true, options) {
            do {
                try store.importSettings(document, at: SystemClock().now)
            } catch {
                throw options.refuse(ControlError(.notSaved, "\(error)"))
            }
            print(options.json ? ControlReply.success(ControlNothing()) : "imported")
            return
        }
        try options.run(.importSettings(document), as: ControlNothing.self) { _ in ["imported"] }
    }

    private func read() throws -> Data {
        let handle: FileHandle
        if file == "-" {
            handle = .standardInput
        } else if let opened = FileHandle(forReadingAtPath: file) {
            handle = opened
        } else {
            throw options.refuse(ControlError(.badSettings, "cannot read \(file)"))
        }
        let data = (try? handle.read(upToCount: Self.maximumBytes + 1)) ?? Data()
        guard data.count <= Self.maximumBytes else {
            throw options.refuse(ControlError(.badSettings, "\(file) is larger than \(Self.maximumBytes >> 10) KiB: not a settings document"))
        }
        return data
    }
}
