import Logging
import SocketCore
import SystemCalls

/// Answers the control socket's requests from the controller: one branch per ``ControlRequest``.
package struct ControlHandler: Sendable {
    let controller: Controller
    let bus: EventBus
    let logger: Logger
    /// Hears `RELOADING=1` and `READY=1` around a `reload`.
    let notifier: ServiceNotifier?

    package init(controller: Controller, bus: EventBus, logger: Logger, notifier: ServiceNotifier? = nil) {
        self.controller = controller
        self.bus = bus
        self.logger = logger
        self.notifier = notifier
    }

    package func respond(to request: ControlRequest, from peer: PeerCredentials, through responder: ControlResponder) async {
        switch request {
        case .status:
            logger.debug("control socket: uid \(peer.uid) asks for the status")
            responder.succeed(await controller.controlStatus(version: SocketCore.version))
        case .send(let text):
            logger.info("control socket: uid \(peer.uid) sends a local command")
            // As the simulator's console: the replies as they are, `Execute error!` included.
            responder.succeed(ControlReply.Replies(replies: await controller.execute(localCommand: text)))
        case .sms(let number, let text):
            logger.info("control socket: uid \(peer.uid) queues an SMS to \(number)")
            switch await controller.queueSMS(to: number, text: text) {
            case [ReplyText.ruleActionDone]:
                responder.succeed(ControlReply.Queued(queued: number))
            case []:
                responder.fail(ControlError(.deviceOff, "the device is off (its battery run ended); nothing was queued"))
            default:
                responder.fail(ControlError(.notSaved, "the SMS cannot be queued: the state database refuses writes (see the log)"))
            }
        case .reload:
            guard let report = await ReloadSignal.reload(
                controller: controller, bus: bus, logger: logger, notifier: notifier, by: "control socket (uid \(peer.uid))") else {
                responder.fail(ControlError(.noRules, "no rules folder is configured (the `rules` key), so there is nothing to reload"))
                return
            }
            responder.succeed(report)
        }
    }
}
