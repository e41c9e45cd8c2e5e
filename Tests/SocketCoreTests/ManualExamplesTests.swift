import Testing

@testable import SocketCore

/// One step of a prior state or of what follows an example.
enum Step: Sendable {
    case sms(String)
    case smsFrom(String?, String)
    case minutes(Int64)
    case seconds(Int64)
    case event(Event)
}

extension TestShell {
    mutating func run(_ steps: [Step]) {
        for step in steps {
            switch step {
            case .sms(let text): sms(text)
            case .smsFrom(let sender, let text): sms(text, from: sender)
            case .minutes(let m): advance(minutes: m)
            case .seconds(let s): advance(seconds: s)
            case .event(let e): handle(e)
            }
        }
    }
}

/// A conversation example of spec §6 (E1–E25) or Appendix B (B1–B35).
struct Example: Sendable, CustomTestStringConvertible {
    enum Start: Sendable {
        /// S0 on this model.
        case s0(Model)
        /// Factory defaults, just powered up, signal −67 dBm.
        case poweredUp(Model)
    }

    let id: String
    let start: Start
    let prior: [Step]
    let sender: String?
    let sms: String
    /// The exact reply to the sender; nil = no reply at all.
    let reply: String?
    /// Steps after the reply (time passing); they must send the sender nothing.
    let then: [Step]
    /// The main socket afterwards.
    let mainOn: Bool?
    /// Queries (from the owner) and their exact answers afterwards.
    let post: [Query]
    /// The configuration window runs 30 minutes from the SMS.
    let windowRestarted: Bool

    struct Query: Sendable {
        let sms: String
        let reply: String
    }

    init(
        _ id: String, on start: Start = .s0(.gsm706), prior: [Step] = [], from sender: String? = owner, _ sms: String,
        _ reply: String?, then: [Step] = [], mainOn: Bool? = nil, post: [(String, String)] = [],
        windowRestarted: Bool = false
    ) {
        self.id = id
        self.start = start
        self.prior = prior
        self.sender = sender
        self.sms = sms
        self.reply = reply
        self.then = then
        self.mainOn = mainOn
        self.post = post.map { Query(sms: $0.0, reply: $0.1) }
        self.windowRestarted = windowRestarted
    }

    var testDescription: String { "\(id): \(sms)" }

    static let secOn: [Step] = [.sms("SECNUMBER+3589123456789"), .sms("SECLIST=ON")]
    static let pw: [Step] = [.sms("PASSWORD=12abc")]
    static let pwRenew: [Step] = [.sms("PASSWORD=12abc"), .sms("12abcRENEWINTERVALPW=123456abc")]

