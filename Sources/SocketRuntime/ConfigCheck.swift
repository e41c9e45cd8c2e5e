import Logging
import PluginKit
import SocketCore
import SystemCalls

#if canImport(Glibc)
    import Glibc
#endif

/// One thing `smsocket check` found, about a place in the configuration file.
public struct ConfigFinding: Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable {
        /// `run` would stop, or fail when it starts the part.
        case error
        /// `run` works, without a feature of the model.
        case warning
        /// Worth knowing; nothing to fix.
        case note
    }

    public var severity: Severity
    /// The file, line, key and what is wrong.
    public var detail: ConfigError

    public init(_ severity: Severity, _ detail: ConfigError) {
        self.severity = severity
        self.detail = detail
    }

    /// `error: board.toml:12: main_relay.line: ...`
    public var description: String { "\(severity.rawValue): \(detail)" }
}

/// `smsocket check`: everything `run` needs from a configuration file and from this machine, checked
/// without touching hardware, every problem at once. Beyond what `run` itself reads (the file, its keys,
/// each plugin's settings) it checks what `run` would only find when it starts: the state folder, the
/// rules folder, what the plugins need on the machine (``Plugin/preflight(for:settings:)``: an exec
/// command's program), and it warns for every feature of the model whose role has no table.
public enum ConfigCheck {
    public struct Report: Sendable {
        /// The configuration as far as it could be read; nil when the file is not TOML at all.
        public var config: ControllerConfig?
        /// `main_relay: gpio` for each role whose port could be made, in file order.
        public var summary: [String]
        /// By line; those without one (a table that is missing) last.
        public var findings: [ConfigFinding]

        /// No errors (warnings and notes allowed).
        public var passed: Bool { !findings.contains { $0.severity == .error } }
    }

    /// The folder systemd makes for the service before it starts it (etc/smsocket.service:
    /// `StateDirectory=smsocket`), so it need not exist when `check` runs by hand.
    static let systemdStateDirectory = "/var/lib/smsocket"

    /// Checks the configuration file at `path` as the user this process runs as (under systemd, the
    /// unit's `ExecStartPre` runs it as the service's user).
    public static func check(path: String, logger: Logger = Logger(label: "smsocket.check")) -> Report {
        let document: TOMLDocument
        do throws(ConfigError) {
            document = try TOMLDocument(parsing: ConfigFile.contents(of: path), file: path)
        } catch {
            return Report(config: nil, summary: [], findings: [ConfigFinding(.error, error)])
        }
        let (config, configProblems) = ControllerConfig.read(document, file: path)
        let (ports, boardProblems) = BoardBuilder.build(for: config, context: PluginContext(logger: logger, model: config.model))
        var findings = (configProblems + boardProblems).map { ConfigFinding(.error, $0) }
        for role in BoardBuilder.rolesInFileOrder(config) where ports.byRole[role] != nil {
            let (kind, settings) = config.roles[role]!
            guard let plugin = PluginRegistry.plugin(kind: kind) else { continue }
            findings += plugin.preflight(for: role, settings: settings).map { ConfigFinding(.error, $0) }
        }
        findings += stateFolder(config) + controlSocketFolder(config) + rulesFolder(config) + rules(config) + missingFeatures(config) + placeless(config)
        return Report(config: config, summary: ports.summary, findings: findings.inFileOrder(by: \.detail.line))
    }

    // MARK: The machine

