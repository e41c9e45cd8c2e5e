import Testing

@testable import SocketCore

/// `smsocket import` in the core: the settings replace the device's, the device state stays, and what the
/// settings drive is derived again as a power-up derives it.
@Suite("Importing settings")
struct SettingsImportTests {
    static let alertNumber = "3589223456789"

    /// Settings of a backup: an alert number and whatever `change` sets.
    static func imported(_ change: (inout PersistentState) -> Void) -> PersistentState {
        var settings = PersistentState()
        settings.alertNumbers = [alertNumber]
        change(&settings)
        return settings
    }

    /// A 707 powered up 11 minutes ago (past the thermometer's warm-up), its socket on for 5 minutes.
    static func running() -> TestShell {
        var shell = TestShell(model: .gsm707)
        shell.advance(minutes: 11)
        shell.sms("ON5")
        shell.clearLog()
        return shell
    }

    @Test func theDeviceStateStaysAndTheSettingsAreTaken() {
        var shell = Self.running()
        let effects = shell.handle(.importSettings(Self.imported { $0.restartTime = 30; $0.mainRelayOn = false; $0.alarmLog = [AlarmLogEntry(time: nil)] }))
        #expect(effects.contains(.reply(ReplyText.ruleActionDone)))
        #expect(!effects.contains { if case .setRelay = $0 { true } else { false } }, "the relays stay as they are")
        #expect(shell.persistent.restartTime == 30 && shell.persistent.alertNumbers == [Self.alertNumber])
        #expect(shell.persistent.mainRelayOn && shell.persistent.mainTimer != nil && shell.persistent.alarmLog.isEmpty, "device state kept")
        shell.advance(minutes: 5)
        #expect(!shell.mainOn, "ON5's timer runs on")
    }

    @Test func anArmedAlarmWatchesTheInputAtOnce() {
        var shell = Self.running()
        shell.handle(.sensorConnected(true))
        shell.handle(.importSettings(Self.imported { $0.alarmArmed = true }))
        #expect(shell.persistent.alarmArmed)
        shell.handle(.sensor(closed: true))
        #expect(shell.sentMessages.contains { $0.text == ReplyText.alarmSMS }, "\(shell.sentMessages)")
    }

    @Test func aDisarmedAlarmStopsWatching() {
        var shell = Self.running()
        shell.sms("ALERTNUMBER+\(Self.alertNumber)")
        shell.sms("ALARMON")
        shell.handle(.importSettings(Self.imported { $0.alarmArmed = false }))
        shell.clearLog()
        shell.handle(.sensor(closed: true))
        #expect(!shell.persistent.alarmArmed)
        #expect(!shell.sentMessages.contains { $0.text == ReplyText.alarmSMS })
    }

    @Test func anEnabledThermostatStartsItsFailSafe() {
        var shell = Self.running()
        shell.reading = .missing
        shell.handle(.importSettings(Self.imported { $0.thermostatEnabled = true; $0.tempOff = 20 }))
        #expect(shell.due(.thermostatFailSafe) != nil)
        shell.advance(minutes: 6)
        #expect(!shell.mainOn, "no valid reading for 5 minutes: off")
        #expect(shell.sentMessages.contains { $0.text == ReplyText.thermostatSensorFault })
    }

    @Test func aDisabledThermostatCancelsItsFailSafe() {
        var shell = Self.running()
        shell.sms("THERMOSTATON")
        #expect(shell.due(.thermostatFailSafe) != nil)
        shell.handle(.importSettings(Self.imported { $0.thermostatEnabled = false }))
        #expect(shell.due(.thermostatFailSafe) == nil)
    }

    @Test func theSchedulerPlansTheImportedRules() {
        var shell = TestShell.s0(.gsm707)
        // S0's clock reads 14:03:10 now.
        shell.handle(.importSettings(Self.imported { $0.schedule = [ScheduleRule(hour: 14, minute: 10, weekday: nil, action: .on)] }))
        #expect(shell.due(.scheduler) != nil)
        shell.advance(minutes: 7)
        #expect(shell.mainOn)
    }

    @Test func aDarkDeviceKeepsTheSettingsForItsPowerUp() {
        var shell = TestShell(model: .gsm707, powerUp: false)
        shell.handle(.importSettings(Self.imported { $0.alarmArmed = true; $0.restartTime = 42 }))
        #expect(shell.persistent.restartTime == 42 && shell.persistent.alarmArmed)
    }
}
