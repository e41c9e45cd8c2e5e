import SocketCore

/// Reads a TZif file (RFC 8536, versions 1 to 4) into ``ZoneRules``: its transitions and time types, and
/// the POSIX `TZ` rule of its footer (``RecurringRule``) for the instants after the last transition.
///
/// Every count is checked against the bytes there are before anything is read, every index against its
/// table, every offset against ``ZoneRules/offsetRange``: a damaged file is an error, never a crash.
enum TZif {
    /// What is wrong with a file; `unsupported` for a well-formed file the controller cannot follow.
    struct FormatError: Error, Equatable {
        var message: String
        var unsupported = false
    }

    static func rules(_ bytes: [UInt8], identifier: String) throws(FormatError) -> ZoneRules {
        var reader = ByteReader(bytes: bytes[...])
        let first = try Header(&reader)
        var block = first
        if first.version >= 2 {
            // The version 1 block is there for old readers; the 64-bit block after it is the one to use.
            try reader.skip(first.dataSize(timeSize: 4))
            block = try Header(&reader)
        }
        let timeSize = first.version >= 2 ? 8 : 4
        guard reader.remaining >= block.dataSize(timeSize: timeSize) else { throw FormatError(message: "the file ends inside its data") }
        guard block.leapCount == 0 else {
            throw FormatError(message: "it counts leap seconds (a \"right/\" zone); use the zone's name without \"right/\"", unsupported: true)
        }
        var times: [Int64] = []
        for _ in 0..<block.timeCount { times.append(try reader.signed(size: timeSize)) }
        var typeIndices: [Int] = []
        for _ in 0..<block.timeCount { typeIndices.append(Int(try reader.byte())) }
        var offsets: [Int] = []
        for _ in 0..<block.typeCount {
            let offset = try reader.signed(size: 4)
            _ = try reader.byte()  // is DST
            _ = try reader.byte()  // abbreviation index
            guard ZoneRules.offsetRange.contains(Int(offset)) else {
                throw FormatError(message: "a time type's UTC offset \(offset) s is beyond ±26 hours")
            }
            offsets.append(Int(offset))
        }
        try reader.skip(block.charCount + block.standardCount + block.utcCount)
        guard typeIndices.allSatisfy({ $0 < offsets.count }) else { throw FormatError(message: "a transition names a time type that is not there") }
        guard zip(times, times.dropFirst()).allSatisfy({ $0 < $1 }) else { throw FormatError(message: "its transitions are not in order") }

        // RFC 8536 §3.2: time type 0 holds before the first transition. Transitions before the year 0000 (the
        // "big bang" entry of some files) only set that offset; those after 9999 are out of reach.
        var initial = offsets[0]
        var transitions: [ZoneRules.Transition] = []
        for (time, type) in zip(times, typeIndices) {
            if time < ZoneRules.secondsRange.lowerBound {
                initial = offsets[type]
            } else if time <= ZoneRules.secondsRange.upperBound {
                transitions.append(.init(at: time, offset: offsets[type]))
            }
        }
        var recurring: RecurringRule?
        if first.version >= 2 {
            guard (try? reader.byte()) == UInt8(ascii: "\n") else { throw FormatError(message: "its footer is missing") }
            let footer = reader.rest.prefix { $0 != UInt8(ascii: "\n") }
            guard footer.count < reader.remaining else { throw FormatError(message: "its footer does not end") }
            if !footer.isEmpty {
                var rule = POSIXRule(footer)
                recurring = try rule.parse()
            }
        }
        guard let rules = ZoneRules(identifier: identifier, initialOffset: initial, transitions: transitions, recurring: recurring) else {
            throw FormatError(message: "its rules are out of range")
        }
        return rules
    }

    /// The 44-byte header before each data block.
    struct Header {
        var version: Int
        var utcCount, standardCount, leapCount, timeCount, typeCount, charCount: Int

        init(_ reader: inout ByteReader) throws(FormatError) {
            guard reader.remaining >= 44, Array(reader.rest.prefix(4)) == Array("TZif".utf8) else {
                throw FormatError(message: "it is not a TZif file")
            }
            try reader.skip(4)
            switch try reader.byte() {
            case 0: version = 1
            case let v where (UInt8(ascii: "2")...UInt8(ascii: "4")).contains(v): version = Int(v - UInt8(ascii: "0"))
            case let v: throw FormatError(message: "TZif version byte \(v) is not one this reader knows", unsupported: true)
            }
            try reader.skip(15)
            var counts: [Int] = []
            for _ in 0..<6 { counts.append(Int(try reader.unsigned32())) }
            (utcCount, standardCount, leapCount, timeCount, typeCount, charCount) = (counts[0], counts[1], counts[2], counts[3], counts[4], counts[5])
            guard typeCount >= 1, typeCount <= 256, charCount >= 1, utcCount == 0 || utcCount == typeCount,
                standardCount == 0 || standardCount == typeCount
            else { throw FormatError(message: "its header's counts are inconsistent") }
        }

        /// The size of the data block this header announces (counts are below 2³², so no overflow).
        func dataSize(timeSize: Int) -> Int {
            timeCount * (timeSize + 1) + typeCount * 6 + charCount + leapCount * (timeSize + 4) + standardCount + utcCount
        }
    }

    /// Reads big-endian integers from a byte slice, never past its end.
    struct ByteReader {
        var bytes: ArraySlice<UInt8>
        var remaining: Int { bytes.count }
        var rest: ArraySlice<UInt8> { bytes }

