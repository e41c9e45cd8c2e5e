#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SystemCalls

// Every raw system call of the module is made here or, where other plugins make it too (read, close, sleep,
// readdir), through SystemCalls, in the manner of swift-system's `Internals/Syscalls.swift`: "-1 (or NULL) and
// errno" becomes a `OneWireError` that names the call and the path, EINTR is retried, and no other file looks
// at errno.

extension OneWireError {
    /// The failed call `error`, made on `path`.
    static func systemCall(_ error: SystemCallError, path: String, fileID: String = #fileID, line: Int = #line) -> OneWireError {
        .systemCall(error.call, path: path, errno: error.errno, fileID: fileID, line: line)
    }
}

func system_open(_ path: String) -> Result<Int32, OneWireError> {
    // O_CLOEXEC: a command the controller runs must not inherit sensor descriptors.
    valueOrErrno("open") { open(path, O_RDONLY | O_CLOEXEC) }.mapError { .systemCall($0, path: path) }
}

func system_read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, path: String) -> Result<Int, OneWireError> {
    system_read(fd, into: buffer).mapError { .systemCall($0, path: path) }
}

/// The names in directory `path`, without `.` and `..`.
func system_listDirectory(path: String) -> Result<[String], OneWireError> {
    system_listDirectory(path).mapError { .systemCall($0, path: path) }
}
