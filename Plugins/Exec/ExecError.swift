#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import SystemCalls

/// Why a command of the Exec plugin failed, with what it takes to understand it: the command line, the
/// exit status or signal, and the first line of what it wrote to stderr.
///
/// The text is built when the error is made and reads like
/// `` `/usr/local/bin/read-temp --probe 2` exited with status 3; stderr: "probe 2 not found" ``.
/// Two errors are equal when their codes are.
public struct ExecError: Error, Equatable, CustomStringConvertible, Sendable {
    /// What went wrong, as a value callers can switch on.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum _Code: String, Hashable, Sendable {
            case notFound = "not found"
            case notExecutable = "not executable"
            case exitStatus = "non-zero exit status"
            case killedBySignal = "killed by a signal"
            case timedOut = "timed out"
            case unparsableOutput = "unparsable output"
            case systemCallFailed = "system call failed"
        }
        private let code: _Code
        private init(_ code: _Code) { self.code = code }

        /// There is no such program (`ENOENT` from posix_spawn).
        public static let notFound = Code(.notFound)
        /// The file is there but cannot be run (`EACCES`, `ENOEXEC`, …).
        public static let notExecutable = Code(.notExecutable)
        /// The command exited with a status other than 0.
        public static let exitStatus = Code(.exitStatus)
        /// The command was ended by a signal it did not get from us.
        public static let killedBySignal = Code(.killedBySignal)
        /// The command ran over its time limit and was killed.
        public static let timedOut = Code(.timedOut)
        /// The command succeeded but printed something that is not what the role expects.
        public static let unparsableOutput = Code(.unparsableOutput)
        /// A pipe, poll, read or wait failed in the controller itself.
        public static let systemCallFailed = Code(.systemCallFailed)

        public var description: String { code.rawValue }
    }

    public let code: Code
    /// The command as configured, with the argument the role added (`on`/`off`), if any.
    public let command: [String]
    /// The exit status, for ``Code/exitStatus``.
    public let exitStatus: Int32?
    /// The signal that ended the command, for ``Code/killedBySignal``.
    public let signal: Int32?
    /// The first non-empty line the command wrote to stderr, if any.
    public let stderrLine: String?
    /// What the rest of the message needs: the C error, the time limit, the unparsable line.
    public let detail: String?
    /// Where the error was made.
    public let fileID: String
    public let line: Int
    public let description: String

    init(
        _ code: Code, command: [String], exitStatus: Int32? = nil, signal: Int32? = nil, stderrLine: String? = nil,
        detail: String? = nil, fileID: String = #fileID, line: Int = #line
    ) {
        self.code = code
        self.command = command
        self.exitStatus = exitStatus
        self.signal = signal
        self.stderrLine = stderrLine
        self.detail = detail
        self.fileID = fileID
        self.line = line

        var text = "`" + quotedCommandLine(command) + "` "
        switch code {
        case .notFound: text += "not found" + (detail.map { " (\($0))" } ?? "")
        case .notExecutable: text += "is not executable" + (detail.map { " (\($0))" } ?? "")
        case .exitStatus: text += "exited with status \(exitStatus ?? -1)"
        case .killedBySignal: text += "was killed by signal \(signal.map(signalName) ?? "?")"
        case .timedOut: text += "timed out" + (detail.map { " \($0)" } ?? "")
        case .unparsableOutput: text += detail ?? "printed something unexpected"
        default: text += "could not be run" + (detail.map { ": \($0)" } ?? "")
        }
        if let stderrLine { text += "; stderr: \"\(stderrLine)\"" }
        self.description = text
    }

    public static func == (a: ExecError, b: ExecError) -> Bool { a.code == b.code }
}

extension ExecError {
    /// The error for a failed posix_spawn: not found, not executable, or a system error.
    static func spawnFailed(_ error: SystemCallError, command: [String]) -> ExecError {
        switch error.errno {
        case ENOENT, ENOTDIR: ExecError(.notFound, command: command, detail: errnoName(error.errno))
        case EACCES, ENOEXEC, EPERM, EISDIR, ETXTBSY, ELOOP:
            ExecError(.notExecutable, command: command, detail: errnoName(error.errno))
        default: ExecError(.systemCallFailed, command: command, detail: error.description)
        }
    }

    static func systemCall(_ error: SystemCallError, command: [String]) -> ExecError {
        ExecError(.systemCallFailed, command: command, detail: error.description)
    }
}

/// The command line as a person would type it: arguments with spaces or quotes are single-quoted.
func quotedCommandLine(_ arguments: [String]) -> String {
    let plain = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%")
    return arguments.map { argument in
        if !argument.isEmpty && argument.allSatisfy({ plain.contains($0) }) { return argument }
        return "'" + argument.replacing("'", with: #"'\''"#) + "'"
    }.joined(separator: " ")
}

/// `SIGTERM (15)`, or the number alone for signals the table does not know.
func signalName(_ signal: Int32) -> String {
    let names: [Int32: String] = [
        SIGHUP: "SIGHUP", SIGINT: "SIGINT", SIGQUIT: "SIGQUIT", SIGILL: "SIGILL", SIGABRT: "SIGABRT",
        SIGFPE: "SIGFPE", SIGKILL: "SIGKILL", SIGSEGV: "SIGSEGV", SIGPIPE: "SIGPIPE", SIGALRM: "SIGALRM",
        SIGTERM: "SIGTERM", SIGBUS: "SIGBUS", SIGUSR1: "SIGUSR1", SIGUSR2: "SIGUSR2",
    ]
    return names[signal].map { "\($0) (\(signal))" } ?? "\(signal)"
}
