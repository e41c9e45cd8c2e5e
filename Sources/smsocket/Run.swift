import ArgumentParser
import Logging
import SocketRuntime

/// `smsocket run --config FILE`: the controller on the configured board, until SIGTERM or SIGINT (SIGHUP
/// loads the rules again; the control socket answers `smsocket status` and its siblings; under systemd the
/// service manager hears READY, WATCHDOG, RELOADING and STOPPING). The log goes to
/// standard error: with `<N>` priorities for the journal under systemd, with time stamps elsewhere
/// (``DaemonLogHandler``).
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the controller on the board a configuration file describes, until SIGTERM or SIGINT.")

    @Option(help: "The configuration file (TOML), e.g. /etc/smsocket/smsocket.toml.")
    var config: String

    func run() async throws {
        var logger = Logger(label: "smsocket") { _ in DaemonLogHandler() }
        do {
            let file = try ControllerConfig.load(path: config)
            logger.logLevel = file.logLevel
            try await Daemon.run(config: file, logger: logger, write: Simulate.writeLine)
        } catch {
            // Logged with its priority, where the argument parser would print it without one.
            logger.error("SMSocket stopped on an error: \(error)")
            throw ExitCode.failure
        }
    }
}
