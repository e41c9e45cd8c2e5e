#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Sleeps the calling thread for `duration` (nothing for zero or less): a plugin's own dedicated thread, or
/// a wait of a millisecond or so elsewhere (StateLock's retry), never a longer one on a Swift concurrency
/// thread. A signal does not cut it short: the rest is slept out.
package func system_sleep(_ duration: Duration) {
    let (seconds, attoseconds) = duration.components
    guard seconds > 0 || attoseconds > 0 else { return }
    var request = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
    var remaining = timespec()
    while nanosleep(&request, &remaining) == -1 && errno == EINTR { request = remaining }
}
