#if canImport(Glibc)
    import Glibc
#endif

/// A state database of one run only: in a fresh private folder (mkdtemp, mode 0700) under `$TMPDIR` or
/// /tmp, removed with everything a ``Store`` leaves there by ``remove()``. What `smsocket simulate` uses
/// without `--state`, and `smsocket run` with `state = "temporary"` (the demo board).
public struct TemporaryState: Sendable {
    /// The `state` value of a configuration file that asks `run` for a temporary state.
    public static let configValue = "temporary"

    public let folder: String
    /// The database's path inside ``folder``.
    public var path: String { folder + "/state.sqlite" }

    public init() throws(StoreError) {
        let base = getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array("\(base)/smsocket-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw StoreError(
                code: .cannotOpen, path: base, detail: "cannot create a temporary folder: \(String(cString: strerror(errno)))")
        }
        folder = String(cString: made)
    }

    /// Removes the database's files and the folder.
    public func remove() {
        for file in Store.files(at: path) { unlink(file) }
        rmdir(folder)
    }
}
