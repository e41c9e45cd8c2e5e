import SystemCalls
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why a serial port could not be opened, read or written: what went wrong, on which path, and the C error.
///
/// Equal by code and path; ``description`` says what to do about it where there is something to do.
public struct SerialPortError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Code: Equatable, Sendable {
        /// ENOENT, ENODEV, ENXIO: nothing at that path (the stick is unplugged, the wrong ttyUSB number).
        case noSuchDevice
        /// EACCES, EPERM: the user may not open it.
        case permissionDenied
        /// EBUSY or a held lock: another program has the port open exclusively.
        case busy
        /// The path is not a terminal (tcgetattr gave ENOTTY).
        case notATerminal
        /// The baud rate has no termios constant.
        case unsupportedSpeed
        /// The device went away while open (POLLHUP, EIO, end of file): a USB modem unplugged or reset.
        case disconnected
        /// The port was closed by this program.
        case closed
        /// A write could not finish in time (flow control stuck, device wedged).
        case writeTimeout
        /// Any other failure of a system call.
        case systemCall
    }

    public let code: Code
    public let path: String
    /// The failed call (`open`, `tcsetattr`, …), when a system call failed.
    public let call: String?
    /// The C error number, when a system call failed.
    public let errno: Int32?

    public init(_ code: Code, path: String, call: String? = nil, errno: Int32? = nil) {
        self.code = code
        self.path = path
        self.call = call
        self.errno = errno
    }

    /// Classifies a failed system call made on `path`.
    init(_ error: SystemCallError, path: String) {
        let code: Code =
            switch error.errno {
            case ENOENT, ENODEV, ENXIO: .noSuchDevice
            case EACCES, EPERM: .permissionDenied
            case EBUSY: .busy
            case EWOULDBLOCK where error.call == "flock": .busy
            case ENOTTY: .notATerminal
            case EIO: .disconnected
            default: .systemCall
            }
        self.init(code, path: path, call: error.call, errno: error.errno)
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code && lhs.path == rhs.path }

    public var description: String {
        let cause = errno.map { " (\(call ?? "call") failed: \(errnoText($0)))" } ?? ""
        switch code {
        case .noSuchDevice: return "no such device \(path)\(cause)"
        case .permissionDenied: return "permission denied on \(path): add the user to the dialout group\(cause)"
        case .busy: return "busy: another program (ModemManager?) holds \(path)\(cause)"
        case .notATerminal: return "\(path) is not a serial port\(cause)"
        case .unsupportedSpeed: return "\(path): unsupported baud rate"
        case .disconnected: return "\(path) disconnected\(cause)"
        case .closed: return "\(path) is closed"
        case .writeTimeout: return "\(path): write timed out"
        case .systemCall: return "\(path): \(call ?? "system call") failed\(errno.map { ": \(errnoText($0))" } ?? "")"
        }
    }
}

/// A serial port (a UART such as `/dev/serial0`, a USB modem's `/dev/ttyUSB2` or `/dev/serial/by-id/…`,
/// or a pty slave) opened read-write, non-blocking, exclusive, in raw mode.
///
/// Reads and writes wait with poll and never block a thread longer than their timeout. Reading from one
/// thread while writing from another is fine; ``close()`` should come after both have stopped.
public final class SerialPort: Sendable {
    /// The rates accepted by ``init(path:baudRate:)``.
    public static let baudRates = [9600, 19200, 38400, 57600, 115200, 230400, 460800, 500000, 576000, 921600]

    public let path: String
    public let baudRate: Int
    private let descriptor: Mutex<Int32>

    /// Opens `path` with `O_RDWR | O_NOCTTY | O_NONBLOCK`, claims it exclusively (`TIOCEXCL` plus a
    /// non-blocking `flock`), and sets raw mode at `baudRate`; pending input is discarded.
    public init(path: String, baudRate: Int = 115200) throws(SerialPortError) {
        guard let speed = speedConstant(baudRate) else { throw SerialPortError(.unsupportedSpeed, path: path) }
        let fd: Int32
        switch system_openTTY(path) {
        case .success(let opened): fd = opened
        case .failure(let error): throw SerialPortError(error, path: path)
        }
        for step in [{ system_exclusive(fd) }, { system_lockExclusive(fd) }, { system_makeRaw(fd, speed: speed) }] {
            if case .failure(let error) = step() {
                system_close(fd)
                throw SerialPortError(error, path: path)
            }
        }
        system_flush(fd)
        self.path = path
        self.baudRate = baudRate
        self.descriptor = Mutex(fd)
    }

    deinit { close() }

    public var isOpen: Bool { descriptor.withLock { $0 >= 0 } }

    private func openDescriptor() throws(SerialPortError) -> Int32 {
        let fd = descriptor.withLock { $0 }
        guard fd >= 0 else { throw SerialPortError(.closed, path: path) }
        return fd
    }

