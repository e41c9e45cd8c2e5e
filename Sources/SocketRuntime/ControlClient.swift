import SystemCalls

#if canImport(Glibc)
    import Glibc
#endif

/// The client side of the control socket, for `smsocket status|send|sms|reload` and the tests: connects,
/// writes one request line, reads the reply lines until the controller closes.
public struct ControlClient: Sendable {
    /// The socket (`control_socket`).
    public var path: String
    /// How long the whole answer may take; nil: as long as it takes (a streaming answer).
    public var timeout: Duration?
    /// The longest reply line taken (16 MiB), so that a wrong peer cannot make the client eat its memory.
    public static let maximumLineBytes = 16 << 20

    public init(path: String, timeout: Duration? = .seconds(60)) {
        self.path = path
        self.timeout = timeout
    }

    /// Sends `request` and returns its one reply line (without the newline).
    ///
    /// - Throws: ``ControlClientError``.
    public func ask(_ request: ControlRequest) throws(ControlClientError) -> String {
        var reply: String?
        try exchange(request.json) { line in
            reply = line
            return false
        }
        guard let reply else { throw ControlClientError(.garbled, "the controller at \(path) closed the connection without an answer") }
        return reply
    }

    /// Sends `requestLine` (one JSON object, without the newline), then hands each reply line to `line` until
    /// the controller closes the connection or `line` returns false.
    ///
    /// - Throws: ``ControlClientError``.
    public func exchange(_ requestLine: String, line: (String) -> Bool) throws(ControlClientError) {
        let descriptor: Int32
        switch UnixSocket.connect(path: path) {
        case .success(let fd): descriptor = fd
        case .failure(let error): throw connectFailure(error)
        }
        defer { UnixSocket.close(descriptor) }
        let clock = ContinuousClock()
        let deadline = timeout.map { clock.now.advanced(by: $0) }
        func waitFor(_ events: Int32) throws(ControlClientError) {
            while true {
                let milliseconds = deadline.map { ControlServer.milliseconds(clock.now.duration(to: $0)) } ?? -1
                if let deadline, clock.now >= deadline { throw timedOut() }
                switch UnixSocket.wait(descriptor, for: Int16(events), milliseconds: milliseconds) {
                case .success(0): continue
                case .success: return
                case .failure(let error): throw ControlClientError(.failed, "the control socket \(path): \(error)")
                }
            }
        }
        var request = Array((requestLine + "\n").utf8)[...]
        sending: while !request.isEmpty {
            try waitFor(POLLOUT)
            switch request.withUnsafeBytes({ UnixSocket.send(descriptor, $0) }) {
            case .success(let n): request = request.dropFirst(n)
            case .failure(let error) where error.errno == EAGAIN: continue
            // The controller closed early (a refusal before it read the request): its answer says why.
            case .failure(let error) where error.errno == EPIPE || error.errno == ECONNRESET: break sending
            case .failure(let error): throw ControlClientError(.failed, "the control socket \(path): the request could not be sent: \(error)")
            }
        }
        var pending: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            try waitFor(POLLIN)
            let count: Int
            switch chunk.withUnsafeMutableBytes({ UnixSocket.receive(descriptor, into: $0) }) {
            case .success(let n): count = n
            case .failure(let error) where error.errno == EAGAIN: continue
            case .failure(let error) where error.errno == ECONNRESET: count = 0
            case .failure(let error): throw ControlClientError(.failed, "the control socket \(path): \(error)")
            }
            if count == 0 {
                guard pending.isEmpty else { throw ControlClientError(.garbled, "the controller at \(path) closed the connection mid-answer") }
                return
            }
            pending += chunk[..<count]
            while let end = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let text = String(decoding: pending[..<end], as: UTF8.self)
                pending.removeSubrange(...end)
                guard line(text) else { return }
            }
            guard pending.count <= Self.maximumLineBytes else {
                throw ControlClientError(.garbled, "the controller at \(path) sent a line longer than \(Self.maximumLineBytes >> 20) MiB")
            }
        }
    }

    private func timedOut() -> ControlClientError {
        ControlClientError(.timeout, "smsocket at \(path) did not answer within \(timeout.map { "\($0)" } ?? "the time allowed"); see its log")
    }

    private func connectFailure(_ error: SystemCallError) -> ControlClientError {
        switch error.errno {
        case ENOENT where folderIsMissing:
            // A controller without the folder runs on without its socket (Daemon.controlServer): not "not running".
            return ControlClientError(
                .notRunning,
                "smsocket is not running, or runs without its control socket: there is no folder \(folder) for \(path) "
                    + "(the systemd unit makes \(ConfigCheck.systemdRuntimeDirectory); a controller started by hand needs control_socket in a folder that exists)")
        case ENOENT, ECONNREFUSED:
            return ControlClientError(.notRunning, "smsocket is not running (no socket at \(path))")
        case EACCES, EPERM:
            return ControlClientError(
                .permissionDenied,
                "\(currentUserName()) may not use the control socket \(path): \(accessAdvice())")
        case ENAMETOOLONG:
            return ControlClientError(.failed, "the control socket path \(path) is longer than \(UnixSocket.maximumPathLength) bytes")
        default:
            return ControlClientError(.failed, "cannot reach smsocket at \(path): \(error)")
        }
    }

    /// The socket's folder (`/` for a socket at the root, `.` for a bare name).
    private var folder: String { ConfigCheck.parentFolder(of: path) }

    private var folderIsMissing: Bool {
        if case .failure(let error) = fileKind(atPath: folder), error.errno == ENOENT { return true }
        return false
    }

    /// Which group to join: the socket's, or where it cannot be seen, its folder's.
    private func accessAdvice() -> String {
        for candidate in [path, folder] {
            if case .success(let owner) = UnixSocket.owner(of: candidate) {
                return ControlAccess.advice(group: owner.gid, user: currentUserName())
            }
        }
        return "join the group of the socket and its folder, or use sudo"
    }
}
