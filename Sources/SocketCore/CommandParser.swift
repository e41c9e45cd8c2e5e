/// The outcome of parsing one command body (spec §2.7 step 4).
public enum ParseResult: Equatable, Sendable {
    /// A recognised command form with valid values.
    case command(Command, Keyword)
    /// The keyword was recognised but a value is outside its set or range (`Incorrect value!`).
    case invalidValue(Keyword, CommandClass)
    /// Unknown keyword or malformed syntax (`<command> - Error!`).
    case unknown
}

/// The keywords of the command language. A keyword followed by its value forms a command.
public enum Keyword: String, CaseIterable, Sendable {
    case on = "ON", off = "OFF", onM = "ONM", offM = "OFFM", onAll = "ONALL", offAll = "OFFALL"
    case restart = "RESTART", restartM = "RESTARTM", restartTime = "RESTARTTIME"
    case status = "STATUS", temperature = "TEMPERATURE", runtime = "RUNTIME"
    case ring = "RING", secNumber = "SECNUMBER", secList = "SECLIST", password = "PASSWORD"
    case renewIntervalPW = "RENEWINTERVALPW", renewInterval = "RENEWINTERVAL"
    case smsConfirm = "SMSCONFIRM", ringConfirm = "RINGCONFIRM", ringConfirmType = "RINGCONFIRMTYPE"
    case error = "ERROR", smsConfirmUnauth = "SMSCONFIRMUNAUTH"
    case thermostatOn = "THERMOSTATON", thermostatOff = "THERMOSTATOFF", thermostat = "THERMOSTAT"
    case tempOff = "TEMPOFF", alertNumber = "ALERTNUMBER", thermAlert = "THERMALERT"
    case triseAlert = "TRISEALERT", tfallAlert = "TFALLALERT", tempCal = "TEMPCAL"
    case dateSMS = "DATESMS", date = "DATE"
    case alarmOn = "ALARMON", alarmOff = "ALARMOFF", alarm = "ALARM"
    case microRelayTime = "MICRORELAYTIME", sensorType = "SENSORTYPE", alert = "ALERT"
    case showAlarmLog = "SHOWALARMLOG", scheduler = "SCHEDULER", powerState = "POWERSTATE"
    case saldo = "SALDO", simCard = "SIMCARD", saldoUMS = "SALDOUMS"
    case hardware = "HARDWARE", serialNum = "SERIALNUM", firmware = "FIRMWARE"

    /// Whether the keyword exists on the Light models (spec §1.2; ALERTNUMBER kept per §5 A21,
    /// RUNTIME absent per §5 A22).
    public var availableOnLight: Bool {
        switch self {
        case .onM, .offM, .onAll, .offAll, .restartM, .temperature, .runtime, .thermostatOn, .thermostatOff,
            .thermostat, .tempOff, .thermAlert, .triseAlert, .tfallAlert, .tempCal, .dateSMS, .date,
            .alarmOn, .alarmOff, .alarm, .microRelayTime, .sensorType, .alert, .showAlarmLog, .scheduler:
            return false
        default:
            return true
        }
    }
}

/// Parses a command body: the SMS text after the password prefix.
///
/// Keywords are case-insensitive; values that are passwords keep their case (§2.3). Spaces are removed
/// before parsing (§2.16). Because a keyword is the whole leading run of letters, the longest keyword
/// always wins (`RINGCONFIRMTYPE` before `RINGCONFIRM` before `RING`).
public enum CommandParser {
    /// The table a command's leading letters are looked up in: every keyword the parser knows, by its
    /// upper-case spelling (docs/commands.md documents each one; CommandReferenceTests checks that).
    public static let keywords: [String: Keyword] = Dictionary(
        uniqueKeysWithValues: Keyword.allCases.map { ($0.rawValue, $0) })

    public static func parse(_ body: String) -> ParseResult {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(body.utf8.count)
        for byte in body.utf8 where byte != 0x20 { bytes.append(byte) }
        return parse(bytes: bytes)
    }

    static func parse(bytes: [UInt8]) -> ParseResult {
        var end = 0
        while end < bytes.count, isLetter(bytes[end]) { end += 1 }
        guard end > 0 else { return .unknown }
        let name = String(decoding: bytes[0..<end].map(upper), as: UTF8.self)
        let rest = bytes[end...]
        if let keyword = keywords[name] {
            return parse(keyword, rest)
        }
        // RENEWINTERVAL<rpw> where the renew password begins with a letter.
        let renew = Keyword.renewInterval.rawValue
        if name.count > renew.count, name.hasPrefix(renew) {
            return parse(.renewInterval, bytes[renew.utf8.count...])
        }
        return .unknown
    }

