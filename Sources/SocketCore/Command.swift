/// The three command types of the manual (spec §2.5).
public enum CommandClass: Sendable, Equatable {
    /// Ctrl: accepted at any time.
    case control
    /// 30min: a stored setting, accepted only while the configuration window is open.
    case configuration
    /// Inf: a `?` query, accepted at any time, always answered.
    case information
}

/// One recognised command with valid values: the 101 command forms of spec §3.
public enum Command: Equatable, Hashable, Sendable {
    case on, off, onFor(minutes: Int), offFor(minutes: Int)
    case microOn, microOff, allOn, allOff, restart, restartMicro
    case setRestartTime(seconds: Int), queryRestartTime
    case status, temperature, runtime
    case setRing(RingAction), queryRing
    case addSecNumber(String), removeSecNumber(String), clearSecNumbers, querySecNumbers
    case setSecList(Bool), querySecList
    /// nil = `PASSWORD=NO`.
    case setPassword(String?)
    /// nil = `RENEWINTERVALPW=NO`.
    case setRenewPassword(String?)
    case renew(password: String), queryRenew
    case setSMSConfirm(Bool), querySMSConfirm
    case setRingConfirm(Bool), queryRingConfirm
    case setRingConfirmType(RingConfirmType), queryRingConfirmType
    case setErrorReplies(Bool), queryErrorReplies
    case setSMSConfirmUnauthorised(Bool), querySMSConfirmUnauthorised
    case thermostatOn, thermostatOff, setThermostatMode(ThermostatMode), setTempOff(Int), queryThermostat
    case addAlertNumber(String), removeAlertNumber(String), clearAlertNumbers, queryAlertNumbers
    case setThermAlert(Bool), queryThermAlert
    /// nil = OFF.
    case setRiseAlert(Int?), queryRiseAlert
    /// nil = OFF.
    case setFallAlert(Int?), queryFallAlert
    case setTempCal(Int), queryTempCal
    case dateFromSMS, setDate(CivilTime, zone: String), queryDate
    case alarmOn, alarmOff, queryAlarm
    case setMicroRelayTime(seconds: Int), queryMicroRelayTime
    case setSensorType(SensorType), querySensorType
    case setAlertMode(AlertMode), queryAlertMode
    case showAlarmLog
    case addScheduleRule(ScheduleRule), removeScheduleRules(hour: Int, minute: Int), clearSchedule, querySchedule
    case setPowerState(PowerState), queryPowerState
    case saldo, simCard(code: String), setSaldoCode(String?), querySaldoCode
    case hardware, serialNumber, firmware

    /// The command's type (§2.5; POWERSTATE as 30min per §5 A5, the scheduler as Ctrl per §5 A4).
    public var commandClass: CommandClass {
        switch self {
        case .on, .off, .onFor, .offFor, .microOn, .microOff, .allOn, .allOff, .restart, .restartMicro,
            .status, .temperature, .runtime, .renew, .thermostatOn, .thermostatOff, .queryDate,
            .alarmOn, .alarmOff, .showAlarmLog, .saldo, .hardware, .serialNumber, .firmware:
            return .control
        case .addScheduleRule, .removeScheduleRules, .clearSchedule:
            return SocketCore.schedulerRequiresWindow ? .configuration : .control
        case .queryRestartTime, .queryRing, .querySecNumbers, .querySecList, .queryRenew, .querySMSConfirm,
            .queryRingConfirm, .queryRingConfirmType, .queryErrorReplies, .querySMSConfirmUnauthorised,
            .queryThermostat, .queryAlertNumbers, .queryThermAlert, .queryRiseAlert, .queryFallAlert,
            .queryTempCal, .queryAlarm, .queryMicroRelayTime, .querySensorType, .queryAlertMode,
            .querySchedule, .queryPowerState, .querySaldoCode:
            return .information
        case .setRestartTime, .setRing, .addSecNumber, .removeSecNumber, .clearSecNumbers, .setSecList,
            .setPassword, .setRenewPassword, .setSMSConfirm, .setRingConfirm, .setRingConfirmType,
            .setErrorReplies, .setSMSConfirmUnauthorised, .setThermostatMode, .setTempOff, .addAlertNumber,
            .removeAlertNumber, .clearAlertNumbers, .setThermAlert, .setRiseAlert, .setFallAlert, .setTempCal,
            .dateFromSMS, .setDate, .setMicroRelayTime, .setSensorType, .setAlertMode, .setPowerState,
            .simCard, .setSaldoCode:
            return .configuration
        }
    }

    /// Whether the reply is sent even with SMSCONFIRM=OFF (§2.8, §5 A16).
    public var alwaysAnswers: Bool {
        switch self {
        case .status, .temperature, .runtime, .showAlarmLog, .saldo, .hardware, .serialNumber, .firmware,
            .queryDate, .simCard, .setSMSConfirm:
            return true
        default:
            return commandClass == .information
        }
    }
}
