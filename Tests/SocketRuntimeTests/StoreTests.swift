import Foundation
import GRDB
import SocketCore
import Testing

@testable import SocketRuntime

@Suite("The state database")
struct StoreTests {
    let dir: String

    init() throws {
        dir = NSTemporaryDirectory() + "smsocket-store-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    var path: String { dir + "/state.sqlite" }

    /// The database holds the access password: a new one, its journal files and its lock are the owner's alone
    /// whatever the umask (022 by hand, `sudo -u smsocket smsocket import --state`; the unit's is 077).
    @Test func aNewDatabaseIsItsOwnersAlone() throws {
        let umask = try String(contentsOfFile: "/proc/self/status", encoding: .utf8).split(separator: "\n")
            .first { $0.hasPrefix("Umask:") }.flatMap { Int($0.dropFirst(6).trimmingCharacters(in: .whitespaces), radix: 8) }
        try #require(umask.map { $0 & 0o077 != 0o077 } == true, "the test needs a umask that lets others read: \(String(describing: umask))")
        let store = try Store(path: path)
        var change = Store.Change(at: Instant(seconds: 1))
        change.state = (PersistentState(), PersistentState.everyFieldChanged)
        try store.commit(change)
        for file in [path, path + "-wal", path + "-shm", StateLock.path(of: path)] where FileManager.default.fileExists(atPath: file) {
            let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(file): \(String(mode ?? 0, radix: 8))")
        }
    }

    @Test func everyFieldSurvivesReopening() throws {
        let changed = PersistentState.everyFieldChanged
        do {
            let store = try Store(path: path)
            var change = Store.Change(at: Instant(seconds: 1))
            change.state = (PersistentState(), changed)
            try store.commit(change)
        }
        let reopened = try Store(path: path)
        #expect(try reopened.loadState() == changed)
    }

    @Test("a clock that follows a time zone survives reopening, and so does going back to a wall clock")
    func aZoneClockSurvivesReopening() throws {
        var zoned = PersistentState()
        zoned.clock = DeviceClock(offsetSeconds: 7200, zone: "+12", followsZone: true)
        var wall = zoned
        wall.clock = DeviceClock(offsetSeconds: 7200, zone: "+12")
        do {
            let store = try Store(path: path)
            var change = Store.Change(at: Instant(seconds: 1))
            change.state = (PersistentState(), zoned)
            try store.commit(change)
        }
        #expect(try Store(path: path).loadState() == zoned)
        do {
            let store = try Store(path: path)
            var change = Store.Change(at: Instant(seconds: 2))
            change.state = (zoned, wall)
            try store.commit(change)
        }
        #expect(try Store(path: path).loadState() == wall)
    }

    @Test func changingBackToDefaultsIsStoredToo() throws {
        do {
            let store = try Store(path: path)
            var change = Store.Change(at: Instant(seconds: 1))
            change.state = (PersistentState(), PersistentState.everyFieldChanged)
            try store.commit(change)
            change.state = (PersistentState.everyFieldChanged, PersistentState())
            try store.commit(change)
        }
        #expect(try Store(path: path).loadState() == PersistentState())
    }

    @Test func aFileThatIsNotADatabaseStopsTheStart() throws {
        try Data("this is not sqlite, it is a shopping list\n".utf8).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: StoreError.self) { try Store(path: path) }
        #expect(error?.code == .corrupt)
        #expect(error?.description.contains("move it aside") == true)
    }

    @Test func aDamagedDatabaseStopsTheStart() throws {
        _ = try Store(path: path, durability: .full)
        // Overwrite the middle of the file (the schema pages) with garbage.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seek(toOffset: 100)
        try handle.write(contentsOf: Data(repeating: 0xA5, count: 3000))
        try handle.close()
        #expect(throws: StoreError.self) { try Store(path: path) }
    }

