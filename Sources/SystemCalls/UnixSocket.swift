#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Who is at the other end of a Unix socket, as the kernel saw it when the peer connected (`SO_PEERCRED`,
/// `SO_PEERGROUPS`, socket(7)).
package struct PeerCredentials: Sendable, Equatable {
    package var pid: Int32
    package var uid: UInt32
    package var gid: UInt32
    /// The peer's supplementary groups; empty where the kernel cannot say (before Linux 4.13).
    package var groups: [UInt32]

    package init(pid: Int32, uid: UInt32, gid: UInt32, groups: [UInt32] = []) {
        self.pid = pid
        self.uid = uid
        self.gid = gid
        self.groups = groups
    }
}

/// The Unix sockets of the local control socket (stream) and of the service manager's notifications
/// (datagram): thin calls, every failure a ``SystemCallError``. Descriptors are close-on-exec (a plugin's child
/// process must not inherit them), and sending never raises SIGPIPE (a peer that went away is an error to
/// handle, not the end of the process).
package enum UnixSocket {
    /// The longest path a socket address holds (`sun_path` less its terminating zero): 107 bytes on Linux; an
    /// abstract name, which has a zero byte in front instead, has the same room.
    package static var maximumPathLength: Int { MemoryLayout.size(ofValue: sockaddr_un().sun_path) - 1 }

    /// Where a socket is (unix(7)).
    package enum Address: Sendable, Equatable, CustomStringConvertible {
        /// A socket file.
        case path(String)
        /// A name in Linux's abstract namespace (no file), without the zero byte that stands before it in
        /// `sun_path`.
        case abstract(String)

        /// The path, or `@` and the abstract name, as systemd writes it (`$NOTIFY_SOCKET`).
        package var description: String {
            switch self {
            case .path(let path): path
            case .abstract(let name): "@" + name
            }
        }
    }

    /// A listening socket bound to `path` (which must not exist). ENAMETOOLONG for a path longer than
    /// ``maximumPathLength``.
    package static func listen(path: String, backlog: Int32) -> Result<Int32, SystemCallError> {
        let descriptor: Int32
        switch valueOrErrno("socket", { socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0) }) {
        case .success(let fd): descriptor = fd
        case .failure(let error): return .failure(error)
        }
        let result = withAddress(.path(path), call: "bind") { address, length in
            valueOrErrno("bind") { bind(descriptor, address, length) }
        }.flatMap { _ in valueOrErrno("listen") { Glibc.listen(descriptor, backlog) } }
        switch result {
        case .success: return .success(descriptor)
        case .failure(let error):
            close(descriptor)
            return .failure(error)
        }
    }

    /// A socket connected to the listening socket at `path`: ENOENT when nothing is there, ECONNREFUSED when
    /// nobody listens (a stale socket file), EACCES when this user may not write to it.
    package static func connect(path: String) -> Result<Int32, SystemCallError> {
        let descriptor: Int32
        switch valueOrErrno("socket", { socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0) }) {
        case .success(let fd): descriptor = fd
        case .failure(let error): return .failure(error)
        }
        let result = withAddress(.path(path), call: "connect") { address, length in
            valueOrErrno("connect") { Glibc.connect(descriptor, address, length) }
        }
        switch result {
        case .success: return .success(descriptor)
        case .failure(let error):
            close(descriptor)
            return .failure(error)
        }
    }

    /// A datagram socket, bound to `address` when one is given (to receive; sending needs none). ENAMETOOLONG
    /// for a name longer than ``maximumPathLength``.
    package static func datagram(boundTo address: Address? = nil) -> Result<Int32, SystemCallError> {
        let descriptor: Int32
        switch valueOrErrno("socket", { socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0) }) {
        case .success(let fd): descriptor = fd
        case .failure(let error): return .failure(error)
        }
        guard let address else { return .success(descriptor) }
        let result = withAddress(address, call: "bind") { socketAddress, length in
            valueOrErrno("bind") { bind(descriptor, socketAddress, length) }
        }
        switch result {
        case .success: return .success(descriptor)
        case .failure(let error):
            close(descriptor)
            return .failure(error)
        }
    }

    /// Sends `bytes` as one datagram to `address`: ENOENT or ECONNREFUSED when nobody is bound there, EAGAIN
    /// when its queue is full.
    package static func send(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer, to address: Address) -> Result<Int, SystemCallError> {
        withAddress(address, call: "sendto") { socketAddress, length in
            valueOrErrno("sendto") {
                sendto(descriptor, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT), socketAddress, length)
            }
        }
    }

    /// The next connection of a listening socket (blocking), close-on-exec.
    package static func accept(_ listening: Int32) -> Result<Int32, SystemCallError> {
        // accept4 is not in Glibc's Swift module (it needs _GNU_SOURCE); a plugin's child started between the
        // two calls would keep a client waiting no longer than its own run.
        valueOrErrno("accept") { Glibc.accept(listening, nil, nil) }.map { descriptor in
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
            return descriptor
        }
    }

    /// The peer of a connected socket.
    package static func peerCredentials(_ descriptor: Int32) -> Result<PeerCredentials, SystemCallError> {
        // struct ucred is pid_t, uid_t, gid_t; Glibc's Swift module does not export it (it needs _GNU_SOURCE).
        var fields: (Int32, UInt32, UInt32) = (0, 0, 0)
        var length = socklen_t(MemoryLayout.size(ofValue: fields))
        let got = valueOrErrno("getsockopt(SO_PEERCRED)") { getsockopt(descriptor, SOL_SOCKET, SO_PEERCRED, &fields, &length) }
        if case .failure(let error) = got { return .failure(error) }
        var credentials = PeerCredentials(pid: fields.0, uid: fields.1, gid: fields.2)
        // A peer has a handful of groups; with more, the kernel says how many (ERANGE), up to NGROUPS_MAX.
        var count = 64
        for _ in 0..<2 {
            var groups = [UInt32](repeating: 0, count: count)
            var size = socklen_t(count * MemoryLayout<UInt32>.size)
            let listed = groups.withUnsafeMutableBytes { buffer in
                getsockopt(descriptor, SOL_SOCKET, SO_PEERGROUPS, buffer.baseAddress, &size)
            }
            if listed == 0 {
                credentials.groups = Array(groups.prefix(Int(size) / MemoryLayout<UInt32>.size))
                break
            }
            guard errno == ERANGE else { break }
            count = min(65_536, Int(size) / MemoryLayout<UInt32>.size)
        }
        return .success(credentials)
    }

    /// What `poll` found on `descriptor` within `milliseconds` (-1: no limit): its `revents`, 0 when the
    /// time ran out.
    package static func wait(_ descriptor: Int32, for events: Int16, milliseconds: Int32) -> Result<Int16, SystemCallError> {
        var entry = pollfd(fd: descriptor, events: events, revents: 0)
        return valueOrErrno("poll") { poll(&entry, 1, milliseconds) }.map { $0 == 0 ? 0 : entry.revents }
    }

    /// Reads what is there into `buffer`, without waiting (EAGAIN when nothing is; 0: the peer closed its side).
    /// `peek` leaves it to be read again.
    package static func receive(_ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer, peek: Bool = false) -> Result<Int, SystemCallError> {
        valueOrErrno("recv") { recv(descriptor, buffer.baseAddress, buffer.count, Int32(MSG_DONTWAIT) | (peek ? Int32(MSG_PEEK) : 0)) }
    }

    /// Writes what fits now of `bytes`, without waiting (EAGAIN when nothing fits: ``wait(_:for:milliseconds:)``
    /// for `POLLOUT` first); EPIPE, never SIGPIPE, when the peer is gone.
    package static func send(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Result<Int, SystemCallError> {
        valueOrErrno("send") { Glibc.send(descriptor, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT)) }
    }

    /// Ends both directions, waking a thread blocked in `accept` or `recv` on it.
    package static func shutdown(_ descriptor: Int32) { _ = Glibc.shutdown(descriptor, Int32(SHUT_RDWR)) }

    package static func close(_ descriptor: Int32) { _ = Glibc.close(descriptor) }

    /// Whose a file is, for the socket's own file and the client's advice.
    package struct FileOwner: Sendable, Equatable {
        package var uid: UInt32
        package var gid: UInt32
        /// The permission bits.
        package var mode: UInt32
        /// Tells this file from another made later at the same path.
        package var inode: UInt64
    }

    /// The owner, group, permission bits and inode of `path` (without following a symbolic link at its end).
    package static func owner(of path: String) -> Result<FileOwner, SystemCallError> {
        var status = stat()
        return valueOrErrno("lstat") { lstat(path, &status) }.map { _ in
            FileOwner(uid: status.st_uid, gid: status.st_gid, mode: status.st_mode & 0o7777, inode: UInt64(status.st_ino))
        }
    }

    package static func setMode(_ path: String, _ mode: UInt32) -> Result<Void, SystemCallError> {
        valueOrErrno("chmod") { chmod(path, mode_t(mode)) }.map { _ in () }
    }

    package static func remove(_ path: String) -> Result<Void, SystemCallError> {
        valueOrErrno("unlink") { unlink(path) }.map { _ in () }
    }

    private static func withAddress<T>(
        _ address: Address, call: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> Result<T, SystemCallError>
    ) -> Result<T, SystemCallError> {
        let text: String
        switch address {
        case .path(let path): text = path
        case .abstract(let abstract): text = abstract
        }
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= maximumPathLength, !bytes.contains(0) else {
            return .failure(SystemCallError(call: call, errno: ENAMETOOLONG))
        }
        // A path ends in a zero byte; an abstract name starts with one, and its length is all there is of its end.
        let name = address == .path(text) ? bytes + [0] : [0] + bytes
        var socketAddress = sockaddr_un()
        socketAddress.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &socketAddress.sun_path) { raw in
            for (index, byte) in name.enumerated() { raw[index] = byte }
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + name.count)
        return withUnsafePointer(to: &socketAddress) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, length) }
        }
    }
}
