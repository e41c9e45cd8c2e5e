import PluginKit
import SystemCalls

#if canImport(Glibc)
    import Glibc
#endif

/// Reads a configuration file whole, within bounds: only a regular file, and at most ``maxSize`` bytes, so
/// that `--config /dev/zero`, a FIFO or a huge file is an error at once instead of a read that never ends
/// or eats the memory. Time zone files are read the same way (``ZoneDatabase``).
enum ConfigFile {
    /// 1 MiB: a configuration file is a few kilobytes, and so is a time zone file.
    static let maxSize = 1 << 20

    /// The bytes of the file at `path`; `kind` names what it should be in errors.
    ///
    /// - Throws: a ``ConfigError`` naming `path`: it cannot be opened or read, it is a directory or another
    ///   kind of file, or it is larger than ``maxSize``.
    static func contents(of path: String, kind: String = "configuration file") throws(ConfigError) -> [UInt8] {
        func failure(_ message: String) -> ConfigError { ConfigError(file: path, line: nil, key: nil, message: message) }
        func unreadable(_ error: SystemCallError) -> ConfigError {
            failure("cannot read the file: \(String(cString: strerror(error.errno)))")
        }
        // O_NONBLOCK: opening a FIFO without a writer would otherwise wait for one; it is refused below.
        let descriptor: Int32
        switch valueOrErrno("open", { open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC) }) {
        case .success(let fd): descriptor = fd
        case .failure(let error): throw unreadable(error)
        }
        defer { close(descriptor) }
        switch fileKind(descriptor: descriptor) {
        case .success(.regular): break
        case .success(.directory): throw failure("is a directory, not a \(kind)")
        case .success(let other): throw failure("is \(other), not a \(kind)")
        case .failure(let error): throw unreadable(error)
        }
        // One byte more than allowed tells a file of exactly maxSize from a larger one.
        var bytes = [UInt8](repeating: 0, count: maxSize + 1)
        var count = 0
        while count < bytes.count {
            let result = bytes.withUnsafeMutableBytes { buffer in
                valueOrErrno("read") { read(descriptor, buffer.baseAddress! + count, buffer.count - count) }
            }
            let n: Int
            switch result {
            case .success(let value): n = value
            case .failure(let error): throw unreadable(error)
            }
            if n == 0 { break }
            count += n
        }
        guard count <= maxSize else {
            throw failure("is larger than \(maxSize / (1 << 20)) MiB; a \(kind) is a few kilobytes")
        }
        return Array(bytes[..<count])
    }
}
