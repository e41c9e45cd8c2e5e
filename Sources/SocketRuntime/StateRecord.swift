import SocketCore

/// How ``PersistentState`` is laid out in the `setting` table: one row per scalar setting, text values.
/// Decoding checks every value, so a hand-edited or damaged row is reported, never silently reset.
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
            throw RecordError(key: missing, value: "", expected: "a row, as \(present.joined(separator: " and ")) is there")
        }
        let reader = Reader(rows: rows)
        var deadline: Int64 = 0
        var seconds = 0
        var finalOn = false
        try reader.int64("main_timer_deadline_ms") { deadline = $0 }
        try reader.int("main_timer_seconds", 1...Int(TimedSwitch.longest)) { seconds = $0 }
        try reader.flag("main_timer_final_on") { finalOn = $0 }
        s.mainTimer = TimedSwitch(deadline: Instant(milliseconds: deadline), seconds: Int64(seconds), finalOn: finalOn)
    }

    /// Rebuilds the settings from rows; a missing row keeps its factory default.
    static func apply(_ rows: [String: String], to s: inout PersistentState) throws(RecordError) {
        var reader = Reader(rows: rows)
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
        try reader.text("password") { s.password = $0 }
        try reader.text("renew_password") { s.renewPassword = $0 }
        try reader.int("trisealert", -10...50) { s.riseAlert = $0 }
        try reader.int("tfallalert", -10...50) { s.fallAlert = $0 }
        try reader.text("saldo_code") { s.saldoCode = $0 }
        var offset: Int64?
        try reader.int64("clock_offset") { offset = $0 }
        try reader.text("clock_zone") { zone in s.clock = offset.map { DeviceClock(offsetSeconds: $0, zone: zone) } }
        try applyMainTimer(rows, to: &s)
        if let unknown = rows.keys.first(where: { !known.contains($0) }) {
            throw RecordError(key: unknown, value: rows[unknown] ?? "", expected: "no such setting")
        }
    }

    static let known: Set<String> = Set(settings(of: {
        var s = PersistentState()
        s.password = "x"
        s.renewPassword = "x"
        s.riseAlert = 0
        s.fallAlert = 0
        s.saldoCode = "x"
        s.clock = DeviceClock(offsetSeconds: 0, zone: "+00")
        s.mainTimer = TimedSwitch(deadline: Instant(milliseconds: 0), seconds: 1, finalOn: false)
        return s
    }()).keys)

    static func flag(_ b: Bool) -> String { b ? "1" : "0" }

    struct RecordError: Error, CustomStringConvertible {
        var key: String
        var value: String
        var expected: String
        var description: String { "setting \(key) = '\(value)' (expected \(expected))" }
    }

    private struct Reader {
        var rows: [String: String]

        func text(_ key: String, _ set: (String) -> Void) throws(RecordError) {
            if let v = rows[key] { set(v) }
        }
        func flag(_ key: String, _ set: (Bool) -> Void) throws(RecordError) {
            guard let v = rows[key] else { return }
            guard v == "0" || v == "1" else { throw RecordError(key: key, value: v, expected: "0 or 1") }
            set(v == "1")
        }
        func int(_ key: String, _ range: ClosedRange<Int>, _ set: (Int) -> Void) throws(RecordError) {
            guard let v = rows[key] else { return }
            guard let n = Int(v), range.contains(n) else {
                throw RecordError(key: key, value: v, expected: "a whole number in \(range.lowerBound)...\(range.upperBound)")
            }
            set(n)
        }
        func int64(_ key: String, _ set: (Int64) -> Void) throws(RecordError) {
            guard let v = rows[key] else { return }
            guard let n = Int64(v) else { throw RecordError(key: key, value: v, expected: "a whole number") }
            set(n)
        }
        func choice<V: RawRepresentable & CaseIterable>(_ key: String, _ set: (V) -> Void) throws(RecordError)
        where V.RawValue == String {
            guard let v = rows[key] else { return }
            guard let value = V(rawValue: v) else {
                throw RecordError(key: key, value: v, expected: V.allCases.map(\.rawValue).joined(separator: ", "))
            }
            set(value)
        }
    }
}
