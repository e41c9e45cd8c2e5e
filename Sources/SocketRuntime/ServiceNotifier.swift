import Logging
import Synchronization
import SystemCalls

#if canImport(Glibc)
    import Glibc
#endif

/// Tells the service manager how the controller is doing, as sd_notify(3) does but without libsystemd: each
/// message is one datagram of `KEY=VALUE` lines to the AF_UNIX socket named by `$NOTIFY_SOCKET` (a path, or
/// an abstract name written with a leading `@`). Without `$NOTIFY_SOCKET` (not started by systemd, or not as
/// `Type=notify`) every message is dropped.
///
/// The watchdog (`WatchdogSec=` in the unit) reaches the process as `$WATCHDOG_USEC` (and `$WATCHDOG_PID`, the
/// process it is meant for); ``watchdogInterval`` is half of it, as sd_watchdog_enabled(3) advises, so that one
/// late ping is not yet a restart.
public final class ServiceNotifier: Sendable {
    /// One line of a notification (sd_notify(3) lists them).
    public enum State: Sendable, Equatable {
        /// `READY=1`: start-up (or a reload) is finished.
        case ready
        /// `RELOADING=1` with `MONOTONIC_USEC=`: a reload begins, at that CLOCK_MONOTONIC time in microseconds
        /// (systemd 253 and later want both).
        case reloading(monotonicMicroseconds: UInt64)
        /// `STOPPING=1`: a graceful stop begins.
        case stopping
        /// `WATCHDOG=1`: the controller is alive.
        case watchdog
        /// `STATUS=`: one line for `systemctl status` (line breaks become spaces).
        case status(String)

        var line: String {
            switch self {
            case .ready: "READY=1"
            case .reloading(let microseconds): "RELOADING=1\nMONOTONIC_USEC=\(microseconds)"
            case .stopping: "STOPPING=1"
            case .watchdog: "WATCHDOG=1"
            case .status(let text): "STATUS=" + String(text.map { $0.isNewline ? " " : $0 })
            }
        }
    }

    /// Where notifications go; nil when `$NOTIFY_SOCKET` is unset or empty.
    package let address: UnixSocket.Address?
    /// How often ``State/watchdog`` is due: half of `$WATCHDOG_USEC`, at least a millisecond; nil when there is
    /// no watchdog for this process (unset, or `$WATCHDOG_PID` names another process).
    public let watchdogInterval: Duration?
    private let logger: Logger
    private let progress = Mutex(Progress())

    private struct Progress {
        /// `READY=1` was sent and no `STOPPING=1` since.
        var ready = false
        /// The last notification failed: a socket that keeps refusing is logged once, not at every watchdog ping.
        var failing = false
    }

    /// A notifier for this process's environment (`$NOTIFY_SOCKET`, `$WATCHDOG_USEC`, `$WATCHDOG_PID`).
    /// Throws ``ServiceNotifierError`` when one of them is set but not as sd_notify(3) defines it.
    public convenience init(logger: Logger) throws(ServiceNotifierError) {
        try self.init(environment: { getenv($0).map { String(cString: $0) } }, pid: getpid(), logger: logger)
    }

    /// A notifier for the variables `environment` gives, in the process `pid`.
    public init(environment: (String) -> String?, pid: Int32, logger: Logger) throws(ServiceNotifierError) {
        self.logger = logger
        address = try Self.address(environment("NOTIFY_SOCKET"))
        watchdogInterval = try Self.watchdogInterval(
            microseconds: environment("WATCHDOG_USEC"), pid: environment("WATCHDOG_PID"), ownPID: pid)
    }

    static func address(_ value: String?) throws(ServiceNotifierError) -> UnixSocket.Address? {
        guard let value, !value.isEmpty else { return nil }
        let address: UnixSocket.Address
        if value.hasPrefix("@"), value.count > 1 {
            address = .abstract(String(value.dropFirst()))
        } else if value.hasPrefix("/") {
            address = .path(value)
        } else {
            throw ServiceNotifierError(
                code: .invalidAddress, context: "NOTIFY_SOCKET=\(value) is neither an absolute path nor an abstract name (@name)")
        }
        // The `@` is not part of the name.
        guard value.utf8.count - (value.hasPrefix("@") ? 1 : 0) <= UnixSocket.maximumPathLength else {
            throw ServiceNotifierError(
                code: .invalidAddress,
                context: "NOTIFY_SOCKET=\(value) is longer than a socket address holds (\(UnixSocket.maximumPathLength) bytes)")
        }
        return address
    }

    static func watchdogInterval(microseconds: String?, pid: String?, ownPID: Int32) throws(ServiceNotifierError) -> Duration? {
        guard let microseconds, !microseconds.isEmpty else { return nil }
        guard let value = UInt64(microseconds), value > 0 else {
            throw ServiceNotifierError(code: .invalidWatchdog, context: "WATCHDOG_USEC=\(microseconds) is not a positive number of microseconds")
        }
        if let pid, !pid.isEmpty {
            guard let target = Int32(pid), target > 0 else {
                throw ServiceNotifierError(code: .invalidWatchdog, context: "WATCHDOG_PID=\(pid) is not a process id")
            }
            // The watchdog is meant for another process (a parent that started this one as a helper).
            if target != ownPID { return nil }
        }
        // At least a millisecond, so that an absurdly short watchdog (which nothing could keep) never makes the
        // controller's loop spin; Int64 microseconds overflow only past 292,000 years, clamped anyway.
        return .microseconds(max(1000, Int64(clamping: value / 2)))
    }

    /// Whether `READY=1` was announced and no `STOPPING=1` since: a reload is announced only then, so that a
    /// SIGHUP during start-up does not say "ready" before the controller is.
    public var isReady: Bool { progress.withLock { $0.ready } }

    /// Sends `states` as one datagram; a failure is logged (once until a notification gets through again) and
    /// otherwise ignored: the service manager's socket is no reason to stop the controller.
    public func notify(_ states: [State]) {
        var failure: ServiceNotifierError?
        do throws(ServiceNotifierError) {
            try send(states)
        } catch {
            failure = error
        }
        let wasFailing = progress.withLock { progress in
            if states.contains(.ready) { progress.ready = true }
            if states.contains(.stopping) { progress.ready = false }
            defer { progress.failing = failure != nil }
            return progress.failing
        }
        if let failure, !wasFailing {
            logger.warning("\(failure)")
        } else if failure == nil, wasFailing {
            logger.notice("the service manager's notification socket takes messages again")
        }
    }

    /// Sends `states` as one datagram of lines; does nothing without an ``address``.
    public func send(_ states: [State]) throws(ServiceNotifierError) {
        guard let address else { return }
        let message = Array(states.map(\.line).joined(separator: "\n").utf8)
        let sent = UnixSocket.datagram().flatMap { descriptor in
            defer { UnixSocket.close(descriptor) }
            return message.withUnsafeBytes { UnixSocket.send(descriptor, $0, to: address) }
        }
        if case .failure(let error) = sent {
            throw ServiceNotifierError(code: .sendFailed, context: "to \(address): \(error)")
        }
    }

    /// CLOCK_MONOTONIC now, in microseconds: the time ``State/reloading(monotonicMicroseconds:)`` carries.
    public static func monotonicMicroseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1000
    }
}
