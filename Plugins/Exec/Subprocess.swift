#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import SystemCalls
import Synchronization

/// Turns bytes into lines (LF or CRLF), keeping the unfinished tail between calls. It knows nothing
/// about pipes, so it is tested by feeding it bytes.
struct LineSplitter {
    /// Longer lines are cut to this many bytes; the rest, up to the newline, is dropped.
    static let maximumLineLength = 4096
    private var pending: [UInt8] = []

    /// The lines `bytes` completes.
    mutating func append(_ bytes: some Sequence<UInt8>) -> [String] {
        var lines: [String] = []
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                lines.append(Self.text(pending))
                pending.removeAll(keepingCapacity: true)
            } else if pending.count < Self.maximumLineLength {
                pending.append(byte)
            }
        }
        return lines
    }

    /// The last line when the output did not end with a newline.
    mutating func finish() -> String? {
        defer { pending.removeAll() }
        return pending.isEmpty ? nil : Self.text(pending)
    }

    private static func text(_ bytes: [UInt8]) -> String {
        var bytes = bytes[...]
        if bytes.last == UInt8(ascii: "\r") { bytes = bytes.dropLast() }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension String {
    /// The text without leading and trailing spaces, tabs and line ends.
    var trimmed: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
        return String(self.drop(while: isSpace).reversed().drop(while: isSpace).reversed())
    }
}

/// A started command whose pid is only used while it has not been reaped, so that a kill from another
/// thread can never hit an unrelated process that got the pid later.
final class ChildProcess: Sendable {
    let command: [String]
    let pid: pid_t
    private let reaped = Mutex<ExitReason?>(nil)

    private init(command: [String], pid: pid_t) {
        self.command = command
        self.pid = pid
    }

    /// Starts `command`; the pipes come back separately, for the thread that reads them.
    static func spawn(_ command: [String]) -> Result<(ChildProcess, ChildOutput), ExecError> {
        switch system_spawn(command) {
        case .success(let child):
            return .success(
                (ChildProcess(command: command, pid: child.pid), ChildOutput(stdout: child.stdout, stderr: child.stderr)))
        case .failure(let error):
            return .failure(.spawnFailed(error, command: command))
        }
    }

    /// Signals the command's process group, unless the command has already been reaped.
    func signal(_ signal: Int32) {
        reaped.withLock { reason in
            // ESRCH only means everything in the group has exited already.
            if reason == nil { system_killGroup(pid, signal) }
        }
    }

    /// Reaps the command if it has ended, without blocking.
    func reapIfExited() -> Result<ExitReason?, SystemCallError> {
        reaped.withLock { reason in
            if let reason { return .success(reason) }
            let result = system_waitpidNoHang(pid)
            if case .success(let ended?) = result { reason = ended }
            return result
        }
    }

    /// Waits for the command to end, until `deadline` (nil = no limit). Meant for after its output
    /// closed, when it is about to exit: it polls, so it must run on a dedicated thread.
    func waitForExit(until deadline: ContinuousClock.Instant?) -> Result<ExitReason?, SystemCallError> {
        var pause = 1
        while true {
            switch reapIfExited() {
            case .success(nil): break
            case let other: return other
            }
            if let deadline, ContinuousClock.now >= deadline { return .success(nil) }
            system_sleep(.milliseconds(pause))
            pause = min(pause * 2, 20)
        }
    }

    /// SIGTERM to the group, SIGKILL after `grace` if the command is still there; waits until it is reaped.
    /// Returns the signal that ended it.
    @discardableResult
    func terminate(grace: Duration) -> Int32 {
        signal(SIGTERM)
        if case .success(_?) = waitForExit(until: .now + grace) { return SIGTERM }
        signal(SIGKILL)
        _ = waitForExit(until: nil)
        return SIGKILL
    }
}

/// The read ends of a command's stdout and stderr, owned by the one thread that reads them.
final class ChildOutput {
    private var stdout: Int32
    private var stderr: Int32
    private var lines = LineSplitter()
    private var stderrLines = LineSplitter()
    /// The first non-empty line written to stderr.
    private(set) var stderrLine: String?

    init(stdout: Int32, stderr: Int32) {
        self.stdout = stdout
        self.stderr = stderr
    }

    deinit { close() }

    enum Outcome {
        /// Both pipes reached end of file: the command has exited or is about to.
        case endOfFile
        case deadlinePassed
        case failed(SystemCallError)
    }

