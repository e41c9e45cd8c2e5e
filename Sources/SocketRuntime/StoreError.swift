/// Why the state database could not be used. Printed to the person starting the controller, so each
/// case says what is wrong and what to do.
public struct StoreError: Error, CustomStringConvertible, Equatable {
    public enum Code: String, Sendable {
        case cannotOpen, inUse, emptyFile, corrupt, newerSchema, invalidValue, writeFailed
    }

    public let code: Code
    public let path: String
    public let detail: String

    public static func == (a: StoreError, b: StoreError) -> Bool { a.code == b.code && a.path == b.path }

    public var description: String {
        switch code {
        case .cannotOpen:
            return "cannot open the state database \(path): \(detail)"
        case .inUse:
            return "the state database \(path) is in use by \(detail) (a running controller or simulator); "
                + "stop it first, or give this one a state file of its own"
        case .emptyFile:
            return "the state database \(path) is an empty file (0 bytes), not a database: its settings are lost "
                + "(a full disk or a failing card can leave such a file); restore a backup, or remove the file "
                + "to start with factory settings"
        case .corrupt:
            return "the state database \(path) is damaged (\(detail)); "
                + "move it aside to start with factory settings, or restore a backup"
        case .newerSchema:
            return "the state database \(path) was written by a newer SMSocket (\(detail)); "
                + "run that version, or move the file aside to start with factory settings"
        case .invalidValue:
            return "the state database \(path) is damaged: \(detail); correct that row, restore a backup, "
                + "or move the file aside to start with factory settings"
        case .writeFailed:
            return "cannot write the state database \(path): \(detail)"
        }
    }
}
