import Testing

@testable import SocketCore

let alertA = "358912345678"
let alertB = "3589223456789"

/// S0 with two ALERTNUMBERs.
func withAlertNumbers(_ model: Model = .gsm706, _ extra: [String] = []) -> TestShell {
    TestShell.s0(model, then: ["ALERTNUMBER+\(alertA)", "ALERTNUMBER+\(alertB)"] + extra)
}

@Suite("Relays: ON<n>, OFF<n>, RESTART, RESTARTM (§4.1, §4.2)")
struct RelayTimingTests {
    @Test("ON5 switches on now and off at +5 min, without an SMS (E3)")
    func onFive() {
        var shell = TestShell.s0()
        #expect(shell.reply(to: "ON5") == "Power ON for 5 min")
        #expect(shell.mainOn)
        #expect(shell.due(.mainRelay) == shell.now.adding(minutes: 5))
        shell.clearLog()
        shell.advance(seconds: 299)
        #expect(shell.mainOn)
        shell.advance(seconds: 1)
        #expect(!shell.mainOn)
        #expect(shell.sentMessages.isEmpty)
        #expect(shell.due(.mainRelay) == nil)
    }

    @Test("OFF<n> switches off now and back on after n minutes", arguments: [1, 5, 720])
    func offFor(_ n: Int64) {
        var shell = TestShell.s0()
        shell.sms("ON")
        #expect(shell.reply(to: "OFF\(n)") == "Power OFF for \(n) min")
        #expect(!shell.mainOn)
        shell.advance(seconds: n * 60 - 1)
        #expect(!shell.mainOn)
        shell.advance(seconds: 1)
        #expect(shell.mainOn)
    }

    @Test("a later main-socket command cancels the pending timer (§5 A29)",
          arguments: ["ON", "OFF", "ON3", "OFF3", "ONALL", "OFFALL"])
    func cancelledByCommand(_ body: String) {
        var shell = TestShell.s0()
        shell.sms("ON5")
        shell.advance(minutes: 1)
        shell.sms(body)
        let state = shell.mainOn
        shell.advance(minutes: 4)
        if body.hasSuffix("3") {
            #expect(shell.mainOn == !state, "its own timer fired at +3")
        } else {
            #expect(shell.mainOn == state)
            #expect(shell.due(.mainRelay) == nil)
        }
    }

    @Test("the button also cancels a pending timer")
    func cancelledByButton() {
        var shell = TestShell.s0()
        shell.sms("OFF5")
        shell.handle(.button(heldMilliseconds: 100))
        #expect(shell.mainOn)
        shell.advance(minutes: 10)
        #expect(shell.mainOn)
    }

    @Test("RESTART toggles and returns after RESTARTTIME, from either state (§5 A28)",
          arguments: [false, true], [1, 5, 10, 600])
    func restart(_ initiallyOn: Bool, _ seconds: Int64) {
        var shell = TestShell.s0()
        if seconds != 10 { shell.sms("RESTARTTIME=\(seconds)") }
        if initiallyOn { shell.sms("ON") }
        #expect(shell.reply(to: "RESTART") == "Power socket restarted")
        #expect(shell.mainOn == !initiallyOn)
        shell.advance(milliseconds: seconds * 1000 - 1)
        #expect(shell.mainOn == !initiallyOn)
        shell.advance(milliseconds: 1)
        #expect(shell.mainOn == initiallyOn)
    }

