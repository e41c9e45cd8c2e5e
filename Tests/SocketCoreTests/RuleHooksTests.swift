import Testing

@testable import SocketCore

/// What the core does for Lua rules (rules-api.md): rule commands through the security pipeline, scheduler
/// actions, the alarm response and its fail-safe, and the notices rules may watch.
@Suite("Rule hooks in the core")
struct RuleHooksTests {
    static let catalog = RuleCatalog(
        actions: ["COFFEE"], commands: ["LIMIT": .configuration, "GARAGE": .control, "WHO": .information], alarmResponse: true)

    static func shell(_ catalog: RuleCatalog = catalog) -> TestShell {
        var shell = TestShell.s0(.gsm707)
        shell.handle(.rulesLoaded(catalog))
        shell.clearLog()
        return shell
    }

    static func request(_ effects: [Effect]) -> RuleCommandRequest? {
        effects.lazy.compactMap { if case .ruleCommand(let request) = $0 { request } else { nil } }.first
    }

    @Test(
        "a rule's keyword, any case, followed by anything but a letter",
        arguments: [
            ("limit=5", "LIMIT", "=5"), ("GARAGE", "GARAGE", ""), ("Garage open", "GARAGE", " open"), ("WHO?", "WHO", "?"),
        ])
    func keyword(_ text: String, _ keyword: String, _ args: String) {
        var shell = Self.shell()
        let request = Self.request(shell.sms(text))
        #expect(request?.keyword == keyword)
        #expect(request?.args == args)
        #expect(request?.text == text)
        #expect(request?.from == owner)
        #expect(shell.texts(to: owner).isEmpty, "the answer waits for the handler")
    }

    @Test("not a rule's keyword: the built-in error", arguments: ["LIMITS", "GARAGEDOOR", "WHOM"])
    func notAKeyword(_ text: String) {
        var shell = Self.shell()
        #expect(shell.reply(to: text) == "\(text) - Error!")
    }

    @Test(
        "the handler's answer obeys SMSCONFIRM and ERROR like a built-in's",
        arguments: [
            // command, SMSCONFIRM, ERROR, reply, failed → what the sender gets
            ("GARAGE", true, true, "Garage opened", false, "Garage opened"),
            ("GARAGE", false, true, "Garage opened", false, nil),
            ("WHO", false, true, "Me", false, "Me"),
            ("GARAGE", true, true, nil, false, nil),
            ("GARAGE", false, true, "Garage opened", true, "Execute error!"),
            ("GARAGE", true, false, "Garage opened", true, nil),
        ] as [(String, Bool, Bool, String?, Bool, String?)])
    func answer(_ text: String, _ confirm: Bool, _ errors: Bool, _ reply: String?, _ failed: Bool, _ expected: String?) {
        var shell = Self.shell()
        if !confirm { shell.sms("SMSCONFIRM=OFF") }
        if !errors { shell.sms("ERROR=OFF") }
        shell.clearLog()
        guard let request = Self.request(shell.sms(text)) else {
            Issue.record("no rule command")
            return
        }
        shell.handle(.ruleCommandDone(id: request.id, reply: reply, failed: failed))
        #expect(shell.texts(to: owner) == (expected.map { [$0] } ?? []))
    }

    @Test func aConfigCommandNeedsTheWindowAndRenewsIt() {
        var shell = Self.shell()
        shell.advance(minutes: 31)
        #expect(shell.reply(to: "LIMIT=5") == "LIMIT=5 - Time for configuration is expired (30min)!")
        shell.handle(.localCommand("LIMIT=6"))
        #expect(Self.request(shell.allEffects)?.text == "LIMIT=6", "the console needs no window")
    }

    @Test func aRuleCommandPassesThePasswordAndTheList() {
        var shell = Self.shell()
        shell.sms("PASSWORD=12abc")
        #expect(shell.reply(to: "GARAGE") == "Invalid access password!")
        #expect(Self.request(shell.sms("12abcGARAGE"))?.text == "GARAGE")
    }

