import SystemCalls

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Whether the program of a command can be started, found as `posix_spawnp` will look for it: a name with
/// a `/` is a path, any other name is looked up in the folders of `PATH`. `smsocket check` asks this so
/// that a missing or non-executable program is reported before `run` fails on it.
enum ExecProgram {
    /// Where `PATH` is not set (the C library's default).
    static let defaultSearchPath = "/bin:/usr/bin"

    /// nil when `program` can be run by this user; otherwise why not, as a sentence.
    static func problem(_ program: String, searchPath: String?) -> String? {
        if program.contains("/") { return problem(atPath: program) }
        let path = searchPath ?? defaultSearchPath
        var firstProblem: String?
        // An empty folder in PATH is the current one.
        for folder in path.split(separator: ":", omittingEmptySubsequences: false) {
            let candidate = folder.isEmpty ? program : folder + "/" + program
            guard case .success = fileKind(atPath: candidate) else { continue }
            guard let problem = problem(atPath: candidate) else { return nil }
            firstProblem = firstProblem ?? problem
        }
        return firstProblem ?? "the program \"\(program)\" is not found in PATH (\(path)); give its full path"
    }

    private static func problem(atPath path: String) -> String? {
        switch fileKind(atPath: path) {
        case .failure(let error) where error.errno == ENOENT || error.errno == ENOTDIR:
            return "the program \(path) does not exist"
        case .failure(let error):
            return "cannot look at the program \(path): \(errnoText(error.errno))"
        case .success(.regular):
            break
        case .success(let kind):
            return "\(path) is \(kind), not a program"
        }
        if case .failure(let error) = checkAccess(path, X_OK) {
            return "\(currentUserName()) may not run \(path): \(errnoText(error.errno)); make it executable (chmod +x)"
        }
        return nil
    }
}
