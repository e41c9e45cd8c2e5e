import Testing

@testable import SocketCore

private let dialA = "+" + alertA
private let dialB = "+" + alertB

@Suite("Alarm function, notification cycle, micro-relay pulse and alarm log (§4.10)")
struct AlarmTests {
    static func armed(_ mode: String = "SMS", _ extra: [String] = []) -> TestShell {
        withAlertNumbers(.gsm706, ["ALERT=\(mode)"] + extra + ["ALARMON"])
    }

    static func both(_ text: String) -> [SentSMS] { [SentSMS(to: dialA, text: text), SentSMS(to: dialB, text: text)] }

    @Test("ALERT=SMS: an SMS to every ALERTNUMBER, then 60 s of lockout; a sensor still active re-triggers")
    func smsCycle() {
        var shell = Self.armed()
        #expect(shell.sentMessages.isEmpty, "arming with an inactive sensor sends nothing")
        shell.handle(.sensor(closed: true))
        #expect(shell.sentMessages == Self.both("ALARM! Sensor triggered"))
        #expect(shell.persistent.alarmLog.count == 1)
        #expect(shell.core.leds[.power] == .blinkFast)
        #expect(shell.reply(to: "STATUS")?.contains("\nALARMF: Enabled\nALARM status: Activity detected\n") == true)
        shell.clearLog()
        // Lockout: nothing new is registered.
        shell.advance(seconds: 20)
        shell.handle(.sensor(closed: false))
        shell.handle(.sensor(closed: true))
        shell.advance(seconds: 39)
        #expect(shell.sentMessages.isEmpty)
        #expect(shell.persistent.alarmLog.count == 1)
        // Ready again at exactly 60 s: the sensor is still active.
        shell.advance(seconds: 1)
        #expect(shell.sentMessages == Self.both("ALARM! Sensor triggered"))
        #expect(shell.persistent.alarmLog.count == 2)
        // A sensor that has gone quiet by the end of the lockout does not.
        shell.handle(.sensor(closed: false))
        shell.clearLog()
        shell.advance(minutes: 5)
        #expect(shell.sentMessages.isEmpty)
        #expect(shell.core.leds[.power] == .blinkSlow)
    }

    @Test("disarmed, sensor activity does nothing and is not logged")
    func disarmed() {
        var shell = withAlertNumbers(.gsm706, ["MICRORELAYTIME=10"])
        shell.handle(.sensor(closed: true))
        shell.advance(minutes: 2)
        #expect(shell.sentMessages.isEmpty)
        #expect(!shell.microOn)
        #expect(shell.persistent.alarmLog.isEmpty)
        #expect(shell.reply(to: "SHOWALARMLOG") == "No ALARM events!")
        // Arming while the sensor is active triggers at once (level-triggered).
        shell.clearLog()
        shell.sms("ALARMON")
        #expect(TestShell.messages(shell.allEffects).filter { $0.to != owner } == Self.both("ALARM! Sensor triggered"))
    }

    @Test("MICRORELAYTIME closes the micro-relay for that long on a trigger", arguments: [1, 10, 900])
    func pulse(_ seconds: Int64) {
        var shell = Self.armed("SMS", ["MICRORELAYTIME=\(seconds)"])
        shell.handle(.sensor(closed: true))
        shell.handle(.sensor(closed: false))  // a sensor still active would re-trigger after each lockout
        #expect(shell.microOn)
        shell.advance(milliseconds: seconds * 1000 - 1)
        #expect(shell.microOn)
        shell.advance(milliseconds: 1)
        #expect(!shell.microOn)
    }

    @Test("ALERT=OFF: no notification, but the pulse and the log (§4.10 step 4)")
    func alertOff() {
        var shell = Self.armed("OFF", ["MICRORELAYTIME=5"])
        shell.handle(.sensor(closed: true))
        #expect(shell.sentMessages.isEmpty)
        #expect(shell.microOn)
        #expect(shell.persistent.alarmLog.count == 1)
        #expect(!shell.allEffects.contains { if case .placeCall = $0 { true } else { false } })
    }

