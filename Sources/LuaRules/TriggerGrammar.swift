import SocketCore

/// The value grammars of rules-api.md: DURATION, TIME, DAYS, NAME, KEYWORD, phone numbers and dates.
/// Pure functions; nil means "not in the grammar".
enum TriggerGrammar {
    /// The longest DURATION: a year of 366 days, far beyond any sensible wait, and far from overflow.
    static let longestDuration = 366 * 86_400

    /// DURATION given as a number of seconds: 0…``longestDuration``, kept to the millisecond.
    static func duration(seconds: Double) -> Duration? {
        guard seconds.isFinite, seconds >= 0, seconds <= Double(longestDuration) else { return nil }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }

    /// DURATION given as text: hours, minutes, seconds in that order, each optional but at least one, as
    /// `"45s"`, `"10m"`, `"2h"`, `"1h30m"`, `"1h30m15s"` (letters in either case), at most ``longestDuration``.
    static func duration(text: String) -> Duration? {
        seconds(text: Substring(text)).map { .seconds($0) }
    }

    private static func seconds(text: Substring) -> Int? {
        let units: [(letter: UInt8, seconds: Int)] = [(0x68, 3600), (0x6D, 60), (0x73, 1)]  // h, m, s
        var total = 0
        var digits = 0
        var value = 0
        var nextUnit = 0
        var parts = 0
        for byte in text.utf8 {
            if (0x30...0x39).contains(byte) {
                guard digits < 6 else { return nil }
                value = value * 10 + Int(byte - 0x30)
                digits += 1
                continue
            }
            guard digits > 0, let unit = units[nextUnit...].firstIndex(where: { $0.letter == byte | 0x20 }) else {
                return nil
            }
            total += value * units[unit].seconds
            nextUnit = unit + 1
            parts += 1
            digits = 0
            value = 0
        }
        guard parts > 0, digits == 0, total <= longestDuration else { return nil }
        return total
    }

    /// TIME: `"hh:mm"` (the hour may have one digit), `"sunrise"`, `"sunset"`, or either with an offset of
    /// less than a day: `"sunset-30m"`, `"sunrise+1h"`. Case-insensitive.
    static func time(_ text: String) -> TriggerTime? {
        let lower = text.lowercased()
        for (name, make) in [("sunrise", TriggerTime.sunrise), ("sunset", TriggerTime.sunset)] where lower.hasPrefix(name) {
            let rest = lower.dropFirst(name.count)
            guard let sign = rest.first else { return make(.zero) }
            guard sign == "+" || sign == "-", let offset = seconds(text: rest.dropFirst()), offset < 86_400 else {
                return nil
            }
            return make(.seconds(sign == "-" ? -offset : offset))
        }
        let parts = lower.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 2,
            parts.allSatisfy({ $0.utf8.allSatisfy { (0x30...0x39).contains($0) } }),
            let hour = Int(parts[0]), let minute = Int(parts[1]), let clock = ClockTime(hour: hour, minute: minute)
        else { return nil }
        return .clock(clock)
    }

    /// DAYS: `"*"` or one or more of the digits 1–7 (1 = Monday).
    static func days(_ text: String) -> Weekdays? {
        if text == "*" { return .all }
        guard !text.isEmpty, text.utf8.allSatisfy({ (0x31...0x37).contains($0) }) else { return nil }
        return text.utf8.reduce(into: Weekdays()) { $0.formUnion(Weekdays(isoWeekday: Int($1 - 0x30))) }
    }

    /// NAME of a scheduler action: 1–10 letters and digits, not a built-in action; upper-cased.
    static func actionName(_ text: String) -> String? {
        guard (1...10).contains(text.utf8.count), text.utf8.allSatisfy(isLetterOrDigit) else { return nil }
        let name = text.uppercased()
        return ScheduleRule.Action.isRuleName(name) ? name : nil
    }

    /// KEYWORD of an SMS command: letters only; upper-cased. (The clash with built-ins is checked apart.)
    static func keyword(_ text: String) -> String? {
        guard !text.isEmpty, text.utf8.allSatisfy(isLetter) else { return nil }
        return text.uppercased()
    }

    /// A phone number as a rule writes it: an optional `+` and 1–15 digits.
    static func phoneNumber(_ text: String) -> String? {
        CommandParser.isDialableNumber(text) ? text : nil
    }

    /// `"YYYY-MM-DD"`
    static func date(_ text: String) -> CalendarDate? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.utf8.allSatisfy { (0x30...0x39).contains($0) } }),
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
        else { return nil }
        return CalendarDate(year: year, month: month, day: day)
    }

    private static func isLetter(_ byte: UInt8) -> Bool { (0x61...0x7A).contains(byte | 0x20) }
    private static func isLetterOrDigit(_ byte: UInt8) -> Bool { isLetter(byte) || (0x30...0x39).contains(byte) }
}
