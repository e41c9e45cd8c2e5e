import Foundation
import GRDB
import LuaRules

/// What the state database keeps for the Lua rules: each rule's `data`, and the runs in progress, so that after
/// a restart a rule's `start` handler learns which of its runs were cut short (rules-api.md).
extension Store {
    /// The stored `data` of `rule`; `.nil` when it has none.
    func ruleData(of rule: String) throws(StoreError) -> LuaValue {
        let text: String?
        do {
            text = try queue.read { db in try String.fetchOne(db, sql: "SELECT value FROM rule_data WHERE rule = ?", arguments: [rule]) }
        } catch {
            throw Self.classify(error, path: path)
        }
        guard let text else { return .nil }
        do {
            return try JSONDecoder().decode(StoredLuaValue.self, from: Data(text.utf8)).value
        } catch {
            throw StoreError(code: .invalidValue, path: path, detail: "table rule_data, row \(rule), column value: not a rule's data (\(error))")
        }
    }

    func saveRuleData(_ value: LuaValue, of rule: String) throws(StoreError) {
        let text: String
        do {
            text = String(decoding: try JSONEncoder().encode(StoredLuaValue(value)), as: UTF8.self)
        } catch {
            throw StoreError(code: .writeFailed, path: path, detail: "rule \(rule)'s data cannot be encoded: \(error)")
        }
        try write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO rule_data (rule, value) VALUES (?, ?)", arguments: [rule, text])
        }
    }

    func ruleRunStarted(rule: String, number: Int, trigger: String) throws(StoreError) {
        try write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO rule_run (rule, number, trigger) VALUES (?, ?, ?)", arguments: [rule, number, trigger])
        }
    }

    func ruleRunEnded(rule: String, number: Int) throws(StoreError) {
        try write { db in try db.execute(sql: "DELETE FROM rule_run WHERE rule = ? AND number = ?", arguments: [rule, number]) }
    }

    /// The triggers of the runs an earlier run of the program left in progress, by rule, in start order; the
    /// record is cleared.
    func takeInterruptedRuleRuns() throws(StoreError) -> [String: [String]] {
        var result: [String: [String]] = [:]
        try write { db in
            for row in try Row.fetchAll(db, sql: "SELECT rule, trigger FROM rule_run ORDER BY rowid") {
                if let rule = row["rule"] as String?, let trigger = row["trigger"] as String? { result[rule, default: []].append(trigger) }
            }
            try db.execute(sql: "DELETE FROM rule_run")
        }
        return result
    }
}

/// A rule's `data` as JSON: tables as lists of key/value pairs, since Lua keys need not be strings.
struct StoredLuaValue: Codable {
    let value: LuaValue

    init(_ value: LuaValue) { self.value = value }

    /// `f`: a number JSON cannot hold (`inf`, `-inf`, `nan`), such as `math.huge`.
    private enum Key: String, CodingKey { case b, i, n, f, s, t }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        if let b = try container.decodeIfPresent(Bool.self, forKey: .b) {
            value = .boolean(b)
        } else if let i = try container.decodeIfPresent(Int64.self, forKey: .i) {
            value = .integer(i)
        } else if let n = try container.decodeIfPresent(Double.self, forKey: .n) {
            value = .number(n)
        } else if let f = try container.decodeIfPresent(String.self, forKey: .f) {
            value = .number(f == "inf" ? .infinity : f == "-inf" ? -.infinity : .nan)
        } else if let s = try container.decodeIfPresent(String.self, forKey: .s) {
            value = .string(s)
        } else if let pairs = try container.decodeIfPresent([[StoredLuaValue]].self, forKey: .t) {
            var table: [LuaValue: LuaValue] = [:]
            for pair in pairs where pair.count == 2 && pair[0].value != .nil { table[pair[0].value] = pair[1].value }
            value = .table(table)
        } else {
            value = .nil
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        switch value {
        case .nil: break
        case .boolean(let b): try container.encode(b, forKey: .b)
        case .integer(let i): try container.encode(i, forKey: .i)
        case .number(let n) where n.isFinite: try container.encode(n, forKey: .n)
        case .number(let n): try container.encode(n.isNaN ? "nan" : n > 0 ? "inf" : "-inf", forKey: .f)
        case .string(let s): try container.encode(s, forKey: .s)
        case .table(let fields):
            try container.encode(fields.map { [StoredLuaValue($0.key), StoredLuaValue($0.value)] }, forKey: .t)
        }
    }
}
