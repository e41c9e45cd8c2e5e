/// The optional parts a board actually has. A 706/707 board may lack any of them (spec §1.2 lists what a
/// Light model lacks by design); the core never reports a missing part as working: the commands of a missing
/// feature answer `Execute error!` and STATUS / ALARM? say what is not there.
public struct Equipment: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let thermometer = Equipment(rawValue: 1 << 0)
    public static let alarmInput = Equipment(rawValue: 1 << 1)
    public static let microRelay = Equipment(rawValue: 1 << 2)

    /// Everything `model` can have: the three parts on a 706/707, none on a Light model.
    public static func complete(for model: Model) -> Equipment {
        model.isLight ? [] : [.thermometer, .alarmInput, .microRelay]
    }
}

extension Command {
    /// The part the command needs to do what it says, if any. Commands that switch a feature off or only
    /// ask about it need nothing, so that a setting stored before a part was removed can always be undone.
    var requiredEquipment: Equipment? {
        switch self {
        case .microOn, .microOff, .allOn, .allOff, .restartMicro: return .microRelay
        case .setMicroRelayTime(let seconds): return seconds > 0 ? .microRelay : nil
        case .thermostatOn, .setThermostatMode, .setTempOff, .setTempCal: return .thermometer
        case .setThermAlert(let on): return on ? .thermometer : nil
        case .setRiseAlert(let t), .setFallAlert(let t): return t == nil ? nil : .thermometer
        case .alarmOn, .setSensorType: return .alarmInput
        case .setAlertMode(let mode): return mode == .off ? nil : .alarmInput
        case .addScheduleRule(let rule): return rule.action == .armAlarm ? .alarmInput : nil
        default: return nil
        }
    }
}