    /// The state database's folder exists (or is `systemdFolder`, which systemd makes) and this user can
    /// create files in it; an existing database is a non-empty file this user can read and write. A
    /// temporary state (``TemporaryState/configValue``) needs none of that.
    static func stateFolder(_ config: ControllerConfig, systemdFolder: String = systemdStateDirectory) -> [ConfigFinding] {
        let path = config.statePath ?? ControllerConfig.defaultStatePath
        guard path != TemporaryState.configValue else { return [] }
        func finding(_ severity: ConfigFinding.Severity, _ message: String) -> [ConfigFinding] {
            [ConfigFinding(severity, ConfigError(file: config.file, line: config.sourceMap.line(of: "state"), key: "state", message: message))]
        }
        guard !path.isEmpty, !path.hasSuffix("/") else {
            return finding(.error, "expected the database file's path, e.g. \"\(ControllerConfig.defaultStatePath)\"")
        }
        let folder = parentFolder(of: path)
        switch folderState(folder, named: "state folder", toUse: "create files in", access: W_OK | X_OK) {
        case .usable:
            break
        case .missing where folder == systemdFolder:
            return finding(.note, "the state folder \(folder) does not exist yet: the systemd unit smsocket.service creates it (StateDirectory=smsocket); create it yourself to run the controller without systemd")
        case .missing:
            return finding(.error, "the state folder \(folder) does not exist; create it, writable by the user the controller runs as")
        case .unusable(let message):
            return finding(.error, message)
        }
        switch fileKind(atPath: path) {
        case .success(.regular):
            if case .failure(let error) = checkAccess(path, R_OK | W_OK) {
                return finding(.error, "\(currentUserName()) cannot read and write the state database \(path) (\(errnoText(error.errno)))")
            }
            var info = stat()
            if stat(path, &info) == 0, info.st_size == 0 {
                return finding(.error, StoreError(code: .emptyFile, path: path, detail: "0 bytes").description)
            }
        case .success(let kind):
            return finding(.error, "the state database \(path) is \(kind), not a database file")
        case .failure(let error) where error.errno == ENOENT:
            break  // made at the first start
        case .failure(let error):
            return finding(.error, "cannot look at the state database \(path): \(errnoText(error.errno))")
        }
        return []
    }

    /// The folder systemd makes at every start for the control socket (`RuntimeDirectory=smsocket`).
    static let systemdRuntimeDirectory = "/run/smsocket"

    /// The control socket's folder exists (or is `systemdFolder`), this user can create the socket in it, and
    /// nothing but a socket is at its path (the path itself is checked as the file is read). Without `control_socket`, a missing default folder is no
    /// finding: `run` works without the socket then (``Daemon/controlServer(_:controller:bus:logger:defaultPath:)``).
    static func controlSocketFolder(_ config: ControllerConfig, systemdFolder: String = systemdRuntimeDirectory) -> [ConfigFinding] {
        let path = config.controlSocketPath ?? ControllerConfig.defaultControlSocketPath
        func finding(_ severity: ConfigFinding.Severity, _ message: String) -> [ConfigFinding] {
            [ConfigFinding(severity, ConfigError(file: config.file, line: config.sourceMap.line(of: "control_socket"), key: "control_socket", message: message))]
        }
        let folder = parentFolder(of: path)
        switch folderState(folder, named: "control socket's folder", toUse: "create files in", access: W_OK | X_OK) {
        case .usable:
            // A socket there is a killed controller's (or a running one's, which `run` reports); anything else
            // stops `run`.
            switch fileKind(atPath: path) {
            case .success(.socket), .failure: return []
            case .success(let kind): return finding(.error, ControlSocketError(code: .notASocket, path: path, detail: kind.description).description)
            }
        case .missing where config.controlSocketPath == nil:
            // `run` then runs without a control socket, and says so in its log.
            return []
        case .missing where folder == systemdFolder:
            return finding(.note, "the control socket's folder \(folder) does not exist yet: the systemd unit smsocket.service creates it (RuntimeDirectory=smsocket); without it `run` works, but `smsocket status` and the other control commands cannot reach it")
        case .missing:
            return finding(.error, "the control socket's folder \(folder) does not exist; create it, writable by the user the controller runs as")
        case .unusable(let message):
            return finding(.error, message)
        }
    }

    /// The rules folder, when one is named, is a folder this user can read.
    static func rulesFolder(_ config: ControllerConfig) -> [ConfigFinding] {
        guard let path = config.rulesPath else { return [] }
        func error(_ message: String) -> [ConfigFinding] {
            [ConfigFinding(.error, ConfigError(file: config.file, line: config.sourceMap.line(of: "rules"), key: "rules", message: message))]
        }
        switch folderState(path, named: "rules folder", toUse: "read", access: R_OK | X_OK) {
        case .usable: return []
        case .missing: return error("the rules folder \(path) does not exist; create it, or leave `rules` out")
        case .unusable(let message): return error(message)
        }
    }

