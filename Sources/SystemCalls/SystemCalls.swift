#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

// The one place where -1/errno becomes a typed error (retrying EINTR), as swift-system's
// `valueOrErrno(retryOnInterrupt:)` does, shared by the plugins' own thin syscall files.

/// A system call that failed: its name and the C error number.
package struct SystemCallError: Error, Equatable, CustomStringConvertible {
    package var call: String
    package var errno: Int32

    package init(call: String, errno: Int32) {
        self.call = call
        self.errno = errno
    }

    package var description: String { "\(call) failed: \(errnoText(errno))" }
}

/// Runs `body` until it does not fail with EINTR (when `retryOnInterrupt`); -1 becomes a
/// ``SystemCallError`` carrying `errno`.
@inline(__always)
package func valueOrErrno<I: FixedWidthInteger>(
    _ call: String, retryOnInterrupt: Bool = true, _ body: () -> I
) -> Result<I, SystemCallError> {
    while true {
        let value = body()
        if value != -1 { return .success(value) }
        let code = errno
        if retryOnInterrupt && code == EINTR { continue }
        return .failure(SystemCallError(call: call, errno: code))
    }
}

/// `No such file or directory (ENOENT)`, or `error 1234` for numbers the system does not know.
package func errnoText(_ code: Int32) -> String {
    let message = strerror(code).map { String(cString: $0) } ?? "error \(code)"
    return errnoNames[code].map { "\(message) (\($0))" } ?? message
}

/// `EACCES`, or `errno 1234`.
package func errnoName(_ code: Int32) -> String { errnoNames[code] ?? "errno \(code)" }

private let errnoNames: [Int32: String] = [
    EPERM: "EPERM", ENOENT: "ENOENT", ESRCH: "ESRCH", EINTR: "EINTR", EIO: "EIO", ENXIO: "ENXIO", E2BIG: "E2BIG",
    ENOEXEC: "ENOEXEC", EBADF: "EBADF", ECHILD: "ECHILD", EAGAIN: "EAGAIN", ENOMEM: "ENOMEM", EACCES: "EACCES",
    EFAULT: "EFAULT", EBUSY: "EBUSY", ENODEV: "ENODEV", ENOTDIR: "ENOTDIR", EISDIR: "EISDIR", EINVAL: "EINVAL",
    ENFILE: "ENFILE", EMFILE: "EMFILE", ENOTTY: "ENOTTY", ETXTBSY: "ETXTBSY", ENAMETOOLONG: "ENAMETOOLONG",
    ELOOP: "ELOOP", EPIPE: "EPIPE", ECONNREFUSED: "ECONNREFUSED", ECONNRESET: "ECONNRESET", EADDRINUSE: "EADDRINUSE",
    ETIMEDOUT: "ETIMEDOUT",
]
