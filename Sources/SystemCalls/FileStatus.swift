#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a path names, as `stat` sees it (following symbolic links).
package enum FileKind: Sendable, Equatable, CustomStringConvertible {
    case regular, directory, characterDevice, blockDevice, fifo, socket, other

    init(mode: mode_t) {
        switch mode & S_IFMT {
        case S_IFREG: self = .regular
        case S_IFDIR: self = .directory
        case S_IFCHR: self = .characterDevice
        case S_IFBLK: self = .blockDevice
        case S_IFIFO: self = .fifo
        case S_IFSOCK: self = .socket
        default: self = .other
        }
    }

    /// `a directory`, `a character device`, ... as a sentence names it.
    package var description: String {
        switch self {
        case .regular: "a file"
        case .directory: "a directory"
        case .characterDevice: "a character device"
        case .blockDevice: "a block device"
        case .fifo: "a named pipe (FIFO)"
        case .socket: "a socket"
        case .other: "a special file"
        }
    }
}

/// The kind of file at `path`.
package func fileKind(atPath path: String) -> Result<FileKind, SystemCallError> {
    var status = stat()
    return valueOrErrno("stat") { stat(path, &status) }.map { _ in FileKind(mode: status.st_mode) }
}

/// The kind of file open as `descriptor`.
package func fileKind(descriptor: Int32) -> Result<FileKind, SystemCallError> {
    var status = stat()
    return valueOrErrno("fstat") { fstat(descriptor, &status) }.map { _ in FileKind(mode: status.st_mode) }
}

/// Whether this process's user may use `path` as `mode` says (`R_OK`, `W_OK`, `X_OK`, or'ed); the failure
/// says why not (EACCES, EROFS for a read-only file system, ENOENT).
package func checkAccess(_ path: String, _ mode: Int32) -> Result<Void, SystemCallError> {
    valueOrErrno("access") { access(path, mode) }.map { _ in () }
}

/// The user this process runs as, for messages: `root`, or `uid 1000` where the name is unknown.
package func currentUserName() -> String {
    let uid = getuid()
    if let entry = getpwuid(uid), let name = entry.pointee.pw_name { return String(cString: name) }
    return "uid \(uid)"
}

/// The device and inode of the file open as `descriptor` (`st_dev`, `st_ino`), as systemd names a stream in
/// `JOURNAL_STREAM` (systemd.exec(5)).
package func fileIdentity(descriptor: Int32) -> Result<(device: UInt64, inode: UInt64), SystemCallError> {
    var status = stat()
    return valueOrErrno("fstat") { fstat(descriptor, &status) }.map { _ in (UInt64(status.st_dev), UInt64(status.st_ino)) }
}

/// Writes all of `bytes` to `descriptor` in as few `write` calls as it takes (one, for a line short enough,
/// so that lines from several threads do not mix), retrying partial writes and EINTR; gives up silently on
/// any other failure (a reader that went away: there is nobody to tell).
package func writeAll(_ bytes: [UInt8], to descriptor: Int32) {
    var rest = bytes[...]
    while !rest.isEmpty {
        let n = rest.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        if n < 0, errno == EINTR { continue }
        guard n > 0 else { return }
        rest = rest.dropFirst(n)
    }
}
