import CLua
import SocketCore

/// Every function the host gives a rule (rules-api.md "Triggers" and "Actions"), by the number its C
/// trampoline carries, with its checks and what it does.
enum RuleFunction: Int32, CaseIterable {
    case on = 1, every, at, action, command, alarmResponse
    case mainOn, mainOff, mainRestart, microOn, microOff
    case sms, call, hangup, sleep, ussd, run, state, now, sun, log, print

    /// The global table holding the function, nil for a global function.
    var table: String? {
        switch self {
        case .mainOn, .mainOff, .mainRestart: "main"
        case .microOn, .microOff: "micro"
        default: nil
        }
    }

    var name: String {
        switch self {
        case .alarmResponse: "alarm_response"
        case .mainOn, .microOn: "on"
        case .mainOff, .microOff: "off"
        case .mainRestart: "restart"
        default: "\(self)"
        }
    }

    var luaName: String { table.map { "\($0).\(name)" } ?? name }

    /// `log` and `print` get their arguments converted by `tostring` and joined by the C side.
    var joinsArguments: Bool { self == .log || self == .print }

    /// The functions that register triggers: they work only while the rule loads.
    var isTrigger: Bool {
        switch self {
        case .on, .every, .at, .action, .command, .alarmResponse: true
        default: false
        }
    }

    /// What the trampoline does once the Swift side returns.
    enum Reply {
        case values([LuaValue])
        case raise(String)
        case wait(WaitRequest)
        /// Keep the function at this stack position as handler `slot`.
        case keepHandler(argument: Int32, slot: Int)
    }

    func call(_ arguments: Arguments, rule: LoadedRule) -> Reply {
        do throws(Arguments.Complaint) {
            if isTrigger {
                guard rule.isLoading else {
                    throw Arguments.Complaint(message: "\(luaName) can only be called while the rule loads, not in a handler")
                }
                return try register(arguments, rule: rule)
            }
            return try act(arguments, rule: rule)
        } catch {
            return .raise(error.message)
        }
    }

    // MARK: - Triggers

    private func register(_ arguments: Arguments, rule: LoadedRule) throws(Arguments.Complaint) -> Reply {
        let trigger: Trigger
        let handler: Int32
        switch self {
        case .on:
            let name = try arguments.string(1, "EVENT")
            guard let event = RuleEvent(rawValue: name) else {
                throw arguments.bad(1, "unknown EVENT \"\(name)\"; events: "
                    + RuleEvent.allCases.map(\.rawValue).joined(separator: ", "))
            }
            trigger = .event(event)
            handler = try arguments.function(2)
        case .every:
            let interval = try arguments.duration(1)
            guard interval >= .seconds(1) else { throw arguments.bad(1, "DURATION must be at least 1 second") }
            trigger = .every(interval)
            handler = try arguments.function(2)
        case .at:
            let text = try arguments.string(1, "TIME")
            guard let time = TriggerGrammar.time(text) else {
                throw arguments.bad(1, "TIME \"\(text)\" is not \"hh:mm\", \"sunrise\" or \"sunset\" (with an offset such as \"-30m\")")
            }
            if case .clock = time {} else if !rule.host.configuration.hasLocation {
                throw arguments.bad(1, "\"\(text)\" needs [location] in the config")
            }
            var days = Weekdays.all
            if arguments.stack.type(at: 2) == LUA_TFUNCTION {
                handler = 2
            } else {
                let daysText = try arguments.string(2, "DAYS")
                guard let parsed = TriggerGrammar.days(daysText) else {
                    throw arguments.bad(2, "DAYS \"\(daysText)\" is not \"*\" or digits 1-7 (1 = Monday)")
                }
                days = parsed
                handler = try arguments.function(3)
            }
            trigger = .at(time, days: days)
        case .action:
            let text = try arguments.string(1, "NAME")
            guard let name = TriggerGrammar.actionName(text) else {
                throw arguments.bad(1, "NAME \"\(text)\" must be 1-10 letters and digits, not ON, OFF, INF, AON or AOF")
            }
            trigger = .action(name)
            handler = try arguments.function(2)
        case .command:
            let text = try arguments.string(1, "KEYWORD")
            guard let keyword = TriggerGrammar.keyword(text) else {
                throw arguments.bad(1, "KEYWORD \"\(text)\" must be letters only")
            }
            guard !rule.host.configuration.isReservedKeyword(keyword) else {
                throw arguments.bad(1, "KEYWORD \(keyword) is a built-in command or the start of one")
            }
            handler = try arguments.function(2)
            var kind = CommandKind.control
            if !arguments.isAbsent(3) {
                let kindText = try arguments.string(3, "KIND")
                guard let parsed = CommandKind(rawValue: kindText) else {
                    throw arguments.bad(3, "KIND must be \"control\", \"config\" or \"info\"")
                }
                kind = parsed
            }
            trigger = .command(keyword, kind: kind)
        default:
            handler = try arguments.function(1)
            trigger = .alarmResponse
        }
        if let owner = rule.host.owner(clashingWith: trigger, in: rule) {
            throw Arguments.Complaint(message: "\(Self.describe(trigger)) is already registered by rule \(owner)")
        }
        let slot = rule.registrations.count + 1
        rule.registrations.append(Registration(
            handler: HandlerID(rule: rule.name, load: rule.load, slot: slot), trigger: trigger,
            location: arguments.callerLocation ?? rule.file))
        return .keepHandler(argument: handler, slot: slot)
    }

