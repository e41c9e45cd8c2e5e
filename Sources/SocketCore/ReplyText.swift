/// Every text the device sends, in one place.
///
/// All confirmations use the plain hyphen (`RESTARTTIME=5 - OK`): the manual's en dashes are not in the
/// GSM 7-bit alphabet and would turn every reply into UCS2, a third of the length per SMS.
public enum ReplyText {
    // MARK: Error-class replies (sent only with ERROR=ON, §2.10)

    public static func unknownCommand(_ echo: String) -> String { "\(echo) - Error!" }
    public static func windowExpired(_ echo: String) -> String { "\(echo) - Time for configuration is expired (30min)!" }
    public static let invalidPassword = "Invalid access password!"
    public static let incorrectValue = "Incorrect value!"
    public static let executeError = "Execute error!"
    public static let accessDenied = "Access deny!"
    public static let secListNotActive = "SECLIST is not active!"
    public static let noSecuritySetup = "No security setup!"
    public static let renewPasswordNotSet = "Renew password was not setup"
    public static let invalidRenewPassword = "Invalid renew password!"

    // MARK: Confirmations

    public static func ok(_ what: String) -> String { "\(what) - OK" }
    public static let renewed = "Configuration interval renewed"
    public static let renewPossible = "Password presented, renew possible"
    public static let renewImpossible = "No password, renew impossible"

    /// `NAME=<default>,<other>,…` with the current value in parentheses (§2.9).
    public static func choice<V: RawRepresentable & CaseIterable & Equatable>(_ name: String, _ current: V) -> String
    where V.RawValue == String {
        name + "=" + V.allCases.map { $0 == current ? "(\($0.rawValue))" : $0.rawValue }.joined(separator: ",")
    }

    /// ON/OFF settings in the default-first order of §2.9.
    public static func onOff(_ name: String, _ current: Bool, defaultOn: Bool) -> String {
        let order = defaultOn ? [true, false] : [false, true]
        return name + "=" + order.map { v in
            let word = v ? "ON" : "OFF"
            return v == current ? "(\(word))" : word
        }.joined(separator: ",")
    }

    public static func celsius(_ t: Int) -> String { "\(t)C" }

    /// The signal line of STATUS (Appendix A).
    public static func signal(_ dBm: Int?) -> String {
        guard let dBm else { return "Signal: No network" }
        return "Signal: \(signalWord(dBm)) (\(dBm)dBm)"
    }

    /// How STATUS words a signal of `dBm`: `Excellent`, `Good`, `Fair` or `Poor`.
    public static func signalWord(_ dBm: Int) -> String {
        switch dBm {
        case (-60)...: "Excellent"
        case (-75)...(-61): "Good"
        case (-90)...(-76): "Fair"
        default: "Poor"
        }
    }

    // MARK: Appendix A: texts the manual never prints ([R-TEXT])

    /// The STATUS signal line while the modem is being recovered (a reply then waits in the outbox).
    public static let modemOffline = "Signal: Modem offline"

    public static let noSecNumbers = "No SECNUMBERs!"
    public static let noAlertNumbers = "No ALERTNUMBERs!"
    public static let noScheduleRules = "No SCHEDULER rules!"
    public static let noAlarmEvents = "No ALARM events!"
    public static let noSaldoCode = "SALDOUMS: NO"
    public static let notAvailable = "N/A"
    public static let noSensor = "No sensor"
    public static let sensorFault = "Sensor fault"
    public static let runtimeOff = "Power socket is OFF"
    public static let activityDetected = "ALARM status: Activity detected"
    public static let noActivity = "ALARM status: No activity"
    public static let sensorsConnected = "Sensor(s): Connected"
    public static let sensorsNotConnected = "Sensor(s): Not connected"
    public static let alarmSMS = "ALARM! Sensor triggered"
    public static func sensorState(active: Bool) -> String { active ? "Sensor state: Active" : "Sensor state: Inactive" }
    public static func thermAlert(tempOff: Int, temperature: Int) -> String { "TEMPOFF=\(tempOff) reached, TEMP: \(temperature)C" }
    /// To the ALERTNUMBERs when the thermostat's fail-safe switched the socket off (§4.6, §5 A68).
    public static let thermostatSensorFault = "Thermostat: sensor fault, socket OFF"
    public static func riseAlert(_ t: Int) -> String { "Temperature rise alert! TEMP: \(t)C" }
    public static func fallAlert(_ t: Int) -> String { "Temperature fall alert! TEMP: \(t)C" }
    /// The last STATUS line when parts of the board are out of service.
    public static func faults(_ names: [String]) -> String { "Fault: " + names.joined(separator: ", ") }
    /// To the ALERTNUMBERs when switching nobody asked for (a timer, the thermostat, the scheduler, the alarm,
    /// the button) failed; once per fault. `part` is `main relay` or `micro relay`.
    public static func outputFault(_ part: String, on: Bool) -> String { "Fault: \(part) did not switch \(on ? "ON" : "OFF")" }
    /// STATUS and ALARM? on a board without a micro-relay.
    public static let microRelayNotConnected = "Microrelay: Not connected"
    public static let powerFailure = "Power failure!"
    /// The console's answer to a rule's action that was carried out (never sent by SMS).
    public static let ruleActionDone = "OK"
    public static let powerRestored = "Power restored!"
}

/// Who the controller is: what HARDWARE, SERIALNUM and FIRMWARE report. These name SMSocket, never
/// the original maker.
public struct DeviceIdentity: Equatable, Sendable {
    public var serialNumber: String
    public var firmwareVersion: String
    public var hardwareVersion: String

    public init(serialNumber: String, firmwareVersion: String = SocketCore.version, hardwareVersion: String = "1.0") {
        self.serialNumber = serialNumber
        self.firmwareVersion = firmwareVersion
        self.hardwareVersion = hardwareVersion
    }

    func hardware(_ model: Model) -> String { "\(model.productName), Hardware v\(hardwareVersion)" }
    var serial: String { "S/N: \(serialNumber)" }
    var firmware: String { "v\(firmwareVersion) (c) SMSocket contributors. Free software." }
}
