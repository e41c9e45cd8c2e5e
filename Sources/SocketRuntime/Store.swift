import Foundation
import GRDB
import SocketCore

#if canImport(Glibc)
    import Glibc
#endif

/// The state database (SQLite through GRDB): settings, number lists, scheduler, alarm log, the outbox of
/// SMS not yet confirmed by the modem, the keys of messages already handled, and the history
/// (``History``).
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
    let durability: Durability
    let queue: DatabaseQueue
    /// This store's exclusive hold on the database, for as long as it exists.
    private let lock: StateLock

    /// Opens (creating it if needed) and migrates the database at `path`, which this store then holds
    /// alone until it goes away.
    ///
    /// Refuses a database that another store holds (``StoreError/Code/inUse``), an empty file
    /// (``StoreError/Code/emptyFile``), a file that is not a healthy SQLite database, one whose schema is
    /// newer than this program knows, and impossible rows, with a ``StoreError`` that says so; it never
    /// resets such a file to defaults. A new database is made whole under another name and then renamed
    /// into place, so that a crash while creating it never leaves an empty file behind.
    public init(path: String, durability: Durability = .full) throws(StoreError) {
        self.path = path
        self.durability = durability
        lock = try StateLock(database: path)
        var config = Configuration()
        config.journalMode = .wal
        config.busyMode = .timeout(5)
        config.prepareDatabase { db in
            try db.execute(sql: durability == .full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL")
            // The settings and history are small and written far more than read back: 512 KiB of page
            // cache holds their B-tree's inner pages, where SQLite's default 2,000 KiB would follow the
            // handled-message keys to that size as they grow towards the daily pruning.
            try db.execute(sql: "PRAGMA cache_size = -512")
        }
        do {
            if try Self.isMissing(path) { try Self.create(path, config) }
            queue = try DatabaseQueue(path: path, configuration: config)
        } catch let error as StoreError {
            throw error
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
            try queue.read(StoreRows.check)
        } catch let error as StoreError {
            throw error
        } catch let error as StateRecord.RecordError {
            throw StoreError(code: .invalidValue, path: path, detail: "\(error)")
        } catch {
            throw Self.classify(error, path: path)
        }
    }

    /// Every file a store at `path` may leave: the database, its WAL and shared-memory files, its lock.
    static func files(at path: String) -> [String] {
        [path, path + "-wal", path + "-shm", StateLock.path(of: path), path + newSuffix]
    }

    /// Whether there is no database at `path` yet; an empty file is refused, not taken for a new database
    /// (SQLite would silently start it afresh, dropping the password and the number lists).
    private static func isMissing(_ path: String) throws(StoreError) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else { return errno == ENOENT }
        if info.st_mode & S_IFMT == S_IFREG, info.st_size == 0 { throw StoreError(code: .emptyFile, path: path, detail: "0 bytes") }
        return false
    }

    /// What a new database is built under before it is renamed to its own name.
    private static let newSuffix = ".new"

    /// Builds a new database at `path`: migrated under a temporary name, closed (which checkpoints its
    /// WAL into it), then renamed into place and the folder synced. A WAL or shared-memory file left
    /// beside a database that is gone belongs to nothing, and would be replayed into the new one: removed.
    private static func create(_ path: String, _ config: Configuration) throws {
        let building = path + newSuffix
        for file in [path + "-wal", path + "-shm", building, building + "-wal", building + "-shm"] { unlink(file) }
        // The database holds the access password: made 0600 whatever the umask, and SQLite gives its WAL and
        // shared-memory files the database's mode.
        let made = open(building, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard made >= 0 else {
            throw StoreError(code: .cannotOpen, path: path, detail: "cannot create \(building): \(String(cString: strerror(errno)))")
        }
        close(made)
        let queue = try DatabaseQueue(path: building, configuration: config)
        try migrator.migrate(queue)
        try queue.close()
        for file in [building + "-wal", building + "-shm"] { unlink(file) }
        guard rename(building, path) == 0 else {
            throw StoreError(code: .cannotOpen, path: path, detail: "cannot rename \(building) into place: \(String(cString: strerror(errno)))")
        }
        let folder = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        let fd = open(folder.isEmpty ? "/" : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 {
            fsync(fd)
            close(fd)
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
        migrator.registerMigration("v4: rules' data and runs in progress") { db in
            // Each rule's `data` table (rules-api.md), as JSON of ``StoredLuaValue``.
            try db.create(table: "rule_data") { t in
                t.primaryKey("rule", .text)
                t.column("value", .text).notNull()
            }
            // Runs that started and have not ended: after a restart the `start` event lists their triggers.
            try db.create(table: "rule_run") { t in
                t.column("rule", .text).notNull()
                t.column("number", .integer).notNull()
                t.column("trigger", .text).notNull()
                t.primaryKey(["rule", "number"])
            }
        }
        migrator.registerMigration("v5: history") { db in
            // What happened, one line each (``HistoryEntry``); AUTOINCREMENT so that an id is never used again
            // after pruning (`smsocket log --follow` goes by ids).
            try db.create(table: "history_event") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("time_ms", .integer).notNull()
                t.column("kind", .text).notNull()
                t.column("text", .text).notNull()
                t.column("failed", .integer).notNull().defaults(to: 0)
            }
            // Every reading of the last days, keyed by its time (the rowid: no index of its own to write).
            try db.create(table: "temperature_reading") { t in
                t.primaryKey("time_ms", .integer)
                t.column("celsius", .double).notNull()
            }
            // One row per completed hour (hours since 1970), rolled up from the readings.
            try db.create(table: "temperature_hour") { t in
                t.primaryKey("hour", .integer)
                t.column("minimum", .double).notNull()
                t.column("average", .double).notNull()
                t.column("maximum", .double).notNull()
                t.column("readings", .integer).notNull()
            }
        }
        return migrator
    }

    // MARK: - Device state

    /// The persisted device state (factory defaults for a new database); an impossible row is reported
    /// with its table, row and column (``StoreError/Code/invalidValue``).
    public func loadState() throws(StoreError) -> PersistentState {
        do {
            return try queue.read(StateRecord.load)
        } catch let error as StateRecord.RecordError {
            throw StoreError(code: .invalidValue, path: path, detail: "\(error)")
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
                        arguments: [sms.to, Self.storedText(sms.text), change.at.milliseconds, change.at.milliseconds])
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

    private static func replaceNumbers(_ table: String, _ numbers: [String], _ db: Database) throws {
        try db.execute(sql: "DELETE FROM \(table)")
        for (position, number) in numbers.enumerated() {
            try db.execute(sql: "INSERT INTO \(table) (position, number) VALUES (?, ?)", arguments: [position, number])
        }
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

    /// Outbox rows waiting to be sent (`pending`, and `sending` while a send is under way) and rows that failed
    /// (`given-up`, and `unknown`: perhaps sent, never sent again), which ``prune(at:retention:)`` keeps 30 days.
    public func outboxCounts() throws(StoreError) -> ControlStatus.OutboxCounts {
        do {
            return try queue.read { db in
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT COALESCE(SUM(state IN ('pending', 'sending')), 0), COALESCE(SUM(state IN ('unknown', 'given-up')), 0)
                        FROM outbox
                        """)
                return ControlStatus.OutboxCounts(pending: row?[0] ?? 0, failed: row?[1] ?? 0)
            }
        } catch {
            throw Self.classify(error, path: path)
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

    /// An outbox text as stored: UTF-8 bytes, as a blob when it holds U+0000, which SQLite's text binding
    /// would cut off there (a UCS2 SMS can carry it, and an error reply echoes the command).
    static func storedText(_ text: String) -> DatabaseValue {
        text.utf8.contains(0) ? Data(text.utf8).databaseValue : text.databaseValue
    }

    /// The text back from ``storedText(_:)`` (checked to be text or a blob when the store opened).
    private static func loadedText(_ value: DatabaseValue) -> String {
        switch value.storage {
        case .blob(let bytes): String(decoding: bytes, as: UTF8.self)
        case .string(let text): text
        default: ""
        }
    }

    private static func entry(_ row: Row) -> OutboxEntry {
        OutboxEntry(
            id: row[0], to: row[1], text: loadedText(row[2]), queuedAt: Instant(milliseconds: row[3]), attempts: row[4],
            partsSent: row[5])
    }

    func write(_ body: (Database) throws -> Void) throws(StoreError) {
        do {
            try queue.write(body)
        } catch {
            throw StoreError(code: .writeFailed, path: path, detail: "\(error)")
        }
    }
}
