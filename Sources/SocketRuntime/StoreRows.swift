import GRDB

/// The check a ``Store`` makes of the rows the outbox and the handled-message keys keep, when it opens.
///
/// Those rows are read on the way from an SMS to its reply, by column position and without a check each
/// time (see ``Store/claimNextDueOutboxEntry(at:through:)``); a damaged row (text where a time belongs, a
/// time that overflows when a day is added) would stop the controller in the middle of its work. Checked
/// once here, it is reported at start with its table, row and column instead, like damage to the settings
/// (``StateRecord``).
enum StoreRows {
    /// The latest time a row may hold, in milliseconds since 1970: the end of year 9999, the last instant
    /// `smsocket simulate --start` takes. Far from overflowing when the retention days are added.
    static let latestMilliseconds: Int64 = 253_402_300_799_999

    /// A column and what its every row must satisfy, in SQL and in words.
    private struct Rule {
        var table: String
        var key: String
        var column: String
        var condition: String
        var expected: String
    }

    private static let timeWords = "a time in milliseconds since 1970, 0...\(latestMilliseconds)"

    private static let rules: [Rule] = [
        Rule(table: "outbox", key: "id", column: "recipient", condition: "typeof(recipient) = 'text'", expected: "text"),
        Rule(
            table: "outbox", key: "id", column: "text", condition: "typeof(text) IN ('text', 'blob')",
            expected: "text (or UTF-8 bytes)"),
        Rule(
            table: "outbox", key: "id", column: "state",
            condition: "state IN ('pending', 'sending', 'unknown', 'given-up', 'withdrawn')",
            expected: "pending, sending, unknown, given-up or withdrawn"),
        Rule(table: "outbox", key: "id", column: "created_ms", condition: timeCondition("created_ms"), expected: timeWords),
        Rule(
            table: "outbox", key: "id", column: "next_attempt_ms", condition: timeCondition("next_attempt_ms"),
            expected: timeWords),
        Rule(
            table: "outbox", key: "id", column: "attempts",
            condition: "typeof(attempts) = 'integer' AND attempts BETWEEN 0 AND 2147483647",
            expected: "a whole number in 0...2147483647"),
        // A concatenated SMS has at most 255 parts (3GPP TS 23.040 §9.2.3.24.1).
        Rule(
            table: "outbox", key: "id", column: "parts_sent",
            condition: "typeof(parts_sent) = 'integer' AND parts_sent BETWEEN 0 AND 255", expected: "a whole number in 0...255"),
        Rule(table: "handled_message", key: "key", column: "key", condition: "typeof(key) = 'text'", expected: "text"),
        Rule(
            table: "handled_message", key: "key", column: "handled_ms", condition: timeCondition("handled_ms"),
            expected: timeWords),
    ]

    private static func timeCondition(_ column: String) -> String {
        "typeof(\(column)) = 'integer' AND \(column) BETWEEN 0 AND \(latestMilliseconds)"
    }

    /// Throws ``StateRecord/RecordError`` for the first row that breaks a rule.
    static func check(_ db: Database) throws {
        for rule in rules {
            let sql = "SELECT \(rule.key), \(rule.column) FROM \(rule.table) WHERE (\(rule.condition)) IS NOT 1 LIMIT 1"
            guard let row = try Row.fetchOne(db, sql: sql) else { continue }
            let key = StateRecord.Cell(row, 0, table: rule.table, row: nil, column: rule.key).display
            let cell = StateRecord.Cell(row, 1, table: rule.table, row: "\(rule.key) \(key)", column: rule.column)
            throw cell.invalid(expected: rule.expected)
        }
    }
}
