import GRDB
import SocketCore

/// The history's tables in the state database (migration v5): `history_event`, `temperature_reading`,
/// `temperature_hour`. Written by ``History``, read by `smsocket log`.
extension Store {
    /// What one history write holds; written in one transaction.
    struct HistoryWrite {
        var entries: [HistoryEntry] = []
        var sample: TemperatureSample?
        /// Roll up the hours from this one (hours since 1970) up to, not including, `sample`'s hour.
        var rollUpFrom: Int64?
        /// Prune what `retention` no longer keeps, as of the write's time.
        var prune: History.Retention?
        var at: Instant
    }

    static let hourMilliseconds: Int64 = 3_600_000

    /// Writes `write`; returns its entries with their ids.
    ///
    /// With ``Durability/full`` the write is not synced to the disk (`synchronous = NORMAL` for this
    /// transaction only): a history line is not worth an fsync on the way of every command. It is durable
    /// with the next settings commit or WAL checkpoint, which sync the WAL it is in; a power cut before that
    /// may lose the last lines of history, never a setting, and a crash or kill -9 loses nothing.
    func writeHistory(_ write: HistoryWrite) throws(StoreError) -> [HistoryEntry] {
        do {
            return try queue.writeWithoutTransaction { db in
                let relaxed = durability == .full
                if relaxed { try db.execute(sql: "PRAGMA synchronous = NORMAL") }
                let result = Result { try Self.writeHistory(write, db) }
                if relaxed { try db.execute(sql: "PRAGMA synchronous = FULL") }
                return try result.get()
            }
        } catch {
            throw StoreError(code: .writeFailed, path: path, detail: "\(error)")
        }
    }

    private static func writeHistory(_ write: HistoryWrite, _ db: Database) throws -> [HistoryEntry] {
        var written: [HistoryEntry] = []
        try db.inTransaction {
            written = []
            for var entry in write.entries {
                try db.cachedStatement(sql: "INSERT INTO history_event (time_ms, kind, text, failed) VALUES (?, ?, ?, ?)")
                    .execute(arguments: [entry.time.milliseconds, entry.kind.rawValue, entry.text, entry.failed])
                entry.id = db.lastInsertedRowID
                written.append(entry)
            }
            if let sample = write.sample {
                try db.cachedStatement(sql: "INSERT OR REPLACE INTO temperature_reading (time_ms, celsius) VALUES (?, ?)")
                    .execute(arguments: [sample.time.milliseconds, sample.celsius])
                if let from = write.rollUpFrom {
                    // Hours whose readings are complete: each row recomputed from the readings the hour has.
                    try db.execute(
                        sql: """
                            INSERT OR REPLACE INTO temperature_hour (hour, minimum, average, maximum, readings)
                            SELECT time_ms / \(hourMilliseconds), MIN(celsius), AVG(celsius), MAX(celsius), COUNT(*)
                            FROM temperature_reading WHERE time_ms >= ? AND time_ms < ? GROUP BY time_ms / \(hourMilliseconds)
                            """,
                        arguments: [from * hourMilliseconds, hour(of: sample.time) * hourMilliseconds])
                }
            }
            // After the roll-up, so that an hour is rolled up before its readings go.
            if let retention = write.prune { try prune(retention, at: write.at, db) }
            return .commit
        }
        return written
    }

    private static func prune(_ retention: History.Retention, at now: Instant, _ db: Database) throws {
        let day: Int64 = 86_400_000
        try db.execute(
            sql: "DELETE FROM history_event WHERE time_ms < ?", arguments: [now.milliseconds - retention.eventDays * day])
        try db.execute(
            sql: "DELETE FROM history_event WHERE id <= (SELECT id FROM history_event ORDER BY id DESC LIMIT 1 OFFSET ?)",
            arguments: [retention.eventLimit])
        try db.execute(
            sql: "DELETE FROM temperature_reading WHERE time_ms < ?", arguments: [now.milliseconds - retention.readingDays * day])
        try db.execute(
            sql: "DELETE FROM temperature_hour WHERE hour < ?",
            arguments: [hour(of: Instant(milliseconds: now.milliseconds - retention.hourDays * day))])
    }

