/// `smsocket import` (README "Backup and moving to a new board"): settings from a backup replace the
/// device's while it runs, and the device carries on as a restart with them would.
extension SocketCore {
    /// Takes the settings of `imported` (``PersistentState/adoptingSettings(of:)``) and derives again what
    /// a power-up derives from them: the alarm armed or disarmed (an armed one judged against the new
    /// SENSORTYPE), the thermostat's fail-safe wait started or cancelled, the temperature alerts re-armed,
    /// the scheduler's next rule. The relays stay as they are (POWERSTATE applies at power-up); the
    /// thermostat and the alerts act at the next reading. Answers the local console with `OK`.
    mutating func importSettings(_ imported: PersistentState) {
        let before = persistent
        let wasActive = sensorActive
        update {
            $0 = $0.adoptingSettings(of: imported)
            // Switched below as ALARMON / ALARMOFF and THERMOSTATON / THERMOSTATOFF switch them.
            $0.alarmArmed = before.alarmArmed
            $0.thermostatEnabled = before.thermostatEnabled
        }
        if sensorActive != wasActive { emit(.notice(.sensor(active: sensorActive))) }
        if imported.alarmArmed != before.alarmArmed {
            imported.alarmArmed ? armAlarm() : disarmAlarm()
        } else if persistent.alarmArmed {
            evaluateAlarmInput()
        }
        if imported.thermostatEnabled != before.thermostatEnabled {
            update { $0.thermostatEnabled = imported.thermostatEnabled }
            imported.thermostatEnabled ? armThermostatFailSafe() : disarmThermostatFailSafe()
        }
        if persistent.riseAlert != before.riseAlert { volatile.riseAlertArmed = true }
        if persistent.fallAlert != before.fallAlert { volatile.fallAlertArmed = true }
        scheduleNextRule()
        reply(ReplyText.ruleActionDone, to: .local)
    }
}