    @Test("an empty ALERTNUMBER list ends the cycle at once")
    func emptyList() {
        var shell = TestShell.s0()
        shell.sms("ALERT=CALL")
        shell.sms("ALARMON")
        shell.clearLog()
        shell.handle(.sensor(closed: true))
        #expect(shell.sentMessages.isEmpty)
        #expect(shell.due(.alarmLockout) == shell.now.adding(seconds: 60))
        #expect(shell.persistent.alarmLog.count == 1)
    }

    @Test("ALERT=CALL answered: the cycle ends, the micro-relay is released, the microphone is open")
    func callAnswered() {
        var shell = Self.armed("CALL", ["MICRORELAYTIME=60"])
        let start = shell.handle(.sensor(closed: true))
        #expect(start.contains(.placeCall(to: dialA)))
        #expect(shell.microOn)
        #expect(shell.due(.callRing) == shell.now.adding(seconds: 20))
        #expect(shell.core.leds[.mic] == .blinkSlow)
        shell.advance(seconds: 8)
        let answered = shell.handle(.callAnswered(dialA))
        #expect(answered.contains(.audio(on: true)))
        #expect(!shell.microOn, "released on answer, before MICRORELAYTIME")
        #expect(shell.due(.alarmLockout) == shell.now.adding(seconds: 60))
        #expect(shell.core.leds[.mic] == .steady)
        shell.advance(seconds: 1)
        shell.handle(.callEnded(dialA, .answered))
        #expect(shell.allEffects.contains(.audio(on: false)))
        shell.advance(minutes: 1)
        #expect(!shell.allEffects.contains(.placeCall(to: dialB)))
        #expect(shell.sentMessages.isEmpty)
    }

    @Test("an answered alarm call is hung up after the listen-in time")
    func listenInEnds() {
        var shell = Self.armed("CALL")
        shell.handle(.sensor(closed: true))
        shell.handle(.callAnswered(dialA))
        shell.clearLog()
        shell.advance(seconds: SocketCore.Timing.alarmListenIn)
        #expect(shell.allEffects.contains(.endCall(to: dialA)))
        #expect(shell.allEffects.contains(.audio(on: false)))
    }

    @Test("ALERT=CALL rejected: the cycle ends at once and releases the micro-relay")
    func callRejected() {
        var shell = Self.armed("CALL", ["MICRORELAYTIME=60"])
        shell.handle(.sensor(closed: true))
        shell.advance(seconds: 3)
        shell.handle(.callEnded(dialA, .rejected))
        #expect(!shell.microOn)
        shell.advance(seconds: 59)
        #expect(!shell.allEffects.contains(.placeCall(to: dialB)))
        #expect(shell.sentMessages.isEmpty)
    }

