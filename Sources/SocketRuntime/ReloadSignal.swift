import Logging
import ServiceLifecycle
import UnixSignals

/// SIGHUP, by convention "read your configuration again": the Lua rules are loaded again (rules-api.md), each
/// rule's `data` kept and its waiting runs cancelled. The configuration file itself is read at start only.
/// Trapped, the signal never ends the controller (its default action would).
struct ReloadSignal: Service {
    /// The trapped signals, made before the service group starts, so that none arrives untrapped.
    let signals: UnixSignalsSequence
    let controller: Controller
    let bus: EventBus
    let logger: Logger
    let notifier: ServiceNotifier?

    func run() async {
        for await _ in signals.cancelOnGracefulShutdown() {
            if await Self.reload(controller: controller, bus: bus, logger: logger, notifier: notifier, by: "SIGHUP") == nil {
                logger.notice("SIGHUP: no rules folder is configured, so there is nothing to reload; the controller runs on")
            }
        }
    }

    /// Loads the rules again, for SIGHUP and the control socket's `reload` alike (`by` names which in the log);
    /// returns what loaded and failed, nil without a rules folder. Once the controller is ready, the service
    /// manager hears `RELOADING=1` before and `READY=1` after, so `systemctl reload` shows the unit reloading
    /// meanwhile; a reload during start-up is not announced, lest it say "ready" before the controller is.
    static func reload(
        controller: Controller, bus: EventBus, logger: Logger, notifier: ServiceNotifier?, by cause: String
    ) async -> RulesReport? {
        guard await controller.hasRules else { return nil }
        logger.notice("\(cause): loading the rules again")
        let announced = notifier?.isReady == true
        if announced {
            notifier?.notify([.reloading(monotonicMicroseconds: ServiceNotifier.monotonicMicroseconds()), .status("Reloading the rules")])
        }
        let report = await controller.reloadRules()
        // The controller's loop may be waiting for a deadline the reload moved.
        bus.wake()
        if announced { notifier?.notify([.ready, .status("Running")]) }
        return report
    }
}