    /// Reads both pipes until both close or `deadline` passes (nil = no limit), handing each line of
    /// stdout to `onLine`. Blocks: call it only on a dedicated thread.
    func pump(until deadline: ContinuousClock.Instant?, onLine: (String) -> Void) -> Outcome {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while stdout >= 0 || stderr >= 0 {
            var timeout: Int32 = -1
            if let deadline {
                let left = deadline - .now
                if left <= .zero { return .deadlinePassed }
                // Rounded up, so that poll does not wake just before the deadline and spin.
                let (seconds, attoseconds) = left.components
                timeout = Int32(clamping: seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
            }
            var fds = [stdout, stderr].filter { $0 >= 0 }.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            switch system_poll(&fds, timeoutMilliseconds: timeout) {
            case .failure(let error): return .failed(error)
            case .success(0): continue
            case .success: break
            }
            for entry in fds where entry.revents != 0 {
                let count: Int
                switch buffer.withUnsafeMutableBytes({ system_read(entry.fd, into: $0) }) {
                case .success(let n): count = n
                case .failure(let error): return .failed(error)
                }
                let bytes = buffer[..<count]
                if entry.fd == stdout {
                    if count == 0 {
                        if let last = lines.finish() { onLine(last) }
                        closeStdout()
                    } else {
                        for line in lines.append(bytes) { onLine(line) }
                    }
                } else {
                    let newLines = count == 0 ? [stderrLines.finish()].compactMap { $0 } : stderrLines.append(bytes)
                    if stderrLine == nil, let first = newLines.map(\.trimmed).first(where: { !$0.isEmpty }) {
                        stderrLine = String(first.prefix(200))
                    }
                    if count == 0 { closeStderr() }
                }
            }
        }
        return .endOfFile
    }

    func close() {
        closeStdout()
        closeStderr()
    }

    private func closeStdout() {
        if stdout >= 0 { system_close(stdout) }
        stdout = -1
    }

    private func closeStderr() {
        if stderr >= 0 { system_close(stderr) }
        stderr = -1
    }
}

/// What a command that succeeded printed.
struct CommandOutput: Equatable {
    /// The first line of stdout, nil when it printed nothing.
    var firstLine: String?
    var stderrLine: String?
}

/// Runs `command` to its end, killing it if it runs over `timeout`. Blocks: call it only on a dedicated
/// thread or serial queue, never on the cooperative pool.
func runCommand(_ command: [String], timeout: Duration, killGrace: Duration) -> Result<CommandOutput, ExecError> {
    let deadline = ContinuousClock.now + timeout
    let (process, output): (ChildProcess, ChildOutput)
    switch ChildProcess.spawn(command) {
    case .success(let started): (process, output) = started
    case .failure(let error): return .failure(error)
    }
    defer { output.close() }

    var firstLine: String?
    let outcome = output.pump(until: deadline) { line in
        if firstLine == nil { firstLine = line }
    }
    var exit: ExitReason?
    switch outcome {
    case .endOfFile:
        switch process.waitForExit(until: deadline) {
        case .success(let reason): exit = reason
        case .failure(let error):
            process.terminate(grace: killGrace)
            return .failure(.systemCall(error, command: command))
        }
    case .deadlinePassed: break
    case .failed(let error):
        process.terminate(grace: killGrace)
        return .failure(.systemCall(error, command: command))
    }

    guard let exit else {
        let signal = process.terminate(grace: killGrace)
        let limit = "after \(milliseconds(timeout)) ms and was killed with \(signal == SIGKILL ? "SIGKILL" : "SIGTERM")"
        return .failure(ExecError(.timedOut, command: command, stderrLine: output.stderrLine, detail: limit))
    }
    switch exit {
    case .exited(0):
        return .success(CommandOutput(firstLine: firstLine, stderrLine: output.stderrLine))
    case .exited(let status):
        return .failure(ExecError(.exitStatus, command: command, exitStatus: status, stderrLine: output.stderrLine))
    case .signaled(let signal):
        return .failure(ExecError(.killedBySignal, command: command, signal: signal, stderrLine: output.stderrLine))
    }
}

/// A duration in whole milliseconds, for messages.
func milliseconds(_ duration: Duration) -> Int64 {
    let (seconds, attoseconds) = duration.components
    return seconds * 1000 + attoseconds / 1_000_000_000_000_000
}