    @Test("ALERT=CALL, nobody answers: each number once in list order, then an SMS to all")
    func callNoAnswer() {
        var shell = Self.armed("CALL", ["MICRORELAYTIME=60"])
        shell.handle(.sensor(closed: true))
        shell.advance(seconds: 5)
        shell.handle(.callEnded(dialA, .noAnswer))  // unreachable
        #expect(shell.allEffects.filter { if case .placeCall = $0 { true } else { false } } == [
            .placeCall(to: dialA), .placeCall(to: dialB),
        ])
        shell.clearLog()
        shell.advance(seconds: 20)  // B rings out
        #expect(shell.allEffects.contains(.endCall(to: dialB)))
        #expect(shell.sentMessages == Self.both("ALARM! Sensor triggered"))
        #expect(shell.microOn, "the pulse runs its own course")
        #expect(shell.due(.alarmLockout) == shell.now.adding(seconds: 60))
        shell.advance(seconds: 35)
        #expect(!shell.microOn)
    }

    @Test("ALARMOFF during a call cycle aborts it and releases the micro-relay")
    func disarmDuringCycle() {
        var shell = Self.armed("CALL", ["MICRORELAYTIME=60"])
        shell.handle(.sensor(closed: true))
        shell.advance(seconds: 5)
        #expect(shell.reply(to: "ALARMOFF") == "ALARMOFF - OK\nALARM function: Disabled")
        #expect(shell.allEffects.contains(.endCall(to: dialA)))
        #expect(!shell.microOn)
        shell.advance(minutes: 5)
        #expect(!shell.allEffects.contains(.placeCall(to: dialB)))
        #expect(shell.sentMessages.filter { $0.to != owner }.isEmpty)
        #expect(shell.core.leds[.power] == .steady)
    }

    @Test("ALERT=SMSCHANGE: one SMS per logical change, merged across the lockout; pulse only on active")
    func smsChange() {
        var shell = Self.armed("SMSCHANGE", ["MICRORELAYTIME=5"])
        #expect(shell.sentMessages.isEmpty)
        shell.handle(.sensor(closed: true))
        #expect(shell.sentMessages == Self.both("Sensor state: Active"))
        #expect(shell.microOn)
        shell.clearLog()
        shell.advance(seconds: 10)
        shell.handle(.sensor(closed: false))
        shell.handle(.sensor(closed: true))
        shell.advance(seconds: 50)  // lockout over; value equals the last reported one
        #expect(shell.sentMessages.isEmpty)
        shell.handle(.sensor(closed: false))
        #expect(shell.sentMessages == Self.both("Sensor state: Inactive"))
        #expect(!shell.microOn, "no pulse on a change to inactive")
        shell.clearLog()
        shell.advance(seconds: 30)
        shell.handle(.sensor(closed: true))  // during the lockout
        #expect(shell.sentMessages.isEmpty)
        shell.advance(seconds: 30)
        #expect(shell.sentMessages == Self.both("Sensor state: Active"))
        #expect(shell.persistent.alarmLog.count == 3)
    }

    @Test("SENSORTYPE=NC: an open contact is the active state")
    func normallyClosed() {
        var shell = TestShell.s0()
        shell.handle(.sensor(closed: true))
        shell.sms("ALERTNUMBER+\(alertA)")
        shell.sms("SENSORTYPE=NC")
        shell.sms("ALARMON")
        shell.clearLog()
        #expect(shell.sentMessages.isEmpty)
        shell.handle(.sensor(closed: false))
        #expect(shell.texts(to: dialA) == ["ALARM! Sensor triggered"])
    }

    @Test("the alarm log keeps the last 10 triggers, oldest first, with the clock time (§4.10)")
    func alarmLog() {
        var shell = Self.armed()
        var times: [String] = []
        for _ in 0..<12 {
            times.append(shell.core.persistent.clock!.wallTime(at: shell.now, in: nil).deviceFormat)
            shell.handle(.sensor(closed: true))
            shell.advance(seconds: 1)
            shell.handle(.sensor(closed: false))
            shell.advance(seconds: 60)
        }
        #expect(times.first == "13/05/21,14:03:10")
        #expect(shell.reply(to: "SHOWALARMLOG") == times.suffix(10).joined(separator: "\n"))
        // SHOWALARMLOG answers even with SMSCONFIRM=OFF.
        shell.sms("SMSCONFIRM=OFF")
        #expect(shell.reply(to: "SHOWALARMLOG") == times.suffix(10).joined(separator: "\n"))
    }

    @Test("ALARMON clears the activity line; the alarm stays armed across a power cut (§5 A59)")
    func rearmAndPersistence() {
        var shell = Self.armed()
        shell.handle(.sensor(closed: true))
        shell.handle(.sensor(closed: false))
        #expect(shell.reply(to: "ALARM?")?.contains("Activity detected") == true)
        shell.sms("ALARMON")
        #expect(shell.reply(to: "ALARM?")?.contains("No activity") == true)
        shell.handle(.mains(present: false))
        shell.advance(minutes: 2)
        shell.handle(.mains(present: true))
        #expect(shell.reply(to: "ALARM?")?.hasPrefix("ALARM function: Enabled") == true)
        shell.clearLog()
        shell.handle(.sensor(closed: true))
        #expect(shell.sentMessages == Self.both("ALARM! Sensor triggered"))
    }

    @Test("ALARM? reports an unplugged sensor")
    func sensorUnplugged() {
        var shell = TestShell.s0()
        shell.handle(.sensorConnected(false))
        #expect(
            shell.reply(to: "ALARM?")
                == "ALARM function: Disabled\nSensor(s): Not connected\nALARM status: No activity\nMicrorelay: Disabled")
    }
}
