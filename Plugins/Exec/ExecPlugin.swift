import Logging
import PluginKit
import SocketCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// `kind = "exec"`: commands for hardware no plugin covers.
///
/// ```toml
/// [thermometer]
/// kind = "exec"
/// command = ["/usr/local/bin/read-temp", "--probe", "2"]   # prints 21.5
/// timeout_ms = 5000
///
/// [main_relay]
/// kind = "exec"
/// command = ["/usr/local/bin/relay", "1"]                  # run as `relay 1 on` / `relay 1 off`
///
/// [mains_sense]
/// kind = "exec"
/// command = ["/usr/local/bin/watch-mains"]                 # prints 0/1 at start and at each change
/// restart_delay_ms = 1000
/// ```
///
/// The command is a list of arguments, run without a shell; a program name without `/` is looked up
/// in `PATH`. Nothing is started until the port is.
public enum ExecPlugin: Plugin {
    public static let kind = "exec"
    public static let roles: Set<Role> = Set(Role.allCases.filter { $0.portKind != .modem })

    public static func make(
        for role: Role, settings: inout PluginSettings, context: PluginContext
    ) throws(ConfigError) -> PluginPort {
        guard let command = try settings.stringArray("command") else {
            throw settings.error("command", "missing; expected the command as a list of strings, e.g. [\"/usr/local/bin/read-temp\", \"--probe\", \"2\"]")
        }
        guard let program = command.first else {
            throw settings.error("command", "expected at least the program to run, found an empty list")
        }
        guard !program.isEmpty else { throw settings.error("command", "the program (the first item) is empty") }
        if let nul = command.first(where: { $0.contains("\0") }) {
            throw settings.error("command", "the argument \"\(nul.replacing("\0", with: "\\0"))\" contains a NUL character")
        }

        var logger = context.logger
        logger[metadataKey: "role"] = "\(role.rawValue)"
        switch role.portKind {
        case .thermometer:
            let timeout = try timeout(&settings)
            return .thermometer(ExecThermometer(command: command, timeout: timeout, logger: logger))
        case .output:
            let timeout = try timeout(&settings)
            return .output(ExecOutput(command: command, timeout: timeout, logger: logger))
        case .input:
            let delay = try settings.int("restart_delay_ms", in: 100...600_000) ?? 1000
            return .input(ExecInput(command: command, restartDelay: .milliseconds(delay), logger: logger))
        case .modem:
            throw settings.error(nil, "the exec plugin cannot be the modem")
        }
    }

    /// The command's program exists and this user may run it.
    public static func preflight(for role: Role, settings: PluginSettings) -> [ConfigError] {
        var settings = settings
        guard let command = try? settings.stringArray("command"), let program = command.first,
            let problem = ExecProgram.problem(program, searchPath: getenv("PATH").map { String(cString: $0) })
        else { return [] }
        return [settings.error("command", problem)]
    }

    private static func timeout(_ settings: inout PluginSettings) throws(ConfigError) -> Duration {
        .milliseconds(try settings.int("timeout_ms", in: 10...600_000) ?? 5000)
    }
}
