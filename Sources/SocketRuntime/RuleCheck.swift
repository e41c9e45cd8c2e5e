import LuaRules
import PluginKit
import SocketCore

/// `smsocket check` loads every rule in a sandbox: a host of its own with no device behind it, so a rule's
/// load error (syntax, a bad registration, an error at its top level) is reported as `FILE:LINE` before `run`.
extension ConfigCheck {
    static func rules(_ config: ControllerConfig) -> [ConfigFinding] {
        guard let folder = config.rulesPath else { return [] }
        final class Sandbox: RuleEnvironment {
            func deviceState() -> DeviceState { .unknown }
            func deviceClock() -> CivilTime? { nil }
            func sunTimes(on day: CalendarDate?) -> LuaRules.SunTimes? { nil }
            func log(_ text: String, rule: String) {}
            func report(_ failure: RuleFailure) {}
        }
        let sandbox = Sandbox()
        let host = RuleHost(
            configuration: RuleHostConfiguration(memoryLimitKiB: config.ruleMemoryKiB, hasLocation: config.location?.coordinates != nil),
            environment: sandbox)
        var findings: [ConfigFinding] = []
        for file in RuleEngine.ruleFiles(in: folder, logger: .init(label: "smsocket.check")) {
            let path = folder + "/" + file
            do {
                try host.load(rule: String(file.dropLast(4)), file: file, source: try RuleEngine.read(path))
            } catch let failure as RuleFailure {
                let line = failure.location.flatMap { $0.split(separator: ":").last.flatMap { Int($0) } }
                findings.append(ConfigFinding(.error, ConfigError(file: path, line: line, key: nil, message: failure.message)))
            } catch {
                findings.append(ConfigFinding(.error, ConfigError(file: path, line: nil, key: nil, message: "\(error)")))
            }
        }
        return findings
    }
}
