/// A time zone's rules, as the tz database states them: the UTC offset in force at every instant, and the
/// instant(s) a local wall-clock reading stands for. A value, so the core stays free of I/O: the runtime
/// reads the zone (SocketRuntime's `ZoneDatabase`, from the system's tz database) and hands it in.
///
/// The rules are a table of transitions followed by a ``RecurringRule`` for every instant after the last
/// one, which is how a TZif file (RFC 8536) states them: the table holds the zone's history, the rule its
/// present daylight-saving pattern, carried on indefinitely.
///
/// Units: instants are seconds since 1970-01-01T00:00:00Z; local readings are wall-clock seconds since
/// 1970-01-01T00:00:00 local (``CivilTime/epochSeconds``); offsets are seconds east of UTC.
public struct ZoneRules: Equatable, Hashable, Sendable {
    /// A change of the UTC offset.
    public struct Transition: Equatable, Hashable, Sendable {
        /// The instant the new offset starts.
        public var at: Int64
        public var offset: Int
        public init(at: Int64, offset: Int) {
            self.at = at
            self.offset = offset
        }
    }

    /// The IANA name, e.g. `Europe/Helsinki`.
    public let identifier: String
    /// The offset before the first transition.
    public let initialOffset: Int
    /// Strictly ascending by instant.
    public let transitions: [Transition]
    /// The offsets after the last transition (before the first as well, when there is no transition);
    /// nil: the last offset stays.
    public let recurring: RecurringRule?

    /// Offsets beyond ±26 hours are refused (RFC 8536 §3.2 bounds them by 25 h 59 min 59 s).
    public static let offsetRange = -93_599...93_599
    /// Instants and local readings the rules answer for: the years 0000 … 9999 with room for any offset,
    /// so that no sum of an instant and an offset can overflow.
    public static let secondsRange: ClosedRange<Int64> = -62_167_219_200...253_402_300_799

    /// Nil when an offset is outside ``offsetRange``, a transition outside ``secondsRange``, or the
    /// transitions are not strictly ascending.
    public init?(identifier: String, initialOffset: Int, transitions: [Transition], recurring: RecurringRule?) {
        guard Self.offsetRange.contains(initialOffset),
            transitions.allSatisfy({ Self.offsetRange.contains($0.offset) && Self.secondsRange.contains($0.at) }),
            zip(transitions, transitions.dropFirst()).allSatisfy({ $0.at < $1.at })
        else { return nil }
        if let recurring, !recurring.isValid { return nil }
        self.identifier = identifier
        self.initialOffset = initialOffset
        self.transitions = transitions
        self.recurring = recurring
    }

    /// A zone whose offset never changes (`UTC`, `Etc/GMT-3`).
    public static func fixed(_ identifier: String, offset: Int) -> ZoneRules? {
        ZoneRules(identifier: identifier, initialOffset: offset, transitions: [], recurring: nil)
    }

    /// The offset in force at `instant` (seconds since the epoch, UTC).
    public func offset(at instant: Int64) -> Int {
        let instant = Self.clamped(instant)
        guard let last = transitions.last else { return recurring?.offset(at: instant) ?? initialOffset }
        if instant >= last.at { return recurring?.offset(at: instant) ?? last.offset }
        // The last transition at or before `instant`.
        var low = 0
        var high = transitions.count
        while low < high {
            let middle = (low + high) / 2
            if transitions[middle].at <= instant { low = middle + 1 } else { high = middle }
        }
        return low == 0 ? initialOffset : transitions[low - 1].offset
    }

    /// The local wall-clock reading at `instant`.
    public func localSeconds(at instant: Int64) -> Int64 {
        let instant = Self.clamped(instant)
        return instant + Int64(offset(at: instant))
    }

    /// What a local wall-clock reading stands for.
    public enum LocalInstants: Equatable, Hashable, Sendable {
        /// One instant.
        case unique(Int64)
        /// The reading never shows: the clock jumps over it (spring forward) at `transition`.
        case skipped(transition: Int64)
        /// The reading shows twice (fall back): at `earlier` with the offset before the change, and at `later`.
        case repeated(earlier: Int64, later: Int64)

        /// The instant a person means by the reading when it is not unique: the first time it shows, or the
        /// moment the clock skips it.
        public var first: Int64 {
            switch self {
            case .unique(let instant), .skipped(let instant), .repeated(let instant, _): instant
            }
        }
    }