    // swiftlint:disable:next cyclomatic_complexity function_body_length
    static func parse(_ keyword: Keyword, _ rest: ArraySlice<UInt8>) -> ParseResult {
        func ok(_ command: Command) -> ParseResult { .command(command, keyword) }
        func bad(_ commandClass: CommandClass = .configuration) -> ParseResult { .invalidValue(keyword, commandClass) }
        func bare(_ command: Command) -> ParseResult { rest.isEmpty ? ok(command) : .unknown }
        let isQuery = rest.count == 1 && rest.first == UInt8(ascii: "?")
        let value: ArraySlice<UInt8>? = rest.first == UInt8(ascii: "=") ? rest.dropFirst() : nil

        /// `NAME?` or `NAME=<value>` with a keyword value set.
        func setting<V>(_ query: Command, _ make: (V) -> Command, _ values: [String: V]) -> ParseResult {
            if isQuery { return ok(query) }
            guard let value else { return .unknown }
            guard let v = values[upperString(value)] else { return bad() }
            return ok(make(v))
        }
        func numeric(_ query: Command?, _ range: ClosedRange<Int>, signed: Bool = false, _ make: (Int) -> Command) -> ParseResult {
            if isQuery, let query { return ok(query) }
            guard let value else { return .unknown }
            guard let n = integer(value, signed: signed), range.contains(n) else { return bad() }
            return ok(make(n))
        }
        func numberList(_ query: Command, _ add: (String) -> Command, _ remove: (String) -> Command, _ clear: Command) -> ParseResult {
            if isQuery { return ok(query) }
            guard let sign = rest.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") else { return .unknown }
            let body = rest.dropFirst()
            if sign == UInt8(ascii: "-"), upperString(body) == "ALL" { return ok(clear) }
            guard let number = phoneNumber(body) else { return bad() }
            return ok(sign == UInt8(ascii: "+") ? add(number) : remove(number))
        }

        switch keyword {
        case .on, .off:
            if rest.isEmpty { return ok(keyword == .on ? .on : .off) }
            guard rest.allSatisfy(isDigit) else { return .unknown }
            guard let n = integer(rest, signed: false), (1...720).contains(n) else { return bad(.control) }
            return ok(keyword == .on ? .onFor(minutes: n) : .offFor(minutes: n))
        case .onM: return bare(.microOn)
        case .offM: return bare(.microOff)
        case .onAll: return bare(.allOn)
        case .offAll: return bare(.allOff)
        case .restart: return bare(.restart)
        case .restartM: return bare(.restartMicro)
        case .status: return bare(.status)
        case .temperature: return bare(.temperature)
        case .runtime: return bare(.runtime)
        case .thermostatOn: return bare(.thermostatOn)
        case .thermostatOff: return bare(.thermostatOff)
        case .dateSMS: return bare(.dateFromSMS)
        case .alarmOn: return bare(.alarmOn)
        case .alarmOff: return bare(.alarmOff)
        case .showAlarmLog: return bare(.showAlarmLog)
        case .saldo: return bare(.saldo)
        case .hardware: return bare(.hardware)
        case .serialNum: return bare(.serialNumber)
        case .firmware: return bare(.firmware)
        case .alarm: return isQuery ? ok(.queryAlarm) : .unknown
        case .restartTime:
            return numeric(.queryRestartTime, 1...600) { .setRestartTime(seconds: $0) }
        case .ring:
            return setting(.queryRing, Command.setRing, Self.values(RingAction.self))
        case .secNumber:
            return numberList(.querySecNumbers, Command.addSecNumber, Command.removeSecNumber, .clearSecNumbers)
        case .alertNumber:
            return numberList(.queryAlertNumbers, Command.addAlertNumber, Command.removeAlertNumber, .clearAlertNumbers)
        case .secList:
            return setting(.querySecList, Command.setSecList, Self.onOff)
        case .smsConfirm:
            return setting(.querySMSConfirm, Command.setSMSConfirm, Self.onOff)
        case .ringConfirm:
            return setting(.queryRingConfirm, Command.setRingConfirm, Self.onOff)
        case .ringConfirmType:
            return setting(.queryRingConfirmType, Command.setRingConfirmType, Self.values(RingConfirmType.self))
        case .error:
            return setting(.queryErrorReplies, Command.setErrorReplies, Self.onOff)
        case .smsConfirmUnauth:
            return setting(.querySMSConfirmUnauthorised, Command.setSMSConfirmUnauthorised, Self.onOff)
        case .thermAlert:
            return setting(.queryThermAlert, Command.setThermAlert, Self.onOff)
        case .sensorType:
            return setting(.querySensorType, Command.setSensorType, Self.values(SensorType.self))
        case .alert:
            return setting(.queryAlertMode, Command.setAlertMode, Self.values(AlertMode.self))
        case .powerState:
            return setting(.queryPowerState, Command.setPowerState, Self.values(PowerState.self))
        case .thermostat:
            return setting(.queryThermostat, Command.setThermostatMode, Self.values(ThermostatMode.self))
        case .password:
            guard let value else { return .unknown }
            if upperString(value) == "NO" { return ok(.setPassword(nil)) }
            guard let pw = credential(value, length: 5) else { return bad() }
            return ok(.setPassword(pw))
        case .renewIntervalPW:
            guard let value else { return .unknown }
            if upperString(value) == "NO" { return ok(.setRenewPassword(nil)) }
            guard let pw = credential(value, length: 9) else { return bad() }
            return ok(.setRenewPassword(pw))
        case .renewInterval:
            if isQuery { return ok(.queryRenew) }
            guard !rest.isEmpty else { return .unknown }
            return ok(.renew(password: String(decoding: rest, as: UTF8.self)))
        case .tempOff:
            return numeric(nil, 0...50) { .setTempOff($0) }
        case .triseAlert, .tfallAlert:
            let query: Command = keyword == .triseAlert ? .queryRiseAlert : .queryFallAlert
            func make(_ t: Int?) -> Command { keyword == .triseAlert ? .setRiseAlert(t) : .setFallAlert(t) }
            if isQuery { return ok(query) }
            guard let value else { return .unknown }
            if upperString(value) == "OFF" { return ok(make(nil)) }
            guard let n = integer(value, signed: true), (-10...50).contains(n) else { return bad() }
            return ok(make(n))
        case .tempCal:
            return numeric(.queryTempCal, 1...9) { .setTempCal($0) }
        case .microRelayTime:
            return numeric(.queryMicroRelayTime, 0...900) { .setMicroRelayTime(seconds: $0) }
        case .date:
            if rest.isEmpty { return ok(.queryDate) }
            guard let value else { return .unknown }
            guard let (time, zone) = dateValue(value) else { return bad() }
            return ok(.setDate(time, zone: zone))
        case .scheduler:
            if isQuery { return ok(.querySchedule) }
            let schedulerClass: CommandClass = SocketCore.schedulerRequiresWindow ? .configuration : .control
            guard let sign = rest.first else { return .unknown }
            let body = rest.dropFirst()
            if sign == UInt8(ascii: "+") {
                guard let rule = scheduleRule(body) else { return bad(schedulerClass) }
                return ok(.addScheduleRule(rule))
            }
            guard sign == UInt8(ascii: "-") else { return .unknown }
            if upperString(body) == "ALL" { return ok(.clearSchedule) }
            guard let (h, m) = clockTime(body) else { return bad(schedulerClass) }
            return ok(.removeScheduleRules(hour: h, minute: m))
        case .simCard:
            guard let code = ussdCode(rest) else { return bad() }
            return ok(.simCard(code: code))
        case .saldoUMS:
            if isQuery { return ok(.querySaldoCode) }
            guard let value else { return .unknown }
            if upperString(value) == "NO" { return ok(.setSaldoCode(nil)) }
            guard let code = ussdCode(value) else { return bad() }
            return ok(.setSaldoCode(code))
        }
    }