    @Test("RESTARTM toggles the micro-relay for RESTARTTIME; ONM/OFFM/ONALL/OFFALL drive it")
    func microRelay() {
        var shell = TestShell.s0()
        shell.sms("RESTARTTIME=5")
        #expect(shell.reply(to: "RESTARTM") == "Microrelay restarted")
        #expect(shell.microOn)
        #expect(!shell.mainOn)
        shell.advance(seconds: 5)
        #expect(!shell.microOn)
        shell.sms("ONM")
        #expect(shell.microOn && !shell.mainOn)
        shell.sms("RESTARTM")
        #expect(!shell.microOn)
        shell.advance(seconds: 5)
        #expect(shell.microOn)
        shell.sms("OFFM")
        #expect(!shell.microOn)
        shell.sms("ONALL")
        #expect(shell.microOn && shell.mainOn)
        #expect(shell.reply(to: "STATUS")?.hasPrefix("Power socket ON\nMicrorelay ON\n") == true)
        shell.sms("OFFALL")
        #expect(!shell.microOn && !shell.mainOn)
    }
}

@Suite("Thermometer, thermostat, THERMALERT, temperature notifier (§4.5–§4.8)")
struct ThermostatTests {
    /// Readings are raw; TEMPCAL 5 by default, so raw = T + 5.
    static func raw(_ t: Double) -> TemperatureReading { .celsius(t + 5) }

    @Test("a probe at power-up; readings count from 10 minutes after it and come every minute")
    func warmUp() {
        var shell = TestShell(model: .gsm707)
        shell.advance(seconds: 599)
        #expect(shell.readings == 1, "the probe: is a sensor there?")
        #expect(shell.reply(to: "TEMPERATURE") == "TEMPERATURE: N/A")
        #expect(shell.reply(to: "STATUS")?.contains("\nTEMP: N/A\n") == true)
        #expect(shell.reply(to: "STATUS")?.contains("Fault:") == false)
        shell.advance(seconds: 1)
        #expect(shell.readings == 2)
        #expect(shell.reply(to: "TEMPERATURE") == "TEMPERATURE: 25C")
        shell.advance(minutes: 5)
        #expect(shell.readings == 7)
    }

    @Test("HEATING: off at T ≥ TEMPOFF, on below (§4.6)", arguments: [
        (9.0, true), (9.4, true), (9.5, false), (10.0, false), (30.0, false), (-5.0, true),
    ])
    func heating(_ t: Double, _ on: Bool) {
        var shell = TestShell.s0()
        shell.sms("THERMOSTATON")
        shell.reading = Self.raw(t)
        shell.advance(minutes: 5)
        #expect(shell.mainOn == on)
    }

    @Test("COOLING: off at T ≤ TEMPOFF, on above (§4.6)", arguments: [
        (23.0, true), (22.4, false), (22.0, false), (10.0, false), (22.5, true),
    ])
    func cooling(_ t: Double, _ on: Bool) {
        var shell = TestShell.s0()
        shell.sms("ON")
        shell.sms("TEMPOFF=22")
        shell.sms("THERMOSTAT=COOLING")
        shell.sms("THERMOSTATON")
        shell.reading = Self.raw(t)
        shell.advance(minutes: 5)
        #expect(shell.mainOn == on)
    }

    @Test("the thermostat follows each reading and overrides manual switching at the next one (§5 A37)")
    func followsReadings() {
        var shell = TestShell.s0()
        shell.sms("THERMOSTATON")
        shell.reading = Self.raw(8)
        shell.advance(minutes: 5)  // first reading at 10:00
        #expect(shell.mainOn)
        shell.reading = Self.raw(10)
        shell.advance(minutes: 1)
        #expect(!shell.mainOn)
        shell.sms("ON")
        #expect(shell.mainOn)
        shell.advance(seconds: 59)
        #expect(shell.mainOn)
        shell.advance(seconds: 1)
        #expect(!shell.mainOn)
        // THERMOSTATOFF leaves the relay as it is and stops control.
        shell.reading = Self.raw(0)
        #expect(shell.reply(to: "THERMOSTATOFF") == "THERMOSTATOFF - OK\nAttention! Thermostat was disabled!")
        shell.advance(minutes: 3)
        #expect(!shell.mainOn)
        shell.sms("ON")
        shell.reading = Self.raw(40)
        shell.advance(minutes: 3)
        #expect(shell.mainOn)
    }