    /// The hour `time` falls in, in hours since 1970 (rounded down).
    static func hour(of time: Instant) -> Int64 {
        time.milliseconds >= 0 ? time.milliseconds / hourMilliseconds : (time.milliseconds + 1) / hourMilliseconds - 1
    }

    /// The latest hour rolled up so far (nil: none).
    func lastTemperatureHour() throws(StoreError) -> Int64? {
        do {
            return try queue.read { db in try Int64.fetchOne(db, sql: "SELECT MAX(hour) FROM temperature_hour") }
        } catch {
            throw Self.classify(error, path: path)
        }
    }

    // MARK: - Reading

    /// The newest `limit` entries of `kinds` with an id above `after`, oldest first. A row that is not what
    /// its table holds (a hand-edited database) is passed over: the history is a record for a person, and a
    /// damaged line must not hide the others.
    func historyEntries(kinds: Set<HistoryEntry.Kind>, limit: Int, after: Int64 = 0) throws(StoreError) -> [HistoryEntry] {
        guard !kinds.isEmpty, limit > 0 else { return [] }
        let names = kinds.map(\.rawValue).sorted()
        let marks = Array(repeating: "?", count: names.count).joined(separator: ", ")
        var arguments = StatementArguments(names)
        arguments += [after, limit]
        do {
            return try queue.read { db in
                try Row.fetchAll(
                    db,
                    sql: "SELECT id, time_ms, kind, text, failed FROM history_event WHERE kind IN (\(marks)) AND id > ? ORDER BY id DESC LIMIT ?",
                    arguments: arguments
                ).reversed().compactMap { row in
                    guard let id = Int64.fromDatabaseValue(row[0]), let time = Int64.fromDatabaseValue(row[1]),
                        let kind = String.fromDatabaseValue(row[2]).flatMap(HistoryEntry.Kind.init(rawValue:)),
                        let text = String.fromDatabaseValue(row[3]), let failed = Bool.fromDatabaseValue(row[4])
                    else { return nil }
                    return HistoryEntry(id: id, time: Instant(milliseconds: time), kind: kind, text: text, failed: failed)
                }
            }
        } catch {
            throw Self.classify(error, path: path)
        }
    }

    /// The newest `limit` temperature readings, oldest first (damaged rows passed over).
    func temperatureSamples(limit: Int) throws(StoreError) -> [TemperatureSample] {
        guard limit > 0 else { return [] }
        do {
            return try queue.read { db in
                try Row.fetchAll(db, sql: "SELECT time_ms, celsius FROM temperature_reading ORDER BY time_ms DESC LIMIT ?", arguments: [limit])
                    .reversed().compactMap { row in
                        guard let time = Int64.fromDatabaseValue(row[0]), let celsius = Double.fromDatabaseValue(row[1]) else { return nil }
                        return TemperatureSample(time: Instant(milliseconds: time), celsius: celsius)
                    }
            }
        } catch {
            throw Self.classify(error, path: path)
        }
    }

    /// The newest `limit` completed hours, oldest first (damaged rows passed over).
    func temperatureHours(limit: Int) throws(StoreError) -> [TemperatureHour] {
        guard limit > 0 else { return [] }
        do {
            return try queue.read { db in
                try Row.fetchAll(
                    db, sql: "SELECT hour, minimum, average, maximum, readings FROM temperature_hour ORDER BY hour DESC LIMIT ?",
                    arguments: [limit]
                ).reversed().compactMap { row in
                    guard let hour = Int64.fromDatabaseValue(row[0]), abs(hour) < Int64.max / Self.hourMilliseconds,
                        let minimum = Double.fromDatabaseValue(row[1]), let average = Double.fromDatabaseValue(row[2]),
                        let maximum = Double.fromDatabaseValue(row[3]), let readings = Int.fromDatabaseValue(row[4])
                    else { return nil }
                    return TemperatureHour(
                        start: Instant(milliseconds: hour * Self.hourMilliseconds), minimum: minimum, average: average, maximum: maximum,
                        readings: readings)
                }
            }
        } catch {
            throw Self.classify(error, path: path)
        }
    }
}
