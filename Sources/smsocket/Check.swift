import ArgumentParser
import SocketRuntime

/// `smsocket check --config FILE`: checks a configuration and what `run` needs from this machine, without
/// touching any hardware; prints every problem, in file order, and fails if there is one.
struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a configuration file, the board it describes and what running it needs, without touching hardware.")

    @Option(help: "The configuration file (TOML).")
    var config: String

    func run() async throws {
        let report = ConfigCheck.check(path: config)
        for finding in report.findings { print(finding) }
        let errors = report.findings.filter { $0.severity == .error }.count
        guard errors == 0, let file = report.config else {
            print("\(config): \(errors) \(errors == 1 ? "problem" : "problems"); `smsocket run` would not work with this file")
            throw ExitCode.failure
        }
        print("\(config): OK")
        print("model: \(file.model.rawValue), state: \(file.statePath ?? ControllerConfig.defaultStatePath)" + (file.rulesPath.map { ", rules: \($0)" } ?? ""))
        for line in report.summary { print(line) }
        if let location = file.location { print(location.summary(at: SystemClock().now)) }
    }
}
