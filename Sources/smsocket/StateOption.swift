import ArgumentParser
import SocketRuntime

#if canImport(Glibc)
    import Glibc
#endif

/// `--state PATH` of `log`, `export` and `import`: work on a state database directly instead of asking the
/// running controller, for a board whose controller is stopped (a backup of its card, a new board before
/// its first start). The database is refused while a controller holds it.
struct StateOption: ParsableArguments {
    @Option(help: "Work on this state database instead of asking the running controller (which must not hold it).")
    var state: String?

    /// The store at `state`; with `mayCreate` false, a missing file is an error (reading must not leave an
    /// empty database behind).
    func open(mayCreate: Bool, _ options: ControlOptions) throws -> Store? {
        guard let state else { return nil }
        if !mayCreate, access(state, F_OK) != 0 {
            throw options.refuse(ControlError(.notRead, "there is no state database at \(state)"))
        }
        do {
            return try Store(path: state, durability: .full)
        } catch {
            throw options.refuse(ControlError(mayCreate ? .notSaved : .notRead, "\(error)"))
        }
    }
}
