/// Why the service manager could not be told something.
public struct ServiceNotifierError: Error, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// `$NOTIFY_SOCKET` is set but names no socket.
        case invalidAddress
        /// `$WATCHDOG_USEC` or `$WATCHDOG_PID` is set but not a number.
        case invalidWatchdog
        /// The datagram could not be sent (the socket is gone, or the manager does not read it).
        case sendFailed
    }

    public let code: Code
    /// The variable or address and the system's reason.
    public let context: String

    /// Errors are equal when their codes are: the context is for people.
    public static func == (a: ServiceNotifierError, b: ServiceNotifierError) -> Bool { a.code == b.code }

    public var description: String {
        switch code {
        case .invalidAddress, .invalidWatchdog:
            "the service manager's environment is not usable: \(context); start the controller from systemd, or unset it"
        case .sendFailed:
            "cannot notify the service manager \(context)"
        }
    }
}
