import SocketCore

/// One line of the history (issue 10 item 3): something the device did, or that happened to it, as it
/// happened (written after the effect succeeded; a relay that did not switch is a failure, not a change).
///
/// The text is the activity log's line for it (``ActivityLog``), so it never holds a password: commands as
/// ``Verdict/command`` shows them, SMS texts through ``Redaction``. At most ``maxTextLength`` characters.
public struct HistoryEntry: Sendable, Equatable {
    public enum Kind: String, CaseIterable, Sendable {
        /// An SMS received (the command masked, what became of it) or sent (its text masked, once the modem
        /// took it; a message given up or in doubt is a failure).
        case sms
        /// A command from the local console or a rule (`smsocket send`, `run(...)`).
        case command
        /// An incoming call and what the device did with it; a call it placed, and how that call ended.
        case call
        /// A relay switched, with its cause; a failure when the switching failed.
        case relay
        /// The alarm triggered, or was armed or disarmed (and by what).
        case alarm
        /// The modem came online or went offline; it registered on the network or lost it.
        case modem
    }

    /// The row's id, increasing with every entry written (0 before it is written).
    public var id: Int64
    public var time: Instant
    public var kind: Kind
    public var text: String
    /// Whether it records a failure: a relay that did not switch, an SMS given up or in doubt.
    public var failed: Bool

    public init(id: Int64 = 0, time: Instant, kind: Kind, text: String, failed: Bool = false) {
        self.id = id
        self.time = time
        self.kind = kind
        self.text = text.count > Self.maxTextLength ? String(text.prefix(Self.maxTextLength - 1)) + "…" : text
        self.failed = failed
    }

    /// The longest text kept: a command line or a STATUS reply fits whole; a rule's long SMS is cut (the
    /// bound keeps the history's size bounded: ``History/Retention``; the activity log has it whole).
    public static let maxTextLength = 200
}

/// A thermometer reading as the history keeps it: the calibrated temperature (raw − TEMPCAL, §4.5) in
/// degrees Celsius, with the reading's decimals (STATUS rounds it to whole degrees).
public struct TemperatureSample: Sendable, Equatable {
    public var time: Instant
    public var celsius: Double

    public init(time: Instant, celsius: Double) {
        self.time = time
        self.celsius = celsius
    }
}

/// One completed hour of readings: its lowest, mean and highest temperature (calibrated, °C) and how many
/// readings it had. `start` is the hour's first instant (UTC).
public struct TemperatureHour: Sendable, Equatable {
    public var start: Instant
    public var minimum: Double
    public var average: Double
    public var maximum: Double
    public var readings: Int

    public init(start: Instant, minimum: Double, average: Double, maximum: Double, readings: Int) {
        self.start = start
        self.minimum = minimum
        self.average = average
        self.maximum = maximum
        self.readings = readings
    }
}
