import PluginKit
import SocketRuntime

/// Fuzz target `config`: the TOML parser (``TOMLDocument``) and the controller's configuration read from text
/// (``ControllerConfig/parse(_:file:zones:)``: the top-level keys, `[location]` with its time zone looked up
/// in the system's zone database, the role tables), then each role's plugin ``Plugin/preflight(for:settings:)``.
///
/// The input is the file's bytes; what is not UTF-8 only reaches the TOML parser, which refuses it.
///
/// Invariants: every error names the file and says what is wrong; a TOML error has a line, and every line
/// named is one of the file's.
enum ConfigFuzz {
    static let file = "/etc/smsocket/fuzz.toml"

    static func run(_ input: [UInt8]) -> [String] {
        let lines = 1 + input.lazy.filter { $0 == UInt8(ascii: "\n") }.count
        func check(_ error: ConfigError, needsLine: Bool) -> [String] {
            var problems: [String] = []
            if error.file != file || error.message.isEmpty { problems.append("an error without file or message: \(error)") }
            if let line = error.line, !(1...lines).contains(line) { problems.append("line \(line) of \(lines): \(error)") }
            if needsLine, error.line == nil { problems.append("a TOML error without a line: \(error)") }
            return problems
        }
        do throws(ConfigError) {
            _ = try TOMLDocument(parsing: input, file: file)
        } catch {
            return check(error, needsLine: true)
        }
        guard let text = String(validating: input, as: UTF8.self) else { return [] }
        let config: ControllerConfig
        do throws(ConfigError) {
            config = try ControllerConfig.parse(text, file: file)
        } catch {
            return check(error, needsLine: false)
        }
        var problems: [String] = []
        for (role, (kind, settings)) in config.roles {
            for error in PluginRegistry.plugin(kind: kind)?.preflight(for: role, settings: settings) ?? [] {
                problems += check(error, needsLine: false)
            }
        }
        return problems
    }
}
