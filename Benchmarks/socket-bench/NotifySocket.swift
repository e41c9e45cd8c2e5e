#if canImport(Glibc)
    import Glibc
#endif

/// The datagram socket systemd reads sd_notify messages from, bound by the bench so that it can time
/// a start to `READY=1`: the bench passes ``path`` to `smsocket run` as `$NOTIFY_SOCKET`.
final class NotifySocket {
    struct Failure: Error, CustomStringConvertible {
        var call: String
        var errno: Int32
        var description: String { "the bench's notify socket: \(call) failed: \(String(cString: strerror(errno)))" }
    }

    let path: String
    private let descriptor: Int32

    /// Binds a datagram socket at `path` (replacing a stale one). `path` must fit a `sockaddr_un`
    /// (at most 107 bytes).
    init(path: String) throws {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { throw Failure(call: "bind \(path)", errno: ENAMETOOLONG) }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
        }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure(call: "socket", errno: errno) }
        unlink(path)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else {
            let error = errno
            close(fd)
            throw Failure(call: "bind \(path)", errno: error)
        }
        self.path = path
        self.descriptor = fd
    }

    deinit {
        close(descriptor)
        unlink(path)
    }

    /// Drops every message already queued (from an earlier start).
    func drain() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while recv(descriptor, &buffer, buffer.count, Int32(MSG_DONTWAIT)) >= 0 {}
    }

    /// Waits up to `timeout` for a message holding the line `READY=1`, and returns when it came; nil when
    /// none came in time. Other messages (`STATUS=...`, `WATCHDOG=1`) are read and passed over.
    func waitForReady(timeout: Duration) -> ContinuousClock.Instant? {
        let deadline = ContinuousClock.now + timeout
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let left = ContinuousClock.now.duration(to: deadline)
            guard left > .zero else { return nil }
            var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let milliseconds = Int32(clamping: left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1)
            guard poll(&entry, 1, milliseconds) > 0 else { continue }
            let received = ContinuousClock.now
            let count = recv(descriptor, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            guard count > 0 else { continue }
            let message = String(decoding: buffer[..<count], as: UTF8.self)
            if message.split(separator: "\n").contains("READY=1") { return received }
        }
    }
}
