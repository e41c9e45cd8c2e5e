import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import SystemCalls

#if canImport(Glibc)
    import Glibc
#endif

/// The local control socket (README "Local control"): a stream Unix socket at `control_socket` where
/// `smsocket status|send|sms|reload` (and scripts) ask the running controller. One request per connection:
/// the client writes one line of JSON, the server answers with JSON lines and closes.
///
/// Threads, not a networking framework: requests are rare (a person, a cron script), so a blocking accept
/// loop on a thread of its own and one thread per connection (at most ``Limits/maximumConnections``) keep all
/// waiting on clients off the cooperative pool, with nothing to add to the package. Each connection's reading
/// is bounded (``maximumRequestBytes``, ``Limits/readTimeout``), its bytes checked (UTF-8, JSON) before they
/// mean anything, and its writes bounded by ``Limits/writeTimeout``; a client that sends garbage, stalls or
/// disconnects mid-request costs one short-lived thread and a log line.
package final class ControlServer: Service, Sendable {
    /// The longest request line, its newline included: 64 KiB.
    package static let maximumRequestBytes = 65_536

    package struct Limits: Sendable {
        /// How long a client has to send its whole request line.
        package var readTimeout: Duration = .seconds(5)
        /// How long one reply line may wait for a client that does not read.
        package var writeTimeout: Duration = .seconds(5)
        /// Connections served at once; more are answered `busy`.
        package var maximumConnections = 128

        package init() {}
    }

    /// Answers one request through its responder; the connection closes when it returns.
    package typealias Handler = @Sendable (ControlRequest, PeerCredentials, ControlResponder) async -> Void

    package let path: String
    private let listening: Int32
    /// The socket file made here (its inode), so that only it is removed at the end.
    private let inode: UInt64
    private let access: ControlAccess
    private let limits: Limits
    private let logger: Logger
    private let handler: Handler
    private let connections = Mutex(0)

    /// Connections being served now.
    package var openConnections: Int { connections.withLock { $0 } }

    private struct Accepted: Sendable {
        var request: ControlRequest
        var peer: PeerCredentials
        var responder: ControlResponder
    }

    /// Binds the socket at `path` now, so that a problem stops the start-up: mode 0660, the group the
    /// process's (or, in a set-group-ID folder, the folder's). A socket file a killed controller left is
    /// replaced; one where another controller answers is not.
    ///
    /// - Throws: ``ControlSocketError``.
    package init(path: String, limits: Limits = Limits(), logger: Logger, handler: @escaping Handler) throws(ControlSocketError) {
        self.path = path
        self.limits = limits
        self.logger = logger
        self.handler = handler
        listening = try Self.bind(path)
        // Made with the umask's mode (0700 under the unit's UMask=0077), then opened to the group.
        let made = UnixSocket.setMode(path, 0o660).flatMap { UnixSocket.owner(of: path) }
        switch made {
        case .success(let file):
            inode = file.inode
            access = ControlAccess(ownUID: getuid(), socketGroup: file.gid)
        case .failure(let error):
            UnixSocket.close(listening)
            _ = UnixSocket.remove(path)
            throw ControlSocketError(code: .systemCall, path: path, detail: error.description)
        }
    }

    private static func bind(_ path: String) throws(ControlSocketError) -> Int32 {
        func failure(_ error: SystemCallError) -> ControlSocketError {
            switch error.errno {
            case ENAMETOOLONG: ControlSocketError(code: .pathTooLong, path: path, detail: "")
            case ENOENT: ControlSocketError(code: .systemCall, path: path, detail: "its folder does not exist")
            case EACCES: ControlSocketError(code: .systemCall, path: path, detail: "\(currentUserName()) may not create files in its folder")
            default: ControlSocketError(code: .systemCall, path: path, detail: error.description)
            }
        }
        switch UnixSocket.listen(path: path, backlog: 64) {
        case .success(let descriptor): return descriptor
        case .failure(let error) where error.errno == EADDRINUSE: break
        case .failure(let error): throw failure(error)
        }
        // Something is there already: a socket nobody answers on is a killed controller's, and goes.
        switch fileKind(atPath: path) {
        case .success(.socket): break
        case .success(let kind): throw ControlSocketError(code: .notASocket, path: path, detail: kind.description)
        case .failure(let error): throw failure(error)
        }
        switch UnixSocket.connect(path: path) {
        case .success(let probe):
            UnixSocket.close(probe)
            throw ControlSocketError(code: .inUse, path: path, detail: "")
        case .failure(let error) where error.errno == ECONNREFUSED:
            if case .failure(let error) = UnixSocket.remove(path) { throw failure(error) }
        case .failure(let error):
            throw failure(error)
        }
        switch UnixSocket.listen(path: path, backlog: 64) {
        case .success(let descriptor): return descriptor
        case .failure(let error): throw failure(error)
        }
    }

    /// Serves until a graceful shutdown or cancellation: then no new connection is taken, the handlers still
    /// running are cancelled, and the socket file is removed.
    package func run() async {
        let (stream, continuation) = AsyncStream.makeStream(of: Accepted.self)
        let acceptor = Thread { [self] in
            acceptLoop(continuation)
            continuation.finish()
        }
        acceptor.name = "control socket"
        acceptor.start()
        await withTaskCancellationOrGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                for await accepted in stream {
                    group.addTask { [handler] in
                        await handler(accepted.request, accepted.peer, accepted.responder)
                        accepted.responder.finish()
                    }
                }
                group.cancelAll()
            }
        } onCancelOrGracefulShutdown: { [listening] in
            // Wakes the accept loop (accept fails with EINVAL), which then ends the stream.
            UnixSocket.shutdown(listening)
        }
        UnixSocket.close(listening)
        if case .success(let file) = UnixSocket.owner(of: path), file.inode == inode { _ = UnixSocket.remove(path) }
    }

    private func acceptLoop(_ continuation: AsyncStream<Accepted>.Continuation) {
        while true {
            switch UnixSocket.accept(listening) {
            case .success(let descriptor):
                admit(descriptor, continuation)
            case .failure(let error) where [ECONNABORTED, EPROTO].contains(error.errno):
                continue
            case .failure(let error) where [EMFILE, ENFILE, ENOBUFS, ENOMEM].contains(error.errno):
                // Out of descriptors or memory: the pending client waits in the backlog; try again shortly.
                logger.error("control socket: cannot take a connection: \(error); trying again in 100 ms")
                usleep(100_000)
            case .failure:
                return  // shut down
            }
        }
    }

    private func admit(_ descriptor: Int32, _ continuation: AsyncStream<Accepted>.Continuation) {
        let admitted = connections.withLock { count in
            guard count < limits.maximumConnections else { return false }
            count += 1
            return true
        }
        guard admitted else {
            logger.warning("control socket: \(limits.maximumConnections) connections are open already; one more was answered busy")
            // A fresh socket's buffer takes one short line without waiting.
            write(ControlReply.failure(ControlError(.busy, "the controller serves \(limits.maximumConnections) connections already; try again")), to: descriptor)
            UnixSocket.close(descriptor)
            return
        }
        let thread = Thread { [self] in
            serve(descriptor, continuation)
            UnixSocket.close(descriptor)
            connections.withLock { $0 -= 1 }
        }
        thread.name = "control connection"
        thread.start()
    }

    /// One connection, on its own thread: who it is, its request, then the handler's lines as they come.
    private func serve(_ descriptor: Int32, _ continuation: AsyncStream<Accepted>.Continuation) {
        let peer: PeerCredentials
        switch UnixSocket.peerCredentials(descriptor) {
        case .success(let credentials): peer = credentials
        case .failure(let error):
            logger.error("control socket: cannot tell who connected: \(error)")
            return
        }
        guard access.admits(peer) else {
            logger.warning(
                "control socket: refused uid \(peer.uid) (pid \(peer.pid)): only root, uid \(access.ownUID) and members of group \(groupName(access.socketGroup)) may use it")
            write(ControlReply.failure(ControlError(.refused, "uid \(peer.uid) may not use the control socket: \(ControlAccess.advice(group: access.socketGroup, user: nil))")), to: descriptor)
            return
        }
        let request: ControlRequest
        do throws(ControlError) {
            guard let line = try readRequestLine(descriptor) else {
                logger.debug("control socket: uid \(peer.uid) went away before its request was complete")
                return
            }
            request = try ControlRequest.parse(line)
        } catch {
            logger.notice("control socket: a request of uid \(peer.uid) (pid \(peer.pid)) refused: \(error)")
            write(ControlReply.failure(error), to: descriptor)
            return
        }
        let responder = ControlResponder()
        guard case .enqueued = continuation.yield(Accepted(request: request, peer: peer, responder: responder)) else {
            return  // shutting down
        }
        writeReplies(from: responder, to: descriptor)
    }

    /// The request line without its newline (a `\r` before it dropped); nil when the client went away before
    /// sending anything.
    ///
    /// - Throws: ``ControlError/Code/tooLong``, ``ControlError/Code/timeout``; ``ControlError/Code/badRequest``
    ///   for bytes that end without a newline (`printf ... | socat`: the client may still read the answer).
    private func readRequestLine(_ descriptor: Int32) throws(ControlError) -> [UInt8]? {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: limits.readTimeout)
        let limit = Self.maximumRequestBytes - 1
        var line: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let left = clock.now.duration(to: deadline)
            guard left > .zero else {
                throw ControlError(.timeout, "no complete request line within \(limits.readTimeout); send one line of JSON ending in a newline")
            }
            switch UnixSocket.wait(descriptor, for: Int16(POLLIN), milliseconds: Self.milliseconds(left)) {
            case .success(0): continue  // the deadline is checked above
            case .success: break
            case .failure: return nil
            }
            let count: Int
            switch chunk.withUnsafeMutableBytes({ UnixSocket.receive(descriptor, into: $0) }) {
            case .success(0) where line.isEmpty: return nil
            case .success(0):
                throw ControlError(.badRequest, "the request ended without its newline; it is not carried out: send one line of JSON ending in a newline")
            case .success(let n): count = n
            case .failure(let error) where error.errno == EAGAIN: continue
            case .failure: return nil
            }
            let end = chunk[..<count].firstIndex(of: UInt8(ascii: "\n"))
            line += chunk[..<(end ?? count)]
            guard line.count <= limit else {
                throw ControlError(.tooLong, "the request line is longer than \(Self.maximumRequestBytes / 1024) KiB")
            }
            if end != nil {
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                return line
            }
        }
    }

    /// Writes the handler's lines as they come until it finishes or the client goes; while nothing comes, it
    /// looks every second whether the client closed its end (for a streaming answer).
    private func writeReplies(from responder: ControlResponder, to descriptor: Int32) {
        while true {
            let (lines, finished) = responder.take(waitingUpTo: 1000)
            for line in lines {
                guard write(line, to: descriptor) else { return responder.markClosed() }
            }
            if finished { return }
            if lines.isEmpty, clientLeft(descriptor) { return responder.markClosed() }
        }
    }

    /// Whether the client closed its end (what it sends after its request is read and dropped).
    private func clientLeft(_ descriptor: Int32) -> Bool {
        var scratch = [UInt8](repeating: 0, count: 4096)
        while true {
            guard case .success(let events) = UnixSocket.wait(descriptor, for: Int16(POLLIN), milliseconds: 0) else { return true }
            guard events != 0 else { return false }
            switch scratch.withUnsafeMutableBytes({ UnixSocket.receive(descriptor, into: $0) }) {
            case .success(0): return true
            case .success: continue
            case .failure(let error) where error.errno == EAGAIN: return false
            case .failure: return true
            }
        }
    }

    /// Writes `line` and a newline within ``Limits/writeTimeout``; false when the client is gone or too slow.
    @discardableResult
    private func write(_ line: String, to descriptor: Int32) -> Bool {
        let bytes = Array((line + "\n").utf8)
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: limits.writeTimeout)
        var sent = 0
        while sent < bytes.count {
            let left = clock.now.duration(to: deadline)
            guard left > .zero else { return false }
            switch UnixSocket.wait(descriptor, for: Int16(POLLOUT), milliseconds: Self.milliseconds(left)) {
            case .success(0): continue
            case .success: break
            case .failure: return false
            }
            switch bytes[sent...].withUnsafeBytes({ UnixSocket.send(descriptor, $0) }) {
            case .success(let n): sent += n
            case .failure(let error) where error.errno == EAGAIN: continue
            case .failure: return false
            }
        }
        return true
    }

    /// A duration as `poll`'s timeout: at least 1 ms, at most a day.
    static func milliseconds(_ duration: Duration) -> Int32 {
        let (seconds, attoseconds) = duration.components
        let total = min(seconds, 86_400) * 1000 + attoseconds / 1_000_000_000_000_000
        return Int32(max(1, total))
    }

    private func groupName(_ gid: UInt32) -> String { Self.groupName(gid) }

    /// `smsocket`, or `gid 1234` when the group has no name.
    static func groupName(_ gid: UInt32) -> String {
        if let entry = getgrgid(gid), let name = entry.pointee.gr_name { return String(cString: name) }
        return "gid \(gid)"
    }
}