    private static func describe(_ trigger: Trigger) -> String {
        switch trigger {
        case .action(let name): "action \(name)"
        case .command(let keyword, _): "command \(keyword)"
        default: "alarm_response"
        }
    }

    // MARK: - Actions

    private func act(_ arguments: Arguments, rule: LoadedRule) throws(Arguments.Complaint) -> Reply {
        let host = rule.host
        switch self {
        case .log, .print:
            let line = arguments.stack.bytes(at: 1).map { Self.logLine($0) } ?? ""
            host.environment?.log(line, rule: rule.name)
            return .values([])
        case .state:
            return .values([Self.table(of: try environment(rule).deviceState())])
        case .now:
            return .values([try environment(rule).deviceClock().map(Self.table(of:)) ?? .nil])
        case .sun:
            var day: CalendarDate?
            if !arguments.isAbsent(1) {
                let text = try arguments.string(1, "DAY (\"YYYY-MM-DD\")")
                guard let date = TriggerGrammar.date(text) else {
                    throw arguments.bad(1, "DAY \"\(text)\" is not a date \"YYYY-MM-DD\"")
                }
                day = date
            }
            return .values([try environment(rule).sunTimes(on: day).map(Self.table(of:)) ?? .nil])
        default:
            break
        }
        guard rule.running != nil else {
            throw Arguments.Complaint(message: "\(luaName) can only be called from a handler, not while the rule loads")
        }
        switch self {
        case .sleep:
            return .wait(.sleep(try arguments.duration(1)))
        case .call:
            let number = try Self.phoneNumber(arguments, 1, "NUMBER")
            let ring = try arguments.optionalSeconds(2, in: 1...120) ?? 20
            return .wait(.call(number: number, ring: .seconds(ring)))
        case .ussd:
            let code = try arguments.string(1, "CODE")
            guard CommandParser.isUSSDCode(code) else {
                throw arguments.bad(1, "CODE \"\(code)\" is not a USSD code such as \"*100#\"")
            }
            return .wait(.ussd(code: code))
        default:
            return .wait(.action(try self.action(arguments)))
        }
    }

    private func environment(_ rule: LoadedRule) throws(Arguments.Complaint) -> any RuleEnvironment {
        guard let environment = rule.host.environment else {
            throw Arguments.Complaint(message: "\(luaName): the device is not available")
        }
        return environment
    }

    /// The action a non-waiting function asks for, its arguments checked.
    private func action(_ arguments: Arguments) throws(Arguments.Complaint) -> RuleAction {
        let longestSwitch = 7 * 86_400
        switch self {
        case .mainOn, .mainOff:
            return .main(on: self == .mainOn, revertAfter: try arguments.optionalSeconds(1, in: 1...longestSwitch))
        case .mainRestart:
            try arguments.nothing(from: 1)
            return .restartMain
        case .microOn:
            return .micro(on: true, revertAfter: try arguments.optionalSeconds(1, in: 1...longestSwitch))
        case .microOff:
            try arguments.nothing(from: 1)
            return .micro(on: false, revertAfter: nil)
        case .sms:
            let recipients: RuleRecipients
            if arguments.stack.type(at: 1) == LUA_TTABLE {
                recipients = .numbers(try Self.numberList(arguments))
            } else if arguments.stack.text(at: 1) == "alert" {
                recipients = .alertNumbers
            } else {
                recipients = .numbers([try Self.phoneNumber(arguments, 1, "TO")])
            }
            let text = try arguments.string(2, "TEXT")
            guard !text.isEmpty, text.utf8.count <= RuleHost.maximumTextLength else {
                throw arguments.bad(2, "TEXT must have 1 to \(RuleHost.maximumTextLength) bytes")
            }
            return .sms(to: recipients, text: text)
        case .hangup:
            try arguments.nothing(from: 1)
            return .hangup
        default:
            let text = try arguments.string(1, "TEXT")
            guard !text.isEmpty, text.utf8.count <= RuleHost.maximumTextLength else {
                throw arguments.bad(1, "TEXT must have 1 to \(RuleHost.maximumTextLength) bytes")
            }
            return .run(text)
        }
    }

