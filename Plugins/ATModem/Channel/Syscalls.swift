#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif
import SystemCalls

// Every raw call of the serial layer goes through this file or, where other plugins make it too (close, read,
// write, pipe), through SystemCalls: the `system_` prefix marks the boundary, and `valueOrErrno` turns
// -1/errno into a typed error (retrying EINTR) in one place, as swift-system's `valueOrErrno(retryOnInterrupt:)`
// does.

/// Opens a tty read-write, without making it the controlling terminal, non-blocking, close-on-exec.
func system_openTTY(_ path: String) -> Result<Int32, SystemCallError> {
    valueOrErrno("open") { open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC) }
}

/// Makes further opens of the tty fail with EBUSY (`TIOCEXCL`), except for root.
///
/// `ioctl` is variadic in C, which Swift does not import; the Glibc overlay adds non-variadic overloads
/// (`ioctl(fd, request)`, `ioctl(fd, request, CInt)`, `ioctl(fd, request, pointer)`), and this one needs
/// no argument.
func system_exclusive(_ fd: Int32) -> Result<Int32, SystemCallError> {
    #if canImport(Glibc) || canImport(Musl)
        valueOrErrno("ioctl(TIOCEXCL)") { ioctl(fd, UInt(TIOCEXCL)) }
    #else
        .success(0)
    #endif
}

/// An advisory exclusive lock, taken without waiting: a second holder gets EWOULDBLOCK. Unlike TIOCEXCL it
/// also holds against root, and lock-aware programs (minicom, picocom) honour it.
func system_lockExclusive(_ fd: Int32) -> Result<Int32, SystemCallError> {
    valueOrErrno("flock") { flock(fd, LOCK_EX | LOCK_NB) }
}

/// The `speed_t` constant for a baud rate, or nil for a rate the tty layer has no constant for.
func speedConstant(_ baud: Int) -> speed_t? {
    let table: [Int: speed_t] = [
        9600: speed_t(B9600), 19200: speed_t(B19200), 38400: speed_t(B38400), 57600: speed_t(B57600),
        115200: speed_t(B115200), 230400: speed_t(B230400), 460800: speed_t(B460800),
        500000: speed_t(B500000), 576000: speed_t(B576000), 921600: speed_t(B921600),
    ]
    return table[baud]
}

/// Raw mode (`cfmakeraw`: no echo, no line editing, no CR/NL translation, 8 bits), the receiver on,
/// modem control lines ignored, `speed` both ways; reads return what is there (VMIN 0, VTIME 0).
package func system_makeRaw(_ fd: Int32, speed: speed_t) -> Result<Int32, SystemCallError> {
    var options = termios()
    if case .failure(let error) = valueOrErrno("tcgetattr", { tcgetattr(fd, &options) }) {
        return .failure(error)
    }
    cfmakeraw(&options)
    options.c_cflag |= tcflag_t(CLOCAL | CREAD)
    options.c_cflag &= ~tcflag_t(CRTSCTS)
    withUnsafeMutableBytes(of: &options.c_cc) { cc in
        cc[Int(VMIN)] = 0
        cc[Int(VTIME)] = 0
    }
    if case .failure(let error) = valueOrErrno("cfsetspeed", { cfsetspeed(&options, speed) }) {
        return .failure(error)
    }
    return valueOrErrno("tcsetattr") { tcsetattr(fd, TCSANOW, &options) }
}

/// Discards what was received but not read and what was written but not sent.
func system_flush(_ fd: Int32) {
    _ = valueOrErrno("tcflush") { tcflush(fd, TCIOFLUSH) }
}

/// What poll reported for one descriptor.
package struct PollResult: Equatable {
    package var readable = false
    package var writable = false
    /// POLLHUP or POLLERR: the other side is gone (a USB modem unplugged, a pty master closed).
    package var hangup = false
    /// POLLNVAL: the descriptor is not open.
    package var invalid = false
    /// The wake descriptor polled beside it became readable.
    package var woken = false
}

/// Waits until `fd` is readable (or writable, with `forWriting`), `wake` is readable, or
/// `timeoutMilliseconds` pass (-1 = no limit).
package func system_poll(
    _ fd: Int32, forWriting: Bool = false, wake: Int32? = nil, timeoutMilliseconds: Int32
) -> Result<PollResult, SystemCallError> {
    var fds = [pollfd(fd: fd, events: Int16(forWriting ? POLLOUT : POLLIN), revents: 0)]
    if let wake { fds.append(pollfd(fd: wake, events: Int16(POLLIN), revents: 0)) }
    return valueOrErrno("poll") { poll(&fds, nfds_t(fds.count), timeoutMilliseconds) }.map { _ in
        let r = Int32(fds[0].revents)
        return PollResult(
            readable: r & Int32(POLLIN) != 0, writable: r & Int32(POLLOUT) != 0,
            hangup: r & Int32(POLLHUP | POLLERR) != 0, invalid: r & Int32(POLLNVAL) != 0,
            woken: fds.count > 1 && fds[1].revents != 0)
    }
}