    @Test func schedulerActionsExistWhileARuleDefinesThem() {
        var none = Self.shell(RuleCatalog())
        #expect(none.reply(to: "SCHEDULER+06:45,*,COFFEE") == "Incorrect value!")
        var shell = Self.shell()
        #expect(shell.reply(to: "SCHEDULER+06:45,*,coffee") == "SCHEDULER+06:45,*,COFFEE - OK")
        #expect(shell.reply(to: "SCHEDULER?") == "06:45,*,COFFEE")
        shell.clearLog()
        shell.advance(to: shell.due(.scheduler)!)
        #expect(shell.allEffects.contains(.ruleAction("COFFEE")))
        // The rule is gone: the entry stays listed, and its firing is still handed over (the shell reports it).
        shell.handle(.rulesLoaded(RuleCatalog()))
        #expect(shell.reply(to: "SCHEDULER?") == "06:45,*,COFFEE")
    }

    static func armedWithResponse(alert: String) -> TestShell {
        var shell = Self.shell()
        shell.sms("ALERTNUMBER+3589223456789")
        shell.sms("ALERT=\(alert)")
        shell.sms("ALARMON")
        shell.clearLog()
        shell.handle(.sensor(closed: true))
        return shell
    }

    @Test(arguments: ["SMS", "CALL"])
    func theAlarmResponseReplacesTheBuiltInCycle(alert: String) {
        var shell = Self.armedWithResponse(alert: alert)
        #expect(shell.allEffects.contains(.notice(.alarm)))
        #expect(shell.allEffects.contains(.alarmResponse(start: true)))
        #expect(shell.sentMessages.isEmpty)
        #expect(!shell.allEffects.contains { if case .placeCall = $0 { true } else { false } })
        shell.handle(.alarmResponseEnded(failed: false))
        #expect(shell.sentMessages.isEmpty)
        #expect(shell.due(.alarmLockout) != nil, "the lockout follows the cycle")
    }

    @Test func aFailedAlarmResponseFallsBackToTheBuiltInSMS() {
        var shell = Self.armedWithResponse(alert: "SMS")
        shell.handle(.alarmResponseEnded(failed: true))
        #expect(shell.sentMessages == [SentSMS(to: "+3589223456789", text: "ALARM! Sensor triggered")])
    }

    @Test func reloadingTheRulesDuringTheAlarmResponseFallsBackToTheBuiltInSMS() {
        var shell = Self.armedWithResponse(alert: "SMS")
        // The reload cancels the running handler, though the rules loaded again still have an alarm response.
        shell.handle(.rulesLoaded(RuleCatalog(alarmResponse: true)))
        #expect(shell.sentMessages == [SentSMS(to: "+3589223456789", text: "ALARM! Sensor triggered")])
        #expect(shell.due(.alarmLockout) != nil, "the lockout follows the cycle")
    }

    @Test func disarmingCancelsTheAlarmResponseAndSendsNothing() {
        var shell = Self.armedWithResponse(alert: "SMS")
        shell.sms("ALARMOFF")
        #expect(shell.allEffects.contains(.alarmResponse(start: false)))
        shell.handle(.alarmResponseEnded(failed: true))
        #expect(shell.texts(to: "+3589223456789").isEmpty)
    }

    @Test func smsChangeKeepsItsBuiltInBehaviour() {
        var shell = Self.armedWithResponse(alert: "SMSCHANGE")
        #expect(!shell.allEffects.contains(.alarmResponse(start: true)))
        #expect(shell.texts(to: "+3589223456789") == ["Sensor state: Active"])
    }

    @Test func noticesForTheRules() {
        var shell = Self.shell()
        shell.sms("ALARMON")
        shell.handle(.sensor(closed: true))
        shell.sms("SENSORTYPE=NC")
        shell.sms("ALARMOFF")
        let notices = shell.allEffects.compactMap { if case .notice(let n) = $0 { n } else { nil } }
        #expect(notices.first == .armed(true))
        #expect(notices.contains(.sensor(active: true)))
        #expect(notices.contains(.sensor(active: false)), "SENSORTYPE=NC turns a closed contact inactive")
        #expect(notices.last == .armed(false))
    }
}