    @Test("TEMPCAL shifts what the thermostat sees (§4.5)")
    func tempCal() {
        var shell = TestShell.s0()
        shell.sms("THERMOSTATON")
        shell.reading = .celsius(16)  // 16 − 5 = 11 ≥ 10: off
        shell.sms("ON")
        shell.advance(minutes: 5)
        #expect(!shell.mainOn)
        shell.sms("TEMPCAL=7")  // 9 < 10: on
        shell.advance(minutes: 1)
        #expect(shell.mainOn)
        #expect(shell.reply(to: "TEMPERATURE") == "TEMPERATURE: 9C")
    }

    @Test("an enabled thermostat survives a power cut and takes over after the warm-up (§5 A59)")
    func thermostatPersists() {
        var shell = TestShell.s0()
        shell.sms("THERMOSTATON")
        shell.handle(.mains(present: false))
        shell.advance(minutes: 1)
        shell.handle(.mains(present: true))
        shell.reading = Self.raw(5)
        shell.advance(seconds: 599)
        #expect(!shell.mainOn)
        shell.advance(seconds: 1)
        #expect(shell.mainOn)
    }

    @Test("THERMALERT: one SMS per switch-off because TEMPOFF was reached (§4.7)")
    func thermAlert() {
        var shell = withAlertNumbers(.gsm706, ["THERMALERT=ON", "THERMOSTATON"])
        let temps: [(Double, Bool, String?)] = [
            (9, true, nil), (10, false, "TEMPOFF=10 reached, TEMP: 10C"), (11, false, nil), (9, true, nil),
            (12, false, "TEMPOFF=10 reached, TEMP: 12C"),
        ]
        shell.advance(minutes: 4)
        for (t, on, alert) in temps {
            shell.clearLog()
            shell.reading = Self.raw(t)
            shell.advance(minutes: 1)
            #expect(shell.mainOn == on, "at \(t)")
            let expected = alert.map { [SentSMS(to: "+" + alertA, text: $0), SentSMS(to: "+" + alertB, text: $0)] } ?? []
            #expect(shell.sentMessages == expected, "at \(t)")
        }
        // Without the thermostat there is nothing to reach.
        shell.sms("THERMOSTATOFF")
        shell.sms("ON")
        shell.clearLog()
        shell.advance(minutes: 3)
        #expect(shell.sentMessages.isEmpty)
        // Emptying the list forces THERMALERT=OFF.
        #expect(shell.reply(to: "ALERTNUMBER-\(alertA)") == "ALERTNUMBER-\(alertA) - OK")
        #expect(shell.reply(to: "THERMALERT?") == "THERMALERT=OFF,(ON)")
        #expect(shell.reply(to: "ALERTNUMBER-\(alertB)") == "ALERTNUMBER-\(alertB) - OK")
        #expect(shell.reply(to: "THERMALERT?") == "THERMALERT=(OFF),ON")
    }

    @Test("TRISEALERT and TFALLALERT fire once and re-arm when the temperature is back (§4.8)")
    func riseAndFall() {
        var shell = withAlertNumbers(.gsm707, ["TRISEALERT=30", "TFALLALERT=5"])
        shell.advance(minutes: 4)
        let steps: [(Double, String?)] = [
            (25, nil), (31, "Temperature rise alert! TEMP: 31C"), (32, nil), (30, nil),
            (31, "Temperature rise alert! TEMP: 31C"), (6, nil), (5, "Temperature fall alert! TEMP: 5C"), (4, nil),
            (6, nil), (5, "Temperature fall alert! TEMP: 5C"), (-10, nil), (50, "Temperature rise alert! TEMP: 50C"),
        ]
        for (t, alert) in steps {
            shell.clearLog()
            shell.reading = Self.raw(t)
            shell.advance(minutes: 1)
            let expected = alert.map { [SentSMS(to: "+" + alertA, text: $0), SentSMS(to: "+" + alertB, text: $0)] } ?? []
            #expect(shell.sentMessages == expected, "at \(t)")
        }
        // Setting a threshold again re-arms it.
        shell.sms("TRISEALERT=30")
        shell.clearLog()
        shell.advance(minutes: 1)
        #expect(shell.texts(to: "+" + alertA) == ["Temperature rise alert! TEMP: 50C"])
        // TRISEALERT=OFF stops it.
        shell.sms("TRISEALERT=OFF")
        shell.reading = Self.raw(20)
        shell.advance(minutes: 1)
        shell.reading = Self.raw(45)
        shell.clearLog()
        shell.advance(minutes: 1)
        #expect(shell.sentMessages.isEmpty)
    }

