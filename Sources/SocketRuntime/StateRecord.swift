import GRDB
import SocketCore

/// How ``PersistentState`` is laid out in the database: one `setting` row per scalar setting (text
/// values), and one row per entry of each list table (`sec_number`, `alert_number`, `schedule_rule` with
/// the day each rule last fired, `alarm_event`). Decoding checks every cell's type and range before anything computes with it, so a
/// hand-edited or damaged row is reported with its table, row and column, never silently reset and never
/// a crash.
enum StateRecord {
    static func settings(of s: PersistentState) -> [String: String] {
        var out: [String: String] = [
            "restart_time": String(s.restartTime),
            "ring": s.ring.rawValue,
            "seclist": flag(s.secListActive),
            "sms_confirm": flag(s.smsConfirm),
            "ring_confirm": flag(s.ringConfirm),
            "ring_confirm_type": s.ringConfirmType.rawValue,
            "error_replies": flag(s.errorReplies),
            "sms_confirm_unauth": flag(s.smsConfirmUnauthorised),
            "thermostat_mode": s.thermostatMode.rawValue,
            "thermostat_enabled": flag(s.thermostatEnabled),
            "tempoff": String(s.tempOff),
            "thermalert": flag(s.thermAlert),
            "tempcal": String(s.tempCal),
            "microrelay_time": String(s.microRelayTime),
            "sensor_type": s.sensorType.rawValue,
            "alert_mode": s.alertMode.rawValue,
            "alarm_armed": flag(s.alarmArmed),
            "power_state": s.powerState.rawValue,
            "main_relay_on": flag(s.mainRelayOn),
            "restore_notice_pending": flag(s.restoreNoticePending),
        ]
        out["password"] = s.password
        out["renew_password"] = s.renewPassword
        out["trisealert"] = s.riseAlert.map(String.init)
        out["tfallalert"] = s.fallAlert.map(String.init)
        out["saldo_code"] = s.saldoCode
        if let clock = s.clock {
            out["clock_offset"] = String(clock.offsetSeconds)
            out["clock_zone"] = clock.zone
            // Only for a clock that keeps UTC, so that a database of a clock without a zone stays as it was.
            if clock.followsZone { out["clock_follows_zone"] = flag(true) }
        }
        out.merge(mainTimerSettings(of: s)) { _, timer in timer }
        return out
    }

    /// The rows of the pending ON<n>/OFF<n>/RESTART timer (§4.13): none when no timer runs.
    static func mainTimerSettings(of s: PersistentState) -> [String: String] {
        guard let timer = s.mainTimer else { return [:] }
        return [
            "main_timer_deadline_ms": String(timer.deadline.milliseconds),
            "main_timer_seconds": String(timer.seconds),
            "main_timer_final_on": flag(timer.finalOn),
        ]
    }

    /// Rebuilds the pending main-socket timer: all three rows, or none (no timer).
    static func applyMainTimer(_ rows: [String: String], to s: inout PersistentState) throws(RecordError) {
        let keys = ["main_timer_deadline_ms", "main_timer_seconds", "main_timer_final_on"]
        let present = keys.filter { rows[$0] != nil }
        guard !present.isEmpty else { return }
        if let missing = keys.first(where: { rows[$0] == nil }) {
            throw RecordError.setting(missing, "missing", expected: "a row, as \(present.joined(separator: " and ")) is there")
        }
        let reader = Reader(rows: rows)
        var deadline: Int64 = 0
        var seconds = 0
        var finalOn = false
        try reader.int64("main_timer_deadline_ms", 0...StoreRows.latestMilliseconds) { deadline = $0 }
        try reader.int("main_timer_seconds", 1...Int(TimedSwitch.longest)) { seconds = $0 }
        try reader.flag("main_timer_final_on") { finalOn = $0 }
        s.mainTimer = TimedSwitch(deadline: Instant(milliseconds: deadline), seconds: Int64(seconds), finalOn: finalOn)
    }

