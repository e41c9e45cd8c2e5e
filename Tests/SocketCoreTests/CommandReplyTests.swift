import Testing

@testable import SocketCore

/// Sends `form` and returns the reply to its sender; for USSD forms, checks the request and answers it.
private func run(_ form: FormCase, on shell: inout TestShell, sourceLocation: SourceLocation = #_sourceLocation)
    -> String?
{
    let effects = shell.sms(form.body, timestamp: form.timestamp)
    var texts = TestShell.texts(effects, to: owner)
    if let code = form.ussd, !(shell.model.isLight && !form.light) {
        #expect(effects.contains(.sendUSSD(code: code)), sourceLocation: sourceLocation)
        #expect(texts.isEmpty, "USSD commands answer when the operator does", sourceLocation: sourceLocation)
        #expect(shell.due(.ussdTimeout) == shell.now.adding(seconds: 30), sourceLocation: sourceLocation)
        texts = TestShell.texts(shell.handle(.ussdReply(FormCase.operatorAnswer)), to: owner)
    }
    #expect(texts.count <= 1, "\(form.body) produced \(texts)", sourceLocation: sourceLocation)
    return texts.first
}

private func expectedOutput(_ form: FormCase, on model: Model) -> String? {
    form.ussd != nil && !(model.isLight && !form.light) ? FormCase.operatorAnswer : form.expectedReply(on: model)
}

@Suite("Command forms of spec §3")
struct CommandReplyTests {
    @Test("the table holds the 101 forms, 45 of them absent on Light, typed as §3 prints them")
    func tableShape() {
        let forms = FormCase.all
        #expect(forms.count == 101)
        #expect(forms.map(\.row) == Array(1...101))
        #expect(forms.filter { !$0.light }.count == 45)
        #expect(forms.filter { $0.kind == .control }.count == 27)
        #expect(forms.filter { $0.kind == .configuration }.count == 51)
        #expect(forms.filter { $0.kind == .information }.count == 23)
    }

    @Test("the parser recognises each form with the spec's type, exemption and Light availability",
          arguments: FormCase.all)
    func classification(_ form: FormCase) throws {
        guard case .command(let command, let keyword) = CommandParser.parse(form.command) else {
            Issue.record("\(form.command) did not parse: \(CommandParser.parse(form.command))")
            return
        }
        let kind: FormCase.Kind =
            switch command.commandClass {
            case .control: .control
            case .configuration: .configuration
            case .information: .information
            }
        #expect(kind == form.kind)
        #expect(command.alwaysAnswers == form.always)
        #expect(keyword.availableOnLight == form.light)
    }

    @Test("each form gets its exact reply on every model (absent ones like unknown commands)",
          arguments: Model.allCases, FormCase.all)
    func exactReply(_ model: Model, _ form: FormCase) {
        var shell = form.prepared(model)
        #expect(run(form, on: &shell) == expectedOutput(form, on: model))
    }

    @Test("lower-case and mixed-case keywords are accepted (§2.3)", arguments: FormCase.all)
    func caseInsensitive(_ form: FormCase) {
        // Only the keyword-like parts change case; passwords stay as they are.
        guard form.password == nil, !form.command.hasPrefix("PASSWORD=") else { return }
        var shell = form.prepared(.gsm707)
        let lower = FormCase(
            form.row, form.command.lowercased(), form.reply, form.kind, always: form.always, light: form.light,
            setup: form.setup, ussd: form.ussd, stamped: form.stamped)
        #expect(run(lower, on: &shell) == expectedOutput(form, on: .gsm707))
    }

    @Test("with SMSCONFIRM=OFF only the exempt forms answer (§2.8)", arguments: [Model.gsm706, .gsm707], FormCase.all)
    func smsConfirmOff(_ model: Model, _ form: FormCase) {
        guard form.command != "SMSCONFIRM?" else { return }  // its value is what changed; see E18
        var shell = TestShell.s0(model)
        for body in form.setup { shell.sms(body) }
        #expect(shell.reply(to: (form.password ?? "") + "SMSCONFIRM=OFF") == "SMSCONFIRM=OFF - OK")
        let reply = run(form, on: &shell)
        #expect(reply == (form.always ? expectedOutput(form, on: model) : nil))
    }

    @Test("31 minutes after the last configuration, 30min forms are refused with the window text",
          arguments: Model.allCases, FormCase.all)
    func windowExpired(_ model: Model, _ form: FormCase) {
        var shell = form.prepared(model)
        shell.advance(minutes: 31)
        let before = shell.persistent
        let effects = shell.sms(form.body, timestamp: form.timestamp)
        let texts = TestShell.texts(effects, to: owner)
        if model.isLight, !form.light {
            #expect(texts == [ReplyText.unknownCommand(form.command)])
        } else if form.kind == .configuration {
            #expect(texts == ["\(form.command) - Time for configuration is expired (30min)!"])
            #expect(!effects.contains { if case .sendUSSD = $0 { true } else { false } })
            var unchanged = shell.persistent
            unchanged.clock = before.clock
            #expect(unchanged == before, "a refused configuration command changed nothing")
        } else {
            #expect(texts.count == 1 || form.ussd != nil)
            #expect(!texts.contains { $0.contains("Time for configuration") })
        }
    }

    @Test("ERROR=OFF silences the window text too", arguments: FormCase.all.filter { $0.kind == .configuration })
    func windowExpiredSilent(_ form: FormCase) {
        var shell = TestShell.s0(.gsm706)
        shell.sms("ERROR=OFF")
        for body in form.setup { shell.sms(body) }
        shell.advance(minutes: 31)
        #expect(shell.reply(to: form.body, timestamp: form.timestamp) == nil)
    }

    @Test("the window stays open 30 minutes after power-up and after each successful configuration command")
    func windowTiming() {
        var shell = TestShell(model: .gsm706)
        shell.advance(seconds: 30 * 60 - 1)
        #expect(shell.reply(to: "RESTARTTIME=5") == "RESTARTTIME=5 - OK")  // restarts the window
        shell.advance(minutes: 29)
        #expect(shell.reply(to: "RESTARTTIME=6") == "RESTARTTIME=6 - OK")
        // A refused configuration command does not restart it.
        shell.advance(minutes: 29)
        #expect(shell.reply(to: "RESTARTTIME=0") == "Incorrect value!")
        shell.advance(minutes: 1)
        #expect(shell.reply(to: "RESTARTTIME=7") == "RESTARTTIME=7 - Time for configuration is expired (30min)!")
        // Ctrl and Inf commands still work and do not reopen it.
        #expect(shell.reply(to: "ON") == "Power socket ON")
        #expect(shell.reply(to: "RESTARTTIME?") == "RESTARTTIME=6 seconds")
        #expect(shell.reply(to: "RESTARTTIME=7") == "RESTARTTIME=7 - Time for configuration is expired (30min)!")
        // A power-up opens it again.
        shell.handle(.mains(present: false))
        shell.advance(minutes: 1)
        shell.handle(.mains(present: true))
        #expect(shell.reply(to: "RESTARTTIME=7") == "RESTARTTIME=7 - OK")
    }

    @Test("E17: SMSCONFIRM=OFF after the window closed changes nothing")
    func e17() {
        var shell = TestShell(model: .gsm706)
        shell.advance(minutes: 31)
        #expect(shell.reply(to: "SMSCONFIRM=OFF") == "SMSCONFIRM=OFF - Time for configuration is expired (30min)!")
        #expect(shell.persistent.smsConfirm)
        #expect(shell.reply(to: "SMSCONFIRM?") == "SMSCONFIRM=(ON),OFF")
    }

    @Test("queries report the current value with the default first (§2.9)", arguments: [
        ("SECLIST=ON", "SECLIST?", "SECLIST=OFF,(ON)"),
        ("SMSCONFIRM=OFF", "SMSCONFIRM?", "SMSCONFIRM=ON,(OFF)"),
        ("RINGCONFIRM=OFF", "RINGCONFIRM?", "RINGCONFIRM=ON,(OFF)"),
        ("RINGCONFIRMTYPE=CALL", "RINGCONFIRMTYPE?", "RINGCONFIRMTYPE=SMS,(CALL)"),
        ("ERROR=OFF", "ERROR?", "ERROR=ON,(OFF)"),
        ("SMSCONFIRMUNAUTH=ON", "SMSCONFIRMUNAUTH?", "SMSCONFIRMUNAUTH=OFF,(ON)"),
        ("THERMALERT=ON", "THERMALERT?", "THERMALERT=OFF,(ON)"),
        ("SENSORTYPE=NC", "SENSORTYPE?", "SENSORTYPE=NO,(NC)"),
        ("ALERT=CALL", "ALERT?", "ALERT=SMS,(CALL),SMSCHANGE,OFF"),
        ("ALERT=SMSCHANGE", "ALERT?", "ALERT=SMS,CALL,(SMSCHANGE),OFF"),
        ("ALERT=OFF", "ALERT?", "ALERT=SMS,CALL,SMSCHANGE,(OFF)"),
        ("POWERSTATE=ON", "POWERSTATE?", "POWERSTATE=REMEMBER,(ON),OFF"),
        ("POWERSTATE=OFF", "POWERSTATE?", "POWERSTATE=REMEMBER,ON,(OFF)"),
        ("RING=SWITCH", "RING?", "RING=NOACTION,RESTART,(SWITCH)"),
        ("RING=RESTART", "RING?", "RING=NOACTION,(RESTART),SWITCH"),
        ("RESTARTTIME=600", "RESTARTTIME?", "RESTARTTIME=600 seconds"),
        ("MICRORELAYTIME=900", "MICRORELAYTIME?", "MICRORELAYTIME=900 seconds"),
        ("TRISEALERT=-10", "TRISEALERT?", "TRISEALERT=-10"),
        ("TFALLALERT=50", "TFALLALERT?", "TFALLALERT=50"),
        ("TEMPCAL=9", "TEMPCAL?", "TEMPCAL = 9"),
        ("THERMOSTAT=COOLING", "THERMOSTAT?", "THERMOSTAT: Disabled\nTHERMOSTAT=COOLING\nTEMPOFF=10"),
        ("TEMPOFF=0", "THERMOSTAT?", "THERMOSTAT: Disabled\nTHERMOSTAT=HEATING\nTEMPOFF=0"),
        ("MICRORELAYTIME=1", "ALARM?",
         "ALARM function: Disabled\nSensor(s): Connected\nALARM status: No activity\nMicrorelay: Enabled"),
        ("ALARMON", "ALARM?",
         "ALARM function: Enabled\nSensor(s): Connected\nALARM status: No activity\nMicrorelay: Disabled"),
        ("SALDOUMS=*102*1#", "SALDOUMS?", "SALDOUMS: *102*1#"),
        ("SALDOUMS=NO", "SALDOUMS?", "SALDOUMS: NO"),
        ("ALERTNUMBER+3589123456789", "ALERTNUMBER?", "ALERTNUMBERs: 3589123456789"),
    ])
    func queryAfterChange(_ change: String, _ query: String, _ expected: String) {
        var shell = TestShell.s0(.gsm707)
        if change == "THERMALERT=ON" { shell.sms("ALERTNUMBER+358912345678") }
        if change.hasPrefix("RING=") || change == "SECLIST=ON" { shell.sms("SECNUMBER+3589123456789") }
        if change.hasPrefix("RING=") { shell.sms("SECLIST=ON") }
        #expect(shell.reply(to: change) != nil)
        #expect(shell.reply(to: query) == expected)
    }

    @Test("value or range errors answer Incorrect value! and change nothing (§2.7 step 6)", arguments: [
        "ON0", "ON721", "OFF0", "OFF721", "ON999999",
        "RESTARTTIME=0", "RESTARTTIME=601", "RESTARTTIME=-5", "RESTARTTIME=abc",
        "RING=ALWAYS", "SECLIST=MAYBE", "SMSCONFIRM=YES", "RINGCONFIRM=1", "RINGCONFIRMTYPE=EMAIL",
        "ERROR=NO", "SMSCONFIRMUNAUTH=X",
        "SECNUMBER+1234567890123456", "SECNUMBER+12a4", "SECNUMBER+", "SECNUMBER-3589123456789",
        "ALERTNUMBER+1234567890123456", "ALERTNUMBER-358912345678", "ALERTNUMBER+#1",
        "PASSWORD=1234", "PASSWORD=123456", "PASSWORD=12ab!", "RENEWINTERVALPW=12345678", "RENEWINTERVALPW=123456ab_",
        "THERMOSTAT=WARM", "THERMOSTAT=ON", "TEMPOFF=51", "TEMPOFF=-1", "THERMALERT=MAYBE",
        "TRISEALERT=51", "TRISEALERT=-11", "TFALLALERT=51", "TFALLALERT=-11", "TFALLALERT=ON",
        "TEMPCAL=0", "TEMPCAL=10", "MICRORELAYTIME=901", "MICRORELAYTIME=-1",
        "SENSORTYPE=NX", "ALERT=EMAIL",
        "DATE=13/13/21,14:03:10+12", "DATE=13/02/29,14:03:10+12", "DATE=13/05/21,24:03:10+12",
        "DATE=13/05/21,14:60:10+12", "DATE=13/05/21,14:03:60+12", "DATE=13/05/21,14:03:10", "DATE=2013/05/21",
        "SCHEDULER+24:00,*,ON", "SCHEDULER+08:60,*,ON", "SCHEDULER+8:00,*,ON", "SCHEDULER+08:00,8,ON",
        "SCHEDULER+08:00,0,OFF", "SCHEDULER+08:00,*,RESTART", "SCHEDULER+08:00,*", "SCHEDULER-08:00",
        "SCHEDULER-25:00",
        "POWERSTATE=LAST", "SIMCARD100", "SIMCARD*100", "SALDOUMS=100#", "SALDOUMS=*1a#",
    ])
    func incorrectValue(_ body: String) {
        var shell = TestShell.s0(.gsm706)
        let before = shell.persistent
        #expect(shell.reply(to: body) == "Incorrect value!")
        var after = shell.persistent
        after.clock = before.clock
        #expect(after == before)
    }

    @Test("unknown and malformed commands echo the text as received (§2.10, §5 A9)", arguments: [
        ("STATSU", "STATSU"), ("statsu", "statsu"), ("Stat Su", "Stat Su"), ("RESTARTIME=10", "RESTARTIME=10"),
        ("MICLEVEL=15", "MICLEVEL=15"), ("STATUS?", "STATUS?"), ("STATUS1", "STATUS1"), ("ON5X", "ON5X"),
        ("ON-5", "ON-5"), ("ONM5", "ONM5"), ("RESTARTTIME", "RESTARTTIME"), ("RESTARTTIME5", "RESTARTTIME5"),
        ("SECNUMBER", "SECNUMBER"), ("SECNUMBER=123", "SECNUMBER=123"), ("ALARM", "ALARM"), ("ALARM=ON", "ALARM=ON"),
        ("TEMPOFF?", "TEMPOFF?"), ("PASSWORD?", "PASSWORD?"), ("PASSWORD", "PASSWORD"), ("RENEWINTERVAL", "RENEWINTERVAL"),
        ("SALDO?", "SALDO?"), ("HARDWARE?", "HARDWARE?"), ("123", "123"), ("?", "?"), ("=ON", "=ON"),
        ("SCHEDULER", "SCHEDULER"), ("SCHEDULER=08:00", "SCHEDULER=08:00"), ("DATE?", "DATE?"),
        ("ÖN", "ÖN"), ("SMSCONFIRMX=ON", "SMSCONFIRMX=ON"), ("RINGX", "RINGX"), ("POWERSTATE", "POWERSTATE"),
    ])
    func unknownCommand(_ body: String, _ echo: String) {
        var shell = TestShell.s0(.gsm706)
        #expect(shell.reply(to: body) == "\(echo) - Error!")
    }

    @Test("spaces are removed before parsing; the echo keeps them (§2.16)", arguments: [
        ("POWERSTATE =ON", "POWERSTATE=ON - OK"),
        ("THERMOSTAT= HEATING", "THERMOSTAT=HEATING - OK\nTEMPOFF=10\nTHERMOSTAT: Disabled"),
        ("DATE=13/05/21, 14:03:10+12", "DATE=13/05/21,14:03:10+12 - OK"),
        ("  STATUS  ", FormCase.status706),
        ("\r\nON\r\n", "Power socket ON"),
        ("RESTART TIME = 5", "RESTARTTIME=5 - OK"),
    ])
    func spaces(_ body: String, _ expected: String) {
        var shell = TestShell.s0(.gsm706)
        #expect(shell.reply(to: body) == expected)
    }

    @Test("ERROR=OFF suppresses every error-class reply, for every sender (§2.11)", arguments: [
        "STATSU", "ON721", "TEMPOFF=51", "SECLIST=ON", "RING=SWITCH", "RENEWINTERVALPW=123456abc",
        "RENEWINTERVAL123456abc", "THERMALERT=ON", "SALDO", "SECNUMBER-1", "SCHEDULER-08:00", "DATESMS",
    ])
    func errorOffSilence(_ body: String) {
        var shell = TestShell.s0(.gsm706)
        #expect(shell.reply(to: "ERROR=OFF") == "ERROR=OFF - OK")
        #expect(shell.reply(to: body) == nil)
        #expect(shell.reply(to: body, from: stranger) == nil)
    }

    @Test("confirmations are not errors: ERROR=OFF keeps them")
    func errorOffKeepsConfirmations() {
        var shell = TestShell.s0(.gsm706)
        shell.sms("ERROR=OFF")
        #expect(shell.reply(to: "ON") == "Power socket ON")
        #expect(shell.reply(to: "ERROR?") == "ERROR=ON,(OFF)")
        #expect(shell.reply(to: "ERROR=ON") == "ERROR=ON - OK")
        #expect(shell.reply(to: "STATSU") == "STATSU - Error!")
    }

    @Test("documented refusal texts (§2.7 step 7)", arguments: [
        ([String](), "RING=SWITCH", "SECLIST is not active!"),
        ([], "RING=RESTART", "SECLIST is not active!"),
        (["SECNUMBER+3589123456789"], "RING=SWITCH", "SECLIST is not active!"),
        ([], "RENEWINTERVALPW=123456abc", "No security setup!"),
        (["SECNUMBER+3589123456789"], "RENEWINTERVALPW=123456abc", "No security setup!"),
        ([], "RENEWINTERVAL123456abc", "Renew password was not setup"),
        ([], "SECLIST=ON", "Execute error!"),
        ([], "THERMALERT=ON", "Execute error!"),
        ([], "SALDO", "Execute error!"),
        ([], "DATESMS", "Execute error!"),
    ])
    func refusals(_ setup: [String], _ body: String, _ expected: String) {
        var shell = TestShell.s0(.gsm706)
        for s in setup { shell.sms(s) }
        let before = shell.persistent
        #expect(shell.reply(to: body) == expected)
        #expect(shell.persistent == before)
    }

    @Test("number lists hold 10 numbers of at most 15 digits, store duplicates once (§2.13)",
          arguments: ["SECNUMBER", "ALERTNUMBER"])
    func numberLists(_ keyword: String) {
        var shell = TestShell.s0(.gsm706)
        for i in 0..<10 { #expect(shell.reply(to: "\(keyword)+35891234567\(i)") == "\(keyword)+35891234567\(i) - OK") }
        #expect(shell.reply(to: "\(keyword)+358912345670") == "\(keyword)+358912345670 - OK")
        #expect(shell.reply(to: "\(keyword)+999999999999999") == "Execute error!")
        #expect(shell.reply(to: "\(keyword)+1234567890123456") == "Incorrect value!")
        let list = (0..<10).map { "35891234567\($0)" }.joined(separator: ", ")
        #expect(shell.reply(to: "\(keyword)?") == (keyword == "SECNUMBER" ? "SECNUMBERs " : "ALERTNUMBERs: ") + list)
        #expect(shell.reply(to: "\(keyword)-358912345675") == "\(keyword)-358912345675 - OK")
        #expect(shell.reply(to: "\(keyword)-358912345675") == "Incorrect value!")
        #expect(shell.reply(to: "\(keyword)+999999999999999") == "\(keyword)+999999999999999 - OK")
        #expect(shell.reply(to: "\(keyword)-all") == "\(keyword)-ALL - OK")
        #expect(shell.reply(to: "\(keyword)?") == (keyword == "SECNUMBER" ? "No SECNUMBERs!" : "No ALERTNUMBERs!"))
    }

    @Test("RUNTIME reports when the socket was switched on; TEMPERATURE after the warm-up")
    func runtimeAndTemperature() {
        var shell = TestShell.s0(.gsm706)
        shell.advance(seconds: 50)  // 14:04:00
        #expect(shell.reply(to: "ON") == "Power socket ON")
        shell.advance(minutes: 3)
        #expect(shell.reply(to: "RUNTIME") == "Power socket is ON from: 13/05/21,14:04:00")
        #expect(shell.reply(to: "TEMPERATURE") == "TEMPERATURE: N/A")
        shell.advance(minutes: 2)  // 10 min 50 s after power-up: first reading at 10:00
        #expect(shell.reply(to: "TEMPERATURE") == "TEMPERATURE: 25C")
        shell.reading = .celsius(27.6)
        shell.advance(minutes: 1)
        #expect(shell.reply(to: "TEMPERATURE") == "TEMPERATURE: 23C")
        #expect(shell.reply(to: "TEMPCAL=1") == "TEMPCAL = 1 - OK")
        #expect(shell.reply(to: "TEMPERATURE") == "TEMPERATURE: 27C")
        #expect(shell.reply(to: "OFF") == "Power socket OFF")
        #expect(shell.reply(to: "RUNTIME") == "Power socket is OFF")
    }

    @Test("HARDWARE names the model under the SMSocket name", arguments: Model.allCases)
    func hardware(_ model: Model) {
        var shell = TestShell.s0(model)
        #expect(shell.reply(to: "HARDWARE") == "\(model.productName), Hardware v1.0")
        #expect(shell.reply(to: "hardware") == "\(model.productName), Hardware v1.0")
        #expect(model.productName.hasPrefix("SMSocket"))
    }

    @Test("the local console needs no password or window and hears every reply")
    func localConsole() {
        var shell = TestShell.s0(.gsm706)
        shell.sms("PASSWORD=12abc")
        shell.sms("12abcSMSCONFIRM=OFF")
        shell.advance(minutes: 40)
        #expect(shell.handle(.localCommand("RESTARTTIME=9")) == [
            .reply("RESTARTTIME=9 - OK"), .verdict(Verdict(command: "RESTARTTIME=9", outcome: .done)),
        ])
        #expect(shell.handle(.localCommand("ON")).contains(.reply("Power socket ON")))
        #expect(shell.handle(.localCommand("STATSU")) == [
            .reply("STATSU - Error!"), .verdict(Verdict(command: "STATSU", outcome: .unknownCommand)),
        ])
    }
}