    @Test("temperature alerts go nowhere without ALERTNUMBERs")
    func alertsWithoutNumbers() {
        var shell = TestShell.s0()
        shell.sms("TRISEALERT=20")
        shell.reading = Self.raw(25)
        shell.advance(minutes: 10)
        #expect(shell.sentMessages.filter { $0.to != owner }.isEmpty)
    }
}

@Suite("Power-up, POWERSTATE and the power notifier (§4.13, §4.14)")
struct PowerTests {
    @Test("POWERSTATE decides the main socket after power-up", arguments: [
        (PowerState.remember, true, true), (.remember, false, false), (.on, false, true), (.on, true, true),
        (.off, true, false), (.off, false, false),
    ])
    func powerState(_ state: PowerState, _ onAtLoss: Bool, _ onAfter: Bool) {
        var shell = TestShell.s0(.gsm706)
        shell.sms("POWERSTATE=\(state.rawValue)")
        shell.sms(onAtLoss ? "ON" : "OFF")
        shell.handle(.mains(present: false))
        #expect(!shell.core.isPoweredUp)
        #expect(!shell.mainOn, "the relay drops out without power")
        shell.advance(minutes: 10)
        shell.handle(.mains(present: true))
        #expect(shell.core.isPoweredUp)
        #expect(shell.mainOn == onAfter)
    }

    @Test(
        "a pending ON<n> survives a power cut: the time left, or its final state once past (§4.13, §5 A67)",
        arguments: [(1, true), (4, true), (5, false), (10, false)] as [(Int64, Bool)])
    func timerSurvivesPowerCut(minutesDark: Int64, onAtPowerUp: Bool) {
        var shell = TestShell.s0(.gsm706)
        let start = shell.now
        shell.sms("ON5")
        shell.handle(.mains(present: false))
        shell.advance(minutes: minutesDark)
        shell.handle(.mains(present: true))
        #expect(shell.mainOn == onAtPowerUp)
        shell.advance(to: start.adding(minutes: 5))
        #expect(!shell.mainOn)
        #expect(shell.persistent.mainTimer == nil)
        shell.advance(minutes: 10)
        #expect(!shell.mainOn)
    }

    /// (milliseconds from now to the deadline, whole duration in seconds, whether the timer still runs)
    @Test(
        "a stored timer runs on only while its deadline is ahead by no more than its whole duration (§4.13)",
        arguments: [
            (1, 300, true), (300_000, 300, true), (300_001, 300, false), (0, 300, false), (-1, 300, false),
            (3_600_000, 1800, false), (1000, 0, false), (1000, TimedSwitch.longest + 1, false),
            (Int64.min, 300, false), (Int64.max, 300, false),
        ] as [(Int64, Int64, Bool)])
    func storedTimerResumption(left: Int64, seconds: Int64, running: Bool) {
        let now = Instant(milliseconds: -5)
        let deadline = Instant(milliseconds: left == Int64.min || left == Int64.max ? left : now.milliseconds + left)
        #expect(TimedSwitch(deadline: deadline, seconds: seconds, finalOn: false).isRunning(at: now) == running)
    }