    /// Waits up to `timeout` (nil: with no limit) for bytes and returns what is there (at most `maxBytes`);
    /// empty when none came, or when `wake` (a descriptor another thread makes readable to end the wait,
    /// ``ReaderThread/wakeDescriptor``) became readable first.
    ///
    /// - Throws: ``SerialPortError/Code/disconnected`` once the device is gone.
    public func read(maxBytes: Int = 4096, timeout: Duration?, wake: Int32? = nil) throws(SerialPortError) -> [UInt8] {
        let fd = try openDescriptor()
        let polled: PollResult
        switch system_poll(fd, wake: wake, timeoutMilliseconds: timeout.map(pollMilliseconds) ?? -1) {
        case .success(let result): polled = result
        case .failure(let error): throw SerialPortError(error, path: path)
        }
        if polled.invalid { throw SerialPortError(.closed, path: path) }
        if !polled.readable && !polled.hangup { return [] }
        switch system_read(fd, maxBytes: maxBytes) {
        case .success(let bytes) where bytes.isEmpty:
            throw SerialPortError(.disconnected, path: path)
        case .success(let bytes):
            return bytes
        case .failure(let error) where error.errno == EAGAIN || error.errno == EWOULDBLOCK:
            if polled.hangup { throw SerialPortError(.disconnected, path: path, call: "poll") }
            return []
        case .failure(let error):
            throw SerialPortError(error, path: path)
        }
    }

    /// Writes all of `bytes`, waiting with poll while the output buffer is full, for at most `timeout` in all.
    public func write(_ bytes: [UInt8], timeout: Duration = .seconds(5)) throws(SerialPortError) {
        let fd = try openDescriptor()
        let deadline = ContinuousClock.now.advanced(by: timeout)
        var rest = bytes[...]
        while !rest.isEmpty {
            switch system_write(fd, rest) {
            case .success(let written):
                rest = rest.dropFirst(written)
                continue
            case .failure(let error) where error.errno == EAGAIN || error.errno == EWOULDBLOCK:
                break
            case .failure(let error):
                throw SerialPortError(error, path: path)
            }
            let left = ContinuousClock.now.duration(to: deadline)
            guard left > .zero else { throw SerialPortError(.writeTimeout, path: path) }
            switch system_poll(fd, forWriting: true, timeoutMilliseconds: pollMilliseconds(left)) {
            case .success(let polled) where polled.hangup:
                throw SerialPortError(.disconnected, path: path, call: "poll")
            case .success:
                continue
            case .failure(let error):
                throw SerialPortError(error, path: path)
            }
        }
    }

    /// Closes the port (releasing the lock and exclusivity); later calls throw ``SerialPortError/Code/closed``.
    public func close() {
        let fd = descriptor.withLock { fd in
            defer { fd = -1 }
            return fd
        }
        if fd >= 0 { system_close(fd) }
    }
}

/// Whole milliseconds for poll, rounded up so a short wait is not a busy loop, capped at Int32.max.
func pollMilliseconds(_ duration: Duration) -> Int32 {
    if duration <= .zero { return 0 }
    let (seconds, attoseconds) = duration.components
    let ms = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
    return Int32(clamping: ms)
}

/// An ``ATTransport`` over a ``SerialPort``: a dedicated reader thread (kept off Swift's cooperative pool)
/// blocks in poll on the port and yields what arrives to ``incoming``, which ends with the port's error when
/// it disconnects. The poll has no timeout (``close()`` wakes it), so a quiet modem costs no wakeups.
public final class SerialTransport: ATTransport {
    public let port: SerialPort
    public let incoming: AsyncThrowingStream<[UInt8], any Error>
    private let reader: ReaderThread

    /// Opens `path` (see ``SerialPort/init(path:baudRate:)``) and starts reading.
    public convenience init(path: String, baudRate: Int = 115200) throws(SerialPortError) {
        try self.init(port: try SerialPort(path: path, baudRate: baudRate))
    }

    /// Starts reading `port`; the transport owns it from now on and closes it in ``close()``.
    ///
    /// - Throws: ``SerialPortError/Code/systemCall`` when the reader thread's wake pipe cannot be made
    ///   (no descriptors left); the port is closed then.
    public init(port: SerialPort) throws(SerialPortError) {
        self.port = port
        let (stream, continuation) = AsyncThrowingStream<[UInt8], any Error>.makeStream()
        self.incoming = stream
        let started = ReaderThread.start { thread in
            while !thread.isStopping {
                do {
                    let bytes = try port.read(timeout: nil, wake: thread.wakeDescriptor)
                    if !bytes.isEmpty { continuation.yield(bytes) }
                } catch {
                    continuation.finish(throwing: error)
                    return
                }
            }
            continuation.finish()
        }
        switch started {
        case .success(let thread): reader = thread
        case .failure(let error):
            port.close()
            throw SerialPortError(error, path: port.path)
        }
    }

    public func write(_ bytes: [UInt8]) async throws {
        try port.write(bytes)
    }

    /// Stops the reader thread, then closes the port.
    public func close() async {
        await reader.stop()
        port.close()
    }
}
