import Testing

@testable import SocketCore

@Suite("Security: allowed list, password, renewal, length limit, unanswerable senders (§2.2–§2.16)")
struct SecurityTests {
    /// S0 with the owner on an active allowed list.
    static func listed(_ model: Model = .gsm706, extra: [String] = []) -> TestShell {
        TestShell.s0(model, then: ["SECNUMBER+3589123456789", "SECLIST=ON"] + extra)
    }

    @Test("strangers are ignored silently by default, for Ctrl, 30min and Inf commands (§5 A64)",
          arguments: Model.allCases, ["ON", "STATUS", "RESTARTTIME=5", "RING?", "STATSU", "SECLIST=OFF"])
    func strangerIgnored(_ model: Model, _ body: String) {
        var shell = Self.listed(model)
        let before = shell.persistent
        let effects = shell.sms(body, from: stranger)
        #expect(TestShell.messages(effects).isEmpty)
        #expect(!effects.contains { if case .setRelay = $0 { true } else { false } })
        #expect(shell.persistent == before)
        #expect(!shell.mainOn)
    }

    @Test("SMSCONFIRMUNAUTH=ON answers strangers with Access deny! (only with ERROR=ON, §5 A17)",
          arguments: ["ON", "STATUS", "RESTARTTIME=5", "RING?", "STATSU"])
    func accessDeny(_ body: String) {
        var shell = Self.listed(extra: ["SMSCONFIRMUNAUTH=ON"])
        #expect(shell.reply(to: body, from: stranger) == "Access deny!")
        #expect(!shell.mainOn)
        #expect(shell.reply(to: body, from: nil) == nil, "hidden numbers are strangers that cannot be answered")
        shell.sms("ERROR=OFF")
        #expect(shell.reply(to: body, from: stranger) == nil)
        #expect(shell.sentMessages.allSatisfy { $0.to == owner || $0.to == stranger })
    }

    @Test("a listed number is recognised with or without its leading + (§5 A60)", arguments: [
        ("+3589123456789", true), ("3589123456789", true), ("+358 9123456789", false), ("++3589123456789", false),
        ("+35891234567890", false), ("+589123456789", false), (nil, false),
    ] as [(String?, Bool)])
    func listMatching(_ sender: String?, _ allowed: Bool) {
        var shell = Self.listed()
        shell.sms("ON", from: sender)
        #expect(shell.mainOn == allowed)
    }

    @Test("removing the last allowed number turns SECLIST and RING off (§2.13, §5 A26)",
          arguments: ["SECNUMBER-3589123456789", "SECNUMBER-ALL", "SECLIST=OFF"])
    func listEmptied(_ body: String) {
        var shell = Self.listed(extra: ["RING=SWITCH"])
        #expect(shell.reply(to: "RING?") == "RING=NOACTION,RESTART,(SWITCH)")
        #expect(shell.reply(to: body) != nil)
        #expect(shell.reply(to: "SECLIST?") == "SECLIST=(OFF),ON")
        #expect(shell.reply(to: "RING?") == "RING=(NOACTION),RESTART,SWITCH")
        // Everybody is allowed again.
        #expect(shell.reply(to: "ON", from: stranger) == "Power socket ON")
    }

    @Test("the password must prefix every command, case-sensitively (§2.2, §5 A13)", arguments: [
        ("12abcSTATUS", FormCase.status706),
        ("12abcstatus", FormCase.status706),
        ("12abcON", "Power socket ON"),
        ("12abcRING?", "RING=(NOACTION),RESTART,SWITCH"),
        ("12abcRENEWINTERVAL?", "No password, renew impossible"),
        ("12abcSTATSU", "STATSU - Error!"),
        ("12abc statsu", " statsu - Error!"),
        ("12abcTEMPOFF=51", "Incorrect value!"),
        ("STATUS", "Invalid access password!"),
        ("STATSU", "Invalid access password!"),
        ("12ABCSTATUS", "Invalid access password!"),
        ("12abdSTATUS", "Invalid access password!"),
        (" 12abcON", "Power socket ON"),
        ("12ab cON", "Invalid access password!"),
        ("12abc", " - Error!"),
    ])
    func password(_ body: String, _ expected: String) {
        var shell = TestShell.s0(.gsm706)
        #expect(shell.reply(to: "PASSWORD=12abc") == "PASSWORD=***** - OK")
        #expect(shell.reply(to: body) == expected)
    }

    @Test("a wrong password executes nothing; ERROR=OFF silences the complaint")
    func wrongPasswordSilent() {
        var shell = TestShell.s0(.gsm706)
        shell.sms("PASSWORD=12abc")
        #expect(shell.reply(to: "ON") == "Invalid access password!")
        #expect(!shell.mainOn)
        shell.sms("12abcERROR=OFF")
        #expect(shell.reply(to: "ON") == nil)
        #expect(shell.reply(to: "12ABCON") == nil)
        #expect(!shell.mainOn)
        #expect(shell.reply(to: "12abcON") == "Power socket ON")
    }

