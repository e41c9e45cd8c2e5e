#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization
import SystemCalls

// Every raw call the plugin makes goes through this file or, where other plugins make it too (pipe, close,
// read, sleep), through SystemCalls: the `system_` prefix marks the boundary, and `valueOrErrno` turns
// -1/errno (or posix_spawn's returned error number) into a typed error in one place.

/// A running child: its pid (also its process group) and the read ends of its stdout and stderr.
struct SpawnedChild {
    var pid: pid_t
    var stdout: Int32
    var stderr: Int32
}

/// Starts `arguments` (no shell; a name without `/` is looked up in `PATH`) in a process group of its own,
/// with stdin from /dev/null, stdout and stderr to new pipes, default signal handling and an empty mask.
func system_spawn(_ arguments: [String]) -> Result<SpawnedChild, SystemCallError> {
    precondition(!arguments.isEmpty, "an empty command line")
    return spawnLock.withLock { _ in spawnLocked(arguments) }
}

/// Held from creating a command's pipes until it is spawned: close-on-exec is set on a pipe only after
/// `pipe` (see ``system_pipe()``), so no command of this plugin may be spawned in between.
private let spawnLock = Mutex(())

private func spawnLocked(_ arguments: [String]) -> Result<SpawnedChild, SystemCallError> {
    let out: (read: Int32, write: Int32)
    let err: (read: Int32, write: Int32)
    switch system_pipe() {
    case .success(let p): out = p
    case .failure(let e): return .failure(e)
    }
    switch system_pipe() {
    case .success(let p): err = p
    case .failure(let e):
        system_close(out.read)
        system_close(out.write)
        return .failure(e)
    }
    // The parent keeps only the read ends; the child's copies (dup2'd onto 1 and 2) lose close-on-exec.
    defer {
        system_close(out.write)
        system_close(err.write)
    }

    #if canImport(Darwin)
    var actions: posix_spawn_file_actions_t? = nil
    var attributes: posix_spawnattr_t? = nil
    #else
    var actions = posix_spawn_file_actions_t()
    var attributes = posix_spawnattr_t()
    #endif
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_adddup2(&actions, out.write, 1)
    posix_spawn_file_actions_adddup2(&actions, err.write, 2)
    // Nothing else the daemon has open reaches the command: a descriptor opened elsewhere without
    // close-on-exec (a file being written, a serial port) would otherwise stay open as long as it runs.
    #if os(Linux)
    _ = addCloseFrom?(&actions, 3)
    #endif

    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    // Its own process group, so a timeout kills `sh -c` and whatever it started, not just the shell.
    posix_spawnattr_setpgroup(&attributes, 0)
    var noSignals = sigset_t()
    sigemptyset(&noSignals)
    posix_spawnattr_setsigmask(&attributes, &noSignals)
    // The daemon ignores SIGPIPE; an ignored signal would stay ignored in the child.
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for signal in [SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGCHLD] { sigaddset(&defaults, signal) }
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setflags(
        &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

    let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
    defer { for arg in argv { free(arg) } }
    var pid: pid_t = 0
    // posix_spawnp returns the error number (exec failures included) instead of setting errno.
    var code: Int32
    repeat {
        code = posix_spawnp(&pid, argv[0]!, &actions, &attributes, argv, environ)
    } while code == EINTR
    guard code == 0 else {
        system_close(out.read)
        system_close(err.read)
        return .failure(SystemCallError(call: "posix_spawn", errno: code))
    }
    return .success(SpawnedChild(pid: pid, stdout: out.read, stderr: err.read))
}

#if os(Linux)
private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32
/// `posix_spawn_file_actions_addclosefrom_np` (glibc 2.34 and later), looked up at run time because the Glibc
/// module does not import GNU extensions and older boards lack it.
private let addCloseFrom: AddCloseFrom? = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np").map {
    unsafeBitCast($0, to: AddCloseFrom.self)
}
#endif

/// Waits until one of `fds` is readable (or closed) or `timeoutMilliseconds` pass (-1 = no limit).
func system_poll(_ fds: inout [pollfd], timeoutMilliseconds: Int32) -> Result<Int32, SystemCallError> {
    let count = nfds_t(fds.count)
    return fds.withUnsafeMutableBufferPointer { buffer in
        valueOrErrno("poll") { poll(buffer.baseAddress, count, timeoutMilliseconds) }
    }
}

/// How a reaped child ended.
enum ExitReason: Equatable {
    case exited(Int32)
    case signaled(Int32)
}

/// Reaps `pid` if it has ended, without blocking; nil while it runs.
func system_waitpidNoHang(_ pid: pid_t) -> Result<ExitReason?, SystemCallError> {
    var status: Int32 = 0
    return valueOrErrno("waitpid") { waitpid(pid, &status, WNOHANG) }.map { reaped in
        guard reaped == pid else { return nil }
        // WIFEXITED/WIFSIGNALED are macros Swift does not import.
        let signal = status & 0x7f
        if signal == 0 { return .exited((status >> 8) & 0xff) }
        return .signaled(signal)
    }
}

/// Sends `signal` to the process group `pid` leads.
@discardableResult
func system_killGroup(_ pid: pid_t, _ signal: Int32) -> Result<Int32, SystemCallError> {
    valueOrErrno("kill") { kill(-pid, signal) }
}