        mutating func skip(_ count: Int) throws(FormatError) {
            guard count <= bytes.count else { throw FormatError(message: "the file ends inside its data") }
            bytes = bytes.dropFirst(count)
        }

        mutating func byte() throws(FormatError) -> UInt8 {
            guard let first = bytes.first else { throw FormatError(message: "the file ends inside its data") }
            bytes = bytes.dropFirst()
            return first
        }

        mutating func unsigned32() throws(FormatError) -> UInt32 {
            var value: UInt32 = 0
            for _ in 0..<4 { value = value << 8 | UInt32(try byte()) }
            return value
        }

        /// A two's-complement integer of `size` (4 or 8) bytes.
        mutating func signed(size: Int) throws(FormatError) -> Int64 {
            var value: UInt64 = 0
            for _ in 0..<size { value = value << 8 | UInt64(try byte()) }
            return size == 4 ? Int64(Int32(truncatingIfNeeded: value)) : Int64(bitPattern: value)
        }
    }

    /// The POSIX `TZ` string of a TZif footer (RFC 8536 §3.3): `std offset [dst [offset] ,start[/time],end[/time]]`,
    /// e.g. `EET-2EEST,M3.5.0/3,M10.5.0/4`; offsets count west positive, as POSIX has it.
    struct POSIXRule {
        let whole: ArraySlice<UInt8>
        var text: ArraySlice<UInt8>

        init(_ text: ArraySlice<UInt8>) {
            whole = text
            self.text = text
        }

        mutating func parse() throws(FormatError) -> RecurringRule {
            try name()
            let standard = -(try signedTime(maxHours: 24))
            guard !text.isEmpty else { return RecurringRule(standardOffset: standard) }
            try name()
            var daylight = standard + 3600
            if text.first != UInt8(ascii: ",") { daylight = -(try signedTime(maxHours: 24)) }
            guard text.first == UInt8(ascii: ",") else { throw fail("daylight-saving time without a rule for when it starts and ends") }
            text = text.dropFirst()
            let (start, startTime) = try dayAndTime()
            guard text.first == UInt8(ascii: ",") else { throw fail("no end of daylight-saving time") }
            text = text.dropFirst()
            let (end, endTime) = try dayAndTime()
            guard text.isEmpty else { throw fail("unexpected text after the rule") }
            let rule = RecurringRule(
                standardOffset: standard,
                daylight: .init(offset: daylight, start: start, startTime: startTime, end: end, endTime: endTime))
            return rule
        }

        func fail(_ what: String) -> FormatError {
            FormatError(message: "its footer rule \"\(String(decoding: whole, as: UTF8.self))\": \(what)")
        }

        /// `EET` (three or more letters) or `<+0330>` (letters, digits, signs between angle brackets).
        mutating func name() throws(FormatError) {
            if text.first == UInt8(ascii: "<") {
                guard let close = text.firstIndex(of: UInt8(ascii: ">")), close - text.startIndex >= 4 else { throw fail("a bad <name>") }
                text = text[(close + 1)...]
                return
            }
            let letters = text.prefix { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0 & ~0x20) }
            guard letters.count >= 3 else { throw fail("a zone abbreviation of fewer than three letters") }
            text = text.dropFirst(letters.count)
        }

        /// `[+-]hh[:mm[:ss]]` in seconds, hours at most `maxHours`.
        mutating func signedTime(maxHours: Int) throws(FormatError) -> Int {
            var sign = 1
            if text.first == UInt8(ascii: "+") || text.first == UInt8(ascii: "-") {
                sign = text.first == UInt8(ascii: "-") ? -1 : 1
                text = text.dropFirst()
            }
            let hours = try number(in: 0...maxHours)
            var seconds = hours * 3600
            for scale in [60, 1] {
                guard text.first == UInt8(ascii: ":") else { break }
                text = text.dropFirst()
                seconds += try number(in: 0...59) * scale
            }
            return sign * seconds
        }

        /// A day (`Jn`, `n`, `Mm.w.d`) and its optional `/time` (default 02:00, up to ±167 hours).
        mutating func dayAndTime() throws(FormatError) -> (RecurringRule.YearDay, Int) {
            let day: RecurringRule.YearDay
            switch text.first {
            case UInt8(ascii: "J"):
                text = text.dropFirst()
                day = .julian(try number(in: 1...365))
            case UInt8(ascii: "M"):
                text = text.dropFirst()
                let month = try number(in: 1...12)
                guard text.first == UInt8(ascii: ".") else { throw fail("a bad Mm.w.d day") }
                text = text.dropFirst()
                let week = try number(in: 1...5)
                guard text.first == UInt8(ascii: ".") else { throw fail("a bad Mm.w.d day") }
                text = text.dropFirst()
                day = .monthWeek(month: month, week: week, weekday: try number(in: 0...6))
            default:
                day = .zeroBased(try number(in: 0...365))
            }
            guard text.first == UInt8(ascii: "/") else { return (day, 7200) }
            text = text.dropFirst()
            return (day, try signedTime(maxHours: 167))
        }

        /// Decimal digits (at most three) within `range`.
        mutating func number(in range: ClosedRange<Int>) throws(FormatError) -> Int {
            let digits = text.prefix { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
            guard (1...3).contains(digits.count) else { throw fail("a number was expected") }
            let value = digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
            guard range.contains(value) else { throw fail("\(value) is out of range") }
            text = text.dropFirst(digits.count)
            return value
        }
    }
}
