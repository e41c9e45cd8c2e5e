import Foundation
import SocketCore

/// One line of `smsocket log`: an entry, a temperature reading or a completed hour of readings.
public enum HistoryRecord: Sendable, Equatable {
    case event(HistoryEntry)
    case sample(TemperatureSample)
    case hour(TemperatureHour)

    public var time: Instant {
        switch self {
        case .event(let entry): entry.time
        case .sample(let sample): sample.time
        case .hour(let hour): hour.start
        }
    }

    /// `2026-01-05T08:00:00Z relay main relay on (SMS from +3589123456789)`, for a person.
    public var line: String {
        switch self {
        case .event(let entry): "\(entry.time) \(entry.kind.rawValue) \(entry.text)"
        case .sample(let sample): "\(sample.time) temperature \(Self.degrees(sample.celsius))"
        case .hour(let hour):
            "\(hour.start) temperature-hour min \(Self.degrees(hour.minimum)), mean \(Self.degrees(hour.average)), max \(Self.degrees(hour.maximum)) (\(hour.readings) readings)"
        }
    }

    /// `21.5 °C`: one decimal, as much as a thermometer of the iSocket's kind can tell.
    static func degrees(_ celsius: Double) -> String { String(format: "%.1f °C", celsius) }
}

/// As the control socket sends it (keys sorted by ``ControlReply``), times in ISO 8601 UTC and temperatures
/// rounded to hundredths: `{"failed":false,"id":12,"kind":"relay","text":"main relay on (button)","time":"2026-01-05T08:00:00Z"}`,
/// `{"celsius":21.5,"kind":"temperature","time":"..."}`,
/// `{"average":21.25,"kind":"temperature-hour","maximum":22,"minimum":20.5,"readings":60,"time":"..."}`.
extension HistoryRecord: Codable {
    private enum Key: String, CodingKey { case id, time, kind, text, failed, celsius, minimum, average, maximum, readings }
    static let sampleKind = "temperature"
    static let hourKind = "temperature-hour"

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(time.description, forKey: .time)
        func degrees(_ value: Double, _ key: Key) throws {
            // What a thermometer tells; a value that is not a number (a hand-edited row) as null.
            if value.isFinite { try container.encode((value * 100).rounded() / 100, forKey: key) } else { try container.encodeNil(forKey: key) }
        }
        switch self {
        case .event(let entry):
            try container.encode(entry.id, forKey: .id)
            try container.encode(entry.kind.rawValue, forKey: .kind)
            try container.encode(entry.text, forKey: .text)
            try container.encode(entry.failed, forKey: .failed)
        case .sample(let sample):
            try container.encode(Self.sampleKind, forKey: .kind)
            try degrees(sample.celsius, .celsius)
        case .hour(let hour):
            try container.encode(Self.hourKind, forKey: .kind)
            try degrees(hour.minimum, .minimum)
            try degrees(hour.average, .average)
            try degrees(hour.maximum, .maximum)
            try container.encode(hour.readings, forKey: .readings)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        let text = try container.decode(String.self, forKey: .time)
        guard let time = ISO8601.parse(text) else {
            throw DecodingError.dataCorruptedError(forKey: .time, in: container, debugDescription: "not a time: \(text.prefix(40))")
        }
        func degrees(_ key: Key) throws -> Double { try container.decodeIfPresent(Double.self, forKey: key) ?? .nan }
        switch try container.decode(String.self, forKey: .kind) {
        case Self.sampleKind:
            self = .sample(TemperatureSample(time: time, celsius: try degrees(.celsius)))
        case Self.hourKind:
            self = .hour(
                TemperatureHour(
                    start: time, minimum: try degrees(.minimum), average: try degrees(.average), maximum: try degrees(.maximum),
                    readings: try container.decode(Int.self, forKey: .readings)))
        case let name:
            guard let kind = HistoryEntry.Kind(rawValue: name) else {
                throw DecodingError.dataCorruptedError(forKey: .kind, in: container, debugDescription: "no history kind \(name.prefix(40))")
            }
            self = .event(
                HistoryEntry(
                    id: try container.decode(Int64.self, forKey: .id), time: time, kind: kind, text: try container.decode(String.self, forKey: .text),
                    failed: try container.decode(Bool.self, forKey: .failed)))
        }
    }
}
