/// Power-up, power-down, POWERSTATE and the power notifier (spec §4.13, §4.14).
extension SocketCore {
    mutating func powerUp() {
        if let down = volatile.poweredDownAt, now.seconds - down.seconds > Timing.clockRetention, persistent.clock != nil {
            update { $0.clock = nil }
        }
        // A clock kept under another configuration (a time zone added or taken out) reads on in this one.
        if let clock = persistent.clock {
            let adopted = clock.adopting(zone, at: now)
            if adopted != clock { update { $0.clock = adopted } }
        }
        resetVolatileState()
        volatile.poweredUp = true
        volatile.poweredUpAt = now
        renewWindow()
        emit(.note("power up"))

        restoreMainAtPowerUp()
        if !model.isLight {
            // The micro-relay always comes up open, and a RESTARTM or alarm pulse in progress is dropped: an
            // open contact is its safe state, so a timed revert cannot leave it closed for ever.
            if equipment.contains(.microRelay) { applyMicro(false, force: true) }
            // A probe at once, so that a missing thermometer is a fault now, not after the warm-up.
            if equipment.contains(.thermometer) { emit(.readTemperature) }
            schedule(.temperatureReading, afterSeconds: Timing.temperatureWarmUp)
            armThermostatFailSafe()
            if persistent.alarmArmed { startAlarmEngine(resetActivity: true) }
            scheduleNextRule()
        }
        if persistent.restoreNoticePending {
            update { $0.restoreNoticePending = false }
            notifyAlertNumbers(ReplyText.powerRestored)
        }
        if !volatile.mainsPresent {
            // Started without mains (a 707 on its battery): the loss is handled as if it happened now.
            volatile.mainsPresent = true
            mainsLost()
        }
    }

    /// Mains is gone: a 707 reports it and runs on its battery for a while; a 706 is dark at once.
    mutating func mainsLost() {
        guard volatile.mainsPresent else { return }
        volatile.mainsPresent = false
        guard model.hasBattery else { return powerDown(becauseOfMains: true) }
        volatile.onBattery = true
        notifyAlertNumbers(ReplyText.powerFailure)
        schedule(.batteryShutdown, afterSeconds: Timing.batteryRunTime)
    }

    mutating func mainsReturned() {
        let wasPresent = volatile.mainsPresent
        volatile.mainsPresent = true
        if volatile.onBattery, !wasPresent {
            volatile.onBattery = false
            emit(.cancelTimer(.batteryShutdown))
            notifyAlertNumbers(ReplyText.powerRestored)
        }
    }

    /// The device goes dark: every timer and call ends, the relays drop out. The remembered relay state
    /// is kept for POWERSTATE=REMEMBER.
    mutating func powerDown(becauseOfMains: Bool) {
        if becauseOfMains { update { $0.restoreNoticePending = true } }
        stopEverything()
        emit(.note("power down"))
        emit(.powerDown)
        resetVolatileState()
        volatile.poweredDownAt = now
    }

    /// Ends calls and timers and drops the relays out, as losing power does.
    mutating func stopEverything() {
        if let call = volatile.call { emit(.endCall(to: call.number)) }
        if volatile.alarm.audioOn { emit(.audio(on: false)) }
        for id in TimerID.allCases { emit(.cancelTimer(id)) }
        if persistent.mainRelayOn { emit(.setRelay(.main, on: false)) }
        if volatile.microRelayOn { emit(.setRelay(.micro, on: false)) }
    }

    /// Forgets the runtime state, keeping what the inputs and the modem last reported about the world.
    mutating func resetVolatileState() {
        var fresh = VolatileState()
        fresh.sensorClosed = volatile.sensorClosed
        fresh.sensorConnected = volatile.sensorConnected
        fresh.mainsPresent = volatile.mainsPresent
        fresh.signal = volatile.signal
        fresh.faults = volatile.faults
        fresh.outputFaults = volatile.outputFaults
        fresh.outputFaultsAnnounced = volatile.outputFaultsAnnounced
        fresh.modemOnline = volatile.modemOnline
        fresh.poweredDownAt = volatile.poweredDownAt
        volatile = fresh
    }
}