    /// What keeps `path` from being read as the rules folder, for `run` and `reload`, which then load no rule
    /// and say so; nil when nothing does.
    static func rulesFolderProblem(_ path: String) -> String? {
        switch folderState(path, named: "rules folder", toUse: "read", access: R_OK | X_OK) {
        case .usable: nil
        case .missing: "the rules folder \(path) does not exist"
        case .unusable(let message): message
        }
    }

    private enum FolderState {
        case usable, missing
        case unusable(String)
    }

    /// Whether `path` is a folder this user may `use` (`access`: the `access(2)` mode that needs).
    private static func folderState(_ path: String, named what: String, toUse use: String, access mode: Int32) -> FolderState {
        switch fileKind(atPath: path) {
        case .success(.directory):
            if case .failure(let error) = checkAccess(path, mode) {
                return .unusable("\(currentUserName()) cannot \(use) the \(what) \(path) (\(errnoText(error.errno)))")
            }
            return .usable
        case .success(let kind):
            return .unusable("the \(what) \(path) is \(kind), not a folder")
        case .failure(let error) where error.errno == ENOENT || error.errno == ENOTDIR:
            return .missing
        case .failure(let error):
            return .unusable("cannot look at the \(what) \(path): \(errnoText(error.errno))")
        }
    }

    /// `/var/lib/smsocket` of `/var/lib/smsocket/state.sqlite`; `.` for a bare file name.
    static func parentFolder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    // MARK: The model's features

    /// An optional part of the model whose role may be left out, and what the controller does without it.
    struct Feature {
        var part: Equipment
        var role: Role
        /// `a thermometer`
        var name: String
        var consequence: String
    }

    static let features = [
        Feature(
            part: .thermometer, role: .thermometer, name: "a thermometer",
            consequence: "THERMOSTAT, TEMPOFF, THERMALERT, TRISEALERT, TFALLALERT and TEMPCAL commands will answer Execute error! and TEMPERATURE will say No sensor"),
        Feature(
            part: .alarmInput, role: .alarmInput, name: "an alarm input",
            consequence: "ALARMON, SENSORTYPE and ALERT commands will answer Execute error! and ALARM? will say Sensor(s): Not connected"),
        Feature(
            part: .microRelay, role: .microRelay, name: "a micro-relay",
            consequence: "ONM, OFFM, RESTARTM, ONALL, OFFALL and MICRORELAYTIME commands will answer Execute error!"),
    ]

    /// A note when `[location]` gives a time zone but no place: the clock follows the zone, sun times are
    /// unavailable.
    static func placeless(_ config: ControllerConfig) -> [ConfigFinding] {
        guard let location = config.location, location.coordinates == nil else { return [] }
        let message = "no latitude and longitude: the clock follows \(location.timezone), but rules cannot use sunrise or sunset"
        return [ConfigFinding(.note, ConfigError(file: config.file, line: config.sourceMap.line(of: "location"), key: "location", message: message))]
    }

    /// A warning for each feature of the model (spec §1.1) whose role has no table.
    static func missingFeatures(_ config: ControllerConfig) -> [ConfigFinding] {
        func warning(_ role: Role, _ message: String) -> ConfigFinding {
            ConfigFinding(.warning, ConfigError(file: config.file, line: nil, key: role.rawValue, message: "model \(config.model.rawValue) " + message))
        }
        let missing = Equipment.complete(for: config.model).subtracting(config.equipment)
        var warnings = features.filter { missing.contains($0.part) }.map { feature in
            warning(feature.role, "has \(feature.name) but there is no [\(feature.role.rawValue)] table; \(feature.consequence)")
        }
        if config.model.hasBattery, config.roles[.mainsSense] == nil {
            warnings.append(warning(.mainsSense, "reports a loss of mains power but there is no [mains_sense] table; a loss of mains power will go unnoticed"))
        }
        return warnings
    }
}