    @Test("changing or removing the password needs the old one as prefix (§2.14)")
    func changePassword() {
        var shell = TestShell.s0(.gsm706)
        shell.sms("PASSWORD=12abc")
        #expect(shell.reply(to: "PASSWORD=54321") == "Invalid access password!")
        #expect(shell.reply(to: "12abcPASSWORD=AbCdE") == "PASSWORD=***** - OK")
        #expect(shell.reply(to: "12abcSTATUS") == "Invalid access password!")
        #expect(shell.reply(to: "AbCdERING?") == "RING=(NOACTION),RESTART,SWITCH")
        #expect(shell.reply(to: "AbCdEPASSWORD=no") == "PASSWORD=NO - OK")
        #expect(shell.reply(to: "RING?") == "RING=(NOACTION),RESTART,SWITCH")
    }

    @Test("the allowed list is checked before the password (§2.7 steps 2–3)")
    func listBeforePassword() {
        var shell = Self.listed(extra: ["SMSCONFIRMUNAUTH=ON", "PASSWORD=12abc"])
        #expect(shell.reply(to: "STATUS", from: stranger) == "Access deny!")
        #expect(shell.reply(to: "12abcSTATUS", from: stranger) == "Access deny!")
        #expect(shell.reply(to: "STATUS") == "Invalid access password!")
    }

    @Test("bodies longer than 30 characters are dropped without a word; exactly 30 are accepted (§2.4)", arguments: [
        ("SECNUMBER+358912345678901234567", nil),  // 31
        ("SECNUMBER+35891234567890123456", "Incorrect value!"),  // 30: 20 digits
        ("STATUS                        X", nil),  // 31 with inner spaces
        ("  DATE=13/05/21,14:03:10+12 \r\n", "DATE=13/05/21,14:03:10+12 - OK"),  // trimmed
        ("ALERTNUMBER+1234567890123456789", nil),  // 31
        ("ALERTNUMBER+123456789012345678", "Incorrect value!"),  // 30
        ("XXXXXXXXXXXXXXXXXXXXXXXXXXXXXX", "XXXXXXXXXXXXXXXXXXXXXXXXXXXXXX - Error!"),
        ("XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX", nil),
    ] as [(String, String?)])
    func lengthLimit(_ body: String, _ expected: String?) {
        var shell = TestShell.s0(.gsm706)
        let before = shell.persistent
        #expect(shell.reply(to: body) == expected)
        if expected == nil { #expect(shell.persistent == before) }
    }

    @Test("the password prefix counts towards the 30 characters (§5 A31)")
    func lengthWithPassword() {
        var shell = TestShell.s0(.gsm706)
        shell.sms("PASSWORD=12abc")
        #expect(shell.reply(to: "12abcSECNUMBER+123456789012345") == "SECNUMBER+123456789012345 - OK")
        #expect(shell.reply(to: "12abcDATE=13/05/21,14:03:10+12") == "DATE=13/05/21,14:03:10+12 - OK")
        #expect(shell.reply(to: "12abcALERTNUMBER+12345678901234") == nil)  // 31
        #expect(shell.persistent.alertNumbers.isEmpty)
        // Dropped even where ERROR, SMSCONFIRMUNAUTH and the list would have answered.
        shell.sms("12abcSMSCONFIRMUNAUTH=ON")
        shell.sms("12abcSECLIST=ON")
        #expect(shell.reply(to: "1234567890123456789012345678901", from: stranger) == nil)
        #expect(shell.reply(to: "1234567890123456789012345678901") == nil)
        #expect(shell.reply(to: "123456789012345678901234567890", from: stranger) == "Access deny!")
    }

    @Test("hidden, alphanumeric and short-code senders get no replies; their commands still run without a list (§2.16)",
          arguments: [nil, "Telekom", "INFO", "+12345", "12345", "1", "", "+", "+358abc"] as [String?])
    func unanswerableSenders(_ sender: String?) {
        var shell = TestShell.s0(.gsm706)
        let on = shell.sms("ON", from: sender)
        #expect(TestShell.messages(on).isEmpty)
        #expect(shell.mainOn)
        for body in ["STATUS", "STATSU", "TEMPOFF=51", "RING=SWITCH", "HARDWARE"] {
            #expect(TestShell.messages(shell.sms(body, from: sender)).isEmpty, "\(body)")
        }
        shell.sms("PASSWORD=12abc")
        #expect(TestShell.messages(shell.sms("STATUS", from: sender)).isEmpty)
        shell.sms("12abcERROR=ON")
        shell.sms("12abcSECNUMBER+3589123456789")
        shell.sms("12abcSECLIST=ON")
        shell.sms("12abcSMSCONFIRMUNAUTH=ON")
        #expect(TestShell.messages(shell.sms("12abcOFF", from: sender)).isEmpty)
        #expect(shell.mainOn, "not on the list")
        #expect(shell.texts(to: owner).count == 5)
    }

    @Test("a 6-digit or longer sender is a phone and is answered")
    func shortestPhone() {
        var shell = TestShell.s0(.gsm706)
        #expect(shell.reply(to: "ON", from: "123456") == "Power socket ON")
        #expect(shell.reply(to: "ON", from: "+123456") == "Power socket ON")
    }

    @Test("renewal: RENEWINTERVAL<rpw> reopens the window for 30 minutes (§2.15, E16)")
    func renewal() {
        var shell = TestShell.s0(.gsm706)
        shell.sms("PASSWORD=12abc")
        #expect(shell.reply(to: "12abcRENEWINTERVALPW=123456abc") == "RENEWINTERVALPW=********* - OK")
        #expect(shell.reply(to: "12abcRENEWINTERVAL?") == "Password presented, renew possible")
        shell.advance(minutes: 45)
        #expect(shell.reply(to: "12abcRESTARTTIME=5") == "RESTARTTIME=5 - Time for configuration is expired (30min)!")
        #expect(shell.reply(to: "12abcRENEWINTERVAL123456ABC") == "Invalid renew password!")
        #expect(shell.reply(to: "12abcRESTARTTIME=5") == "RESTARTTIME=5 - Time for configuration is expired (30min)!")
        #expect(shell.reply(to: "12abcRENEWINTERVAL123456abc") == "Configuration interval renewed")
        #expect(shell.core.configurationWindowCloses == shell.now.adding(minutes: 30))
        shell.advance(minutes: 29)
        // Renewing while open restarts it at 30 minutes.
        #expect(shell.reply(to: "12abcRENEWINTERVAL123456abc") == "Configuration interval renewed")
        shell.advance(minutes: 29)
        #expect(shell.reply(to: "12abcRESTARTTIME=5") == "RESTARTTIME=5 - OK")
        shell.advance(minutes: 31)
        // RENEWINTERVALPW itself is a 30min command.
        #expect(
            shell.reply(to: "12abcRENEWINTERVALPW=NO")
                == "RENEWINTERVALPW=NO - Time for configuration is expired (30min)!")
    }

