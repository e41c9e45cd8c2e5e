#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

// The thin calls on descriptors that several plugins make (the `system_` prefix marks the boundary of a
// plugin's raw calls): each once, here, every failure a ``SystemCallError``.

/// A pipe whose two ends are closed on exec, so that a command started meanwhile does not inherit them (and a
/// reader of the pipe would never see end of file).
///
/// pipe2 is not imported (it needs _GNU_SOURCE), so close-on-exec is set just after `pipe`; a caller that
/// spawns commands holds its own lock around both.
package func system_pipe() -> Result<(read: Int32, write: Int32), SystemCallError> {
    var fds: [Int32] = [-1, -1]
    return valueOrErrno("pipe") { pipe(&fds) }.map { _ in
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return (fds[0], fds[1])
    }
}

/// Closes `fd`; EINTR is not retried (on Linux the descriptor is gone either way, and a retry could close a
/// descriptor another thread has just been given).
package func system_close(_ fd: Int32) {
    _ = valueOrErrno("close", retryOnInterrupt: false) { close(fd) }
}

/// Reads up to `buffer.count` bytes; 0 = end of file.
package func system_read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Result<Int, SystemCallError> {
    valueOrErrno("read") { read(fd, buffer.baseAddress, buffer.count) }
}

/// Reads up to `maxBytes`; an empty array is end of file.
package func system_read(_ fd: Int32, maxBytes: Int) -> Result<[UInt8], SystemCallError> {
    var buffer = [UInt8](repeating: 0, count: max(0, maxBytes))
    return buffer.withUnsafeMutableBytes { system_read(fd, into: $0) }.map { Array(buffer.prefix($0)) }
}

/// Writes what the kernel takes now; returns how many bytes it took.
package func system_write(_ fd: Int32, _ bytes: ArraySlice<UInt8>) -> Result<Int, SystemCallError> {
    bytes.withUnsafeBytes { raw in valueOrErrno("write") { write(fd, raw.baseAddress, raw.count) } }
}
