import Synchronization

/// A place where plugins keep objects shared between the roles of one board, keyed by name.
public final class SharedObjects: Sendable {
    private let objects = Mutex<[String: any Sendable]>([:])

    public init() {}

    /// The object stored under `key`, created by `make` the first time.
    public func object<T: Sendable>(_ key: String, make: () throws -> T) rethrows -> T {
        try objects.withLock { stored in
            if let existing = stored[key] as? T { return existing }
            let created = try make()
            stored[key] = created
            return created
        }
    }
}