    @Test("the renew password goes when the last security goes, in either order (§2.15)", arguments: [
        (["SECNUMBER+3589123456789", "SECLIST=ON", "RENEWINTERVALPW=123456abc"], ["SECLIST=OFF"], false),
        (["SECNUMBER+3589123456789", "SECLIST=ON", "RENEWINTERVALPW=123456abc"], ["SECNUMBER-ALL"], false),
        (["SECNUMBER+3589123456789", "SECLIST=ON", "RENEWINTERVALPW=123456abc"],
         ["SECNUMBER-3589123456789"], false),
        (["PASSWORD=12abc", "12abcRENEWINTERVALPW=123456abc"], ["12abcPASSWORD=NO"], false),
        (["PASSWORD=12abc", "12abcSECNUMBER+3589123456789", "12abcSECLIST=ON", "12abcRENEWINTERVALPW=123456abc"],
         ["12abcPASSWORD=NO"], true),
        (["PASSWORD=12abc", "12abcSECNUMBER+3589123456789", "12abcSECLIST=ON", "12abcRENEWINTERVALPW=123456abc"],
         ["12abcSECLIST=OFF"], true),
        (["PASSWORD=12abc", "12abcSECNUMBER+3589123456789", "12abcSECLIST=ON", "12abcRENEWINTERVALPW=123456abc"],
         ["12abcSECLIST=OFF", "12abcPASSWORD=NO"], false),
        (["PASSWORD=12abc", "12abcSECNUMBER+3589123456789", "12abcSECLIST=ON", "12abcRENEWINTERVALPW=123456abc"],
         ["12abcPASSWORD=NO", "SECLIST=OFF"], false),
        (["PASSWORD=12abc", "12abcRENEWINTERVALPW=123456abc"], ["12abcPASSWORD=54321"], true),
    ])
    func renewPasswordLifetime(_ setup: [String], _ removal: [String], _ kept: Bool) {
        var shell = TestShell.s0(.gsm706)
        for s in setup + removal { shell.sms(s) }
        #expect((shell.persistent.renewPassword != nil) == kept)
        #expect(shell.persistent.renewPassword == (kept ? "123456abc" : nil))
    }

    @Test("an empty SMS is no command: no action, no reply, even to a stranger or with a password (§5 A69)",
        arguments: ["", " ", "\n", "  \r\n\t "])
    func emptyMessage(_ body: String) {
        var shell = TestShell.s0(.gsm706)
        #expect(shell.reply(to: body) == nil)
        shell.sms("PASSWORD=12abc")
        #expect(shell.reply(to: body) == nil)
    }
}