    /// Rebuilds the settings from rows; a missing row keeps its factory default.
    static func apply(_ rows: [String: String], to s: inout PersistentState) throws(RecordError) {
        let reader = Reader(rows: rows)
        try reader.int("restart_time", 1...600) { s.restartTime = $0 }
        try reader.choice("ring") { s.ring = $0 }
        try reader.flag("seclist") { s.secListActive = $0 }
        try reader.flag("sms_confirm") { s.smsConfirm = $0 }
        try reader.flag("ring_confirm") { s.ringConfirm = $0 }
        try reader.choice("ring_confirm_type") { s.ringConfirmType = $0 }
        try reader.flag("error_replies") { s.errorReplies = $0 }
        try reader.flag("sms_confirm_unauth") { s.smsConfirmUnauthorised = $0 }
        try reader.choice("thermostat_mode") { s.thermostatMode = $0 }
        try reader.flag("thermostat_enabled") { s.thermostatEnabled = $0 }
        try reader.int("tempoff", 0...50) { s.tempOff = $0 }
        try reader.flag("thermalert") { s.thermAlert = $0 }
        try reader.int("tempcal", 1...9) { s.tempCal = $0 }
        try reader.int("microrelay_time", 0...900) { s.microRelayTime = $0 }
        try reader.choice("sensor_type") { s.sensorType = $0 }
        try reader.choice("alert_mode") { s.alertMode = $0 }
        try reader.flag("alarm_armed") { s.alarmArmed = $0 }
        try reader.choice("power_state") { s.powerState = $0 }
        try reader.flag("main_relay_on") { s.mainRelayOn = $0 }
        try reader.flag("restore_notice_pending") { s.restoreNoticePending = $0 }
        try reader.text("password", "5 letters or digits") { CommandParser.isCredential($0, length: 5) } set: { s.password = $0 }
        try reader.text("renew_password", "9 letters or digits") { CommandParser.isCredential($0, length: 9) } set: {
            s.renewPassword = $0
        }
        try reader.int("trisealert", -10...50) { s.riseAlert = $0 }
        try reader.int("tfallalert", -10...50) { s.fallAlert = $0 }
        try reader.text("saldo_code", "a USSD code such as *100#", CommandParser.isUSSDCode) { s.saldoCode = $0 }
        var offset: Int64?
        try reader.int64("clock_offset", -maxClockOffset...maxClockOffset) { offset = $0 }
        var zone: String?
        try reader.text("clock_zone", "a zone tag such as +08 or -04", isZoneTag) { zone = $0 }
        var followsZone = false
        try reader.flag("clock_follows_zone") { followsZone = $0 }
        if followsZone, offset == nil {
            throw RecordError.setting("clock_offset", "missing", expected: "a row, as clock_follows_zone has one")
        }
        switch (offset, zone) {
        case (let offset?, let zone?): s.clock = DeviceClock(offsetSeconds: offset, zone: zone, followsZone: followsZone)
        case (nil, nil): break
        case (nil, _?): throw RecordError.setting("clock_offset", "missing", expected: "a row, as clock_zone has one")
        case (_?, nil): throw RecordError.setting("clock_zone", "missing", expected: "a row, as clock_offset has one")
        }
        try applyMainTimer(rows, to: &s)
        if let unknown = rows.keys.sorted().first(where: { !known.contains($0) }) {
            throw RecordError.setting(unknown, "'\(rows[unknown] ?? "")'", expected: "no such setting")
        }
    }

    /// The largest device clock offset, in seconds either way (200 years): far beyond any a DATE command or
    /// a network time can set (years 2000–2099 on a controller clock after 1970), and small enough that
    /// adding it to any controller time cannot overflow.
    static let maxClockOffset: Int64 = 200 * 366 * 86_400

    /// `+zz` / `-zz`: the zone tag DATE and network times set (§5 A35).
    static func isZoneTag(_ text: String) -> Bool { DeviceClock.quarterHours(ofTag: text) != nil }

    // MARK: - Reading the tables

