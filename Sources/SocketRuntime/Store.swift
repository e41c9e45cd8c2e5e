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
                state.schedule = try Row.fetchAll(db, sql: "SELECT * FROM schedule_rule ORDER BY position").map { row in
                    guard let action = ScheduleRule.Action(rawValue: row["action"]) else {
                        throw StoreError(code: .invalidValue, path: path, detail: "scheduler action '\(row["action"] ?? "")'")
                    }
                    return ScheduleRule(hour: row["hour"], minute: row["minute"], weekday: row["weekday"], action: action)
                }
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
        public var at: Instant

        public init(at: Instant) { self.at = at }
        public var isEmpty: Bool { state == nil && outgoing.isEmpty && handled == nil }
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
                var ids: [Int64] = []
                for sms in change.outgoing {
                    try db.execute(
                        sql: "INSERT INTO outbox (recipient, text, state, created_ms) VALUES (?, ?, 'pending', ?)",
                        arguments: [sms.to, sms.text, change.at.milliseconds])
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
        if new.schedule != old.schedule {
            try db.execute(sql: "DELETE FROM schedule_rule")
            for (position, rule) in new.schedule.enumerated() {
                try db.execute(
                    sql: "INSERT INTO schedule_rule (position, hour, minute, weekday, action) VALUES (?, ?, ?, ?, ?)",
                    arguments: [position, rule.hour, rule.minute, rule.weekday, rule.action.rawValue])
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

    /// Forgets handled-message keys older than `cutoff` (a modem never reports a message that old again).
    public func forgetHandled(before cutoff: Instant) throws(StoreError) {
        try write { db in
            try db.execute(sql: "DELETE FROM handled_message WHERE handled_ms < ?", arguments: [cutoff.milliseconds])
        }
    }

    // MARK: - Outbox

    /// An SMS waiting for the modem.
    public struct OutboxEntry: Sendable, Equatable {
        public var id: Int64
        public var to: String
        public var text: String
    }

    /// Marks an entry as being handed to the modem. Committed before sending, so that a crash mid-send
    /// leaves it `unknown` rather than sending it twice.
    public func markSending(_ id: Int64) throws(StoreError) {
        try write { db in
            try db.execute(sql: "UPDATE outbox SET state = 'sending', attempts = attempts + 1 WHERE id = ?", arguments: [id])
        }
    }

    /// The modem confirmed the entry: it leaves the outbox.
    public func markSent(_ id: Int64) throws(StoreError) {
        try write { db in try db.execute(sql: "DELETE FROM outbox WHERE id = ?", arguments: [id]) }
    }

    /// The modem refused the entry: it waits for the next try.
    public func markFailed(_ id: Int64) throws(StoreError) {
        try write { db in try db.execute(sql: "UPDATE outbox SET state = 'pending' WHERE id = ?", arguments: [id]) }
    }

    /// Entries to (re)send, oldest first. Entries a crash left mid-send are set aside as `unknown` first:
    /// the modem may have sent them, and a notification must never go out twice.
    public func pendingOutbox() throws(StoreError) -> (pending: [OutboxEntry], abandoned: [OutboxEntry]) {
        do {
            return try queue.write { db in
                let abandoned = try Row.fetchAll(db, sql: "SELECT * FROM outbox WHERE state = 'sending' ORDER BY id").map(Self.entry)
                try db.execute(sql: "UPDATE outbox SET state = 'unknown' WHERE state = 'sending'")
                let pending = try Row.fetchAll(db, sql: "SELECT * FROM outbox WHERE state = 'pending' ORDER BY id").map(Self.entry)
                return (pending, abandoned)
            }
        } catch {
            throw Self.classify(error, path: path)
        }
    }

    private static func entry(_ row: Row) -> OutboxEntry {
        OutboxEntry(id: row["id"], to: row["recipient"], text: row["text"])
    }

    private func write(_ body: (Database) throws -> Void) throws(StoreError) {
        do {
            try queue.write(body)
        } catch {
            throw StoreError(code: .writeFailed, path: path, detail: "\(error)")
        }
    }
}
