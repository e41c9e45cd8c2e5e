import ServiceLifecycle
import SocketCore

/// Runs a controller on the real clock until a graceful shutdown (SIGTERM, SIGINT): handles events as
/// the plugins post them and fires each timer when it is due.
public struct ControllerService: Service {
    private let controller: Controller
    private let bus: EventBus
    private let clock: SystemClock

    public init(controller: Controller, bus: EventBus, clock: SystemClock = SystemClock()) {
        self.controller = controller
        self.bus = bus
        self.clock = clock
    }

    public func run() async throws {
        try await controller.start()
        let bus = self.bus
        await withTaskCancellationOrGracefulShutdownHandler {
            while !Task.isShuttingDownGracefully, !Task.isCancelled {
                await controller.fireDueTimers()
                await controller.drain()
                await waitForWork(until: await controller.nextDeadline)
            }
        } onCancelOrGracefulShutdown: {
            bus.wake()
        }
        // The command in flight has finished and is committed; now the ports are released.
        await controller.stop()
    }

    /// Suspends until an event is posted, the next timer is due, or the service is told to stop.
    private func waitForWork(until deadline: Instant?) async {
        let bus = self.bus
        let alarm: Task<Void, Never>? = deadline.map { deadline in
            let delay = max(0, deadline.milliseconds - clock.now.milliseconds)
            return Task {
                try? await Task.sleep(for: .milliseconds(delay))
                if !Task.isCancelled { bus.wake() }
            }
        }
        await bus.waitForItem()
        alarm?.cancel()
    }
}
