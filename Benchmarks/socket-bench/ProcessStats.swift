import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// One reading of what Linux's /proc says about a running process: its CPU time, its memory and how
/// often each of its threads went to sleep. Nil fields were not readable (the process is gone).
struct ProcessStats {
    /// One thread's name (`/proc/PID/task/TID/comm`) and its context switches.
    struct Thread: Equatable {
        var id: Int
        var name: String
        /// Times the thread blocked (in poll, a futex, a read...): each later wakeup is one of these.
        var voluntarySwitches: Int
        /// Times the scheduler took the CPU from it while it wanted to run on.
        var involuntarySwitches: Int
        /// CPU time, in nanoseconds (`/proc/PID/task/TID/schedstat`, first field).
        var runtimeNanoseconds: Int
    }

    /// User plus system CPU time of all the process's threads, in clock ticks (`/proc/PID/stat` fields 14
    /// and 15; ``ticksPerSecond`` a second).
    var cpuTicks: Int?
    /// Resident memory now and its peak, in KiB (`VmRSS` and `VmHWM` of `/proc/PID/status`).
    var residentKiB: Int?
    var peakResidentKiB: Int?
    /// What of ``residentKiB`` is the heap and stacks (`RssAnon`), and what is mapped files: the program
    /// and its libraries, shared with every process that maps them (`RssFile`).
    var anonymousKiB: Int?
    var fileKiB: Int?
    var threads: [Thread]

    /// Clock ticks per second (`CLK_TCK`), the unit of ``cpuTicks``.
    static let ticksPerSecond: Int = max(1, sysconf(Int32(_SC_CLK_TCK)))

    init(pid: pid_t) {
        let base = "/proc/\(pid)"
        cpuTicks = Self.cpuTicks(stat: readTextFile(base + "/stat"))
        let status = readTextFile(base + "/status")
        residentKiB = Self.kibibytes(of: "VmRSS", in: status)
        peakResidentKiB = Self.kibibytes(of: "VmHWM", in: status)
        anonymousKiB = Self.kibibytes(of: "RssAnon", in: status)
        fileKiB = Self.kibibytes(of: "RssFile", in: status)
        threads = Self.taskIDs(of: pid).compactMap { tid in
            let task = base + "/task/\(tid)"
            let status = readTextFile(task + "/status")
            guard let voluntary = Self.number(of: "voluntary_ctxt_switches", in: status),
                let involuntary = Self.number(of: "nonvoluntary_ctxt_switches", in: status)
            else { return nil }
            let name = readTextFile(task + "/comm").split(separator: "\n").first.map(String.init) ?? "?"
            let runtime = readTextFile(task + "/schedstat").split(separator: " ").first.flatMap { Int($0) } ?? 0
            return Thread(
                id: tid, name: name, voluntarySwitches: voluntary, involuntarySwitches: involuntary, runtimeNanoseconds: runtime)
        }
    }

    /// utime + stime from a `/proc/PID/stat` line. The fields are counted after the last `)`, since the
    /// command name in parentheses may itself hold spaces and parentheses.
    static func cpuTicks(stat: String) -> Int? {
        guard let close = stat.lastIndex(of: ")") else { return nil }
        // After ")": field 3 (state) is the first, so utime (14) and stime (15) are the 12th and 13th.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Int(fields[11]), let system = Int(fields[12]), user >= 0, system >= 0 else {
            return nil
        }
        return user.addingReportingOverflow(system).overflow ? nil : user + system
    }

    /// The number on the line `key:` of a /proc status file, its unit (`kB`) dropped.
    static func number(of key: String, in status: String) -> Int? {
        for line in status.split(separator: "\n") where line.hasPrefix(key + ":") {
            return line.dropFirst(key.count + 1).split(whereSeparator: { $0 == " " || $0 == "\t" }).first.flatMap { Int($0) }
        }
        return nil
    }

    private static func kibibytes(of key: String, in status: String) -> Int? { number(of: key, in: status) }

    private static func taskIDs(of pid: pid_t) -> [Int] {
        guard let directory = opendir("/proc/\(pid)/task") else { return [] }
        defer { closedir(directory) }
        var ids: [Int] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if let id = Int(name) { ids.append(id) }
        }
        return ids.sorted()
    }
}

/// What the threads of a process did between two readings, summed by thread name (threads of one pool
/// share a name). A thread started in between counts from zero; one that ended in between is not seen.
struct ThreadActivity {
    var name: String
    var threads: Int
    var wakeups: Int
    var involuntarySwitches: Int
    var runtimeNanoseconds: Int

    static func between(_ before: ProcessStats, _ after: ProcessStats) -> [ThreadActivity] {
        var byName: [String: ThreadActivity] = [:]
        for thread in after.threads {
            let earlier =
                before.threads.first { $0.id == thread.id }
                ?? ProcessStats.Thread(id: thread.id, name: thread.name, voluntarySwitches: 0, involuntarySwitches: 0, runtimeNanoseconds: 0)
            var entry = byName[thread.name] ?? ThreadActivity(name: thread.name, threads: 0, wakeups: 0, involuntarySwitches: 0, runtimeNanoseconds: 0)
            entry.threads += 1
            entry.wakeups += max(0, thread.voluntarySwitches - earlier.voluntarySwitches)
            entry.involuntarySwitches += max(0, thread.involuntarySwitches - earlier.involuntarySwitches)
            entry.runtimeNanoseconds += max(0, thread.runtimeNanoseconds - earlier.runtimeNanoseconds)
            byName[thread.name] = entry
        }
        return byName.values.sorted { ($0.wakeups, $0.name) > ($1.wakeups, $1.name) }
    }
}
