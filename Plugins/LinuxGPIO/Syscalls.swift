import CGPIO

#if canImport(Glibc)
    import Glibc
#endif

// Every system call of the plugin goes through this file: -1/errno becomes a GPIOError naming the
// call and what it was for, and EINTR is retried here, in one place (like swift-system's
// valueOrErrno(retryOnInterrupt:)).

/// Runs `call` until it does not fail with EINTR; a -1 result becomes a ``GPIOError``.
@inline(__always)
func valueOrErrno<T: FixedWidthInteger>(
    _ name: String, _ context: @autoclosure () -> String, retryOnInterrupt: Bool = true, _ call: () -> T
) throws(GPIOError) -> T {
    while true {
        let result = call()
        if result != -1 { return result }
        let code = errno
        if retryOnInterrupt && code == EINTR { continue }
        throw GPIOError.syscall(name, context(), errno: code)
    }
}

/// The real GPIO character devices under `/dev`.
public struct LinuxGPIODevice: GPIOCharacterDevice {
    /// Where the chips are; `/dev` on every Linux.
    public let directory: String

    public init(directory: String = "/dev") {
        self.directory = directory
    }

    public func chipPaths() throws(GPIOError) -> [String] {
        guard let dir = opendir(directory) else { throw GPIOError.syscall("opendir", directory, errno: errno) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if chipNumber(name) != nil { names.append(name) }
        }
        return names.sorted { chipNumber($0)! < chipNumber($1)! }.map { directory + "/" + $0 }
    }

    public func open(_ path: String) throws(GPIOError) -> Int32 {
        try valueOrErrno("open", path) { Glibc.open(path, O_RDWR | O_CLOEXEC) }
    }

    public func close(_ fd: Int32) {
        // Never retry close on Linux: the descriptor is gone even when it reports EINTR.
        _ = try? valueOrErrno("close", "fd \(fd)", retryOnInterrupt: false) { Glibc.close(fd) }
    }

    public func ioctl(_ fd: Int32, _ request: UInt, _ buffer: inout [UInt8], context: String) throws(GPIOError) {
        // Array.withUnsafeMutableBytes is not typed-throws, so the error is carried out as a Result.
        try buffer.withUnsafeMutableBytes { raw in
            Result { () throws(GPIOError) in
                try valueOrErrno("ioctl", context) { cgpio_ioctl(fd, request, raw.baseAddress) }
            }
        }.map { _ in () }.get()
    }

    public func poll(_ fds: [Int32]) throws(GPIOError) -> [Bool] {
        var polled = fds.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        _ = try valueOrErrno("poll", "fds \(fds)") { Glibc.poll(&polled, nfds_t(polled.count), -1) }
        return polled.map { $0.revents != 0 }
    }

    public func watchChips() throws(GPIOError) -> Int32 {
        let fd = try valueOrErrno("inotify_init1", directory) { inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK)) }
        let mask = UInt32(IN_CREATE | IN_DELETE | IN_ATTRIB)
        do {
            _ = try valueOrErrno("inotify_add_watch", directory) { inotify_add_watch(fd, directory, mask) }
        } catch {
            close(fd)
            throw error
        }
        return fd
    }

    public func read(_ fd: Int32, maxBytes: Int) throws(GPIOError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: maxBytes)
        let n = try buffer.withUnsafeMutableBytes { raw in
            Result { () throws(GPIOError) in
                try valueOrErrno("read", "fd \(fd)") { Glibc.read(fd, raw.baseAddress, raw.count) }
            }
        }.get()
        return Array(buffer.prefix(n))
    }
}

/// 4 for `gpiochip4`; nil for any other name.
func chipNumber(_ name: String) -> Int? {
    guard name.hasPrefix("gpiochip") else { return nil }
    let digits = name.dropFirst("gpiochip".count)
    guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else { return nil }
    return Int(digits)
}