    @Test("a dark device hears nothing")
    func darkDevice() {
        var shell = TestShell.s0(.gsm706)
        shell.handle(.mains(present: false))
        #expect(shell.sms("ON").isEmpty)
        #expect(shell.handle(.incomingCall(from: owner)).isEmpty)
        #expect(shell.handle(.button(heldMilliseconds: 100)).isEmpty)
        #expect(!shell.mainOn)
    }

    @Test("707: loss reported to every ALERTNUMBER; mains back within 6 minutes: restore SMS, no power-down",
          arguments: [Model.gsm707, .gsm707Light])
    func batteryRideThrough(_ model: Model) {
        var shell = withAlertNumbers(model)
        shell.sms("ON")
        shell.clearLog()
        shell.handle(.mains(present: false))
        #expect(shell.sentMessages == [SentSMS(to: "+" + alertA, text: "Power failure!"), SentSMS(to: "+" + alertB, text: "Power failure!")])
        #expect(shell.due(.batteryShutdown) == shell.now.adding(minutes: 6))
        shell.advance(seconds: 359)
        #expect(shell.core.isPoweredUp)
        #expect(shell.reply(to: "STATUS")?.hasPrefix("Power socket ON") == true)
        shell.clearLog()
        shell.handle(.mains(present: true))
        #expect(shell.sentMessages == [SentSMS(to: "+" + alertA, text: "Power restored!"), SentSMS(to: "+" + alertB, text: "Power restored!")])
        #expect(shell.due(.batteryShutdown) == nil)
        shell.advance(minutes: 10)
        #expect(shell.core.isPoweredUp)
        #expect(!shell.allEffects.contains(.powerDown))
        #expect(shell.mainOn)
    }

    @Test("707: the battery run ends at 6 minutes; restore SMS after the next power-up")
    func batteryRunEnds() {
        var shell = withAlertNumbers(.gsm707)
        shell.handle(.mains(present: false))
        let lost = shell.now
        shell.advance(minutes: 7)
        #expect(!shell.core.isPoweredUp)
        #expect(shell.log.contains { $0.effect == .powerDown && $0.at == lost.adding(minutes: 6) })
        shell.clearLog()
        shell.advance(minutes: 30)
        shell.handle(.mains(present: true))
        #expect(shell.core.isPoweredUp)
        #expect(shell.texts(to: "+" + alertA) == ["Power restored!"])
        #expect(shell.texts(to: "+" + alertB) == ["Power restored!"])
    }

    @Test("706: no loss SMS (no battery); restore SMS after power-up", arguments: [Model.gsm706, .gsm706Light])
    func noBattery(_ model: Model) {
        var shell = withAlertNumbers(model)
        shell.handle(.mains(present: false))
        #expect(shell.sentMessages.isEmpty)
        #expect(shell.allEffects.contains(.powerDown))
        shell.advance(minutes: 3)
        shell.handle(.mains(present: true))
        #expect(shell.sentMessages.map(\.text) == ["Power restored!", "Power restored!"])
        // An ordinary start-up sends nothing.
        var fresh = TestShell(model: model, persistent: shell.persistent)
        fresh.advance(minutes: 1)
        #expect(fresh.sentMessages.isEmpty)
    }

    @Test("without ALERTNUMBERs the power notifier is off", arguments: Model.allCases)
    func notifierOff(_ model: Model) {
        var shell = TestShell.s0(model)
        shell.handle(.mains(present: false))
        shell.advance(minutes: 10)
        shell.handle(.mains(present: true))
        #expect(shell.sentMessages.isEmpty)
    }

    @Test("the clock survives a short outage, not a long one (§4.9)", arguments: [(60, true), (5 * 60, false)] as [(Int64, Bool)])
    func clockRetention(_ minutes: Int64, _ kept: Bool) {
        var shell = TestShell.s0(.gsm706)
        shell.handle(.mains(present: false))
        shell.advance(minutes: minutes)
        shell.handle(.mains(present: true))
        let expected = kept ? "DATE " + CivilTime(epochSeconds: CivilTime(year: 2013, month: 5, day: 21, hour: 14, minute: 3, second: 10).epochSeconds + minutes * 60).deviceFormat + "+12" : "DATE N/A"
        #expect(shell.reply(to: "DATE") == expected)
    }
}

