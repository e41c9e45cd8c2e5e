import SocketCore

/// What `smsocket log` asks of the history: which kinds, how many lines, and whether temperature comes as
/// every reading or by the hour.
public struct HistoryQuery: Sendable, Equatable {
    /// The entry kinds wanted.
    public var kinds: Set<HistoryEntry.Kind>
    /// Temperature wanted too: every reading, or with `hourly` the completed hours.
    public var temperature: Bool
    public var hourly: Bool
    /// The newest this many lines (1...``maxLimit``).
    public var limit: Int

    /// Every kind of entry, no temperature (a reading a minute would bury the rest): `smsocket log` alone.
    public static let entryKinds = Set(HistoryEntry.Kind.allCases)
    public static let defaultLimit = 20
    /// As many lines as the history can hold: two years of hours, or a week of readings and every entry.
    public static let maxLimit = 20_000
    /// The name `kinds` gives the temperature (`["sms","temperature"]`).
    public static let temperatureName = "temperature"

    public init(kinds: Set<HistoryEntry.Kind> = entryKinds, temperature: Bool = false, hourly: Bool = false, limit: Int = defaultLimit) {
        self.kinds = kinds
        self.temperature = temperature
        self.hourly = hourly
        self.limit = min(max(limit, 1), Self.maxLimit)
    }

    /// The query for kind names as the control socket and `--json` name them (`sms`, `command`, `call`,
    /// `relay`, `alarm`, `modem`, `temperature`); nil or empty: every entry kind. Returns the first
    /// unknown name instead when there is one.
    public static func kinds(named names: [String]?) -> Result<(Set<HistoryEntry.Kind>, Bool), UnknownKind> {
        guard let names, !names.isEmpty else { return .success((entryKinds, false)) }
        var kinds: Set<HistoryEntry.Kind> = []
        var temperature = false
        for name in names {
            if name == temperatureName {
                temperature = true
            } else if let kind = HistoryEntry.Kind(rawValue: name) {
                kinds.insert(kind)
            } else {
                return .failure(UnknownKind(name: name))
            }
        }
        return .success((kinds, temperature))
    }

    /// A kind name that is none of ``kindNames``.
    public struct UnknownKind: Error, CustomStringConvertible {
        public var name: String
        public var description: String {
            "no history kind \(String(name.prefix(40)).debugDescription) (known: \(HistoryQuery.kindNames.joined(separator: ", ")))"
        }
    }

    public static let kindNames = HistoryEntry.Kind.allCases.map(\.rawValue) + [temperatureName]

    /// The newest ``limit`` records the query selects from `store`, oldest first.
    public func records(in store: Store) throws(StoreError) -> [HistoryRecord] {
        var records = try store.historyEntries(kinds: kinds, limit: limit).map(HistoryRecord.event)
        if temperature {
            records += hourly ? try store.temperatureHours(limit: limit).map(HistoryRecord.hour) : try store.temperatureSamples(limit: limit).map(HistoryRecord.sample)
            // Stable: entries keep their order among themselves, and come before a reading of the same time.
            records = records.enumerated().sorted { a, b in
                a.element.time != b.element.time ? a.element.time < b.element.time : a.offset < b.offset
            }.map(\.element)
        }
        return Array(records.suffix(limit))
    }

    /// Whether a record written later (`--follow`) is one the query shows. Hours are not followed: one
    /// completes only once an hour, and the readings already show it.
    public func matches(_ record: HistoryRecord) -> Bool {
        switch record {
        case .event(let entry): kinds.contains(entry.kind)
        case .sample: temperature && !hourly
        case .hour: false
        }
    }
}
