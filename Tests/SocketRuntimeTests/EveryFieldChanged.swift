import SocketCore

extension PersistentState {
    /// Every persisted field away from its factory value: the settings, and device state that a settings
    /// document must not carry (a relay on, a running timer with milliseconds, an alarm log, a set clock).
    ///
    /// The settings document tests edit its JSON by these values (`"tempcal":7`, the three scheduler rules,
    /// the numbers), so a change here goes with a change there.
    static var everyFieldChanged: PersistentState {
        var s = PersistentState()
        s.restartTime = 20
        s.ring = .toggle
        s.secListActive = true
        s.secNumbers = ["3589123456789", "3584000000001"]
        s.password = "12abc"
        s.renewPassword = "abc123xyz"
        s.smsConfirm = false
        s.ringConfirm = false
        s.ringConfirmType = .call
        s.errorReplies = false
        s.smsConfirmUnauthorised = true
        s.thermostatMode = .cooling
        s.thermostatEnabled = true
        s.tempOff = 20
        s.alertNumbers = ["3589223456789"]
        s.thermAlert = true
        s.riseAlert = 30
        s.fallAlert = -5
        s.tempCal = 7
        s.microRelayTime = 60
        s.sensorType = .normallyClosed
        s.alertMode = .smsChange
        s.alarmArmed = true
        s.schedule = [
            ScheduleRule(hour: 8, minute: 30, weekday: nil, action: .on), ScheduleRule(hour: 22, minute: 0, weekday: 5, action: .disarmAlarm),
            ScheduleRule(hour: 6, minute: 15, weekday: 1, action: .rule("BOOST")),
        ]
        s.powerState = .off
        s.saldoCode = "*100#"
        // Device state: not settings.
        s.ruleLastFired = [s.schedule[1]: 20_458]
        s.mainRelayOn = true
        s.mainTimer = TimedSwitch(deadline: Instant(milliseconds: 1_767_600_000_123), seconds: 1800, finalOn: false)
        s.alarmLog = [AlarmLogEntry(time: CivilTime(year: 2026, month: 1, day: 5, hour: 8, minute: 1, second: 2)), AlarmLogEntry(time: nil)]
        s.clock = DeviceClock(offsetSeconds: -3600, zone: "+12")
        s.restoreNoticePending = true
        return s
    }
}
