import CGPIO
import SystemCalls

#if canImport(Glibc)
    import Glibc
#endif

// Every system call of the plugin is made here or, where other plugins make it too (close, read, readdir),
// through SystemCalls: its `valueOrErrno` retries EINTR, and the failure becomes a GPIOError naming the call
// and what it was for.

extension GPIOError {
    /// The failed call `error`, made for `context` (a path, `fd 7`, a line).
    static func syscall(_ error: SystemCallError, _ context: String, fileID: String = #fileID, line: Int = #line)
        -> GPIOError
    {
        .syscall(error.call, context, errno: error.errno, fileID: fileID, line: line)
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
        let names = try system_listDirectory(directory).mapError { GPIOError.syscall($0, directory) }.get()
        return names.filter { chipNumber($0) != nil }.sorted { chipNumber($0)! < chipNumber($1)! }.map { directory + "/" + $0 }
    }

    public func open(_ path: String) throws(GPIOError) -> Int32 {
        try valueOrErrno("open") { Glibc.open(path, O_RDWR | O_CLOEXEC) }.mapError { GPIOError.syscall($0, path) }.get()
    }

    public func close(_ fd: Int32) {
        system_close(fd)
    }

    public func ioctl(_ fd: Int32, _ request: UInt, _ buffer: inout [UInt8], context: String) throws(GPIOError) {
        _ = try buffer.withUnsafeMutableBytes { raw in
            valueOrErrno("ioctl") { cgpio_ioctl(fd, request, raw.baseAddress) }
        }.mapError { GPIOError.syscall($0, context) }.get()
    }

    public func poll(_ fds: [Int32]) throws(GPIOError) -> [Bool] {
        var polled = fds.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        _ = try valueOrErrno("poll") { Glibc.poll(&polled, nfds_t(polled.count), -1) }
            .mapError { GPIOError.syscall($0, "fds \(fds)") }.get()
        return polled.map { $0.revents != 0 }
    }

    public func watchChips() throws(GPIOError) -> Int32 {
        let fd = try valueOrErrno("inotify_init1") { inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK)) }
            .mapError { GPIOError.syscall($0, directory) }.get()
        let mask = UInt32(IN_CREATE | IN_DELETE | IN_ATTRIB)
        if case .failure(let error) = valueOrErrno("inotify_add_watch", { inotify_add_watch(fd, directory, mask) }) {
            close(fd)
            throw .syscall(error, directory)
        }
        return fd
    }

    public func read(_ fd: Int32, maxBytes: Int) throws(GPIOError) -> [UInt8] {
        try system_read(fd, maxBytes: maxBytes).mapError { GPIOError.syscall($0, "fd \(fd)") }.get()
    }
}

/// 4 for `gpiochip4`; nil for any other name.
func chipNumber(_ name: String) -> Int? {
    guard name.hasPrefix("gpiochip") else { return nil }
    let digits = name.dropFirst("gpiochip".count)
    guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else { return nil }
    return Int(digits)
}
