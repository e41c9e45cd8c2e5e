/// Outputs that fail to switch, and the parts STATUS names as faulty (issue 8: never claim what did not
/// happen).
///
/// A relay whose switching failed is taken to have stayed as it was: its timer is dropped, the command that
/// asked for it answers `Execute error!` (§2.7 step 8) instead of its confirmation, and switching nobody asked
/// for (timers, thermostat, scheduler, alarm, button) tells the ALERTNUMBERs once per fault and is tried again
/// every ``SocketCore/Timing/outputRetry`` seconds until it works or something else sets the relay: a timed
/// switch-off that failed once must not leave a heater on for ever. For the main socket the retry is a timed
/// switch with its deadline stored, so a restart meanwhile takes the state it was to have (§4.13). The part
/// stays in STATUS's `Fault:` line until one of its switchings succeeds.
extension SocketCore {
    mutating func outputsFailed(_ failed: [Relay: Bool]) {
        var requesters: [ReplyTarget] = []
        var unannounced: [(Relay, Bool)] = []
        for relay in Relay.allCases {
            guard let on = failed[relay] else { continue }
            let last = volatile.lastSwitch[relay] ?? (.nobody, !on)
            // A switching that only confirmed the believed state (at power-up) changes no belief and no timer.
            let changed = last.from != on
            if changed { keepUnswitched(relay, at: last.from) }
            volatile.outputFaults.insert(relay)
            emit(.note("the \(relay.partName) did not switch \(on ? "on" : "off")"))
            let requester = last.requester
            if requester == .nobody {
                if volatile.outputFaultsAnnounced.insert(relay).inserted { unannounced.append((relay, on)) }
                if changed { retry(relay, on: on) }
            } else if !requesters.contains(requester) {
                requesters.append(requester)
            }
        }
        // One answer per command, however many of its outputs failed (ONALL).
        for requester in requesters {
            switch requester {
            case .sms(let address): emit(.retractReplies(to: address))
            case .local: emit(.retractReplies(to: nil))
            case .rule, .nobody: break
            }
            replyError(ReplyText.executeError, to: requester)
        }
        for (relay, on) in unannounced { notifyAlertNumbers(ReplyText.outputFault(relay.partName, on: on)) }
    }

    /// A relay that did not switch is taken to be as it was believed before, and its timer goes: it would only
    /// switch it back.
    private mutating func keepUnswitched(_ relay: Relay, at state: Bool) {
        switch relay {
        case .main:
            if persistent.mainTimer != nil {
                update { $0.mainTimer = nil }
                emit(.cancelTimer(.mainRelay))
            }
            if persistent.mainRelayOn != state { update { $0.mainRelayOn = state } }
        case .micro:
            if volatile.microTimerTarget != nil {
                volatile.microTimerTarget = nil
                emit(.cancelTimer(.microRelay))
            }
            volatile.microRelayOn = state
        }
    }

    /// Tries the switching again later, through the relay's own timer.
    private mutating func retry(_ relay: Relay, on: Bool) {
        let seconds = Timing.outputRetry
        switch relay {
        case .main:
            let timer = TimedSwitch(deadline: now.adding(seconds: seconds), seconds: seconds, finalOn: on)
            update { $0.mainTimer = timer }
            emit(.schedule(.mainRelay, at: timer.deadline))
        case .micro:
            volatile.microTimerTarget = on
            schedule(.microRelay, afterSeconds: seconds)
        }
    }

    mutating func outputWorks(_ relay: Relay) {
        guard volatile.outputFaults.remove(relay) != nil else { return }
        volatile.outputFaultsAnnounced.remove(relay)
        emit(.note("the \(relay.partName) switches again"))
    }

    /// The parts that could not start, reported once the others have started. Added to the list, not put in
    /// its place: a part that started went out of service meanwhile (its chip went away) may already be on it.
    mutating func couldNotStart(_ parts: [String]) {
        for part in parts where !volatile.faults.contains(part) { volatile.faults.append(part) }
    }

    /// A part that went out of service while running, or came back: STATUS's `Fault:` line follows it.
    mutating func hardwareService(_ part: String, working: Bool) {
        if working {
            guard volatile.faults.contains(part) else { return }
            volatile.faults.removeAll { $0 == part }
            emit(.note("the \(part) is back in service"))
        } else {
            guard !volatile.faults.contains(part) else { return }
            volatile.faults.append(part)
            emit(.note("the \(part) is out of service"))
        }
    }

    /// Every part out of service, for STATUS's `Fault:` line: those that could not start, outputs whose last
    /// switching failed, and a thermometer that is missing or gives no trustworthy value.
    public var faultyParts: [String] {
        var names = volatile.faults
        for relay in Relay.allCases where volatile.outputFaults.contains(relay) && !names.contains(relay.partName) {
            names.append(relay.partName)
        }
        switch volatile.reading {
        case .missing?, .faulty?:
            if equipment.contains(.thermometer), !names.contains(Self.thermometerPart) { names.append(Self.thermometerPart) }
        default:
            break
        }
        return names
    }

    /// The thermometer's name in STATUS's `Fault:` line and the log.
    public static let thermometerPart = "thermometer"
}