    /// The whole persisted state, read from `db` and checked cell by cell (factory defaults for an empty
    /// database).
    static func load(_ db: Database) throws -> PersistentState {
        var state = PersistentState()
        var rows: [String: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT key, value FROM setting") {
            let key = try Cell(row, 0, table: "setting", row: nil, column: "key").text()
            rows[key] = try Cell(row, 1, table: "setting", row: key, column: "value").text()
        }
        try apply(rows, to: &state)
        state.secNumbers = try numbers("sec_number", db)
        state.alertNumbers = try numbers("alert_number", db)
        let rules = try list("schedule_rule", "hour, minute, weekday, action, last_fired_day", PersistentState.scheduleCapacity, db) {
            row, position in
            func cell(_ index: Int, _ name: String) -> Cell { Cell(row, index, table: "schedule_rule", row: position, column: name) }
            let actions = (ScheduleRule.Action.builtIn.map(\.rawValue) + ["a rule's action name"]).joined(separator: ", ")
            guard let action = ScheduleRule.Action(rawValue: try cell(3, "action").text()) else {
                throw cell(3, "action").invalid(expected: actions)
            }
            let rule = ScheduleRule(
                hour: Int(try cell(0, "hour").integer(0...23)), minute: Int(try cell(1, "minute").integer(0...59)),
                weekday: try cell(2, "weekday").optionalInteger(1...7, null: "NULL for every day").map { Int($0) }, action: action)
            // The day of the device clock it last fired on (§5 A71).
            let day = try cell(4, "last_fired_day").optionalInteger(ScheduleRule.dayRange, null: "NULL (not fired yet)")
            return (rule, day)
        }
        state.schedule = rules.map(\.0)
        for case (let rule, let day?) in rules { state.ruleLastFired[rule] = day }
        state.alarmLog = try list("alarm_event", "time", PersistentState.alarmLogCapacity, db) { row, position in
            let cell = Cell(row, 0, table: "alarm_event", row: position, column: "time")
            guard let text = try cell.optionalText() else { return AlarmLogEntry(time: nil) }
            guard let time = civilTime(text) else { throw cell.invalid(expected: "NULL or a time such as 2026-01-05T08:00:00Z") }
            return AlarmLogEntry(time: time)
        }
        return state
    }

    /// A number list: 1–15 digits each (§2.13), at most ``PersistentState/numberListCapacity``.
    private static func numbers(_ table: String, _ db: Database) throws -> [String] {
        try list(table, "number", PersistentState.numberListCapacity, db) { row, position in
            let cell = Cell(row, 0, table: table, row: position, column: "number")
            let number = try cell.text()
            guard CommandParser.isListNumber(number) else { throw cell.invalid(expected: "1 to 15 digits") }
            return number
        }
    }

    /// The rows of a list table in order, each decoded by `decode` with its position for errors; more rows
    /// than the list holds is damage too.
    private static func list<T>(
        _ table: String, _ columns: String, _ capacity: Int, _ db: Database,
        _ decode: (Row, String) throws -> T
    ) throws -> [T] {
        let rows = try Row.fetchAll(db, sql: "SELECT \(columns), position FROM \(table) ORDER BY position")
        if rows.count > capacity {
            throw RecordError(
                table: table, row: nil, column: nil, value: "\(rows.count) rows", expected: "at most \(capacity)")
        }
        let positionColumn = columns.split(separator: ",").count
        return try rows.map { row in
            try decode(row, "position \(Cell(row, positionColumn, table: table, row: nil, column: "position").display)")
        }
    }

