#if canImport(Glibc)
    import Glibc
#endif

@testable import SocketRuntime

/// The service manager's end of `$NOTIFY_SOCKET` for the tests: a real AF_UNIX datagram socket, bound to a
/// path (removed again at the end) or to an abstract name, that the tests read notifications from.
final class NotificationSocket {
    /// The value for `$NOTIFY_SOCKET`: the path, or `@` and the abstract name.
    let address: String
    private let descriptor: Int32

    struct Failure: Error, CustomStringConvertible {
        var call: String
        var errno: Int32
        var description: String { "\(call) failed: \(String(cString: strerror(errno)))" }
    }

    /// Binds to `address` (as `$NOTIFY_SOCKET` would name it).
    init(_ address: ServiceNotifier.Address) throws {
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure(call: "socket", errno: errno) }
        guard address.withSocketAddress({ bind(fd, $0, $1) }) == 0 else {
            let code = errno
            close(fd)
            throw Failure(call: "bind \(address)", errno: code)
        }
        descriptor = fd
        self.address = address.description
    }

    deinit {
        close(descriptor)
        if address.hasPrefix("/") { unlink(address) }
    }

    /// The next notification, or nil when none comes within `milliseconds`.
    func receive(within milliseconds: Int32) -> String? {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        var ready = poll(&poller, 1, milliseconds)
        while ready < 0, errno == EINTR { ready = poll(&poller, 1, milliseconds) }
        guard ready > 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        return count < 0 ? nil : String(decoding: buffer[..<count], as: UTF8.self)
    }

    /// Notifications until one satisfies `predicate` (returned last) or `milliseconds` pass in all (then only
    /// what came before).
    func receive(until predicate: (String) -> Bool, within milliseconds: Int64 = 60_000) -> [String] {
        let deadline = Self.monotonicMilliseconds() + milliseconds
        var seen: [String] = []
        while case let left = deadline - Self.monotonicMilliseconds(), left > 0,
            let message = receive(within: Int32(clamping: left))
        {
            seen.append(message)
            if predicate(message) { break }
        }
        return seen
    }

    static func monotonicMilliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }

    /// Empties the queue: the notifications sent so far.
    func drain() -> [String] {
        var seen: [String] = []
        while let message = receive(within: 0) { seen.append(message) }
        return seen
    }
}
