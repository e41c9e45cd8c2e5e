import ArgumentParser
import Logging
import PluginKit
import SocketRuntime

/// `smsocket check --config FILE`: validates a configuration without touching any hardware.
struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a configuration file (and the board it describes) without touching hardware.")

    @Option(help: "The configuration file (TOML).")
    var config: String

    func run() async throws {
        let file = try ControllerConfig.load(path: config)
        let ports = try BoardBuilder.ports(for: file, context: PluginContext(logger: Logger(label: "smsocket.check"), model: file.model))
        print("\(config): OK")
        print("model: \(file.model.rawValue), state: \(file.statePath ?? ControllerConfig.defaultStatePath)" + (file.rulesPath.map { ", rules: \($0)" } ?? ""))
        for line in ports.summary { print(line) }
    }
}