    /// Parses the `2026-01-05T08:00:00Z` form the alarm log is stored in, with every field in its range.
    static func civilTime(_ text: String) -> CivilTime? {
        let b = Array(text.utf8)
        guard b.count == 20, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"), b[10] == UInt8(ascii: "T"),
            b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"), b[19] == UInt8(ascii: "Z")
        else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            let digits = b[range]
            guard digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
            return digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
            (1...12).contains(month), (1...CivilTime.daysInMonth(year: year, month: month)).contains(day),
            hour < 24, minute < 60, second < 60
        else { return nil }
        return CivilTime(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
    }

    static let known: Set<String> = Set(settings(of: {
        var s = PersistentState()
        s.password = "x"
        s.renewPassword = "x"
        s.riseAlert = 0
        s.fallAlert = 0
        s.saldoCode = "x"
        s.clock = DeviceClock(offsetSeconds: 0, zone: "+00", followsZone: true)
        s.mainTimer = TimedSwitch(deadline: Instant(milliseconds: 0), seconds: 1, finalOn: false)
        return s
    }()).keys)

    static func flag(_ b: Bool) -> String { b ? "1" : "0" }

    /// A cell that is not what its column holds: where it is (table, row, column), what it holds, and what
    /// was expected. Secrets are not shown: a damaged password row says only what is wrong with it.
    struct RecordError: Error, CustomStringConvertible {
        var table: String
        /// The row's key (`tempcal`, `position 3`); nil for the table as a whole.
        var row: String?
        var column: String?
        var value: String
        var expected: String

        static func setting(_ key: String, _ value: String, expected: String) -> RecordError {
            RecordError(table: "setting", row: key, column: "value", value: value, expected: expected)
        }

        var description: String {
            let place = ["table \(table)", row.map { "row \($0)" }, column.map { "column \($0)" }].compactMap { $0 }
            return "\(place.joined(separator: ", ")): \(value) (expected \(expected))"
        }
    }

    /// One cell of a fetched row, read strictly (GRDB's own conversions trap on a mismatch).
    struct Cell {
        var value: DatabaseValue
        var table: String
        var row: String?
        var column: String

        init(_ row: Row, _ index: Int, table: String, row key: String?, column: String) {
            value = row[index]
            self.table = table
            self.row = key
            self.column = column
        }

        /// The cell as the error shows it.
        var display: String {
            switch value.storage {
            case .null: "NULL"
            case .int64(let n): String(n)
            case .double(let d): String(d)
            case .string(let s): "'\(s.count > 40 ? s.prefix(40) + "…" : s)'"
            case .blob(let data): "a blob of \(data.count) bytes"
            }
        }

        func invalid(expected: String) -> RecordError {
            RecordError(table: table, row: row, column: column, value: display, expected: expected)
        }

        func text() throws(RecordError) -> String {
            guard case .string(let s) = value.storage else { throw invalid(expected: "text") }
            return s
        }

        func optionalText() throws(RecordError) -> String? {
            if value.isNull { return nil }
            guard case .string(let s) = value.storage else { throw invalid(expected: "NULL or text") }
            return s
        }

        func integer(_ range: ClosedRange<Int64>) throws(RecordError) -> Int64 {
            guard case .int64(let n) = value.storage, range.contains(n) else {
                throw invalid(expected: "a whole number in \(range.lowerBound)...\(range.upperBound)")
            }
            return n
        }

        func optionalInteger(_ range: ClosedRange<Int64>, null meaning: String) throws(RecordError) -> Int64? {
            if value.isNull { return nil }
            guard case .int64(let n) = value.storage, range.contains(n) else {
                throw invalid(expected: "\(meaning), or a whole number in \(range.lowerBound)...\(range.upperBound)")
            }
            return n
        }
    }

    private struct Reader {
        var rows: [String: String]

        /// A text setting of a known shape; a value of another shape is reported without being shown (it
        /// may be a password).
        func text(_ key: String, _ shape: String, _ valid: (String) -> Bool, set: (String) -> Void) throws(RecordError) {
            guard let v = rows[key] else { return }
            guard valid(v) else { throw RecordError.setting(key, "a value of \(v.count) characters", expected: shape) }
            set(v)
        }
        func flag(_ key: String, _ set: (Bool) -> Void) throws(RecordError) {
            guard let v = rows[key] else { return }
            guard v == "0" || v == "1" else { throw RecordError.setting(key, "'\(v)'", expected: "0 or 1") }
            set(v == "1")
        }
        func int(_ key: String, _ range: ClosedRange<Int>, _ set: (Int) -> Void) throws(RecordError) {
            guard let v = rows[key] else { return }
            guard let n = Int(v), range.contains(n) else {
                throw RecordError.setting(key, "'\(v)'", expected: "a whole number in \(range.lowerBound)...\(range.upperBound)")
            }
            set(n)
        }
        func int64(_ key: String, _ range: ClosedRange<Int64>, _ set: (Int64) -> Void) throws(RecordError) {
            guard let v = rows[key] else { return }
            guard let n = Int64(v), range.contains(n) else {
                throw RecordError.setting(key, "'\(v)'", expected: "a whole number in \(range.lowerBound)...\(range.upperBound)")
            }
            set(n)
        }
        func choice<V: RawRepresentable & CaseIterable>(_ key: String, _ set: (V) -> Void) throws(RecordError)
        where V.RawValue == String {
            guard let v = rows[key] else { return }
            guard let value = V(rawValue: v) else {
                throw RecordError.setting(key, "'\(v)'", expected: V.allCases.map(\.rawValue).joined(separator: ", "))
            }
            set(value)
        }
    }
}