@Suite("The push-button (§4.3)")
struct ButtonTests {
    @Test("a short press toggles the main socket", arguments: Model.allCases)
    func toggle(_ model: Model) {
        var shell = TestShell.s0(model)
        shell.handle(.button(heldMilliseconds: 150))
        #expect(shell.mainOn)
        shell.handle(.button(heldMilliseconds: 4_999))
        #expect(!shell.mainOn)
        #expect(shell.sentMessages.isEmpty)
    }

    @Test("armed: the first press disarms without toggling, the next toggles")
    func firstPressDisarms() {
        var shell = TestShell.s0(.gsm706)
        shell.sms("ALARMON")
        shell.handle(.button(heldMilliseconds: 150))
        #expect(!shell.mainOn)
        #expect(!shell.persistent.alarmArmed)
        #expect(shell.reply(to: "ALARM?")?.hasPrefix("ALARM function: Disabled") == true)
        shell.handle(.button(heldMilliseconds: 150))
        #expect(shell.mainOn)
    }

    @Test("5 s hold then a press within 10 s: factory reset (§4.3, §4.17)", arguments: [Int64(0), 5, 9_999])
    func factoryReset(_ confirmAfterMs: Int64) {
        var shell = TestShell.s0(.gsm707)
        for s in [
            "RESTARTTIME=5", "SECNUMBER+3589123456789", "SECLIST=ON", "ALERTNUMBER+358912345678",
            "SCHEDULER+08:00,*,ON", "ALARMON", "THERMOSTATON", "SALDOUMS=*100#", "ERROR=OFF", "ON",
        ] { shell.sms(s) }
        shell.sms("PASSWORD=12abc")
        shell.advance(minutes: 40)  // window closed
        shell.handle(.button(heldMilliseconds: 5_000))
        #expect(shell.core.leds[.power] == .blinkTogether)
        #expect(shell.due(.factoryResetWindow) == shell.now.adding(seconds: 10))
        shell.advance(milliseconds: confirmAfterMs)
        shell.handle(.button(heldMilliseconds: 100))
        var expected = PersistentState()
        expected.clock = shell.persistent.clock
        #expect(shell.persistent == expected)
        #expect(!shell.mainOn)
        #expect(shell.core.configurationWindowCloses == shell.now.adding(minutes: 30))
        #expect(shell.reply(to: "RESTARTTIME?") == "RESTARTTIME=10 seconds")
        #expect(shell.reply(to: "ON") == "Power socket ON")
        #expect(shell.reply(to: "SCHEDULER?") == "No SCHEDULER rules!")
    }

    @Test("no confirming press within 10 s: the reset is cancelled and nothing changes")
    func resetCancelled() {
        var shell = TestShell.s0(.gsm706)
        shell.sms("RESTARTTIME=5")
        let before = shell.persistent
        shell.handle(.button(heldMilliseconds: 7_000))
        shell.advance(seconds: 10)
        #expect(shell.core.leds[.power] != .blinkTogether)
        shell.handle(.button(heldMilliseconds: 100))
        #expect(shell.mainOn, "an ordinary press again")
        var after = shell.persistent
        after.mainRelayOn = false
        #expect(after == before)
    }
}

@Suite("Call control: RING, RINGCONFIRM, RINGCONFIRMTYPE (§4.4)")
struct RingTests {
    static func ring(_ action: String, _ extra: [String] = []) -> TestShell {
        var shell = TestShell.s0(.gsm706)
        for s in ["SECNUMBER+3589123456789", "SECLIST=ON", "RING=\(action)"] + extra { shell.sms(s) }
        shell.clearLog()
        return shell
    }

