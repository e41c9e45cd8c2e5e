#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Every raw system call of the module is made here, in the manner of swift-system's
// `Internals/Syscalls.swift`: each wrapper turns "-1 (or NULL) and errno" into a `OneWireError` that
// names the call and the path, and retries EINTR, so no other file looks at errno.

/// Runs `call` until it does not fail with EINTR; any other failure becomes a `OneWireError`.
private func valueOrErrno<T>(
    _ operation: String, path: String, failed: (T) -> Bool, _ call: () -> T
) -> Result<T, OneWireError> {
    while true {
        let value = call()
        guard failed(value) else { return .success(value) }
        let code = errno
        if code == EINTR { continue }
        return .failure(.systemCall(operation, path: path, errno: code))
    }
}

/// `valueOrErrno` for calls that fail by returning NULL.
private func nonNilOrErrno<T>(_ operation: String, path: String, _ call: () -> T?) -> Result<T, OneWireError> {
    valueOrErrno(operation, path: path, failed: { $0 == nil }, call).map { $0! }
}

func system_open(_ path: String) -> Result<Int32, OneWireError> {
    // O_CLOEXEC: a command the controller runs must not inherit sensor descriptors.
    valueOrErrno("open", path: path, failed: { $0 == -1 }) { open(path, O_RDONLY | O_CLOEXEC) }
}

func system_read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, path: String) -> Result<Int, OneWireError> {
    valueOrErrno("read", path: path, failed: { $0 == -1 }) { read(fd, buffer.baseAddress, buffer.count) }
}

func system_close(_ fd: Int32) {
    // Nothing useful can follow a failed close of a read-only descriptor, and retrying after EINTR
    // could close a descriptor another thread has just been given.
    _ = close(fd)
}

/// The names in directory `path`, without `.` and `..`.
func system_listDirectory(_ path: String) throws(OneWireError) -> [String] {
    let directory = try nonNilOrErrno("opendir", path: path) { opendir(path) }.get()
    defer { closedir(directory) }
    var names: [String] = []
    while true {
        // readdir returns NULL both at the end and on error; only errno tells them apart.
        errno = 0
        guard let entry = readdir(directory) else {
            let code = errno
            if code == 0 { break }
            throw .systemCall("readdir", path: path, errno: code)
        }
        let name = withUnsafePointer(to: entry.pointee.d_name) { tuple in
            tuple.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: tuple.pointee)) {
                String(cString: $0)
            }
        }
        if name != "." && name != ".." { names.append(name) }
    }
    return names
}

/// Sleeps the calling thread (the reader's own, never a Swift concurrency thread).
func system_sleep(_ duration: Duration) {
    let (seconds, attoseconds) = duration.components
    guard seconds > 0 || attoseconds > 0 else { return }
    var request = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
    var remaining = timespec()
    // Sleep out the rest after a signal instead of returning early.
    while nanosleep(&request, &remaining) == -1 && errno == EINTR { request = remaining }
}
