import CLua

/// The arguments of one call from a rule into the host, read and checked without raising: a bad argument
/// becomes a ``Complaint`` that the trampoline raises as a Lua error, worded as Lua's own
/// (`bad argument #1 to 'every' (DURATION expected, got boolean)`).
struct Arguments {
    let stack: LuaStack
    /// The function's name as the rule calls it (`main.on`).
    let function: String

    /// A message that becomes a Lua error in the calling rule.
    struct Complaint: Error {
        let message: String
    }

    var count: Int32 { stack.top }

    func isAbsent(_ position: Int32) -> Bool { stack.type(at: position) <= LUA_TNIL }

    func typeName(_ position: Int32) -> String {
        String(cString: lua_typename(stack.state, stack.type(at: position)))
    }

    func bad(_ position: Int32, _ problem: String) -> Complaint {
        Complaint(message: "bad argument #\(position) to '\(function)' (\(problem))")
    }

    func expected(_ position: Int32, _ what: String) -> Complaint {
        bad(position, "\(what) expected, got \(isAbsent(position) && position > count ? "no value" : typeName(position))")
    }

    func string(_ position: Int32, _ what: String = "string") throws(Complaint) -> String {
        guard let text = stack.text(at: position) else { throw expected(position, what) }
        return text
    }

    /// A number (a string is not converted: rules say what they mean).
    func number(_ position: Int32, _ what: String = "number") throws(Complaint) -> Double {
        switch stack.number(at: position) {
        case .integer(let value): return Double(value)
        case .number(let value): return value
        default: throw expected(position, what)
        }
    }

    /// A whole number of seconds in `range`, or nil when the argument is absent.
    func optionalSeconds(_ position: Int32, in range: ClosedRange<Int>) throws(Complaint) -> Int? {
        if isAbsent(position) { return nil }
        let value = try number(position, "seconds")
        guard value.rounded() == value, value >= Double(range.lowerBound), value <= Double(range.upperBound) else {
            throw bad(position, "seconds must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return Int(value)
    }

    /// DURATION: a number of seconds or a string like `"1h30m"`.
    func duration(_ position: Int32) throws(Complaint) -> Duration {
        if let text = stack.text(at: position) {
            guard let duration = TriggerGrammar.duration(text: text) else {
                throw bad(position, "DURATION \"\(text)\" is not like \"45s\", \"10m\", \"2h\" or \"1h30m\"")
            }
            return duration
        }
        let seconds = try number(position, "DURATION (seconds or a string like \"10m\")")
        guard let duration = TriggerGrammar.duration(seconds: seconds) else {
            throw bad(position, "DURATION must be from 0 to \(TriggerGrammar.longestDuration) seconds")
        }
        return duration
    }

    func function(_ position: Int32) throws(Complaint) -> Int32 {
        guard stack.type(at: position) == LUA_TFUNCTION else { throw expected(position, "function") }
        return position
    }

    /// No argument at `position` or after it: for functions whose extra arguments would be a mistake.
    func nothing(from position: Int32) throws(Complaint) {
        for index in position...max(position, count) where !isAbsent(index) {
            throw bad(index, "no value expected")
        }
    }
}

extension Arguments {
    /// `SOURCE:LINE` of the Lua code that made the call (stack level 1: level 0 is the called C function).
    var callerLocation: String? {
        var record = lua_Debug()
        guard lua_getstack(stack.state, 1, &record) != 0, lua_getinfo(stack.state, "Sl", &record) != 0,
            record.currentline > 0
        else { return nil }
        let source = withUnsafeBytes(of: record.short_src) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
        return "\(source):\(record.currentline)"
    }
}