    @Test("RING=SWITCH: a listed caller is rejected, the socket toggles and an SMS confirms")
    func switchCall() {
        var shell = Self.ring("SWITCH")
        let first = shell.handle(.incomingCall(from: owner))
        #expect(first.first == .rejectCall(from: owner))
        #expect(shell.mainOn)
        #expect(TestShell.messages(first) == [SentSMS(to: owner, text: "Power socket ON")])
        let second = shell.handle(.incomingCall(from: owner))
        #expect(!shell.mainOn)
        #expect(TestShell.messages(second) == [SentSMS(to: owner, text: "Power socket OFF")])
    }

    @Test("RING=RESTART restarts for RESTARTTIME and confirms")
    func restartCall() {
        var shell = Self.ring("RESTART", ["RESTARTTIME=5", "ON"])
        shell.clearLog()
        shell.handle(.incomingCall(from: owner))
        #expect(!shell.mainOn)
        #expect(shell.texts(to: owner) == ["Power socket restarted"])
        shell.advance(seconds: 5)
        #expect(shell.mainOn)
    }

    @Test("RINGCONFIRMTYPE=CALL: a call-back hung up after about 10 s, no SMS")
    func callBack() {
        var shell = Self.ring("SWITCH", ["RINGCONFIRMTYPE=CALL"])
        shell.clearLog()
        let effects = shell.handle(.incomingCall(from: owner))
        #expect(effects.contains(.placeCall(to: owner)))
        #expect(TestShell.messages(effects).isEmpty)
        #expect(shell.due(.callRing) == shell.now.adding(seconds: 10))
        shell.advance(seconds: 10)
        #expect(shell.allEffects.contains(.endCall(to: owner)))
        #expect(shell.sentMessages.isEmpty)
    }

    @Test("RINGCONFIRM=OFF: the action without any notification; SMSCONFIRM does not matter")
    func ringConfirmOff() {
        var shell = Self.ring("SWITCH", ["RINGCONFIRM=OFF"])
        shell.clearLog()
        shell.handle(.incomingCall(from: owner))
        #expect(shell.mainOn)
        #expect(shell.sentMessages.isEmpty)
        #expect(!shell.allEffects.contains(.placeCall(to: owner)))
        var quiet = Self.ring("SWITCH", ["SMSCONFIRM=OFF"])
        quiet.clearLog()
        quiet.handle(.incomingCall(from: owner))
        #expect(quiet.texts(to: owner) == ["Power socket ON"])
    }

    @Test("strangers, hidden numbers and RING=NOACTION: the call just rings", arguments: [
        ("SWITCH", stranger), ("SWITCH", nil), ("NOACTION", owner), ("RESTART", "Telekom"),
    ] as [(String, String?)])
    func ignoredCalls(_ action: String, _ caller: String?) {
        var shell = Self.ring(action)
        #expect(shell.handle(.incomingCall(from: caller)).isEmpty)
        #expect(!shell.mainOn)
    }

    @Test("the access password does not apply to calls (§4.4)")
    func noPasswordForCalls() {
        var shell = Self.ring("SWITCH", ["PASSWORD=12abc"])
        shell.handle(.incomingCall(from: owner))
        #expect(shell.mainOn)
    }
}

@Suite("Date and time (§4.9)")
struct DateTests {
    @Test("the clock runs on, across midnight and the new year")
    func clockRuns() {
        var shell = TestShell.s0()
        shell.advance(seconds: 3_725)
        #expect(shell.reply(to: "DATE") == "DATE 13/05/21,15:05:15+12")
        shell = TestShell.s0()
        shell.sms("DATE=13/12/31,23:59:50-04")
        shell.advance(seconds: 15)
        #expect(shell.reply(to: "DATE") == "DATE 14/01/01,00:00:05-04")
        #expect(shell.reply(to: "STATUS")?.hasSuffix("\nTime: 14/01/01,00:00:05") == true)
    }