    // MARK: - Value grammar

    /// Whether `text` is a password of exactly `length` ASCII letters and digits, as PASSWORD= (5) and
    /// RENEWINTERVALPW= (9) accept it (§2.14, §2.15).
    public static func isCredential(_ text: String, length: Int) -> Bool { credential(ArraySlice(text.utf8), length: length) != nil }

    /// Whether `text` is a number as SECNUMBER+ and ALERTNUMBER+ store it: 1–15 digits (§2.13, §5 A60).
    public static func isListNumber(_ text: String) -> Bool { phoneNumber(ArraySlice(text.utf8)) != nil }

    /// Whether `text` is a number the device sends an SMS to as a rule's `sms` and `smsocket sms` take it: an
    /// optional `+` and 1–15 digits.
    public static func isDialableNumber(_ text: String) -> Bool {
        let digits = text.utf8.first == UInt8(ascii: "+") ? text.utf8.dropFirst() : text.utf8[...]
        return phoneNumber(ArraySlice(digits)) != nil
    }

    /// A scheduler rule written as SCHEDULER+ takes it and SCHEDULER? shows it (`08:30,*,ON`, ``ScheduleRule/text``);
    /// nil for any other text.
    public static func scheduleRule(text: String) -> ScheduleRule? { scheduleRule(ArraySlice(text.utf8)) }

    /// Whether `text` is a USSD code as SIMCARD and SALDOUMS= accept it (`*100#`).
    public static func isUSSDCode(_ text: String) -> Bool { ussdCode(ArraySlice(text.utf8)) != nil }

