import Testing

@testable import SocketCore

/// One of the 101 command forms of spec §3, with the prior commands it needs and its exact reply in S0
/// on a full model (plain hyphen everywhere, SMSocket identity).
struct FormCase: Sendable, CustomTestStringConvertible {
    enum Kind: Sendable { case control, configuration, information }

    /// Row number in spec §3.
    let row: Int
    /// The command as typed (after any password prefix); also the echo of error replies.
    let command: String
    /// The reply in S0; `{product}` stands for the model's product name. nil: the reply comes later (USSD).
    let reply: String?
    let kind: Kind
    /// Answered even with SMSCONFIRM=OFF (§2.8).
    let always: Bool
    /// Present on 706 Light / 707 Light (§1.2).
    let light: Bool
    /// SMS bodies sent first (full bodies, including a password prefix where needed).
    let setup: [String]
    /// Access password to prefix to `command`.
    let password: String?
    /// The USSD code the command must run.
    let ussd: String?
    /// Send the SMS with a network time stamp (DATESMS).
    let stamped: Bool

    init(
        _ row: Int, _ command: String, _ reply: String?, _ kind: Kind, always: Bool = false, light: Bool = true,
        setup: [String] = [], password: String? = nil, ussd: String? = nil, stamped: Bool = false
    ) {
        self.row = row
        self.command = command
        self.reply = reply
        self.kind = kind
        self.always = always || kind == .information
        self.light = light
        self.setup = setup
        self.password = password
        self.ussd = ussd
        self.stamped = stamped
    }

    var body: String { (password ?? "") + command }
    var testDescription: String { "#\(row) \(command)" }

    /// The S0 reply on `model`: absent commands answer like unknown ones, STATUS is reduced on Light.
    func expectedReply(on model: Model) -> String? {
        if model.isLight, !light { return ReplyText.unknownCommand(command) }
        if model.isLight, command == "STATUS" { return "Power socket OFF\nSignal: Good (-67dBm)" }
        guard let reply, reply.hasPrefix("{product}") else { return reply }
        return model.productName + reply.dropFirst("{product}".count)
    }

    /// A shell in S0 on `model` with the setup commands already sent.
    func prepared(_ model: Model) -> TestShell { TestShell.s0(model, then: setup) }

    /// The S0 time stamp (2013-05-21 14:03:10, zone +12 quarter-hours).
    static let stamp = NetworkTimestamp(
        local: CivilTime(year: 2013, month: 5, day: 21, hour: 14, minute: 3, second: 10), zoneQuarterHours: 12)

    var timestamp: NetworkTimestamp? { stamped ? Self.stamp : nil }

    static let operatorAnswer = "Balance: 5.00 EUR, valid until 01.01.2030"

    // Shorthands for the table.
    static let sec = "SECNUMBER+3589123456789"
    static let secOn = ["SECNUMBER+3589123456789", "SECLIST=ON"]
    static let status706 =
        "Power socket OFF\nMicrorelay OFF\nSignal: Good (-67dBm)\nTEMP: N/A\nALARMF: Disabled\nALARM status: No activity\nTime: 13/05/21,14:03:10"

