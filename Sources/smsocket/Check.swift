import ArgumentParser
import Logging
import SocketCore
import SocketRuntime

#if canImport(Glibc)
    import Glibc
#endif

/// `smsocket check --config FILE`: checks a configuration and what `run` needs from this machine, without
/// touching any hardware; prints every problem, in file order, and fails if there is one.
///
/// Under systemd (its `ExecStartPre`) standard output is the journal: each line then carries the priority of
/// what it says (`<3>` for an error, `<4>` a warning), so `journalctl -p err` shows why the service did not
/// start.
struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a configuration file, the board it describes and what running it needs, without touching hardware.")

    @Option(help: "The configuration file (TOML).")
    var config: String

    func run() async throws {
        let journalStream = getenv("JOURNAL_STREAM").map { String(cString: $0) }
        let style = DaemonLogHandler.style(journalStream: journalStream, descriptor: 1)
        func say(_ text: String, _ level: Logger.Level) {
            // On the journal with its priority (a journal line needs no time); elsewhere as it always was.
            let line = style == .journal ? DaemonLogHandler.record(text, level: level, style: .journal, at: Instant(seconds: 0)) : text + "\n"
            print(line, terminator: "")
        }
        let report = ConfigCheck.check(path: config, logger: Logger(label: "smsocket") { _ in DaemonLogHandler(journalStream: journalStream) })
        for finding in report.findings {
            let level: Logger.Level =
                switch finding.severity {
                case .error: .error
                case .warning: .warning
                case .note: .info
                }
            say("\(finding)", level)
        }
        let errors = report.findings.filter { $0.severity == .error }.count
        guard errors == 0, let file = report.config else {
            say("\(config): \(errors) \(errors == 1 ? "problem" : "problems"); `smsocket run` would not work with this file", .error)
            throw ExitCode.failure
        }
        say("\(config): OK", .notice)
        say("model: \(file.model.rawValue), state: \(file.statePath ?? ControllerConfig.defaultStatePath)" + (file.rulesPath.map { ", rules: \($0)" } ?? ""), .info)
        for line in report.summary { say(line, .info) }
        if let location = file.location { say(location.summary(at: SystemClock().now), .info) }
    }
}
