import Logging
import ServiceLifecycle
import UnixSignals

/// SIGHUP, by convention "read your configuration again". Rules cannot be reloaded yet, so it only says
/// so; trapped, it no longer ends the controller (its default action would).
struct ReloadSignal: Service {
    /// The trapped signals, made before the service group starts, so that none arrives untrapped.
    let signals: UnixSignalsSequence
    let logger: Logger

    func run() async {
        for await _ in signals.cancelOnGracefulShutdown() {
            logger.notice("SIGHUP: nothing to reload yet (the configuration is read at start); the controller runs on")
        }
    }
}
