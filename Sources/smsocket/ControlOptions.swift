import ArgumentParser
import SocketRuntime

#if canImport(Glibc)
    import Glibc
#endif

/// What the control commands (`status`, `send`, `sms`, `reload`) share: where the socket is, how to print,
/// and the exit codes (README "Local control"):
///
/// 0 done; 1 the controller refused or could not carry out the request; 64 a usage error; 69 smsocket is
/// not running; 71 another system error; 75 no answer in time; 76 an answer that is not reply lines; 77 this
/// user may not use the socket; 78 the configuration file cannot be read or `control_socket` is wrong.
struct ControlOptions: ParsableArguments {
    @Option(help: "The configuration file; only its control_socket is read (default \(Self.defaultConfig)).")
    var config: String?

    @Flag(help: "Print the controller's JSON reply lines as they are, for scripts.")
    var json = false

    static let defaultConfig = "/etc/smsocket/smsocket.toml"

    /// The help's word on exit codes, shared by the control commands.
    static let exitCodes = """
        Exit codes: 0 done; 1 the controller refused the request; 64 usage; 69 smsocket is not running; \
        71 another system error; 75 no answer in time; 76 a garbled answer; 77 this user may not use the \
        socket (join its group); 78 the configuration file cannot be read.
        """

    enum Exit {
        static let refused: Int32 = 1
        static let notRunning: Int32 = 69
        static let systemError: Int32 = 71
        static let timeout: Int32 = 75
        static let garbled: Int32 = 76
        static let permissionDenied: Int32 = 77
        static let configuration: Int32 = 78
    }

    /// The socket the configuration names. Without `--config`, a default file this user cannot read (not
    /// installed, or kept from others) gives the default socket, whose own permissions then decide.
    func socketPath() throws -> String {
        let file = config ?? Self.defaultConfig
        if config == nil, access(file, R_OK) != 0 { return ControllerConfig.defaultControlSocketPath }
        do {
            return try ControllerConfig.controlSocket(inConfigFile: file)
        } catch {
            printError("\(error)")
            throw ExitCode(Exit.configuration)
        }
    }

    /// The text of `send` and `sms` within what the controller takes, checked before it is asked (exit 64).
    static func validate(text: String) throws {
        guard !text.isEmpty, text.utf8.count <= ControlRequest.maximumTextLength else {
            throw ValidationError("the text must have 1 to \(ControlRequest.maximumTextLength) bytes, not \(text.utf8.count)")
        }
    }

    /// Sends `request` and prints its answer: the line as it came with `--json`, else `human(body)`.
    func run<Body: Decodable>(_ request: ControlRequest, as _: Body.Type, human: (Body) -> [String]) throws {
        let line: String
        do {
            line = try ControlClient(path: try socketPath()).ask(request)
        } catch let error as ControlClientError {
            printError(error.message)
            throw ExitCode(Self.exitCode(error.kind))
        }
        do {
            let body = try ControlReply.decode(line, as: Body.self)
            print(json ? line : human(body).joined(separator: "\n"))
        } catch let error as ControlError {
            if json { print(line) } else { printError(error.message) }
            throw ExitCode(Self.exitCode(error))
        } catch let error as ControlClientError {
            printError(error.message)
            throw ExitCode(Self.exitCode(error.kind))
        }
    }

    /// The controller's refusal: 77 when it is this user it refuses (the message names the group to join),
    /// 1 for anything else it refused or could not do.
    static func exitCode(_ error: ControlError) -> Int32 {
        error.code == .refused ? Exit.permissionDenied : Exit.refused
    }

    static func exitCode(_ kind: ControlClientError.Kind) -> Int32 {
        switch kind {
        case .notRunning: Exit.notRunning
        case .permissionDenied: Exit.permissionDenied
        case .timeout: Exit.timeout
        case .garbled: Exit.garbled
        case .failed: Exit.systemError
        }
    }

    /// A refusal made here rather than by the controller (a document that is no settings document, a state
    /// database that cannot be read): said as the controller says it, its error line with `--json`, so that a
    /// script reads one form. Returns the exit code to throw.
    func refuse(_ error: ControlError) -> ExitCode {
        if json { print(ControlReply.failure(error)) } else { printError(error.message) }
        return ExitCode(Self.exitCode(error))
    }

    func printError(_ message: String) {
        let bytes = Array("smsocket: \(message)\n".utf8)
        _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }
}
