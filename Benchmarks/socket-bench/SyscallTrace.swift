/// What `strace -f -tt` saw a process do: per thread, how many system calls it made and in how many
/// bursts, and how far apart the bursts were. A thread that polls shows many bursts a regular short
/// interval apart; an idle one shows none, or a few a long period apart (a timer it was given).
struct SyscallTrace {
    struct ThreadSummary {
        var threadID: Int
        var calls: Int
        /// Groups of calls with less than ``burstGap`` between consecutive ones: one wakeup each.
        var bursts: Int
        /// The median time between the starts of consecutive bursts, in seconds (nil: fewer than two).
        var medianInterval: Double?
        /// The calls by name, most frequent first.
        var names: [(name: String, count: Int)]
    }

    /// Calls closer together than this are one wakeup's work (a poll every 100 ms is 10 wakeups a second).
    static let burstGap = 0.01

    var threads: [ThreadSummary]
    /// The process's wakeups: groups of calls on any thread, with less than ``burstGap`` between them.
    var wakeups: Int
    var calls: Int { threads.reduce(0) { $0 + $1.calls } }

    /// Reads the lines of `strace -f -tt -p PID -o FILE`: `TID HH:MM:SS.ffffff name(...)`, with
    /// `<... name resumed>` for a call that blocked; signals, exits and unreadable lines are passed over.
    init(text: String) {
        var times: [Int: [Double]] = [:]
        var names: [Int: [String: Int]] = [:]
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ", maxSplits: 2)
            guard fields.count == 3, let tid = Int(fields[0]), let time = Self.seconds(fields[1]) else { continue }
            let call = fields[2]
            if call.hasPrefix("---") || call.hasPrefix("+++") { continue }
            times[tid, default: []].append(time)
            // A resumed call was counted when it began.
            guard !call.hasPrefix("<..."), let open = call.firstIndex(of: "("), open > call.startIndex else { continue }
            names[tid, default: [:]][String(call[..<open]), default: 0] += 1
        }
        wakeups = Self.burstStarts(times.values.flatMap { $0 }.sorted()).count
        threads = times.keys.sorted().map { tid in
            let starts = Self.burstStarts(times[tid] ?? [])
            let intervals = zip(starts.dropFirst(), starts).map { $0 - $1 }.map { $0 < 0 ? $0 + 86_400 : $0 }
            let counted = names[tid] ?? [:]
            return ThreadSummary(
                threadID: tid, calls: counted.values.reduce(0, +), bursts: starts.count,
                medianInterval: percentile(intervals, 0.5),
                names: counted.map { (name: $0.key, count: $0.value) }.sorted { ($0.count, $1.name) > ($1.count, $0.name) })
        }
    }

    /// The first time of each burst among `stamps` (in order).
    private static func burstStarts(_ stamps: [Double]) -> [Double] {
        var starts: [Double] = []
        var last: Double?
        for stamp in stamps {
            // Midnight passes as a step back of a day.
            if last.map({ stamp - $0 >= burstGap || stamp < $0 - 43_200 }) ?? true { starts.append(stamp) }
            last = stamp
        }
        return starts
    }

    /// `HH:MM:SS.ffffff` as seconds since midnight.
    private static func seconds(_ clock: Substring) -> Double? {
        let parts = clock.split(separator: ":")
        guard parts.count == 3, let h = Double(parts[0]), let m = Double(parts[1]), let s = Double(parts[2]) else { return nil }
        return h * 3600 + m * 60 + s
    }
}
