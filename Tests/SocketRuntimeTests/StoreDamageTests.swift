import Foundation
import GRDB
import SocketCore
import TestSupport
import Testing

@testable import SocketRuntime

/// Damage to the state database is reported with where it is, never obeyed: no reset to factory settings,
/// no crash on an impossible number.
@Suite("A damaged state database")
struct StoreDamageTests {
    let folder: TemporaryDirectory
    var dir: String { folder.url.path }
    var path: String { folder.path("state.sqlite") }

    init() throws {
        folder = try TemporaryDirectory()
    }

    /// A database with `sql` run in it after the schema, beside no running store.
    func database(with sql: [String]) throws {
        _ = try Store(path: path)
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in for statement in sql { try db.execute(sql: statement) } }
        try queue.close()
    }

    static let rule = "INSERT INTO schedule_rule (position, hour, minute, weekday, action) VALUES"

    @Test(arguments: [
        ([rule + " (0, 8, 0, 0, 'ON')"], "table schedule_rule, row position 0, column weekday: 0"),
        ([rule + " (2, 9223372036854775807, 0, NULL, 'ON')"], "table schedule_rule, row position 2, column hour: 9223372036854775807"),
        ([rule + " (0, 'eight', 0, NULL, 'ON')"], "column hour: 'eight' (expected a whole number in 0...23)"),
        ([rule + " (0, 8.5, 0, NULL, 'ON')"], "column hour: 8.5"),
        ([rule + " (0, 8, 60, NULL, 'ON')"], "column minute: 60"),
        ([rule + " (0, 8, 0, 8, 'ON')"], "column weekday: 8 (expected NULL for every day, or a whole number in 1...7)"),
        ([rule + " (0, 8, 0, NULL, 'ON-OFF')"], "column action: 'ON-OFF' (expected ON, OFF, INF, AON, AOF, a rule's action name)"),
        ((0..<9).map { rule + " (\($0), 8, \($0), NULL, 'ON')" }, "table schedule_rule: 9 rows (expected at most 8)"),
        (["INSERT INTO setting VALUES ('clock_offset', '9223372036854775807'), ('clock_zone', '+08')"],
         "table setting, row clock_offset, column value: '9223372036854775807'"),
        (["INSERT INTO setting VALUES ('clock_offset', '-6400000000'), ('clock_zone', '+08')"], "row clock_offset"),
        (["INSERT INTO setting VALUES ('clock_offset', '3600')"], "row clock_zone, column value: missing"),
        (["INSERT INTO setting VALUES ('clock_offset', '0'), ('clock_zone', 'UTC')"], "row clock_zone"),
        (["INSERT INTO setting VALUES ('restart_time', '99999999999999999999')"], "row restart_time"),
        (["INSERT INTO setting VALUES (x'01', '1')"], "table setting, column key: a blob of 1 bytes (expected text)"),
        (["INSERT INTO setting VALUES ('sms_confirm', x'01')"], "row sms_confirm, column value: a blob of 1 bytes"),
        (["INSERT INTO setting VALUES ('colour', 'blue')"], "row colour, column value: 'blue' (expected no such setting)"),
        (["INSERT INTO setting VALUES ('saldo_code', '100')"], "row saldo_code"),
        (["INSERT INTO sec_number VALUES (0, '+358 912')"], "table sec_number, row position 0, column number: '+358 912'"),
        (["INSERT INTO alert_number VALUES (3, 3589.5)"], "table alert_number, row position 3, column number: '3589.5' (expected 1 to 15 digits)"),
        ((0..<11).map { "INSERT INTO sec_number VALUES (\($0), '35891234567\($0)')" }, "table sec_number: 11 rows (expected at most 10)"),
        (["INSERT INTO alarm_event VALUES (0, '2026-13-01T08:00:00Z')"], "table alarm_event, row position 0, column time: '2026-13-01T08:00:00Z'"),
        (["INSERT INTO alarm_event VALUES (0, x'00')"], "column time: a blob of 1 bytes (expected NULL or text)"),
        (["INSERT INTO outbox (recipient, text, state, created_ms) VALUES ('+358', 'hi', 'pending', 'soon')"],
         "table outbox, row id 1, column created_ms: 'soon'"),
        (["INSERT INTO outbox (recipient, text, state, created_ms, parts_sent) VALUES ('+358', 'hi', 'pending', 0, -1)"],
         "row id 1, column parts_sent: -1"),
        (["INSERT INTO outbox (recipient, text, state, created_ms) VALUES ('+358', 'hi', 'lost', 0)"], "column state: 'lost'"),
        (["INSERT INTO handled_message VALUES ('pdu-1', 9223372036854775807)"],
         "table handled_message, row key 'pdu-1', column handled_ms: 9223372036854775807"),
    ])
    func anImpossibleRowIsReportedWithItsPlace(_ sql: [String], _ expected: String) throws {
        try database(with: sql)
        let error = #expect(throws: StoreError.self) { try Store(path: path).loadState() }
        #expect(error?.code == .invalidValue)
        #expect(error?.description.contains(expected) == true, "\(error?.description ?? "no error")")
        #expect(error?.description.contains("restore a backup") == true)
    }

    @Test(arguments: [("password", "12ab!"), ("renew_password", "secret")])
    func aDamagedPasswordIsReportedWithoutShowingIt(_ key: String, _ value: String) throws {
        try database(with: ["INSERT INTO setting VALUES ('\(key)', '\(value)')"])
        let error = #expect(throws: StoreError.self) { try Store(path: path).loadState() }
        #expect(error?.description.contains("row \(key)") == true)
        #expect(error?.description.contains(value) == false)
    }

    @Test func aStateAtTheEdgesOfEveryRangeLoads() throws {
        var state = PersistentState.everyFieldChanged
        let late = ScheduleRule(hour: 23, minute: 59, weekday: 7, action: .info)
        state.schedule = [late, ScheduleRule(hour: 0, minute: 0, weekday: 1, action: .off)]
        state.ruleLastFired = [late: ScheduleRule.dayRange.upperBound]
        state.clock = DeviceClock(offsetSeconds: StateRecord.maxClockOffset, zone: "-12")
        state.secNumbers = (0..<PersistentState.numberListCapacity).map { "35891234567\($0)" }
        do {
            let store = try Store(path: path)
            var change = Store.Change(at: Instant(seconds: 1))
            change.state = (PersistentState(), state)
            try store.commit(change)
        }
        #expect(try Store(path: path).loadState() == state)
    }

    @Test func anEmptyFileIsRefusedNotReset() throws {
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        let error = #expect(throws: StoreError.self) { try Store(path: path) }
        #expect(error?.code == .emptyFile)
        #expect(error?.description.contains("0 bytes") == true)
        #expect(error?.description.contains("remove the file to start with factory settings") == true)
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int
        #expect(size == 0, "the file is left as it was")
    }

    @Test func aMissingFileBecomesANewDatabaseWholeAndAtOnce() throws {
        // What a database that was removed may leave: its WAL would be replayed into the new one.
        try Data(repeating: 0x5A, count: 4096).write(to: URL(fileURLWithPath: path + "-wal"))
        #expect(try Store(path: path).loadState() == PersistentState())
        let left = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        #expect(!left.contains("state.sqlite.new"))
        #expect(left.contains("state.sqlite") && left.contains("state.sqlite.lock"))
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
        #expect(size > 0, "the database is whole before it has its name")
    }
}
