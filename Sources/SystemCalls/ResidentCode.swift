#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The executable code mapped from files into this process (the program and its shared libraries), as
/// /proc/self/maps lists it (proc(5)): each range with its start and end address.
package func executableFileMappings() -> Result<[(start: UInt, end: UInt)], SystemCallError> {
    readProcessFile("/proc/self/maps").map(parseExecutableFileMappings)
}

/// Whether a debugger or tracer is attached (`TracerPid:` of /proc/self/status is not 0): its breakpoints
/// are written into the code's pages, which ``system_dropResidentPages(_:)`` would throw away.
package func isTraced() -> Result<Bool, SystemCallError> {
    readProcessFile("/proc/self/status").map { status in
        let line = status.split(separator: UInt8(ascii: "\n")).first { $0.starts(with: "TracerPid:".utf8) }
        let value = line.map { String(decoding: $0.dropFirst("TracerPid:".utf8.count), as: UTF8.self) }
        return value.map { $0.trimmingPrefix(while: \.isWhitespace) != "0" } ?? false
    }
}

/// The whole of a /proc file (its size is not known before reading), at most 1 MiB of it.
private func readProcessFile(_ path: String) -> Result<[UInt8], SystemCallError> {
    valueOrErrno("open \(path)") { open(path, O_RDONLY | O_CLOEXEC) }.flatMap { fd in
        defer { system_close(fd) }
        let limit = 1 << 20
        var contents: [UInt8] = []
        while contents.count < limit {
            switch system_read(fd, maxBytes: min(64 * 1024, limit - contents.count)) {
            case .failure(let error): return .failure(error)
            case .success(let bytes) where bytes.isEmpty: return .success(contents)
            case .success(let bytes): contents += bytes
            }
        }
        return .success(contents)
    }
}

/// The `r-xp` ranges of `listing` (a /proc/PID/maps text) that map a file by path; anything else, and any
/// line that does not parse, is left out.
package func parseExecutableFileMappings(_ listing: [UInt8]) -> [(start: UInt, end: UInt)] {
    listing.split(separator: UInt8(ascii: "\n")).compactMap { line in
        // address perms offset dev inode pathname
        let fields = line.split(separator: UInt8(ascii: " "), maxSplits: 5, omittingEmptySubsequences: true)
        // The kernel pads the inode column with spaces up to the pathname.
        guard fields.count == 6, fields[1].elementsEqual("r-xp".utf8),
            fields[5].first(where: { $0 != UInt8(ascii: " ") }) == UInt8(ascii: "/")
        else {
            return nil
        }
        let bounds = fields[0].split(separator: UInt8(ascii: "-"))
        guard bounds.count == 2, let start = UInt(String(decoding: bounds[0], as: UTF8.self), radix: 16),
            let end = UInt(String(decoding: bounds[1], as: UTF8.self), radix: 16), start < end
        else { return nil }
        return (start, end)
    }
}

/// Unmaps the pages of `range` from this process without touching the file (`madvise(MADV_DONTNEED)`): code
/// read again later is mapped again from the page cache. Only for ranges no one writes (code): written
/// private pages would be lost.
package func system_dropResidentPages(_ range: (start: UInt, end: UInt)) -> Result<Void, SystemCallError> {
    valueOrErrno("madvise") {
        madvise(UnsafeMutableRawPointer(bitPattern: range.start), Int(range.end - range.start), MADV_DONTNEED)
    }.map { _ in }
}
