import Foundation
import Simulated
import SocketCore

/// One line of `smsocket log`: an entry, a temperature reading or a completed hour of readings.
///
/// As JSON (`--json`, and the control socket's answer lines), one object each, keys in a fixed order:
/// `{"id":12,"time":"2026-01-05T08:00:00Z","kind":"relay","text":"main relay on (SMS from +358...)","failed":false}`,
/// `{"time":"...","kind":"temperature","celsius":21.5}`,
/// `{"time":"...","kind":"temperature-hour","minimum":20.5,"average":21.2,"maximum":22,"readings":60}`.
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

    /// The record as one line of JSON.
    public var json: String {
        // Fixed key order (JSONEncoder's is not), and numbers rounded to what a thermometer tells.
        func number(_ value: Double) -> String {
            guard value.isFinite else { return "null" }
            let rounded = (value * 100).rounded() / 100
            return rounded == rounded.rounded() && abs(rounded) < 1e15 ? String(Int64(rounded)) : String(rounded)
        }
        switch self {
        case .event(let entry):
            return #"{"id":\#(entry.id),"time":"\#(entry.time)","kind":"\#(entry.kind.rawValue)","text":\#(jsonStringLiteral(entry.text)),"failed":\#(entry.failed)}"#
        case .sample(let sample):
            return #"{"time":"\#(sample.time)","kind":"temperature","celsius":\#(number(sample.celsius))}"#
        case .hour(let hour):
            return #"{"time":"\#(hour.start)","kind":"temperature-hour","minimum":\#(number(hour.minimum)),"average":\#(number(hour.average)),"maximum":\#(number(hour.maximum)),"readings":\#(hour.readings)}"#
        }
    }
}
