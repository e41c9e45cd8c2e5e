import ServiceLifecycle
import SocketCore

/// Runs a controller on the real clock until a graceful shutdown (SIGTERM, SIGINT): handles events as
/// the plugins post them and fires each timer when it is due.
///
/// With a ``ServiceNotifier`` it tells the service manager `READY=1` once the controller has started (state
/// open, ports started, rules loaded), `STOPPING=1` when a graceful stop begins, and, with a watchdog,
/// `WATCHDOG=1` from this loop: only after a round of timers and events went through the controller, so a
/// controller that hangs (an event that never finishes) stops the pings and systemd restarts it.
public struct ControllerService: Service {
    private let controller: Controller
    private let bus: EventBus
    private let clock: SystemClock
    private let notifier: ServiceNotifier?
    private let started: @Sendable () -> Void

    /// - Parameter started: runs once the controller has started, after `READY=1`.
    public init(
        controller: Controller, bus: EventBus, clock: SystemClock = SystemClock(), notifier: ServiceNotifier? = nil,
        started: @escaping @Sendable () -> Void = {}
    ) {
        self.controller = controller
        self.bus = bus
        self.clock = clock
        self.notifier = notifier
        self.started = started
    }

    public func run() async throws {
        try await controller.start()
        notifier?.notify([.ready, .status("Running")])
        started()
        let bus = self.bus
        let clock = self.clock
        let notifier = self.notifier
        // The watchdog's own time: monotonic, so that the wall clock set at boot (NTP) neither floods nor starves it.
        let watchdogClock = ContinuousClock()
        var nextPing = watchdogClock.now
        // Wakes the loop when the next timer or ping is due; a wake that comes after an event already did
        // only costs a turn of the loop.
        let alarm = Alarm { bus.wake() }
        await withTaskCancellationOrGracefulShutdownHandler {
            while !Task.isShuttingDownGracefully, !Task.isCancelled {
                await controller.fireDueTimers()
                await controller.drain()
                var pingDelay: Int64?
                if let notifier, let interval = notifier.watchdogInterval {
                    if watchdogClock.now >= nextPing {
                        notifier.notify([.watchdog])
                        nextPing = watchdogClock.now.advanced(by: interval)
                    }
                    pingDelay = Self.milliseconds(watchdogClock.now.duration(to: nextPing))
                }
                let timerDelay = await controller.nextDeadline.map { Self.milliseconds(from: clock.now, to: $0) }
                // Suspends until an event is posted, the next timer or ping is due, or the service is told to stop.
                alarm.set(afterMilliseconds: [timerDelay, pingDelay].compactMap { $0 }.min())
                await bus.waitForItem()
            }
        } onCancelOrGracefulShutdown: {
            notifier?.notify([.stopping, .status("Stopping")])
            bus.wake()
        }
        alarm.set(afterMilliseconds: nil)
        // The command in flight has finished and is committed; now the ports are released.
        await controller.stop()
    }

    /// How far `deadline` is from `now`; 0 when it has passed, and no overflow for a deadline far away.
    static func milliseconds(from now: Instant, to deadline: Instant) -> Int64 {
        let (difference, overflow) = deadline.milliseconds.subtractingReportingOverflow(now.milliseconds)
        guard !overflow else { return deadline > now ? .max : 0 }
        return max(difference, 0)
    }

    /// `duration` in whole milliseconds, rounded up so that the alarm does not go off just before the ping
    /// is due; 0 for a duration that has passed.
    static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0, attoseconds >= 0 else { return 0 }
        guard seconds < Int64.max / 1000 - 1 else { return .max }
        return seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
    }
}
