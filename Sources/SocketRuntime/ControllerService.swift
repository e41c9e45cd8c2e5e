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

    public init(controller: Controller, bus: EventBus, clock: SystemClock = SystemClock(), notifier: ServiceNotifier? = nil) {
        self.controller = controller
        self.bus = bus
        self.clock = clock
        self.notifier = notifier
    }

    public func run() async throws {
        try await controller.start()
        notifier?.notify([.ready, .status("Running")])
        let bus = self.bus
        let notifier = self.notifier
        // The watchdog's own time: monotonic, so that the wall clock set at boot (NTP) neither floods nor starves it.
        let watchdogClock = ContinuousClock()
        var nextPing = watchdogClock.now
        await withTaskCancellationOrGracefulShutdownHandler {
            while !Task.isShuttingDownGracefully, !Task.isCancelled {
                await controller.fireDueTimers()
                await controller.drain()
                var pingDelay: Duration?
                if let notifier, let interval = notifier.watchdogInterval {
                    if watchdogClock.now >= nextPing {
                        notifier.notify([.watchdog])
                        nextPing = watchdogClock.now.advanced(by: interval)
                    }
                    pingDelay = watchdogClock.now.duration(to: nextPing)
                }
                await waitForWork(until: await controller.nextDeadline, atMost: pingDelay)
            }
        } onCancelOrGracefulShutdown: {
            notifier?.notify([.stopping, .status("Stopping")])
            bus.wake()
        }
        // The command in flight has finished and is committed; now the ports are released.
        await controller.stop()
    }

    /// Suspends until an event is posted, the next timer is due, `atMost` has passed, or the service is told
    /// to stop.
    private func waitForWork(until deadline: Instant?, atMost limit: Duration?) async {
        let bus = self.bus
        let timerDelay = deadline.map { Duration.milliseconds(max(0, $0.milliseconds - clock.now.milliseconds)) }
        let alarm: Task<Void, Never>? = [timerDelay, limit].compactMap { $0 }.min().map { delay in
            Task {
                try? await Task.sleep(for: delay)
                if !Task.isCancelled { bus.wake() }
            }
        }
        await bus.waitForItem()
        alarm?.cancel()
    }
}
