import SystemCalls

/// The control socket could not be set up when the controller started; the controller does not start.
public struct ControlSocketError: Error, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// Another controller answers on the socket.
        case inUse = "in-use"
        /// Something that is not a socket is at the path; it is left alone.
        case notASocket = "not-a-socket"
        /// The path is longer than a socket address holds (107 bytes).
        case pathTooLong = "path-too-long"
        /// A system call failed (the folder is missing or not writable, ...).
        case systemCall = "system-call"
    }

    public var code: Code
    public var path: String
    public var detail: String

    public var description: String {
        switch code {
        case .inUse:
            "the control socket \(path) is in use: another smsocket answers there (stop it, or give this one its own control_socket)"
        case .notASocket:
            "the control socket \(path) cannot be made: \(detail) is there; remove it or choose another control_socket"
        case .pathTooLong:
            "the control socket \(path) is too long a path: a socket's path has at most \(UnixSocket.maximumPathLength) bytes"
        case .systemCall:
            "the control socket \(path) cannot be made: \(detail)"
        }
    }
}