    @Test func aNewerSchemaStopsTheStart() throws {
        _ = try Store(path: path)
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v9: from the future')")
        }
        let error = #expect(throws: StoreError.self) { try Store(path: path) }
        #expect(error?.code == .newerSchema)
        #expect(error?.description.contains("v9: from the future") == true)
    }

    @Test func anInvalidStoredValueIsReportedNotReset() throws {
        _ = try Store(path: path)
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "INSERT INTO setting (key, value) VALUES ('tempcal', '42')")
        }
        let error = #expect(throws: StoreError.self) { try Store(path: path).loadState() }
        #expect(error?.code == .invalidValue)
        #expect(error?.description.contains("tempcal") == true)
    }

    /// Damaged rows of the pending main-socket timer (§4.13): each is reported with its row, never obeyed.
    struct DamagedTimer: CustomStringConvertible, Sendable {
        var description: String
        var rows: [String: String]
        /// The setting the report must name.
        var key: String
    }

    static let damagedTimers: [DamagedTimer] = {
        let whole = ["main_timer_deadline_ms": "1767600000123", "main_timer_seconds": "1800", "main_timer_final_on": "0"]
        func with(_ key: String, _ value: String?) -> [String: String] {
            var rows = whole
            rows[key] = value
            return rows
        }
        return [
            DamagedTimer(description: "no duration", rows: with("main_timer_seconds", "0"), key: "main_timer_seconds"),
            DamagedTimer(description: "longer than a week", rows: with("main_timer_seconds", "604801"), key: "main_timer_seconds"),
            DamagedTimer(description: "a text duration", rows: with("main_timer_seconds", "half an hour"), key: "main_timer_seconds"),
            DamagedTimer(description: "a text deadline", rows: with("main_timer_deadline_ms", "soon"), key: "main_timer_deadline_ms"),
            DamagedTimer(
                description: "a deadline beyond 64 bits", rows: with("main_timer_deadline_ms", "9223372036854775808"),
                key: "main_timer_deadline_ms"),
            DamagedTimer(description: "a final state of 2", rows: with("main_timer_final_on", "2"), key: "main_timer_final_on"),
            DamagedTimer(description: "the final state missing", rows: with("main_timer_final_on", nil), key: "main_timer_final_on"),
            DamagedTimer(description: "only a deadline", rows: ["main_timer_deadline_ms": "1"], key: "main_timer_seconds"),
        ]
    }()

    @Test(arguments: damagedTimers)
    func aDamagedTimerIsReportedWithItsRow(_ damage: DamagedTimer) throws {
        _ = try Store(path: path)
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            for (key, value) in damage.rows {
                try db.execute(sql: "INSERT INTO setting (key, value) VALUES (?, ?)", arguments: [key, value])
            }
        }
        let error = #expect(throws: StoreError.self) { try Store(path: path).loadState() }
        #expect(error?.code == .invalidValue)
        #expect(error?.description.contains("table setting, row \(damage.key), column value: ") == true, "\(error.map(String.init(describing:)) ?? "")")
    }

    /// Damaged `schedule_rule.last_fired_day` cells (§5 A71), as SQL literals, and how the report shows them.
    @Test(arguments: [
        ("'yesterday'", "'yesterday'"), ("20458.5", "20458.5"), ("99999999999", "99999999999"), ("-800000", "-800000"),
        ("X'00ff'", "a blob of 2 bytes"),
    ])
    func aDamagedLastFiredDayIsReportedWithTableRowAndColumn(literal: String, shown: String) throws {
        _ = try Store(path: path)
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO schedule_rule (position, hour, minute, weekday, action, last_fired_day)
                    VALUES (0, 8, 0, NULL, 'ON', NULL), (1, 9, 0, 3, 'OFF', \(literal))
                    """)
        }
        let error = #expect(throws: StoreError.self) { try Store(path: path).loadState() }
        #expect(error?.code == .invalidValue)
        #expect(
            error?.description.contains("table schedule_rule, row position 1, column last_fired_day: \(shown) (expected NULL") == true,
            "\(error.map(String.init(describing:)) ?? "")")
    }

    @Test func aVersion2DatabaseKeepsItsRulesWhichHaveNotFiredYet() throws {
        do {
            let queue = try DatabaseQueue(path: path)
            try Store.migrator.migrate(queue, upTo: "v2: per-message outbox schedule, retention indexes")
            try queue.write { db in
                try db.execute(sql: "INSERT INTO schedule_rule (position, hour, minute, weekday, action) VALUES (0, 8, 5, NULL, 'ON')")
            }
            try queue.close()
        }
        let state = try Store(path: path).loadState()
        #expect(state.schedule == [ScheduleRule(hour: 8, minute: 5, weekday: nil, action: .on)])
        #expect(state.ruleLastFired.isEmpty)
    }

    @Test func aRuleThatFiredKeepsItsDayAndARemovedRuleTakesItsDayWithIt() throws {
        let morning = ScheduleRule(hour: 8, minute: 5, weekday: nil, action: .on)
        let evening = ScheduleRule(hour: 20, minute: 0, weekday: nil, action: .off)
        var fired = PersistentState()
        fired.schedule = [morning, evening]
        var afterFiring = fired
        afterFiring.ruleLastFired = [morning: 20_458]
        do {
            let store = try Store(path: path)
            var change = Store.Change(at: Instant(seconds: 1))
            change.state = (PersistentState(), fired)
            try store.commit(change)
            change.state = (fired, afterFiring)
            try store.commit(change)
        }
        let store = try Store(path: path)
        #expect(try store.loadState().ruleLastFired == [morning: 20_458])
        var removed = afterFiring
        removed.schedule = [evening]
        removed.ruleLastFired = [:]
        var change = Store.Change(at: Instant(seconds: 2))
        change.state = (afterFiring, removed)
        try store.commit(change)
        #expect(try store.loadState() == removed)
    }

    @Test func outboxEntriesInterruptedMidSendAreNeverSentAgain() throws {
        do {
            let store = try Store(path: path)
            var change = Store.Change(at: Instant(seconds: 1))
            change.outgoing = [("+358", "first"), ("+358", "second"), ("+358", "third")]
            let ids = try store.commit(change)
            #expect(try store.claimNextDueOutboxEntry(at: Instant(seconds: 1))?.id == ids[0])
            try store.record(.sent, for: ids[0])
            #expect(try store.claimNextDueOutboxEntry(at: Instant(seconds: 1))?.id == ids[1])  // the process dies here
        }
        #expect(try Store(path: path).setAsideInterruptedSends().map(\.text) == ["second"])
        let reopened = try Store(path: path)
        #expect(try reopened.setAsideInterruptedSends().isEmpty)
        #expect(try reopened.claimNextDueOutboxEntry(at: Instant(seconds: 1))?.text == "third")
    }

    @Test func handledMessagesAreRemembered() throws {
        let receipt = MessageReceipt(key: "abc")
        do {
            let store = try Store(path: path)
            #expect(try !store.wasHandled(receipt))
            var change = Store.Change(at: Instant(seconds: 10))
            change.handled = receipt
            try store.commit(change)
        }
        let store = try Store(path: path)
        #expect(try store.wasHandled(receipt))
        try store.prune(at: Instant(seconds: 10).adding(minutes: 30 * 24 * 60 + 1))
        #expect(try !store.wasHandled(receipt))
    }

    static let day: Int64 = 86_400

    func handledKeys(_ store: Store, _ keys: [String]) throws -> [String] {
        try keys.filter { try store.wasHandled(MessageReceipt(key: $0)) }
    }

    @Test func handledKeysAreKeptThirtyDaysAfterTheModemLastReportedThem() throws {
        let store = try Store(path: path)
        for (key, day) in [("k1", 0), ("k2", 10)] as [(String, Int64)] {
            var change = Store.Change(at: Instant(seconds: day * Self.day))
            change.handled = MessageReceipt(key: key)
            try store.commit(change)
        }
        try store.handledMessageSeenAgain(MessageReceipt(key: "k1"), at: Instant(seconds: 25 * Self.day))
        try store.prune(at: Instant(seconds: 45 * Self.day))
        #expect(try handledKeys(store, ["k1", "k2"]) == ["k1"], "k1 was reported again 20 days ago; k2 not for 35")
        try store.prune(at: Instant(seconds: 56 * Self.day))
        #expect(try handledKeys(store, ["k1", "k2"]).isEmpty)
    }

    @Test func theNewestHandledKeysAreKeptUpToTheLimit() throws {
        let store = try Store(path: path)
        let keys = (1...5).map { "k\($0)" }
        for (i, key) in keys.enumerated() {
            var change = Store.Change(at: Instant(seconds: Int64(i)))
            change.handled = MessageReceipt(key: key)
            try store.commit(change)
        }
        var retention = Store.Retention()
        retention.handledKeyLimit = 3
        try store.prune(at: Instant(seconds: 10), retention: retention)
        #expect(try handledKeys(store, keys) == ["k3", "k4", "k5"])
    }

    @Test func settledOutboxRowsArePrunedAndPendingOnesNever() throws {
        let store = try Store(path: path)
        func queue(_ text: String, day: Int64) throws -> Int64 {
            var change = Store.Change(at: Instant(seconds: day * Self.day))
            change.outgoing = [("+358", text)]
            return try store.commit(change)[0]
        }
        _ = try queue("old pending", day: 0)
        try store.record(.unknown(partsSent: 0), for: try queue("old unknown", day: 0))
        try store.record(.givenUp(partsSent: 0), for: try queue("old given up", day: 0))
        try store.record(.unknown(partsSent: 0), for: try queue("recent unknown", day: 20))
        try store.record(.givenUp(partsSent: 0), for: try queue("recent given up", day: 21))
        func texts() throws -> [String] {
            try DatabaseQueue(path: path).read { try String.fetchAll($0, sql: "SELECT text FROM outbox ORDER BY id") }
        }
        try store.prune(at: Instant(seconds: 31 * Self.day))
        #expect(try texts() == ["old pending", "recent unknown", "recent given up"])
        var retention = Store.Retention()
        retention.settledOutboxLimit = 1
        try store.prune(at: Instant(seconds: 31 * Self.day), retention: retention)
        #expect(try texts() == ["old pending", "recent given up"])
    }

    @Test func aVersion1DatabaseIsUpgraded() throws {
        do {
            let queue = try DatabaseQueue(path: path)
            try Store.migrator.migrate(queue, upTo: "v1: device state, outbox, handled messages")
            try queue.write { db in
                try db.execute(sql: "INSERT INTO setting (key, value) VALUES ('restart_time', '7')")
                try db.execute(sql: "INSERT INTO handled_message (key, handled_ms) VALUES ('pdu-1', 1000)")
                for (text, state, attempts) in [("waiting", "pending", 2), ("in flight", "sending", 1), ("in doubt", "unknown", 1)] {
                    try db.execute(
                        sql: "INSERT INTO outbox (recipient, text, state, created_ms, attempts) VALUES ('+358', ?, ?, 1000, ?)",
                        arguments: [text, state, attempts])
                }
            }
            try queue.close()
        }
        let store = try Store(path: path)
        #expect(try store.loadState().restartTime == 7)
        #expect(try store.wasHandled(MessageReceipt(key: "pdu-1")))
        #expect(try store.setAsideInterruptedSends().map(\.text) == ["in flight"])
        #expect(try store.nextOutboxAttempt() == Instant(milliseconds: 0), "a waiting message is due at once after the upgrade")
        let due = try store.claimNextDueOutboxEntry(at: Instant(milliseconds: 1000))
        #expect(due?.text == "waiting")
        #expect(due?.attempts == 3, "two tries before the upgrade, and this one")
        #expect(due?.partsSent == 0)
    }
}