    /// A phone number: a string of an optional `+` and 1–15 digits, or an integer of up to 15 digits.
    private static func phoneNumber(_ arguments: Arguments, _ position: Int32, _ what: String) throws(Arguments.Complaint) -> String {
        guard let text = phoneText(arguments.stack, position) else {
            throw arguments.expected(position, "\(what) (a phone number)")
        }
        guard let number = TriggerGrammar.phoneNumber(text) else {
            throw arguments.bad(position, "\(what) \"\(text)\" is not a phone number (an optional + and 1-15 digits)")
        }
        return number
    }

    private static func phoneText(_ stack: LuaStack, _ position: Int32) -> String? {
        if case .integer(let number)? = stack.number(at: position), number >= 0 { return String(number) }
        return stack.text(at: position)
    }

    /// The list TO of `sms`: 1…``RuleHost/maximumRecipients`` phone numbers at keys 1…n.
    private static func numberList(_ arguments: Arguments) throws(Arguments.Complaint) -> [String] {
        let state = arguments.stack.state
        let length = lua_rawlen(state, 1)
        guard (1...UInt64(RuleHost.maximumRecipients)).contains(UInt64(length)), lua_checkstack(state, 1) != 0 else {
            throw arguments.bad(1, "TO must list 1 to \(RuleHost.maximumRecipients) numbers")
        }
        var numbers: [String] = []
        for index in 1...Int64(length) {
            lua_rawgeti(state, 1, lua_Integer(index))
            let text = phoneText(arguments.stack, -1)
            lua_settop(state, -2)
            guard let text, let number = TriggerGrammar.phoneNumber(text) else {
                throw arguments.bad(1, "TO[\(index)] is not a phone number (an optional + and 1-15 digits)")
            }
            numbers.append(number)
        }
        return numbers
    }

    /// The log line from the joined bytes, cut at ``RuleHost/maximumLogLength`` on a character boundary.
    private static func logLine(_ bytes: UnsafeRawBufferPointer) -> String {
        guard bytes.count > RuleHost.maximumLogLength else { return String(decoding: bytes, as: UTF8.self) }
        var end = RuleHost.maximumLogLength
        while end > 0, bytes[end] & 0xC0 == 0x80 { end -= 1 }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[..<end]), as: UTF8.self) + "…"
    }

    // MARK: - Tables for the queries

    static func table(of state: DeviceState) -> LuaValue {
        var fields: [LuaValue: LuaValue] = [
            "main": .boolean(state.main), "armed": .boolean(state.armed), "alarm": .string(state.alarm.rawValue),
            "sensor_active": .boolean(state.sensorActive), "modem_online": .boolean(state.modemOnline),
            "model": .string(state.model.rawValue), "alert_numbers": .list(state.alertNumbers.map(LuaValue.string)),
        ]
        fields["micro"] = state.micro.map(LuaValue.boolean)
        fields["temperature"] = state.temperature.map(LuaValue.number)
        fields["mains"] = state.mains.map(LuaValue.boolean)
        fields["signal"] = state.signal.map { .integer(Int64($0)) }
        return .table(fields)
    }

    static func table(of time: CivilTime) -> LuaValue {
        [
            "year": .integer(Int64(time.year)), "month": .integer(Int64(time.month)), "day": .integer(Int64(time.day)),
            "hour": .integer(Int64(time.hour)), "min": .integer(Int64(time.minute)), "sec": .integer(Int64(time.second)),
            "wday": .integer(Int64(time.isoWeekday)),
        ]
    }

    static func table(of sun: SunTimes) -> LuaValue {
        var fields: [LuaValue: LuaValue] = [:]
        fields["sunrise"] = sun.sunrise.map { .string($0.description) }
        fields["sunset"] = sun.sunset.map { .string($0.description) }
        return .table(fields)
    }
}