    /// All 101 forms of spec §3, in row order.
    static let all: [FormCase] = [
        // §3.1 Basic control
        FormCase(1, "ON", "Power socket ON", .control),
        FormCase(2, "OFF", "Power socket OFF", .control),
        FormCase(3, "ON5", "Power ON for 5 min", .control),
        FormCase(4, "OFF5", "Power OFF for 5 min", .control),
        FormCase(5, "ONM", "Microrelay ON", .control, light: false),
        FormCase(6, "OFFM", "Microrelay OFF", .control, light: false),
        FormCase(7, "ONALL", "All ON", .control, light: false),
        FormCase(8, "OFFALL", "All OFF", .control, light: false),
        FormCase(9, "RESTART", "Power socket restarted", .control),
        FormCase(10, "RESTARTM", "Microrelay restarted", .control, light: false),
        FormCase(11, "RESTARTTIME=5", "RESTARTTIME=5 - OK", .configuration),
        FormCase(12, "RESTARTTIME?", "RESTARTTIME=10 seconds", .information),
        FormCase(13, "STATUS", status706, .control, always: true),
        FormCase(14, "TEMPERATURE", "TEMPERATURE: N/A", .control, always: true, light: false),
        FormCase(15, "RUNTIME", "Power socket is OFF", .control, always: true, light: false),
        // §3.2 Call control
        FormCase(16, "RING=SWITCH", "RING=SWITCH - OK", .configuration, setup: secOn),
        FormCase(17, "RING=RESTART", "RING=RESTART - OK", .configuration, setup: secOn),
        FormCase(18, "RING=NOACTION", "RING=NOACTION - OK", .configuration),
        FormCase(19, "RING?", "RING=(NOACTION),RESTART,SWITCH", .information),
        // §3.3 Security
        FormCase(20, "SECNUMBER+3589123456789", "SECNUMBER+3589123456789 - OK", .configuration),
        FormCase(21, "SECNUMBER-3589123456789", "SECNUMBER-3589123456789 - OK", .configuration, setup: [sec]),
        FormCase(22, "SECNUMBER-ALL", "SECNUMBER-ALL - OK", .configuration, setup: [sec]),
        FormCase(
            23, "SECNUMBER?", "SECNUMBERs 3589123456789, 3589000000555", .information,
            setup: [sec, "SECNUMBER+3589000000555"]),
        FormCase(24, "SECLIST=ON", "SECLIST=ON - OK", .configuration, setup: [sec]),
        FormCase(25, "SECLIST=OFF", "SECLIST=OFF - OK", .configuration, setup: secOn),
        FormCase(26, "SECLIST?", "SECLIST=(OFF),ON", .information),
        FormCase(27, "PASSWORD=12abc", "PASSWORD=***** - OK", .configuration),
        FormCase(28, "PASSWORD=NO", "PASSWORD=NO - OK", .configuration, setup: ["PASSWORD=12abc"], password: "12abc"),
        FormCase(
            29, "RENEWINTERVALPW=123456abc", "RENEWINTERVALPW=********* - OK", .configuration,
            setup: ["PASSWORD=12abc"], password: "12abc"),
        FormCase(
            30, "RENEWINTERVAL123456abc", "Configuration interval renewed", .control,
            setup: ["PASSWORD=12abc", "12abcRENEWINTERVALPW=123456abc"], password: "12abc"),
        FormCase(31, "RENEWINTERVALPW=NO", "RENEWINTERVALPW=NO - OK", .configuration),
        FormCase(32, "RENEWINTERVAL?", "No password, renew impossible", .information),
        // §3.4 Confirmations and errors
        FormCase(33, "SMSCONFIRM=ON", "SMSCONFIRM=ON - OK", .configuration, always: true),
        FormCase(34, "SMSCONFIRM=OFF", "SMSCONFIRM=OFF - OK", .configuration, always: true),
        FormCase(35, "SMSCONFIRM?", "SMSCONFIRM=(ON),OFF", .information),
        FormCase(36, "RINGCONFIRM=ON", "RINGCONFIRM=ON - OK", .configuration),
        FormCase(37, "RINGCONFIRM=OFF", "RINGCONFIRM=OFF - OK", .configuration),
        FormCase(38, "RINGCONFIRM?", "RINGCONFIRM=(ON),OFF", .information),
        FormCase(39, "RINGCONFIRMTYPE=SMS", "RINGCONFIRMTYPE=SMS - OK", .configuration),
        FormCase(40, "RINGCONFIRMTYPE=CALL", "RINGCONFIRMTYPE=CALL - OK", .configuration),
        FormCase(41, "RINGCONFIRMTYPE?", "RINGCONFIRMTYPE=(SMS),CALL", .information),
        FormCase(42, "ERROR=ON", "ERROR=ON - OK", .configuration),
        FormCase(43, "ERROR=OFF", "ERROR=OFF - OK", .configuration),
        FormCase(44, "ERROR?", "ERROR=(ON),OFF", .information),
        FormCase(45, "SMSCONFIRMUNAUTH=ON", "SMSCONFIRMUNAUTH=ON - OK", .configuration),
        FormCase(46, "SMSCONFIRMUNAUTH=OFF", "SMSCONFIRMUNAUTH=OFF - OK", .configuration),
        FormCase(47, "SMSCONFIRMUNAUTH?", "SMSCONFIRMUNAUTH=(OFF),ON", .information),
        // §3.5 Temperature
        FormCase(
            48, "THERMOSTATON",
            "THERMOSTATON - OK\nTHERMOSTAT=HEATING\nTEMPOFF=10\nAttention! Thermostat is working now!", .control,
            light: false),
        FormCase(49, "THERMOSTATOFF", "THERMOSTATOFF - OK\nAttention! Thermostat was disabled!", .control, light: false),
        FormCase(
            50, "THERMOSTAT=HEATING", "THERMOSTAT=HEATING - OK\nTEMPOFF=10\nTHERMOSTAT: Disabled", .configuration,
            light: false),
        FormCase(
            51, "THERMOSTAT=COOLING", "THERMOSTAT=COOLING - OK\nTEMPOFF=22\nTHERMOSTAT: Enabled", .configuration,
            light: false, setup: ["THERMOSTATON", "TEMPOFF=22"]),
        FormCase(
            52, "TEMPOFF=10", "TEMPOFF=10 - OK\nTHERMOSTAT=HEATING\nTHERMOSTAT: Disabled", .configuration,
            light: false),
        FormCase(
            53, "THERMOSTAT?", "THERMOSTAT: Enabled\nTHERMOSTAT=HEATING\nTEMPOFF=10", .information, light: false,
            setup: ["THERMOSTATON"]),
        FormCase(54, "ALERTNUMBER+358912345678", "ALERTNUMBER+358912345678 - OK", .configuration),
        FormCase(
            55, "ALERTNUMBER-358912345678", "ALERTNUMBER-358912345678 - OK", .configuration,
            setup: ["ALERTNUMBER+358912345678"]),
        FormCase(56, "ALERTNUMBER-ALL", "ALERTNUMBER-ALL - OK", .configuration, setup: ["ALERTNUMBER+358912345678"]),
        FormCase(
            57, "ALERTNUMBER?", "ALERTNUMBERs: 3589123456789, 3589223456789", .information,
            setup: ["ALERTNUMBER+3589123456789", "ALERTNUMBER+3589223456789"]),
        FormCase(
            58, "THERMALERT=ON", "THERMALERT=ON - OK", .configuration, light: false,
            setup: ["ALERTNUMBER+358912345678"]),
        FormCase(59, "THERMALERT=OFF", "THERMALERT=OFF - OK", .configuration, light: false),
        FormCase(60, "THERMALERT?", "THERMALERT=(OFF),ON", .information, light: false),
        FormCase(61, "TRISEALERT=35", "TRISEALERT=35 - OK", .configuration, light: false),
        FormCase(62, "TRISEALERT=OFF", "TRISEALERT=OFF - OK", .configuration, light: false),
        FormCase(63, "TRISEALERT?", "TRISEALERT=30", .information, light: false, setup: ["TRISEALERT=30"]),
        FormCase(64, "TFALLALERT=15", "TFALLALERT=15 - OK", .configuration, light: false),
        FormCase(65, "TFALLALERT=OFF", "TFALLALERT=OFF - OK", .configuration, light: false),
        FormCase(66, "TFALLALERT?", "TFALLALERT=5", .information, light: false, setup: ["TFALLALERT=5"]),
        FormCase(67, "TEMPCAL=7", "TEMPCAL = 7 - OK", .configuration, light: false),
        FormCase(68, "TEMPCAL?", "TEMPCAL = 5", .information, light: false),
        // §3.6 Date and time
        FormCase(69, "DATESMS", "DATE 13/05/21,14:03:10+12 - OK", .configuration, light: false, stamped: true),
        FormCase(70, "DATE=13/05/21,14:03:10+12", "DATE=13/05/21,14:03:10+12 - OK", .configuration, light: false),
        FormCase(71, "DATE", "DATE 13/05/21,14:03:10+12", .control, always: true, light: false),
        // §3.7 Alarm
        FormCase(72, "ALARMON", "ALARMON - OK\nALARM function: Enabled", .control, light: false),
        FormCase(73, "ALARMOFF", "ALARMOFF - OK\nALARM function: Disabled", .control, light: false),
        FormCase(
            74, "ALARM?", "ALARM function: Disabled\nSensor(s): Connected\nALARM status: No activity\nMicrorelay: Disabled",
            .information, light: false),
        FormCase(75, "MICRORELAYTIME=10", "MICRORELAYTIME=10 - OK", .configuration, light: false),
        FormCase(
            76, "MICRORELAYTIME?", "MICRORELAYTIME=10 seconds", .information, light: false,
            setup: ["MICRORELAYTIME=10"]),
        FormCase(77, "SENSORTYPE=NO", "SENSORTYPE=NO - OK", .configuration, light: false),
        FormCase(78, "SENSORTYPE=NC", "SENSORTYPE=NC - OK", .configuration, light: false),
        FormCase(79, "SENSORTYPE?", "SENSORTYPE=(NO),NC", .information, light: false),
        FormCase(80, "ALERT=CALL", "ALERT=CALL - OK", .configuration, light: false),
        FormCase(81, "ALERT=SMS", "ALERT=SMS - OK", .configuration, light: false),
        FormCase(82, "ALERT=SMSCHANGE", "ALERT=SMSCHANGE - OK", .configuration, light: false),
        FormCase(83, "ALERT=OFF", "ALERT=OFF - OK", .configuration, light: false),
        FormCase(84, "ALERT?", "ALERT=(SMS),CALL,SMSCHANGE,OFF", .information, light: false),
        FormCase(85, "SHOWALARMLOG", "No ALARM events!", .control, always: true, light: false),
        // §3.8 Scheduler (Ctrl as printed, §5 A4)
        FormCase(86, "SCHEDULER+08:00,*,ON", "SCHEDULER+08:00,*,ON - OK", .control, light: false),
        FormCase(
            87, "SCHEDULER-08:00", "SCHEDULER-08:00 - OK", .control, light: false, setup: ["SCHEDULER+08:00,*,ON"]),
        FormCase(88, "SCHEDULER-ALL", "SCHEDULER-ALL - OK", .control, light: false),
        FormCase(89, "SCHEDULER?", "11:59,*,AON", .information, light: false, setup: ["SCHEDULER+11:59,*,AON"]),
        // §3.9 Power state (30min per §5 A5)
        FormCase(90, "POWERSTATE=REMEMBER", "POWERSTATE=REMEMBER - OK", .configuration),
        FormCase(91, "POWERSTATE=ON", "POWERSTATE=ON - OK", .configuration),
        FormCase(92, "POWERSTATE=OFF", "POWERSTATE=OFF - OK", .configuration),
        FormCase(93, "POWERSTATE?", "POWERSTATE=(REMEMBER),ON,OFF", .information),
        // §3.10 Balance
        FormCase(94, "SALDO", nil, .control, always: true, setup: ["SALDOUMS=*100#"], ussd: "*100#"),
        FormCase(95, "SIMCARD*100#", nil, .configuration, always: true, ussd: "*100#"),
        FormCase(96, "SALDOUMS=*100#", "SALDOUMS=*100# - OK", .configuration),
        FormCase(97, "SALDOUMS=NO", "SALDOUMS=NO - OK", .configuration, setup: ["SALDOUMS=*100#"]),
        FormCase(98, "SALDOUMS?", "SALDOUMS: *100#", .information, setup: ["SALDOUMS=*100#"]),
        // §3.11 Device information (SMSocket identity)
        FormCase(99, "HARDWARE", "{product}, Hardware v1.0", .control, always: true),
        FormCase(100, "SERIALNUM", "S/N: 12345678987654321", .control, always: true),
        FormCase(
            101, "FIRMWARE", "v\(SocketCore.version) (c) SMSocket contributors. Free software.", .control,
            always: true),
    ]
}
