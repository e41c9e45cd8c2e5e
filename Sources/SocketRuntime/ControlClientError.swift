/// Why a control command could not get its answer from the controller (the controller's own refusals are
/// ``ControlError``s).
public struct ControlClientError: Error, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Nothing listens at the socket: no file there, or a file nobody answers on.
        case notRunning
        /// This user may not open the socket (or its folder).
        case permissionDenied
        /// No complete answer in time.
        case timeout
        /// The answer is not reply lines.
        case garbled
        /// Another system call failed.
        case failed
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
