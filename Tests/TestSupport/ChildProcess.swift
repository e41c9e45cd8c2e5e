#if canImport(Glibc)
    import Glibc
#endif

/// A program the tests start (`smsocket simulate`, `smsocket run`), with its standard input on a pipe the
/// test writes to and its standard output in a file.
///
/// Written on posix_spawn rather than Foundation's Process, whose pipe handling closes descriptors from
/// its own threads and, with tests running in parallel, can close a descriptor another test was just
/// given. Every descriptor here has one owner and is closed once.
package final class ChildProcess {
    package let pid: pid_t
    private var input: Int32
    private var reaped: Int32?

    /// Starts `arguments` (an absolute program path first) with stdout appended to `outputPath`, and stderr
    /// too unless `discardErrors`; `environment` is this process's environment with those variables set.
    package init(
        _ arguments: [String], outputPath: String, discardErrors: Bool = false, environment: [String: String] = [:]
    ) throws {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw ChildProcessError(call: "pipe", errno: errno) }
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[0], 0)
        posix_spawn_file_actions_addclose(&actions, fds[0])
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        if discardErrors {
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        } else {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        // The spawning thread may be one of Dispatch's, which block most signals, and the program would
        // inherit that mask (a blocked SIGTERM or SIGINT is never acted on); and a shell without job control
        // starts its background jobs with SIGINT ignored. The program starts with neither.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var signals = sigset_t()
        sigemptyset(&signals)
        posix_spawnattr_setsigmask(&attributes, &signals)
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE] { sigaddset(&signals, signal) }
        posix_spawnattr_setsigdefault(&attributes, &signals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for arg in argv { free(arg) } }
        var inherited: [String] = []
        var entry = environ
        while let pointer = entry.pointee {
            let text = String(cString: pointer)
            if environment[String(text.prefix { $0 != "=" })] == nil { inherited.append(text) }
            entry += 1
        }
        let envp: [UnsafeMutablePointer<CChar>?] =
            (inherited + environment.map { "\($0.key)=\($0.value)" }).map { strdup($0) } + [nil]
        defer { for variable in envp { free(variable) } }
        var pid: pid_t = 0
        let code = posix_spawn(&pid, argv[0]!, &actions, &attributes, argv, envp)
        close(fds[0])
        guard code == 0 else {
            close(fds[1])
            throw ChildProcessError(call: "posix_spawn \(arguments[0])", errno: code)
        }
        self.pid = pid
        self.input = fds[1]
    }

    deinit {
        closeInput()
        if reaped == nil {
            kill(pid, SIGKILL)
            _ = waitForExit()
        }
    }

    /// Writes `text` to the program's standard input.
    package func write(_ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty, input >= 0 {
            let n = bytes.withUnsafeBytes { Glibc.write(input, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { return }
            bytes = bytes.dropFirst(n)
        }
    }

    /// Ends the program's standard input.
    package func closeInput() {
        if input >= 0 { close(input) }
        input = -1
    }

    package func signal(_ signal: Int32) {
        if reaped == nil { kill(pid, signal) }
    }

    /// Waits for the program to end; returns its `waitpid` status.
    @discardableResult
    package func waitForExit() -> Int32 {
        if let reaped { return reaped }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        reaped = status
        return status
    }

    /// Whether a `waitpid` status means a normal exit with `code`.
    package static func exited(_ status: Int32, code: Int32) -> Bool {
        status & 0x7f == 0 && (status >> 8) & 0xff == code
    }
}

package struct ChildProcessError: Error, CustomStringConvertible {
    package var call: String
    package var errno: Int32
    package var description: String { "\(call) failed: \(String(cString: strerror(errno)))" }
}

/// Reads a whole file (the output of a ``ChildProcess``); empty if it cannot be read.
package func readTextFile(_ path: String) -> String {
    guard let file = fopen(path, "r") else { return "" }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = fread(&buffer, 1, buffer.count, file)
        if n <= 0 { break }
        bytes += buffer[0..<n]
    }
    return String(decoding: bytes, as: UTF8.self)
}

/// Reads the file at `path` (a ``ChildProcess``'s output) until `predicate` holds for its text or
/// `seconds` pass; returns whether it held. For output a program writes in its own time.
package func waitForText(in path: String, seconds: Int64 = 60, until predicate: (String) -> Bool) -> Bool {
    eventually(seconds, pausingMicroseconds: 2000) { predicate(readTextFile(path)) }
}

/// Looks at `condition` every `pausingMicroseconds` until it holds or `seconds` pass (by the monotonic
/// clock, not by counting looks: one look may take long, when it starts a process); returns whether it held.
/// A look that throws is a look at which it does not hold.
package func eventually(_ seconds: Int64, pausingMicroseconds: UInt32, _ condition: () throws -> Bool) -> Bool {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    let deadline = Int64(now.tv_sec) + seconds
    repeat {
        if (try? condition()) == true { return true }
        usleep(pausingMicroseconds)
        clock_gettime(CLOCK_MONOTONIC, &now)
    } while Int64(now.tv_sec) < deadline
    return (try? condition()) == true
}

/// The `smsocket` executable under test: `$SMSOCKET_BINARY`, or the debug build of the package that holds
/// `testFile` (pass `#filePath`).
package func smsocketExecutable(besides testFile: String) -> String {
    if let path = getenv("SMSOCKET_BINARY") { return String(cString: path) }
    // #filePath is …/<package>/Tests/<target>/<file>.swift: three folders up is the package.
    var parts = testFile.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)
    return parts.joined(separator: "/") + "/.build/debug/smsocket"
}
