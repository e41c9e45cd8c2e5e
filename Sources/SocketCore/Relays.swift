/// The main socket and the micro-relay (spec §4.1, §4.2).
extension SocketCore {
    /// Sets the main socket, cancelling a pending ON<n>/OFF<n>/RESTART timer; optionally schedules the
    /// return to the opposite state.
    mutating func setMain(_ on: Bool, thenRevertAfterSeconds seconds: Int64? = nil) {
        if volatile.mainTimerTarget != nil {
            volatile.mainTimerTarget = nil
            emit(.cancelTimer(.mainRelay))
        }
        applyMain(on)
        if let seconds {
            volatile.mainTimerTarget = !on
            schedule(.mainRelay, afterSeconds: seconds)
        }
    }

    /// RESTART: change state, return after RESTARTTIME, whatever the initial state (§5 A28).
    mutating func restartMain() {
        let current = persistent.mainRelayOn
        setMain(!current, thenRevertAfterSeconds: Int64(persistent.restartTime))
    }

    /// Drives the relay and remembers the state for POWERSTATE=REMEMBER.
    /// A relay in fault is driven even when it is believed to be in place already, so that the answer says
    /// what it really did.
    mutating func applyMain(_ on: Bool, force: Bool = false) {
        let before = persistent.mainRelayOn
        let changed = before != on
        if changed { update { $0.mainRelayOn = on } }
        if changed || force || volatile.outputFaults.contains(.main) {
            emit(.setRelay(.main, on: on))
            volatile.lastSwitch[.main] = (volatile.requester, before)
            if on { volatile.mainOnSince = wallClock }
        }
    }

    mutating func mainTimerExpired() {
        guard let target = volatile.mainTimerTarget else { return }
        volatile.mainTimerTarget = nil
        applyMain(target)
    }

    mutating func setMicro(_ on: Bool, thenRevertAfterSeconds seconds: Int64? = nil) {
        guard equipment.contains(.microRelay) else { return }
        if volatile.microTimerTarget != nil {
            volatile.microTimerTarget = nil
            emit(.cancelTimer(.microRelay))
        }
        applyMicro(on)
        if let seconds {
            volatile.microTimerTarget = !on
            schedule(.microRelay, afterSeconds: seconds)
        }
    }

    mutating func applyMicro(_ on: Bool, force: Bool = false) {
        let before = volatile.microRelayOn
        guard before != on || force || volatile.outputFaults.contains(.micro) else { return }
        volatile.microRelayOn = on
        emit(.setRelay(.micro, on: on))
        volatile.lastSwitch[.micro] = (volatile.requester, before)
    }

    mutating func microTimerExpired() {
        guard let target = volatile.microTimerTarget else { return }
        volatile.microTimerTarget = nil
        applyMicro(target)
    }
}
