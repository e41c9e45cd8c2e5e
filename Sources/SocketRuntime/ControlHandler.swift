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
        case .log(let query, let follow):
            logger.debug("control socket: uid \(peer.uid) reads the history")
            await log(query, follow: follow, through: responder)
        case .export:
            logger.info("control socket: uid \(peer.uid) exports the settings")
            responder.succeed(ControlReply.Exported(settings: SettingsDocument(settingsOf: await controller.persistentState)))
        case .importSettings(let document):
            logger.notice("control socket: uid \(peer.uid) imports settings")
            guard await controller.importSettings(document.settings) else {
                responder.fail(ControlError(.notSaved, "the settings were not imported: the state database refuses writes (see the log)"))
                return
            }
            responder.succeed(ControlNothing())
        }
    }

    /// The newest lines `query` selects, then with `follow` each new one it selects, until the client goes.
    private func log(_ query: HistoryQuery, follow: Bool, through responder: ControlResponder) async {
        // Following starts before the read, so that nothing written in between is missed; what both hold is
        // sent once.
        let live = follow ? controller.history.follow() : nil
        let records: [HistoryRecord]
        do {
            records = try controller.historyRecords(query)
        } catch {
            responder.fail(ControlError(.notRead, "the history cannot be read: \(error)"))
            return
        }
        responder.succeed(ControlReply.LogHeader(records: records.count))
        for record in records { responder.succeed(ControlReply.LogLine(record: record)) }
        guard let live else { return }
        let shownEntry = records.lazy.compactMap { record -> Int64? in if case .event(let entry) = record { entry.id } else { nil } }.max()
        let shownSample = records.lazy.compactMap { record -> Instant? in if case .sample(let sample) = record { sample.time } else { nil } }.max()
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                var lastEntry = shownEntry ?? 0
                var lastSample = shownSample
                for await record in live where query.matches(record) {
                    switch record {
                    case .event(let entry):
                        guard entry.id > lastEntry else { continue }
                        lastEntry = entry.id
                    case .sample(let sample):
                        if let last = lastSample, sample.time <= last { continue }
                        lastSample = sample.time
                    case .hour:
                        break
                    }
                    guard responder.succeed(ControlReply.LogLine(record: record)) else { return }
                }
            }
            group.addTask { await responder.disconnected() }
            await group.next()
            group.cancelAll()
        }
    }
}
