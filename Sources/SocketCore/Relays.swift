/// The main socket and the micro-relay (spec §4.1, §4.2).
extension SocketCore {
    /// Sets the main socket, cancelling a pending ON<n>/OFF<n>/RESTART timer; optionally schedules the
    /// return to the opposite state after `seconds` (1 … ``TimedSwitch/longest``). The timer is persisted
    /// with the new relay state, in the same commit (§4.13).
    mutating func setMain(_ on: Bool, thenRevertAfterSeconds seconds: Int64? = nil) {
        if persistent.mainTimer != nil {
            update { $0.mainTimer = nil }
            emit(.cancelTimer(.mainRelay))
        }
        applyMain(on)
        if let seconds {
            let timer = TimedSwitch(deadline: now.adding(seconds: seconds), seconds: seconds, finalOn: !on)
            update { $0.mainTimer = timer }
            emit(.schedule(.mainRelay, at: timer.deadline))
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
        guard let timer = persistent.mainTimer else { return }
        update { $0.mainTimer = nil }
        applyMain(timer.finalOn)
    }

    /// The main socket at power-up (§4.13): POWERSTATE=ON or OFF wins and drops a pending timer. With
    /// REMEMBER a timer that still runs goes on for the time left, with the socket as it was; one that ran
    /// out while the device was down, or that has more time left than it ever had (the clock went back),
    /// gives its final state at once.
    mutating func restoreMainAtPowerUp() {
        let timer = persistent.mainTimer
        let running = persistent.powerState == .remember && timer?.isRunning(at: now) == true
        if timer != nil, !running { update { $0.mainTimer = nil } }
        let on: Bool
        switch persistent.powerState {
        case .remember: on = running ? persistent.mainRelayOn : timer?.finalOn ?? persistent.mainRelayOn
        case .on: on = true
        case .off: on = false
        }
        applyMain(on, force: true)
        if running, let timer { emit(.schedule(.mainRelay, at: timer.deadline)) }
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
