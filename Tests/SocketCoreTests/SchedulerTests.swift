import Testing

@testable import SocketCore

@Suite("Scheduler (§4.12)")
struct SchedulerTests {
    /// S0 with two ALERTNUMBERs, clock set to Monday 2026-01-05 07:59:00, and the given rules.
    static func monday(_ rules: [String], model: Model = .gsm706) -> TestShell {
        var shell = withAlertNumbers(model, ["DATE=26/01/05,07:59:00+00"])
        for rule in rules {
            #expect(shell.reply(to: "SCHEDULER+" + rule) == "SCHEDULER+\(rule) - OK")
        }
        shell.clearLog()
        return shell
    }

    @Test("an every-day rule fires at hh:mm:00 each day, without a confirmation")
    func everyDay() {
        var shell = Self.monday(["08:00,*,ON"])
        #expect(shell.due(.scheduler) == shell.now.adding(seconds: 60))
        shell.advance(seconds: 59)
        #expect(!shell.mainOn)
        shell.advance(seconds: 1)
        #expect(shell.mainOn)
        #expect(shell.sentMessages.isEmpty)
        shell.sms("OFF")
        shell.advance(to: shell.now.adding(seconds: 86_400 - 1))
        #expect(!shell.mainOn)
        shell.advance(seconds: 1)
        #expect(shell.mainOn)
    }

    @Test("a weekday rule fires only on its ISO weekday (1 = Monday)", arguments: 1...7)
    func weekday(_ day: Int) {
        var shell = Self.monday(["08:00,\(day),ON", "09:00,*,OFF"])
        for d in 1...7 {
            shell.advance(seconds: 60)  // 08:00 on day d
            #expect(shell.mainOn == (d == day), "day \(d)")
            shell.advance(to: shell.now.adding(seconds: 86_400 - 60))  // 07:59 next day
        }
    }

    @Test("actions: ON, OFF, INF to every ALERTNUMBER, AON arms, AOF disarms")
    func actions() {
        var shell = Self.monday(["08:00,*,ON", "08:01,*,INF", "08:02,*,AON", "08:03,*,AOF", "08:04,*,OFF"])
        shell.advance(minutes: 1)
        #expect(shell.mainOn)
        shell.advance(minutes: 1)
        let status =
            "Power socket ON\nMicrorelay OFF\nSignal: Good (-67dBm)\nTEMP: N/A\nALARMF: Disabled\nALARM status: No activity\nTime: 26/01/05,08:01:00"
        #expect(shell.sentMessages == [SentSMS(to: "+" + alertA, text: status), SentSMS(to: "+" + alertB, text: status)])
        shell.advance(minutes: 1)
        #expect(shell.persistent.alarmArmed)
        shell.advance(minutes: 1)
        #expect(!shell.persistent.alarmArmed)
        shell.advance(minutes: 1)
        #expect(!shell.mainOn)
        #expect(shell.texts(to: owner).isEmpty)
    }

    @Test("rules of the same minute fire in insertion order", arguments: [
        (["08:00,*,ON", "08:00,*,OFF"], false), (["08:00,*,OFF", "08:00,*,ON"], true),
    ])
    func sameMinute(_ rules: [String], _ finallyOn: Bool) {
        var shell = Self.monday(rules)
        shell.advance(minutes: 1)
        #expect(shell.mainOn == finallyOn)
    }

    @Test("no rule fires while the clock is unset")
    func clockUnset() {
        var shell = TestShell(model: .gsm706)
        #expect(shell.reply(to: "SCHEDULER+00:01,*,ON") == "SCHEDULER+00:01,*,ON - OK")
        #expect(shell.due(.scheduler) == nil)
        shell.advance(minutes: 60 * 25)
        #expect(!shell.mainOn)
        // Setting the clock starts it.
        shell.handle(.localCommand("DATE=26/01/05,00:00:30+00"))
        #expect(shell.due(.scheduler) == shell.now.adding(seconds: 30))
        shell.advance(seconds: 30)
        #expect(shell.mainOn)
    }

    @Test("moving the clock moves the next firing")
    func clockMoved() {
        var shell = Self.monday(["08:00,*,ON"])
        shell.sms("DATE=26/01/05,07:59:50+00")
        #expect(shell.due(.scheduler) == shell.now.adding(seconds: 10))
        shell.advance(seconds: 10)
        #expect(shell.mainOn)
    }

    @Test("at most 8 rules; duplicates stored once; removal by time; listing in insertion order")
    func ruleList() {
        var shell = Self.monday([])
        let rules = ["11:59,*,AON", "09:00,1,AON", "18:00,5,AOF", "17:00,6,INF", "20:30,*,OFF", "08:00,*,ON",
                     "20:30,7,ON", "00:00,3,OFF"]
        for rule in rules { #expect(shell.reply(to: "SCHEDULER+" + rule) == "SCHEDULER+\(rule) - OK") }
        #expect(shell.reply(to: "SCHEDULER+08:00,*,ON") == "SCHEDULER+08:00,*,ON - OK")
        #expect(shell.reply(to: "SCHEDULER+08:00,*,OFF") == "Execute error!")
        #expect(shell.reply(to: "SCHEDULER?") == rules.joined(separator: "\n"))
        #expect(shell.reply(to: "SCHEDULER-20:30") == "SCHEDULER-20:30 - OK")
        #expect(shell.reply(to: "SCHEDULER?") == rules.filter { !$0.hasPrefix("20:30") }.joined(separator: "\n"))
        #expect(shell.reply(to: "SCHEDULER-20:30") == "Incorrect value!")
        #expect(shell.reply(to: "scheduler+07:15,2,aof") == "SCHEDULER+07:15,2,AOF - OK")
        #expect(shell.reply(to: "SCHEDULER-ALL") == "SCHEDULER-ALL - OK")
        #expect(shell.reply(to: "SCHEDULER?") == "No SCHEDULER rules!")
        #expect(shell.due(.scheduler) == nil)
    }

    @Test("scheduler commands are Ctrl: accepted after the window closed (§5 A4)")
    func ctrlType() {
        var shell = Self.monday([])
        shell.advance(minutes: 45)
        #expect(shell.reply(to: "SCHEDULER+09:00,*,ON") == "SCHEDULER+09:00,*,ON - OK")
        #expect(shell.reply(to: "SCHEDULER-09:00") == "SCHEDULER-09:00 - OK")
        #expect(shell.reply(to: "SCHEDULER+09:00,*,XX") == "Incorrect value!")
        #expect(shell.reply(to: "RESTARTTIME=5") == "RESTARTTIME=5 - Time for configuration is expired (30min)!")
    }

    @Test("a scheduled ON cancels a pending OFF<n> timer")
    func cancelsTimer() {
        var shell = Self.monday(["08:00,*,ON"])
        shell.sms("OFF10")
        shell.advance(minutes: 1)
        #expect(shell.mainOn)
        #expect(shell.due(.mainRelay) == nil)
    }

    @Test("rules survive a power cut and fire again on the running clock")
    func survivesPowerCut() {
        var shell = Self.monday(["08:00,*,ON"])
        shell.handle(.mains(present: false))
        shell.advance(seconds: 30)
        shell.handle(.mains(present: true))
        shell.advance(seconds: 30)
        #expect(shell.mainOn)
    }
}
