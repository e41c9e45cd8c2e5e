import GRDB
import SocketCore

/// The state database (SQLite through GRDB): settings, number lists, scheduler, alarm log, the outbox of
/// SMS not yet confirmed by the modem, and the keys of messages already handled.
///
/// Every ``commit(_:)`` is one transaction, so a crash (kill -9, power cut) leaves either all of an
/// event's changes or none of them.
public final class Store: Sendable {
    /// How hard a commit pushes data to the disk.
    public enum Durability: Sendable {
        /// fsync at every commit: survives a power cut (the daemon's default).
        case full
        /// The WAL is written at every commit but synced at checkpoints: survives a crash or kill -9,
        /// may lose the last commits on a power cut (the simulator's default).
        case normal
    }

    public let path: String
    private let queue: DatabaseQueue

    /// Opens (creating it if needed) and migrates the database at `path`.
    ///
    /// Refuses a file that is not a healthy SQLite database or whose schema is newer than this program
    /// knows, with a ``StoreError`` that says so; it never resets such a file to defaults.
    public init(path: String, durability: Durability = .full) throws(StoreError) {
        self.path = path
        var config = Configuration()
        config.journalMode = .wal
        config.busyMode = .timeout(5)
        config.prepareDatabase { db in
            try db.execute(sql: durability == .full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL")
        }
        do {
            queue = try DatabaseQueue(path: path, configuration: config)
        } catch {
            throw Self.classify(error, path: path)
        }
        do {
            try queue.read { db in
                let check = try String.fetchOne(db, sql: "PRAGMA quick_check") ?? "no answer"
                guard check == "ok" else { throw StoreError(code: .corrupt, path: path, detail: check) }
            }
            let migrator = Self.migrator
            if try queue.read({ try migrator.hasBeenSuperseded($0) }) {
                let applied = try queue.read { try migrator.appliedIdentifiers($0) }
                let known = Set(migrator.migrations)
                let unknown = applied.subtracting(known).sorted().joined(separator: ", ")
                throw StoreError(code: .newerSchema, path: path, detail: "unknown schema migrations: \(unknown)")
            }
            try migrator.migrate(queue)
        } catch let error as StoreError {
            throw error
        } catch {
            throw Self.classify(error, path: path)
        }
    }

    static func classify(_ error: any Error, path: String) -> StoreError {
        if let db = error as? DatabaseError {
            switch db.resultCode {
            case .SQLITE_NOTADB, .SQLITE_CORRUPT:
                return StoreError(code: .corrupt, path: path, detail: db.message ?? "\(db.resultCode)")
            case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_READONLY:
                return StoreError(code: .cannotOpen, path: path, detail: db.message ?? "\(db.resultCode)")
            default:
                break
            }
        }
        return StoreError(code: .cannotOpen, path: path, detail: "\(error)")
    }

    /// The schema, one migration per change. Never edit a migration that has shipped; add a new one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: device state, outbox, handled messages") { db in
            try db.create(table: "setting") { t in
                t.primaryKey("key", .text)
                t.column("value", .text).notNull()
            }
            for table in ["sec_number", "alert_number"] {
                try db.create(table: table) { t in
                    t.primaryKey("position", .integer)
                    t.column("number", .text).notNull()
                }
            }
            try db.create(table: "schedule_rule") { t in
                t.primaryKey("position", .integer)
                t.column("hour", .integer).notNull()
                t.column("minute", .integer).notNull()
                t.column("weekday", .integer)
                t.column("action", .text).notNull()
            }
            try db.create(table: "alarm_event") { t in
                t.primaryKey("position", .integer)
                t.column("time", .text)
            }
            try db.create(table: "outbox") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("recipient", .text).notNull()
                t.column("text", .text).notNull()
                // pending → sending → (row deleted once sent); `unknown` after a crash mid-send.
                t.column("state", .text).notNull()
                t.column("created_ms", .integer).notNull()
                t.column("attempts", .integer).notNull().defaults(to: 0)
            }
            try db.create(table: "handled_message") { t in
                t.primaryKey("key", .text)
                t.column("handled_ms", .integer).notNull()
            }
        }
        // The identifier is the one databases recorded; the migration adds no index after all (each one is
        // another page written with every SMS, and the tables stay small enough to scan).
        migrator.registerMigration("v2: per-message outbox schedule, retention indexes") { db in
            // States: pending → sending → (row deleted once sent); `unknown` when the send may have happened
            // (a crash or no final answer mid-send), `given-up` after 24 h of refusals. Only `pending` is sent.
            try db.alter(table: "outbox") { t in
                // When the next try is due (0: at once); parts of a long text the network already took.
                t.add(column: "next_attempt_ms", .integer).notNull().defaults(to: 0)
                t.add(column: "parts_sent", .integer).notNull().defaults(to: 0)
            }
        }
        migrator.registerMigration("v3: scheduler rules keep the day they last fired") { db in
            // The day of the device clock (days since 1970-01-01) the rule last fired on; NULL: not yet. A rule
            // fires at most once per day, also when the clock is set back or the controller restarts (§5 A71).
            try db.alter(table: "schedule_rule") { t in
                t.add(column: "last_fired_day", .integer)
            }
        }
        return migrator
    }

    // MARK: - Device state

    /// The persisted device state (factory defaults for a new database).
    public func loadState() throws(StoreError) -> PersistentState {
        do {
            return try queue.read { db in
                var state = PersistentState()
                var rows: [String: String] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT key, value FROM setting") {
                    rows[row["key"]] = row["value"]
                }
                do {
                    try StateRecord.apply(rows, to: &state)
                } catch {
                    throw StoreError(code: .invalidValue, path: path, detail: "\(error)")
                }
                state.secNumbers = try String.fetchAll(db, sql: "SELECT number FROM sec_number ORDER BY position")
                state.alertNumbers = try String.fetchAll(db, sql: "SELECT number FROM alert_number ORDER BY position")
                let ruleRows = try Row.fetchAll(db, sql: "SELECT * FROM schedule_rule ORDER BY position")
                state.schedule = try ruleRows.map { row in
                    guard let action = ScheduleRule.Action(rawValue: row["action"]) else {
                        throw StoreError(code: .invalidValue, path: path, detail: "scheduler action '\(row["action"] ?? "")'")
                    }
                    return ScheduleRule(hour: row["hour"], minute: row["minute"], weekday: row["weekday"], action: action)
                }
                state.ruleLastFired = try lastFiredDays(ruleRows, of: state.schedule)
                state.alarmLog = try String?.fetchAll(db, sql: "SELECT time FROM alarm_event ORDER BY position").map {
                    AlarmLogEntry(time: try $0.map(Self.parseTime))
                }
                return state
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw Self.classify(error, path: path)
        }
    }

    /// What one event changed, written in one transaction.
    public struct Change: Sendable {
        /// The new device state, if it changed (with the state last committed, to write only the difference).
        public var state: (old: PersistentState, new: PersistentState)?
        /// SMS the event produced: queued in the outbox before anything is sent.
        public var outgoing: [(to: String, text: String)] = []
        /// The received message this event handled.
        public var handled: MessageReceipt?
        /// Outbox rows not sent yet that the event takes back (replies claiming a switching that failed).
        public var withdrawn: [Int64] = []
        public var at: Instant

        public init(at: Instant) { self.at = at }
        public var isEmpty: Bool { state == nil && outgoing.isEmpty && handled == nil && withdrawn.isEmpty }
    }

    /// Commits `change`; returns the outbox ids of its outgoing SMS, in order.
    @discardableResult
    public func commit(_ change: Change) throws(StoreError) -> [Int64] {
        guard !change.isEmpty else { return [] }
        do {
            return try queue.write { db in
                if let (old, new) = change.state { try Self.write(new, over: old, db) }
                if let handled = change.handled {
                    try db.execute(
                        sql: "INSERT OR IGNORE INTO handled_message (key, handled_ms) VALUES (?, ?)",
                        arguments: [handled.key, change.at.milliseconds])
                }
                for id in change.withdrawn {
                    try db.execute(sql: "UPDATE outbox SET state = 'withdrawn' WHERE id = ? AND state = 'pending'", arguments: [id])
                }
                var ids: [Int64] = []
                for sms in change.outgoing {
                    try db.execute(
                        sql: """
                            INSERT INTO outbox (recipient, text, state, created_ms, next_attempt_ms)
                            VALUES (?, ?, 'pending', ?, ?)
                            """,
                        arguments: [sms.to, sms.text, change.at.milliseconds, change.at.milliseconds])
                    ids.append(db.lastInsertedRowID)
                }
                return ids
            }
        } catch {
            throw StoreError(code: .writeFailed, path: path, detail: "\(error)")
        }
    }

    private static func write(_ new: PersistentState, over old: PersistentState, _ db: Database) throws {
        let before = StateRecord.settings(of: old)
        let after = StateRecord.settings(of: new)
        for (key, value) in after where before[key] != value {
            try db.execute(sql: "INSERT OR REPLACE INTO setting (key, value) VALUES (?, ?)", arguments: [key, value])
        }
        for key in before.keys where after[key] == nil {
            try db.execute(sql: "DELETE FROM setting WHERE key = ?", arguments: [key])
        }
        if new.secNumbers != old.secNumbers { try replaceNumbers("sec_number", new.secNumbers, db) }
        if new.alertNumbers != old.alertNumbers { try replaceNumbers("alert_number", new.alertNumbers, db) }
        if new.schedule != old.schedule || new.ruleLastFired != old.ruleLastFired {
            try db.execute(sql: "DELETE FROM schedule_rule")
            for (position, rule) in new.schedule.enumerated() {
                try db.execute(
                    sql: """
                        INSERT INTO schedule_rule (position, hour, minute, weekday, action, last_fired_day)
                        VALUES (?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [position, rule.hour, rule.minute, rule.weekday, rule.action.rawValue, new.ruleLastFired[rule]])
            }
        }
        if new.alarmLog != old.alarmLog {
            try db.execute(sql: "DELETE FROM alarm_event")
            for (position, entry) in new.alarmLog.enumerated() {
                try db.execute(
                    sql: "INSERT INTO alarm_event (position, time) VALUES (?, ?)",
                    arguments: [position, entry.time.map(\.iso8601UTC)])
            }
        }
    }

    /// The day each scheduler rule last fired, from its row's `last_fired_day` (rows and rules in the same
    /// order): NULL, or a day number of ``ScheduleRule/dayRange``; anything else is damage, reported with its
    /// row.
    private func lastFiredDays(_ rows: [Row], of rules: [ScheduleRule]) throws(StoreError) -> [ScheduleRule: Int64] {
        var days: [ScheduleRule: Int64] = [:]
        for (row, rule) in zip(rows, rules) {
            let value: DatabaseValue = row["last_fired_day"]
            switch value.storage {
            case .null:
                continue
            case .int64(let day) where ScheduleRule.dayRange.contains(day):
                days[rule] = day
            default:
                let range = ScheduleRule.dayRange
                let cell = "schedule_rule row \(Self.cellText(row["position"])) column last_fired_day"
                throw StoreError(
                    code: .invalidValue, path: path,
                    detail: "\(cell) = '\(Self.cellText(value))' (expected NULL or a whole number of days since "
                        + "1970-01-01 in \(range.lowerBound)...\(range.upperBound))")
            }
        }
        return days
    }

    /// A stored value as a person would type it (text unquoted), for damage reports.
    static func cellText(_ value: DatabaseValue) -> String {
        switch value.storage {
        case .null: return "NULL"
        case .int64(let n): return String(n)
        case .double(let d): return String(d)
        case .string(let text): return text
        case .blob(let data): return "a blob of \(data.count) bytes"
        }
    }

    private static func replaceNumbers(_ table: String, _ numbers: [String], _ db: Database) throws {
        try db.execute(sql: "DELETE FROM \(table)")
        for (position, number) in numbers.enumerated() {
            try db.execute(sql: "INSERT INTO \(table) (position, number) VALUES (?, ?)", arguments: [position, number])
        }
    }

    /// Parses the `2026-01-05T08:00:00Z` form the alarm log is stored in.
    static func parseTime(_ text: String) throws -> CivilTime {
        let digits = text.split(whereSeparator: { "-T:Z".contains($0) }).compactMap { Int($0) }
        guard digits.count == 6 else {
            throw StoreError(code: .invalidValue, path: "", detail: "alarm log time '\(text)'")
        }
        return CivilTime(year: digits[0], month: digits[1], day: digits[2], hour: digits[3], minute: digits[4], second: digits[5])
    }

    // MARK: - Handled messages

    /// Whether a received message was already handled (and only its deletion from the modem is owed).
    public func wasHandled(_ receipt: MessageReceipt) throws(StoreError) -> Bool {
        do {
            return try queue.read { db in
                try Bool.fetchOne(db, sql: "SELECT 1 FROM handled_message WHERE key = ?", arguments: [receipt.key]) ?? false
            }
        } catch {
            throw Self.classify(error, path: path)
        }
    }

    /// The modem reported a handled message again (its deletion failed or is still owed): its key's retention
    /// starts again, so that a key is kept as long as the modem may hand its message over.
    public func handledMessageSeenAgain(_ receipt: MessageReceipt, at now: Instant) throws(StoreError) {
        try write { db in
            try db.execute(
                sql: "UPDATE handled_message SET handled_ms = MAX(handled_ms, ?) WHERE key = ?",
                arguments: [now.milliseconds, receipt.key])
        }
    }

    // MARK: - Retention

    /// How long the tables that grow with traffic keep their rows.
    ///
    /// - Handled-message keys: 30 days after the modem last reported the message, and at most 10,000 keys.
    ///   A key only matters while the modem may hand its message over again, which it does until the message
    ///   is deleted from its storage: right after handling, or at the next sweep (every few minutes) or
    ///   start when that deletion failed, and every such report refreshes the key
    ///   (``handledMessageSeenAgain(_:at:)``). Thirty days of silence is far beyond that, and no modem
    ///   receives 10,000 messages between two sweeps (a SIM stores a few dozen).
    /// - Outbox rows that are settled without being sent (`unknown`, `given-up`, `withdrawn`): 30 days after they were
    ///   queued, and at most 1,000. Nothing ever sends such a row again, so deleting it cannot cause a send or
    ///   a duplicate; it is kept only as a record for a person reading the database, and it was logged at
    ///   warning or error level when it settled. Rows still `pending` are never pruned: each is sent or given
    ///   up within about a day.
    public struct Retention: Sendable {
        public var handledKeyDays: Int64 = 30
        public var handledKeyLimit = 10_000
        public var settledOutboxDays: Int64 = 30
        public var settledOutboxLimit = 1_000
        public init() {}
    }

    /// Deletes what ``Retention`` no longer keeps, as of `now`.
    public func prune(at now: Instant, retention: Retention = Retention()) throws(StoreError) {
        let day: Int64 = 86_400_000
        try write { db in
            try db.execute(
                sql: "DELETE FROM handled_message WHERE handled_ms < ?",
                arguments: [now.milliseconds - retention.handledKeyDays * day])
            try db.execute(
                sql: """
                    DELETE FROM handled_message WHERE key IN
                    (SELECT key FROM handled_message ORDER BY handled_ms DESC, key LIMIT -1 OFFSET ?)
                    """,
                arguments: [retention.handledKeyLimit])
            try db.execute(
                sql: "DELETE FROM outbox WHERE state IN ('unknown', 'given-up', 'withdrawn') AND created_ms < ?",
                arguments: [now.milliseconds - retention.settledOutboxDays * day])
            try db.execute(
                sql: """
                    DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE state IN ('unknown', 'given-up', 'withdrawn')
                    ORDER BY id DESC LIMIT -1 OFFSET ?)
                    """,
                arguments: [retention.settledOutboxLimit])
        }
    }

    // MARK: - Outbox

    /// An SMS waiting for the modem.
    public struct OutboxEntry: Sendable, Equatable {
        public var id: Int64
        public var to: String
        public var text: String
        /// When the controller queued it.
        public var queuedAt: Instant
        /// Tries so far, counting the one in progress once ``claimNextDueOutboxEntry(at:)`` took it.
        public var attempts: Int
        /// Parts of a long text the network already accepted.
        public var partsSent: Int
    }

    /// Takes the next entry to send at `now` and marks it `sending`, counting the try, in one transaction:
    /// the oldest `pending` entry (with an id up to `lastID`) that is due and has no older `pending` entry to
    /// the same recipient (messages to one recipient keep their order; a refused one holds back only its own
    /// recipient's later messages). Committed before the entry is handed to the modem, so that a crash mid-send leaves it
    /// `sending`, which the next start sets aside as `unknown` instead of sending it twice.
    public func claimNextDueOutboxEntry(at now: Instant, through lastID: Int64 = .max) throws(StoreError) -> OutboxEntry? {
        do {
            return try queue.write { db in
                // Cached statements: this runs before every send, on the way from an SMS to its reply.
                let due = try db.cachedStatement(
                    sql: "SELECT \(Self.entryColumns) FROM outbox AS o WHERE \(Self.outboxHead) AND next_attempt_ms <= ? AND id <= ? ORDER BY id LIMIT 1")
                guard var entry = try Row.fetchOne(due, arguments: [now.milliseconds, lastID]).map(Self.entry) else { return nil }
                try db.cachedStatement(sql: "UPDATE outbox SET state = 'sending', attempts = attempts + 1 WHERE id = ?")
                    .execute(arguments: [entry.id])
                entry.attempts = min(entry.attempts, Int(Int32.max)) + 1
                return entry
            }
        } catch {
            throw StoreError(code: .writeFailed, path: path, detail: "\(error)")
        }
    }

    /// The highest outbox row id (0 for an empty outbox).
    public func lastOutboxID() throws(StoreError) -> Int64 {
        do {
            return try queue.read { db in try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM outbox") ?? 0 }
        } catch {
            throw Self.classify(error, path: path)
        }
    }

    /// When the next entry with an id up to `lastID` falls due (nil: nothing waits to be sent). Entries held
    /// back behind an older one to the same recipient do not count: they fall due only after it.
    public func nextOutboxAttempt(through lastID: Int64 = .max) throws(StoreError) -> Instant? {
        do {
            return try queue.read { try Self.nextOutboxAttempt($0, through: lastID) }
        } catch {
            throw Self.classify(error, path: path)
        }
    }

    private static func nextOutboxAttempt(_ db: Database, through lastID: Int64) throws -> Instant? {
        try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT MIN(next_attempt_ms) FROM outbox AS o WHERE \(outboxHead) AND id <= ?"),
            arguments: [lastID]
        ).map(Instant.init(milliseconds:))
    }

    /// A `pending` row (alias `o`) with no older `pending` row to the same recipient.
    private static let outboxHead = """
        o.state = 'pending' AND NOT EXISTS
        (SELECT 1 FROM outbox AS e WHERE e.recipient = o.recipient AND e.state = 'pending' AND e.id < o.id)
        """

    /// What became of a try of an outbox entry.
    public enum SendOutcome: Sendable, Equatable {
        /// The modem confirmed it: it leaves the outbox.
        case sent
        /// The network refused it: it waits until `nextAttempt`, with the parts it accepted noted.
        case refused(partsSent: Int, nextAttempt: Instant)
        /// It may have been sent (no final answer after the PDU was written): never sent again.
        case unknown(partsSent: Int)
        /// It was refused for too long: never sent again.
        case givenUp(partsSent: Int)
    }

    /// Records `outcome` for entry `id`; returns, from the same transaction, when the next entry with an id up
    /// to `lastID` falls due (as ``nextOutboxAttempt(through:)``), which saves a read after every send.
    @discardableResult
    public func record(_ outcome: SendOutcome, for id: Int64, nextThrough lastID: Int64 = .max) throws(StoreError) -> Instant? {
        do {
            return try queue.write { db in
                switch outcome {
                case .sent:
                    try db.cachedStatement(sql: "DELETE FROM outbox WHERE id = ?").execute(arguments: [id])
                case .refused(let parts, let next):
                    try db.execute(
                        sql: "UPDATE outbox SET state = 'pending', parts_sent = ?, next_attempt_ms = ? WHERE id = ?",
                        arguments: [parts, next.milliseconds, id])
                case .unknown(let parts):
                    try db.execute(sql: "UPDATE outbox SET state = 'unknown', parts_sent = ? WHERE id = ?", arguments: [parts, id])
                case .givenUp(let parts):
                    try db.execute(sql: "UPDATE outbox SET state = 'given-up', parts_sent = ? WHERE id = ?", arguments: [parts, id])
                }
                return try Self.nextOutboxAttempt(db, through: lastID)
            }
        } catch {
            throw StoreError(code: .writeFailed, path: path, detail: "\(error)")
        }
    }

    /// At start-up: entries an earlier run left mid-send become `unknown` and are returned, oldest first. The
    /// modem may have sent them, and a message must never go out twice.
    public func setAsideInterruptedSends() throws(StoreError) -> [OutboxEntry] {
        do {
            return try queue.write { db in
                let interrupted = try Row.fetchAll(db, sql: "SELECT \(Self.entryColumns) FROM outbox WHERE state = 'sending' ORDER BY id").map(Self.entry)
                try db.execute(sql: "UPDATE outbox SET state = 'unknown' WHERE state = 'sending'")
                return interrupted
            }
        } catch {
            throw StoreError(code: .writeFailed, path: path, detail: "\(error)")
        }
    }

    /// The columns ``entry(_:)`` reads, by position (a name lookup per column costs more than the query).
    private static let entryColumns = "id, recipient, text, created_ms, attempts, parts_sent"

    private static func entry(_ row: Row) -> OutboxEntry {
        OutboxEntry(
            id: row[0], to: row[1], text: row[2], queuedAt: Instant(milliseconds: row[3]), attempts: row[4], partsSent: row[5])
    }

    private func write(_ body: (Database) throws -> Void) throws(StoreError) {
        do {
            try queue.write(body)
        } catch {
            throw StoreError(code: .writeFailed, path: path, detail: "\(error)")
        }
    }
}
