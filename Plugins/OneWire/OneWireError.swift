#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failure while finding or reading a 1-Wire sensor: what was being done, on which path, and why.
///
/// Equality compares the ``code`` only, so callers match on the kind of failure, not on its wording.
public struct OneWireError: Error, Equatable, CustomStringConvertible {
    /// The kind of failure. A struct rather than an enum, so kinds can be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case notFound, systemCall, invalidReading
        }
        private let base: Base

        /// The path is not there (`ENOENT`, `ENOTDIR`): the sensor or the bus master has gone.
        public static let notFound = Code(base: .notFound)
        /// A system call failed for another reason (`EIO`, `EACCES`, …).
        public static let systemCall = Code(base: .systemCall)
        /// The sensor answered, but the reading failed a check (see ``OneWireError/rejection``).
        public static let invalidReading = Code(base: .invalidReading)

        public var description: String { base.rawValue }
    }

    public let code: Code
    /// What was being done: a system call (`open`, `read`, `opendir`, …) or `parse`.
    public let operation: String
    public let path: String
    /// The `errno` of a failed system call.
    public let errno: Int32?
    /// Why the reading was not trusted, for ``Code/invalidReading``.
    public let rejection: W1Rejection?
    /// Where the error was made, for the log.
    public let source: String
    /// Built when the error is made, while `errno`'s text is at hand (as LuaSwift builds its error string).
    public let description: String

    init(
        _ code: Code, operation: String, path: String, errno: Int32? = nil, rejection: W1Rejection? = nil,
        fileID: String = #fileID, line: Int = #line
    ) {
        self.code = code
        self.operation = operation
        self.path = path
        self.errno = errno
        self.rejection = rejection
        self.source = "\(fileID):\(line)"
        var text = "\(operation) \(path): "
        if let errno { text += "\(Self.message(errno)) (errno \(errno))" }
        if let rejection { text += rejection.description }
        self.description = text + " [\(code)]"
    }

    /// A failed system call; `ENOENT`/`ENOTDIR` become ``Code/notFound``, since they mean the sensor left.
    static func systemCall(
        _ operation: String, path: String, errno: Int32, fileID: String = #fileID, line: Int = #line
    ) -> OneWireError {
        let code: Code = errno == ENOENT || errno == ENOTDIR ? .notFound : .systemCall
        return OneWireError(code, operation: operation, path: path, errno: errno, fileID: fileID, line: line)
    }

    /// A reading read from `path` that failed a check.
    static func invalidReading(
        _ rejection: W1Rejection, path: String, fileID: String = #fileID, line: Int = #line
    ) -> OneWireError {
        OneWireError(.invalidReading, operation: "parse", path: path, rejection: rejection, fileID: fileID, line: line)
    }

    public static func == (a: OneWireError, b: OneWireError) -> Bool { a.code == b.code }

    private static func message(_ errno: Int32) -> String {
        guard let text = strerror(errno) else { return "error" }
        return String(cString: text)
    }
}