    @Test("DATESMS copies the SMS time stamp and its zone")
    func dateSMS() {
        var shell = TestShell.s0()
        let stamp = NetworkTimestamp(
            local: CivilTime(year: 2026, month: 1, day: 5, hour: 8, minute: 0, second: 0), zoneQuarterHours: -8)
        #expect(shell.reply(to: "DATESMS", timestamp: stamp) == "DATE 26/01/05,08:00:00-08 - OK")
        shell.advance(seconds: 61)
        #expect(shell.reply(to: "DATE") == "DATE 26/01/05,08:01:01-08")
    }

    @Test("an unset clock is taken from the first SMS's time stamp, later ones do not move it")
    func automaticClock() {
        var shell = TestShell(model: .gsm706)
        #expect(shell.reply(to: "DATE") == "DATE N/A")
        #expect(shell.reply(to: "STATUS")?.hasSuffix("\nTime: N/A") == true)
        shell.sms("STATUS", timestamp: FormCase.stamp)
        shell.advance(seconds: 10)
        let later = NetworkTimestamp(
            local: CivilTime(year: 2020, month: 1, day: 1, hour: 0, minute: 0, second: 0), zoneQuarterHours: 0)
        #expect(shell.reply(to: "DATE", timestamp: later) == "DATE 13/05/21,14:03:20+12")
    }
}

@Suite("Balance and USSD (§4.15)")
struct BalanceTests {
    @Test("SALDO forwards the operator's answer to whoever asked, even with SMSCONFIRM=OFF")
    func saldo() {
        var shell = TestShell.s0()
        shell.sms("SALDOUMS=*100#")
        shell.sms("SMSCONFIRM=OFF")
        let effects = shell.sms("SALDO", from: "+4912345678")
        #expect(effects.contains(.sendUSSD(code: "*100#")))
        shell.advance(seconds: 12)
        #expect(TestShell.messages(shell.handle(.ussdReply("Saldo 3,14 EUR"))) == [SentSMS(to: "+4912345678", text: "Saldo 3,14 EUR")])
        #expect(shell.due(.ussdTimeout) == nil)
    }

    @Test("an operator error or 30 s without an answer: Execute error!; a late answer is dropped")
    func failures() {
        var shell = TestShell.s0()
        shell.sms("SIMCARD*101#")
        #expect(TestShell.texts(shell.handle(.ussdReply(nil)), to: owner) == ["Execute error!"])
        shell.sms("SIMCARD*102#")
        shell.clearLog()
        shell.advance(seconds: 29)
        #expect(shell.sentMessages.isEmpty)
        shell.advance(seconds: 1)
        #expect(shell.texts(to: owner) == ["Execute error!"])
        #expect(shell.handle(.ussdReply("late")).isEmpty)
        // With ERROR=OFF the failure is silent.
        shell.sms("ERROR=OFF")
        shell.sms("SIMCARD*103#")
        shell.clearLog()
        shell.advance(seconds: 30)
        #expect(shell.sentMessages.isEmpty)
    }

    @Test("one USSD request at a time")
    func oneAtATime() {
        var shell = TestShell.s0()
        shell.sms("SALDOUMS=*100#")
        shell.sms("SALDO")
        #expect(shell.reply(to: "SIMCARD*100#") == "Execute error!")
        #expect(shell.reply(to: "SALDO") == "Execute error!")
        #expect(TestShell.texts(shell.handle(.ussdReply("ok")), to: owner) == ["ok"])
    }

    @Test("the operator's answer is cut to one SMS")
    func truncated() {
        var shell = TestShell.s0()
        shell.sms("SIMCARD*100#")
        let long = String(repeating: "0123456789", count: 20)
        let texts = TestShell.texts(shell.handle(.ussdReply(long)), to: owner)
        #expect(texts == [String(long.prefix(160))])
    }
}
