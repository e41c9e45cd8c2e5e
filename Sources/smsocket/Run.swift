import ArgumentParser
import Logging
import ServiceLifecycle
import SocketRuntime

/// `smsocket run --config FILE`: the controller on the configured board, until SIGTERM or SIGINT.
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the controller on the board a configuration file describes, until SIGTERM or SIGINT.")

    @Option(help: "The configuration file (TOML), e.g. /etc/smsocket/smsocket.toml.")
    var config: String

    func run() async throws {
        let file = try ControllerConfig.load(path: config)
        var logger = Logger(label: "smsocket")
        logger.logLevel = file.logLevel
        let services = try Daemon.services(config: file, logger: logger, write: Simulate.writeLine)
        let group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