    /// The instant a daily wall-clock time `hour`:`minute` stands for on the local day `day` (days since
    /// 1970-01-01): the first time the clock shows it, or the moment the clock jumps over it. What the
    /// scheduler and an `at("07:30")` rule fire at.
    public func instant(hour: Int, minute: Int, onDay day: Int64) -> Int64 {
        let day = min(max(day, Self.secondsRange.lowerBound / 86_400), Self.secondsRange.upperBound / 86_400)
        return instants(forLocal: day * 86_400 + Int64(hour * 3600 + minute * 60)).first
    }

    /// The first instant strictly after `instant` at which the wall clock reaches `hour`:`minute` (0…23,
    /// 0…59) on one of `weekdays` (ISO 1 = Monday … 7; nil: every day), as ``instant(hour:minute:onDay:)``
    /// reckons it; nil for a time out of range or beyond the year 9999.
    public func next(hour: Int, minute: Int, weekdays: Set<Int>? = nil, after instant: Int64) -> Int64? {
        guard (0...23).contains(hour), (0...59).contains(minute), Self.secondsRange.contains(instant) else { return nil }
        let today = CivilTime.floorDiv(localSeconds(at: instant), 86_400)
        for day in (today - 1)...(today + 8) {
            if let weekdays, !weekdays.contains(CivilTime.isoWeekday(ofDay: day)) { continue }
            let at = self.instant(hour: hour, minute: minute, onDay: day)
            if at > instant, Self.secondsRange.contains(at) { return at }
        }
        return nil
    }

    /// UTC itself.
    public static let utc = ZoneRules.fixed("UTC", offset: 0)!

    /// The instant(s) at which the local clock reads `local`.
    public func instants(forLocal local: Int64) -> LocalInstants {
        let local = Self.clamped(local)
        // Every instant that can read `local` lies within the largest offset of it.
        let span = Int64(Self.offsetRange.upperBound)
        let (startOffset, changes) = offsets(from: local - span, through: local + span)
        var segments = [(start: Int64.min, offset: startOffset)] + changes.map { (start: $0.at, offset: $0.offset) }
        segments.append((start: Int64.max, offset: 0))
        var found: [Int64] = []
        for i in 0..<(segments.count - 1) {
            let candidate = local - Int64(segments[i].offset)
            if candidate >= segments[i].start, candidate < segments[i + 1].start { found.append(candidate) }
        }
        switch found.count {
        case 0:
            // A gap: the first change that carries the clock from before `local` to after it.
            let jump = changes.indices.first { i in
                let before = i == 0 ? startOffset : changes[i - 1].offset
                return changes[i].at + Int64(before) <= local && changes[i].at + Int64(changes[i].offset) > local
            }
            return .skipped(transition: jump.map { changes[$0].at } ?? local - Int64(startOffset))
        case 1: return .unique(found[0])
        default: return .repeated(earlier: found[0], later: found[found.count - 1])
        }
    }

    /// The offset at `start` and every change after it up to and including `end`, in order.
    func offsets(from start: Int64, through end: Int64) -> (Int, [Transition]) {
        let initial = offset(at: start)
        var changes = transitions.filter { $0.at > start && $0.at <= end }
        let ruleStart = transitions.last?.at ?? Int64.min
        if let recurring, end > ruleStart {
            let from = max(start, ruleStart)
            changes += recurring.transitions(after: from, through: end)
        }
        // Drop "changes" to the offset already in force (a rule's first change may repeat the table's last).
        var current = initial
        changes = changes.filter { change in
            defer { current = change.offset }
            return change.offset != current
        }
        return (initial, changes)
    }

    static func clamped(_ seconds: Int64) -> Int64 { min(max(seconds, secondsRange.lowerBound), secondsRange.upperBound) }
}

/// The offsets a zone keeps year after year: standard time, and daylight-saving time between two yearly
/// moments (the POSIX `TZ` rule a TZif file ends with, e.g. `EET-2EEST,M3.5.0/3,M10.5.0/4`).
public struct RecurringRule: Equatable, Hashable, Sendable {
    public var standardOffset: Int
    public var daylight: Daylight?

    /// Daylight-saving time: its offset and when it starts and ends each year.
    public struct Daylight: Equatable, Hashable, Sendable {
        public var offset: Int
        /// Starts on this day at `startTime` seconds after midnight, standard time.
        public var start: YearDay
        public var startTime: Int
        /// Ends on this day at `endTime` seconds after midnight, daylight-saving time.
        public var end: YearDay
        public var endTime: Int