    static let onOff: [String: Bool] = ["ON": true, "OFF": false]

    static func values<V: RawRepresentable & CaseIterable>(_: V.Type) -> [String: V] where V.RawValue == String {
        Dictionary(uniqueKeysWithValues: V.allCases.map { ($0.rawValue, $0) })
    }

    static func isLetter(_ b: UInt8) -> Bool { (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) }
    static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    static func upper(_ b: UInt8) -> UInt8 { b >= 0x61 && b <= 0x7A ? b - 0x20 : b }
    static func upperString(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes.map(upper), as: UTF8.self) }

    /// A decimal integer of at most 6 digits, with an optional sign where negative values are allowed.
    static func integer(_ bytes: ArraySlice<UInt8>, signed: Bool) -> Int? {
        var digits = bytes
        var negative = false
        if signed, let first = digits.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty, digits.count <= 6, digits.allSatisfy(isDigit) else { return nil }
        let magnitude = digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
        return negative ? -magnitude : magnitude
    }

    /// 1–15 decimal digits (§2.13, §5 A60).
    static func phoneNumber(_ bytes: ArraySlice<UInt8>) -> String? {
        guard (1...15).contains(bytes.count), bytes.allSatisfy(isDigit) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A password of exactly `length` ASCII letters and digits, case kept (§2.14, §2.15).
    static func credential(_ bytes: ArraySlice<UInt8>, length: Int) -> String? {
        guard bytes.count == length, bytes.allSatisfy({ isLetter($0) || isDigit($0) }) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `*100#`, `*102*1#`: a USSD code of digits, `*` and `#`, starting with `*` or `#` and ending with `#`.
    static func ussdCode(_ bytes: ArraySlice<UInt8>) -> String? {
        guard bytes.count >= 2, bytes.count <= 24, let first = bytes.first, let last = bytes.last,
            first == UInt8(ascii: "*") || first == UInt8(ascii: "#"), last == UInt8(ascii: "#"),
            bytes.allSatisfy({ isDigit($0) || $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "#") })
        else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Exactly `n` digits.
    static func fixedDigits(_ bytes: ArraySlice<UInt8>, _ n: Int) -> Int? {
        guard bytes.count == n, bytes.allSatisfy(isDigit) else { return nil }
        return bytes.reduce(0) { $0 * 10 + Int($1 - 0x30) }
    }

    /// `hh:mm`, two digits each.
    static func clockTime(_ bytes: ArraySlice<UInt8>) -> (Int, Int)? {
        let parts = bytes.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        guard parts.count == 2, let h = fixedDigits(parts[0], 2), let m = fixedDigits(parts[1], 2), h < 24, m < 60
        else { return nil }
        return (h, m)
    }

    /// `hh:mm,day,action` (§4.12).
    static func scheduleRule(_ bytes: ArraySlice<UInt8>) -> ScheduleRule? {
        let parts = bytes.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
        guard parts.count == 3, let (h, m) = clockTime(parts[0]) else { return nil }
        let weekday: Int?
        if parts[1].count == 1, parts[1].first == UInt8(ascii: "*") {
            weekday = nil
        } else if let d = fixedDigits(parts[1], 1), (1...7).contains(d) {
            weekday = d
        } else {
            return nil
        }
        guard let action = ScheduleRule.Action(rawValue: upperString(parts[2])) else { return nil }
        return ScheduleRule(hour: h, minute: m, weekday: weekday, action: action)
    }

    /// `yy/mm/dd,hh:mm:ss±zz` (§3.6); the space after the comma is already gone (§5 A36).
    static func dateValue(_ bytes: ArraySlice<UInt8>) -> (CivilTime, String)? {
        guard bytes.count == 20 else { return nil }
        let b = Array(bytes)
        func digits(_ at: Int) -> Int? { fixedDigits(b[at..<(at + 2)], 2) }
        guard b[2] == UInt8(ascii: "/"), b[5] == UInt8(ascii: "/"), b[8] == UInt8(ascii: ","),
            b[11] == UInt8(ascii: ":"), b[14] == UInt8(ascii: ":"),
            b[17] == UInt8(ascii: "+") || b[17] == UInt8(ascii: "-"),
            let yy = digits(0), let mo = digits(3), let dd = digits(6),
            let hh = digits(9), let mi = digits(12), let ss = digits(15), digits(18) != nil,
            (1...12).contains(mo), dd >= 1, dd <= CivilTime.daysInMonth(year: 2000 + yy, month: mo),
            hh < 24, mi < 60, ss < 60
        else { return nil }
        let time = CivilTime(year: 2000 + yy, month: mo, day: dd, hour: hh, minute: mi, second: ss)
        return (time, String(decoding: b[17...], as: UTF8.self))
    }
}
