import Testing

@testable import SocketCore

@Suite("Light models: absent commands and behaviours (§1.2, §5 A20–A23)")
struct LightModelTests {
    static let lightModels: [Model] = [.gsm706Light, .gsm707Light]
    static let absent = FormCase.all.filter { !$0.light }
    /// Absent commands with values that would be wrong on a full model: still unknown on Light.
    static let absentBadValues = [
        "TEMPOFF=51", "TEMPCAL=0", "MICRORELAYTIME=901", "TRISEALERT=99", "ALERT=EMAIL", "SENSORTYPE=X",
        "THERMOSTAT=WARM", "DATE=13/13/21,14:03:10+12", "SCHEDULER+25:00,*,ON", "SCHEDULER-08:00",
        "THERMALERT=ON",
    ]

    @Test("the 45 absent forms are exactly the rows §1.2 lists (44 + RUNTIME)")
    func absentRows() {
        let rows = Set(Self.absent.map(\.row))
        let expected = Set([5, 6, 7, 8, 10, 14, 15] + Array(48...53) + Array(58...89))
        #expect(rows == expected)
    }

    @Test("every absent form answers exactly like an unknown command", arguments: lightModels, absent)
    func absentIsUnknown(_ model: Model, _ form: FormCase) {
        var shell = form.prepared(model)
        let before = shell.persistent
        let effects = shell.sms(form.body, timestamp: form.timestamp)
        #expect(TestShell.texts(effects, to: owner) == ["\(form.command) - Error!"])
        #expect(TestShell.texts(shell.sms("STATSU"), to: owner) == ["STATSU - Error!"])
        var after = shell.persistent
        after.clock = before.clock
        #expect(after == before)
        #expect(!effects.contains { if case .setRelay = $0 { true } else { false } })
    }

    @Test("absent forms are silent with ERROR=OFF, like unknown ones", arguments: lightModels, absent)
    func absentSilent(_ model: Model, _ form: FormCase) {
        var shell = form.prepared(model)
        shell.sms("ERROR=OFF")
        #expect(shell.reply(to: form.body, timestamp: form.timestamp) == nil)
        // ... even after the window has closed.
        shell.advance(minutes: 31)
        #expect(shell.reply(to: form.body, timestamp: form.timestamp) == nil)
    }

    @Test("absent commands with bad values are unknown too, not Incorrect value!",
          arguments: lightModels, absentBadValues)
    func absentBadValue(_ model: Model, _ body: String) {
        var shell = TestShell.s0(model)
        #expect(shell.reply(to: body) == "\(body) - Error!")
        var full = TestShell.s0(.gsm706)
        #expect(full.reply(to: body) != "\(body) - Error!", "the full model knows \(body)")
    }

    @Test("absent commands after the window closed are unknown, not expired", arguments: lightModels)
    func absentAfterWindow(_ model: Model) {
        var shell = TestShell.s0(model)
        shell.advance(minutes: 40)
        #expect(shell.reply(to: "TEMPOFF=20") == "TEMPOFF=20 - Error!")
        #expect(shell.reply(to: "RESTARTTIME=20") == "RESTARTTIME=20 - Time for configuration is expired (30min)!")
    }

    @Test("STATUS is reduced to the socket and signal lines (§5 A23)", arguments: lightModels)
    func reducedStatus(_ model: Model) {
        var shell = TestShell.s0(model)
        #expect(shell.reply(to: "STATUS") == "Power socket OFF\nSignal: Good (-67dBm)")
        shell.sms("ON")
        shell.handle(.signal(dBm: -95))
        shell.advance(minutes: 20)
        #expect(shell.reply(to: "STATUS") == "Power socket ON\nSignal: Poor (-95dBm)")
        shell.handle(.signal(dBm: nil))
        #expect(shell.reply(to: "STATUS") == "Power socket ON\nSignal: No network")
    }

    @Test("kept on Light: ALERTNUMBER and the power notifier it feeds (§5 A21)", arguments: lightModels)
    func alertNumbersKept(_ model: Model) {
        var shell = TestShell.s0(model)
        #expect(shell.reply(to: "ALERTNUMBER+358912345678") == "ALERTNUMBER+358912345678 - OK")
        #expect(shell.reply(to: "ALERTNUMBER?") == "ALERTNUMBERs: 358912345678")
        shell.clearLog()
        shell.handle(.mains(present: false))
        if model.hasBattery {
            #expect(shell.texts(to: "+358912345678") == ["Power failure!"])
            shell.advance(minutes: 2)
            shell.handle(.mains(present: true))
            #expect(shell.texts(to: "+358912345678") == ["Power failure!", "Power restored!"])
        } else {
            #expect(shell.texts(to: "+358912345678") == [])
            #expect(!shell.core.isPoweredUp)
            shell.advance(minutes: 2)
            shell.handle(.mains(present: true))
            #expect(shell.texts(to: "+358912345678") == ["Power restored!"])
        }
    }

    @Test("no thermometer, alarm input, micro-relay or scheduler behaviour on Light", arguments: lightModels)
    func noOptionalBehaviour(_ model: Model) {
        var shell = TestShell(model: model)
        shell.sms("ALERTNUMBER+358912345678")
        shell.sms("ALARMON")
        shell.handle(.sensor(closed: true))
        shell.handle(.sensor(closed: false))
        shell.advance(minutes: 30)
        #expect(shell.readings == 0)
        #expect(!shell.allEffects.contains(.readTemperature))
        #expect(!shell.allEffects.contains { if case .schedule(.scheduler, _) = $0 { true } else { false } })
        #expect(!shell.allEffects.contains(.setRelay(.micro, on: true)))
        #expect(shell.texts(to: "+358912345678").isEmpty)
        #expect(shell.persistent.alarmLog.isEmpty)
        // A timestamped SMS must not start a scheduler either.
        shell.sms("STATUS", timestamp: FormCase.stamp)
        #expect(shell.due(.scheduler) == nil)
        // The button toggles at once: there is no alarm to disarm first.
        shell.handle(.button(heldMilliseconds: 200))
        #expect(shell.mainOn)
    }

    @Test("present commands answer as on the full model", arguments: lightModels)
    func presentCommands(_ model: Model) {
        var shell = TestShell.s0(model)
        #expect(shell.reply(to: "ON5") == "Power ON for 5 min")
        #expect(shell.reply(to: "RESTARTTIME=3") == "RESTARTTIME=3 - OK")
        #expect(shell.reply(to: "POWERSTATE?") == "POWERSTATE=(REMEMBER),ON,OFF")
        #expect(shell.reply(to: "SERIALNUM") == "S/N: 12345678987654321")
        shell.advance(minutes: 5)
        #expect(!shell.mainOn)
    }
}