    static let all: [Example] = [
        // §6 conversation examples
        Example("E1", "ON", "Power socket ON", mainOn: true),
        Example("E2", prior: [.sms("ON")], "off", "Power socket OFF", mainOn: false),
        Example("E3", "ON5", "Power ON for 5 min", then: [.seconds(299)], mainOn: true),
        Example("E3 at +5 min", "ON5", "Power ON for 5 min", then: [.minutes(5)], mainOn: false),
        Example(
            "E4", "RESTARTTIME=5", "RESTARTTIME=5 - OK", post: [("RESTARTTIME?", "RESTARTTIME=5 seconds")],
            windowRestarted: true),
        Example("E5", prior: [.sms("RESTARTTIME=5")], "RESTARTTIME?", "RESTARTTIME=5 seconds"),
        Example(
            "E6", prior: [.sms("ON"), .minutes(7)], "STATUS",
            "Power socket ON\nMicrorelay OFF\nSignal: Good (-67dBm)\nTEMP: 25C\nALARMF: Disabled\nALARM status: No activity\nTime: 13/05/21,14:10:10"
        ),
        Example(
            "E6 with SMSCONFIRM=OFF", prior: [.sms("ON"), .sms("SMSCONFIRM=OFF"), .minutes(7)], "STATUS",
            "Power socket ON\nMicrorelay OFF\nSignal: Good (-67dBm)\nTEMP: 25C\nALARMF: Disabled\nALARM status: No activity\nTime: 13/05/21,14:10:10"
        ),
        Example(
            "E7", "RING=SWITCH", "SECLIST is not active!", post: [("RING?", "RING=(NOACTION),RESTART,SWITCH")]),
        Example("E8", "RING?", "RING=(NOACTION),RESTART,SWITCH"),
        Example(
            "E9", "SECNUMBER+3589123456789", "SECNUMBER+3589123456789 - OK",
            post: [("SECNUMBER?", "SECNUMBERs 3589123456789"), ("SECLIST?", "SECLIST=(OFF),ON")],
            windowRestarted: true),
        Example("E10", prior: secOn, "SECLIST?", "SECLIST=OFF,(ON)"),
        Example(
            "E11", prior: [.sms("SECNUMBER+3589123456789"), .sms("SECNUMBER+3589000000555")], "SECNUMBER?",
            "SECNUMBERs 3589123456789, 3589000000555"),
        Example(
            "E12", "PASSWORD=12abc", "PASSWORD=***** - OK", post: [("12abcRING?", "RING=(NOACTION),RESTART,SWITCH")]),
        Example("E13", prior: pw, "STATUS", "Invalid access password!"),
        Example(
            "E14", "RENEWINTERVALPW=123456abc", "No security setup!",
            post: [("RENEWINTERVAL?", "No password, renew impossible")]),
        Example(
            "E15", prior: pw, "12abcRENEWINTERVALPW=123456abc", "RENEWINTERVALPW=********* - OK",
            post: [("12abcRENEWINTERVAL?", "Password presented, renew possible")]),
        Example(
            "E16", prior: pwRenew + [.minutes(31)], "12abcRENEWINTERVAL123456abc", "Configuration interval renewed",
            windowRestarted: true),
        Example(
            "E17", on: .poweredUp(.gsm706), prior: [.minutes(31)], "SMSCONFIRM=OFF",
            "SMSCONFIRM=OFF - Time for configuration is expired (30min)!",
            post: [("SMSCONFIRM?", "SMSCONFIRM=(ON),OFF")]),
        Example("E18", prior: [.sms("SMSCONFIRM=OFF")], "SMSCONFIRM?", "SMSCONFIRM=ON,(OFF)"),
        Example("E19", "RINGCONFIRMTYPE=SMS", "RINGCONFIRMTYPE=SMS - OK"),
        Example("E20", "STATSU", "STATSU - Error!"),
        Example(
            "E21", "THERMOSTATON",
            "THERMOSTATON - OK\nTHERMOSTAT=HEATING\nTEMPOFF=10\nAttention! Thermostat is working now!",
            post: [("THERMOSTAT?", "THERMOSTAT: Enabled\nTHERMOSTAT=HEATING\nTEMPOFF=10")]),
        Example(
            "E22", prior: [.sms("THERMOSTATON"), .sms("TEMPOFF=22")], "THERMOSTAT=COOLING",
            "THERMOSTAT=COOLING - OK\nTEMPOFF=22\nTHERMOSTAT: Enabled"),
        Example("E23", "ALERTNUMBER?", "No ALERTNUMBERs!"),
        Example(
            "E24", prior: [.event(.sensorConnected(true)), .event(.sensor(closed: false))], "ALARM?",
            "ALARM function: Disabled\nSensor(s): Connected\nALARM status: No activity\nMicrorelay: Disabled"),
        Example("E25", "SALDOUMS=*100#", "SALDOUMS=*100# - OK", post: [("SALDOUMS?", "SALDOUMS: *100#")]),

        // Appendix B
        Example("B1", "TEMPCAL=7", "TEMPCAL = 7 - OK", post: [("TEMPCAL?", "TEMPCAL = 7")]),
        Example("B2", "ALARMON", "ALARMON - OK\nALARM function: Enabled"),
        Example("B3", "ALERT?", "ALERT=(SMS),CALL,SMSCHANGE,OFF"),
        Example("B4", "POWERSTATE=ON", "POWERSTATE=ON - OK", post: [("POWERSTATE?", "POWERSTATE=REMEMBER,(ON),OFF")]),
        Example("B5", "POWERSTATE?", "POWERSTATE=(REMEMBER),ON,OFF"),
        Example("B6", "ERROR?", "ERROR=(ON),OFF"),
        Example("B7", "FIRMWARE", "v\(SocketCore.version) (c) SMSocket contributors. Free software."),
        Example("B8", "HARDWARE", "SMSocket 706, Hardware v1.0"),
        Example("B9", "SCHEDULER+08:00,*,ON", "SCHEDULER+08:00,*,ON - OK", post: [("SCHEDULER?", "08:00,*,ON")]),
        Example("B10", prior: [.sms("SCHEDULER+08:00,*,ON")], "SCHEDULER?", "08:00,*,ON"),
        Example(
            "B11", prior: [.sms("SCHEDULER+08:00,*,ON")], "SCHEDULER-08:00", "SCHEDULER-08:00 - OK",
            post: [("SCHEDULER?", "No SCHEDULER rules!")]),
        Example("B12", "TEMPOFF=51", "Incorrect value!", post: [("THERMOSTAT?", "THERMOSTAT: Disabled\nTHERMOSTAT=HEATING\nTEMPOFF=10")]),
        Example("B13", "TEMPOFF=10", "TEMPOFF=10 - OK\nTHERMOSTAT=HEATING\nTHERMOSTAT: Disabled"),
        Example("B14", "THERMOSTATOFF", "THERMOSTATOFF - OK\nAttention! Thermostat was disabled!"),
        Example("B15", "ON721", "Incorrect value!", mainOn: false),
        Example("B16", prior: [.sms("ERROR=OFF")], "STATSU", nil),
        Example(
            "B17", "SECNUMBER+358912345678901234567", nil, post: [("SECNUMBER?", "No SECNUMBERs!")]),
        Example(
            "B18", prior: secOn + [.sms("SMSCONFIRMUNAUTH=ON")], from: stranger, "STATUS", "Access deny!"),
        Example("B19", prior: secOn, from: stranger, "STATUS", nil),
        Example("B20", prior: [.sms("SMSCONFIRM=OFF")], "ON", nil, mainOn: true),
        Example("B21", prior: [.sms("SMSCONFIRM=OFF"), .minutes(5)], "TEMPERATURE", "TEMPERATURE: 25C"),
        Example("B22", on: .poweredUp(.gsm706Light), "TEMPERATURE", "TEMPERATURE - Error!"),
        Example(
            "B23", prior: secOn + [.sms("RING=SWITCH")], "SECNUMBER-ALL", "SECNUMBER-ALL - OK",
            post: [("SECLIST?", "SECLIST=(OFF),ON"), ("RING?", "RING=(NOACTION),RESTART,SWITCH")]),
        Example(
            "B24", prior: pwRenew, "12abcPASSWORD=NO", "PASSWORD=NO - OK",
            post: [("RENEWINTERVAL?", "No password, renew impossible")]),
        Example("B25", prior: pwRenew, "12abcRENEWINTERVAL123456abd", "Invalid renew password!"),
        Example("B26", prior: pw, "12abcRENEWINTERVAL123456abc", "Renew password was not setup"),
        Example("B27", "RENEWINTERVAL?", "No password, renew impossible"),
        Example("B28", "THERMALERT=ON", "Execute error!", post: [("THERMALERT?", "THERMALERT=(OFF),ON")]),
        Example(
            "B29", "ALERTNUMBER+358912345678", "ALERTNUMBER+358912345678 - OK",
            post: [("ALERTNUMBER?", "ALERTNUMBERs: 358912345678")]),
        Example(
            "B30", prior: [.sms("ALERTNUMBER+358912345678")], "ALERTNUMBER-358912345678",
            "ALERTNUMBER-358912345678 - OK", post: [("ALERTNUMBER?", "No ALERTNUMBERs!")]),
        Example("B31", "DATE=13/05/21,14:03:10+12", "DATE=13/05/21,14:03:10+12 - OK"),
        Example(
            "B32", prior: [.sms("DATE=13/05/21,14:03:10+12")], "DATE", "DATE 13/05/21,14:03:10+12",
            then: [.seconds(20)], post: [("DATE", "DATE 13/05/21,14:03:30+12")]),
        Example("B33", "MICRORELAYTIME=901", "Incorrect value!"),
        Example("B34", prior: secOn, "RING=RESTART", "RING=RESTART - OK", post: [("RING?", "RING=NOACTION,(RESTART),SWITCH")]),
        Example("B35", "TFALLALERT?", "TFALLALERT=OFF"),
    ]
}