        public init(offset: Int, start: YearDay, startTime: Int, end: YearDay, endTime: Int) {
            self.offset = offset
            self.start = start
            self.startTime = startTime
            self.end = end
            self.endTime = endTime
        }
    }

    /// A day of the year, in the three forms of a POSIX `TZ` rule.
    public enum YearDay: Equatable, Hashable, Sendable {
        /// `Jn`: day 1 … 365, February 29 never counted.
        case julian(Int)
        /// `n`: day 0 … 365, February 29 counted in leap years.
        case zeroBased(Int)
        /// `Mm.w.d`: weekday `weekday` (0 = Sunday … 6) of week `week` (1 … 4; 5 = the last) of `month`.
        case monthWeek(month: Int, week: Int, weekday: Int)

        /// Days since 1970-01-01 of this day in `year`.
        func day(in year: Int) -> Int64 {
            let january1 = CivilTime.days(fromCivil: year, 1, 1)
            switch self {
            case .julian(let n):
                let leap = CivilTime.daysInMonth(year: year, month: 2) == 29
                return january1 + Int64(n - 1) + (leap && n >= 60 ? 1 : 0)
            case .zeroBased(let n):
                return january1 + Int64(n)
            case .monthWeek(let month, let week, let weekday):
                let first = CivilTime.days(fromCivil: year, month, 1)
                // 1970-01-01 was a Thursday (4 with Sunday = 0).
                let firstWeekday = Int(CivilTime.floorMod(first + 4, 7))
                var dayOfMonth = 1 + (weekday - firstWeekday + 7) % 7 + 7 * (week - 1)
                while dayOfMonth > CivilTime.daysInMonth(year: year, month: month) { dayOfMonth -= 7 }
                return first + Int64(dayOfMonth - 1)
            }
        }

        var isValid: Bool {
            switch self {
            case .julian(let n): (1...365).contains(n)
            case .zeroBased(let n): (0...365).contains(n)
            case .monthWeek(let month, let week, let weekday): (1...12).contains(month) && (1...5).contains(week) && (0...6).contains(weekday)
            }
        }
    }

    public init(standardOffset: Int, daylight: Daylight? = nil) {
        self.standardOffset = standardOffset
        self.daylight = daylight
    }

    /// Transition times within ±167 hours of midnight (RFC 8536 §3.3.1) and offsets within
    /// ``ZoneRules/offsetRange``.
    var isValid: Bool {
        guard ZoneRules.offsetRange.contains(standardOffset) else { return false }
        guard let daylight else { return true }
        let times = -167 * 3600...167 * 3600
        return ZoneRules.offsetRange.contains(daylight.offset) && daylight.start.isValid && daylight.end.isValid
            && times.contains(daylight.startTime) && times.contains(daylight.endTime)
    }

    /// The offset in force at `instant`.
    func offset(at instant: Int64) -> Int {
        guard daylight != nil else { return standardOffset }
        let year = CivilTime(epochSeconds: instant + Int64(standardOffset)).year
        // The year before and after too: a rule's moments may fall a week into the neighbouring year.
        return changes(inYears: (year - 1)...(year + 1)).last { $0.at <= instant }?.offset ?? standardOffset
    }

    /// The changes after `start` up to and including `end`, in order.
    func transitions(after start: Int64, through end: Int64) -> [ZoneRules.Transition] {
        guard daylight != nil else { return [] }
        let first = CivilTime(epochSeconds: start + Int64(standardOffset)).year - 1
        let last = CivilTime(epochSeconds: end + Int64(standardOffset)).year + 1
        return changes(inYears: first...last).filter { $0.at > start && $0.at <= end }
    }

    /// Each year's start and end of daylight-saving time, in order.
    private func changes(inYears years: ClosedRange<Int>) -> [ZoneRules.Transition] {
        guard let daylight else { return [] }
        var out: [ZoneRules.Transition] = []
        for year in years {
            let start = daylight.start.day(in: year) * 86_400 + Int64(daylight.startTime) - Int64(standardOffset)
            let end = daylight.end.day(in: year) * 86_400 + Int64(daylight.endTime) - Int64(daylight.offset)
            out.append(.init(at: start, offset: daylight.offset))
            out.append(.init(at: end, offset: standardOffset))
        }
        // Ties keep year order: where a year's end meets the next year's start (`0/0,J365/25`, daylight
        // time all year), the start comes last and stays in force.
        return out.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element)
    }
}
