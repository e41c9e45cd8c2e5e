import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// What the bench prints: a heading per section, one line per figure with its target and PASS or FAIL,
/// and the figures that missed their targets, for the exit status.
final class Scorecard: Sendable {
    private let misses = Mutex<[String]>([])

    /// The figures that missed their targets, in the order they were measured.
    var failed: [String] { misses.withLock { $0 } }

    func section(_ title: String) {
        show("\n== \(title)")
    }

    /// A figure without a target of its own (a part of one that has, or context).
    func note(_ name: String, _ value: String) {
        show(Self.padded(name) + value)
    }

    /// A figure and its target; `passed` says whether the figure meets it.
    func check(_ name: String, _ value: String, target: String, passed: Bool) {
        show(Self.padded(name) + value + "  (target " + target + ")  " + (passed ? "PASS" : "FAIL"))
        if !passed { misses.withLock { $0.append(name) } }
    }

    /// A figure that could not be measured on this machine: neither a pass nor a failure.
    func skip(_ name: String, because reason: String) {
        show(Self.padded(name) + "not measured: " + reason + "  SKIP")
    }

    /// Prints a line at once, also into a file or a pipe: a whole run takes a quarter of an hour.
    private func show(_ line: String) {
        print(line)
        fflush(nil)
    }

    private static func padded(_ name: String) -> String {
        name.count >= 52 ? name + " " : name.padding(toLength: 52, withPad: " ", startingAt: 0)
    }
}

/// The value below which a share `p` (0 < p ≤ 1) of `values` lies, by the nearest-rank method; nil when
/// there are none.
func percentile(_ values: [Double], _ p: Double) -> Double? {
    guard !values.isEmpty, p > 0, p <= 1 else { return nil }
    let sorted = values.sorted()
    let rank = Int((Double(sorted.count) * p).rounded(.up))
    return sorted[min(sorted.count, max(1, rank)) - 1]
}

/// A duration in seconds.
func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}
