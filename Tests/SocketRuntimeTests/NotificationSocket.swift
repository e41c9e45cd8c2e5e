import SystemCalls

#if canImport(Glibc)
    import Glibc
#endif

/// The service manager's end of `$NOTIFY_SOCKET` for the tests: a real AF_UNIX datagram socket, bound to a
/// path (removed again at the end) or to an abstract name, that the tests read notifications from.
final class NotificationSocket {
    /// The value for `$NOTIFY_SOCKET`: the path, or `@` and the abstract name.
    let address: String
    private let descriptor: Int32

    init(_ address: UnixSocket.Address) throws {
        descriptor = try UnixSocket.datagram(boundTo: address).get()
        self.address = address.description
    }

    deinit {
        UnixSocket.close(descriptor)
        if address.hasPrefix("/") { _ = UnixSocket.remove(address) }
    }

    /// The next notification, or nil when none comes within `milliseconds`.
    func receive(within milliseconds: Int32) -> String? {
        guard case .success(let events) = UnixSocket.wait(descriptor, for: Int16(POLLIN), milliseconds: milliseconds), events != 0 else {
            return nil
        }
        var buffer = [UInt8](repeating: 0, count: 4096)
        guard case .success(let count) = buffer.withUnsafeMutableBytes({ UnixSocket.receive(descriptor, into: $0) }) else { return nil }
        return String(decoding: buffer[..<count], as: UTF8.self)
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

    /// Empties the queue: the notifications sent so far.
    func drain() -> [String] {
        var seen: [String] = []
        while let message = receive(within: 0) { seen.append(message) }
        return seen
    }

    private static func monotonicMilliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }
}
