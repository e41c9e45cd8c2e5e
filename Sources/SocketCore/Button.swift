/// The hidden push-button (spec §4.3): a short press toggles the main socket (or first disarms an armed
/// alarm); a 5-second hold asks for a factory reset, which a press within 10 seconds confirms.
extension SocketCore {
    mutating func buttonReleased(heldMilliseconds held: Int64) {
        if volatile.factoryResetPending {
            return factoryReset()
        }
        if held >= Timing.factoryResetHold {
            volatile.factoryResetPending = true
            schedule(.factoryResetWindow, afterSeconds: Timing.factoryResetConfirm)
            emit(.note("factory reset requested: press the button within 10 s to confirm"))
            return
        }
        if !model.isLight, persistent.alarmArmed {
            return disarmAlarm()
        }
        setMain(!persistent.mainRelayOn)
    }

    mutating func factoryResetWindowExpired() {
        guard volatile.factoryResetPending else { return }
        volatile.factoryResetPending = false
        emit(.note("factory reset cancelled"))
    }

    /// Restores every factory default (both lists, passwords, scheduler, alarm log; the clock stays) and
    /// reboots, which opens a new configuration window.
    mutating func factoryReset() {
        stopEverything()
        let clock = persistent.clock
        update {
            $0 = PersistentState()
            $0.clock = clock
        }
        emit(.note("factory reset: all settings restored to defaults"))
        resetVolatileState()
        powerUp()
    }
}
