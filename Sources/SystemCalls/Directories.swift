#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The names in directory `path`, without `.` and `..`, in the order the system gives them.
package func system_listDirectory(_ path: String) -> Result<[String], SystemCallError> {
    var opened = opendir(path)
    while opened == nil && errno == EINTR { opened = opendir(path) }
    guard let directory = opened else { return .failure(SystemCallError(call: "opendir", errno: errno)) }
    defer { closedir(directory) }
    var names: [String] = []
    while true {
        // readdir returns NULL both at the end and on error; only errno tells them apart.
        errno = 0
        guard let entry = readdir(directory) else {
            let code = errno
            if code == 0 { break }
            return .failure(SystemCallError(call: "readdir", errno: code))
        }
        let name = withUnsafePointer(to: entry.pointee.d_name) { tuple in
            tuple.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: tuple.pointee)) {
                String(cString: $0)
            }
        }
        if name != "." && name != ".." { names.append(name) }
    }
    return .success(names)
}
