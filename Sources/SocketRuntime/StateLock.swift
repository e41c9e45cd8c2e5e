#if canImport(Glibc)
    import Glibc
#endif
import SystemCalls

/// One process's exclusive hold on a state database: an flock(2) on the file `<database>.lock` beside it,
/// taken before the database is opened and kept until the ``Store`` goes away.
///
/// Why flock on a file of its own, rather than SQLite's exclusive locking mode: SQLite takes its exclusive
/// lock only at the first write and reports a holder as "database is locked" after its busy timeout, at
/// whatever statement comes first; the flock is taken at once, so a second controller stops at start with
/// an error that says so. It also leaves the database itself readable, so a person can still inspect or
/// back up a live state with the sqlite3 tool. An flock belongs to the open file description: the kernel
/// drops it when the process dies (kill -9, a crash), so no lock is ever stale, and a second ``Store`` on
/// the same file in the same process is refused like another process. The descriptor is close-on-exec, so
/// the commands the controller starts never inherit the lock. The file stays after use (its presence
/// means nothing); it holds the pid of its last holder, which the refusal names.
final class StateLock: Sendable {
    private let descriptor: Int32

    /// Takes the lock for the database at `database`; throws ``StoreError/Code/inUse`` when another open
    /// store holds it, ``StoreError/Code/cannotOpen`` when the lock file cannot be made.
    init(database: String) throws(StoreError) {
        let path = Self.path(of: database)
        // O_NOFOLLOW: a link planted under the lock file's name (in a shared folder) is refused, not followed.
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else {
            throw StoreError(code: .cannotOpen, path: database, detail: "cannot open its lock file \(path): \(Self.reason(errno))")
        }
        var error = Self.tryLock(fd)
        // Held, yet the file names this process or one that is gone: a Store closed here, or a controller
        // killed, whose open file description a child it started still shares between its fork and its
        // exec (close-on-exec drops it then); or a second Store here (refused below). Wait out the first,
        // briefly. A live holder elsewhere is refused at once.
        var retries = 0
        while error == EWOULDBLOCK, Self.holderMayLetGo(fd), retries < 250 {
            system_sleep(.milliseconds(1))
            retries += 1
            error = Self.tryLock(fd)
        }
        guard error == 0 else {
            let holder = Self.holder(fd)
            close(fd)
            guard error == EWOULDBLOCK else {
                throw StoreError(code: .cannotOpen, path: database, detail: "cannot lock \(path): \(Self.reason(error))")
            }
            throw StoreError(code: .inUse, path: database, detail: holder.map { "process \($0)" } ?? "another process")
        }
        // The holder's pid, for the message of the next one refused; a failure here only loses that detail.
        let pid = Array("\(getpid())\n".utf8)
        if ftruncate(fd, 0) == 0 { _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) } }
        descriptor = fd
    }

    deinit { close(descriptor) }

    /// The lock file of the database at `database`.
    static func path(of database: String) -> String { database + ".lock" }

    /// flock without waiting: 0 when taken, else the error number (never EINTR).
    private static func tryLock(_ fd: Int32) -> Int32 {
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            if errno != EINTR { return errno }
        }
        return 0
    }

    /// Whether the pid in the lock file is this process's or no longer runs (`kill(pid, 0)`: ESRCH).
    private static func holderMayLetGo(_ fd: Int32) -> Bool {
        guard let pid = holder(fd) else { return false }
        return pid == getpid() || (kill(pid, 0) == -1 && errno == ESRCH)
    }

    /// The pid the holder wrote, if the file holds one.
    private static func holder(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 16)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        let text = String(decoding: buffer[..<count], as: UTF8.self)
        return Int32(text.prefix { $0 != "\n" }).flatMap { $0 > 0 ? $0 : nil }
    }

    private static func reason(_ code: Int32) -> String { String(cString: strerror(code)) }
}