@Suite("Conversation examples of spec §6 and Appendix B")
struct ManualExamplesTests {
    static let errorTexts: Set<String> = [
        "Incorrect value!", "Invalid access password!", "SECLIST is not active!", "No security setup!",
        "Execute error!", "Access deny!", "Invalid renew password!", "Renew password was not setup",
    ]

    static func isErrorClass(_ reply: String) -> Bool {
        errorTexts.contains(reply) || reply.hasSuffix(" - Error!") || reply.hasSuffix("expired (30min)!")
    }

    @Test("the table covers E1–E25 and B1–B35")
    func coverage() {
        let ids = Set(Example.all.map { $0.id.split(separator: " ").first.map(String.init) ?? "" })
        #expect(ids == Set((1...25).map { "E\($0)" } + (1...35).map { "B\($0)" }))
    }

    @Test(arguments: Example.all)
    func example(_ example: Example) {
        var shell: TestShell
        switch example.start {
        case .s0(let model): shell = TestShell.s0(model)
        case .poweredUp(let model): shell = TestShell(model: model)
        }
        shell.run(example.prior)
        shell.clearLog()
        let sentAt = shell.now
        let before = shell.persistent
        let effects = shell.sms(example.sms, from: example.sender)
        let messages = TestShell.messages(effects)
        if let reply = example.reply {
            #expect(messages == [SentSMS(to: example.sender ?? "", text: reply)])
        } else {
            #expect(messages.isEmpty)
        }
        if example.reply.map(Self.isErrorClass) ?? (example.id != "B20") {
            // Error-class replies and silent drops leave the settings alone.
            var after = shell.persistent
            after.clock = before.clock
            #expect(after == before)
        }
        if example.windowRestarted {
            #expect(shell.core.configurationWindowCloses == sentAt.adding(minutes: 30))
        }
        shell.clearLog()
        shell.run(example.then)
        #expect(shell.texts(to: owner).isEmpty)
        if let mainOn = example.mainOn { #expect(shell.mainOn == mainOn) }
        for query in example.post {
            #expect(shell.reply(to: query.sms) == query.reply, "\(query.sms)")
        }
    }
}
