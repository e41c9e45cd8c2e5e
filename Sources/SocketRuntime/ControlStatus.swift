import SocketCore

/// The answer to `status` on the control socket (README "Local control"), one JSON object with snake_case
/// keys; a value that is not known (no thermometer reading, no micro-relay, no rules folder) is left out.
public struct ControlStatus: Codable, Equatable, Sendable {
    /// The program's version (``SocketCore/version``).
    public var version: String
    /// `706`, `707`, `706L` or `707L`.
    public var model: String
    /// Seconds since the controller started.
    public var uptimeSeconds: Int64
    public var relays: Relays
    /// Calibrated whole degrees Celsius, as STATUS gives them.
    public var temperature: Int?
    public var alarm: Alarm
    public var modem: Modem
    /// False while the mains is lost (707: on battery).
    public var mainsPresent: Bool
    public var outbox: OutboxCounts
    /// Nil without a rules folder.
    public var rules: RulesReport?
    /// Parts out of service, as STATUS's `Fault:` line names them.
    public var faults: [String]

    public struct Relays: Codable, Equatable, Sendable {
        public var main: Bool
        /// Nil on a board without a micro-relay.
        public var micro: Bool?
    }

    public struct Alarm: Codable, Equatable, Sendable {
        public var armed: Bool
        /// `disarmed`, `ready`, `cycle` (notifying) or `lockout` (spec §4.10).
        public var phase: String
        /// The alarm went off: the notification cycle or the lockout after it.
        public var triggered: Bool
        /// The input was active since the alarm was armed (STATUS's `Activity detected`).
        public var activity: Bool
        public var sensorActive: Bool

        enum CodingKeys: String, CodingKey {
            case armed, phase, triggered, activity
            case sensorActive = "sensor_active"
        }
    }

    public struct Modem: Codable, Equatable, Sendable {
        public var online: Bool
        /// Received signal strength in dBm; nil when not registered or offline.
        public var signalDbm: Int?
        /// `Excellent`, `Good`, `Fair`, `Poor` (STATUS's words), `no network` or `modem offline`.
        public var signal: String
        /// `home`, `roaming`, `searching`, `denied`, `not-registered`, `unknown`; nil when the modem has not said.
        public var registration: String?
        public var operatorName: String?
        /// Offline until a person acts, and why (`the SIM asks for its PUK …`); nil when online or being recovered.
        public var waitingForAPerson: String?

        enum CodingKeys: String, CodingKey {
            case online, signal, registration
            case signalDbm = "signal_dbm"
            case operatorName = "operator"
            case waitingForAPerson = "waiting_for_a_person"
        }
    }

    public struct OutboxCounts: Codable, Equatable, Sendable {
        /// Waiting to be sent (or being sent).
        public var pending: Int
        /// Given up after a day of refusals, or perhaps sent and never sent again (kept 30 days).
        public var failed: Int
    }

    enum CodingKeys: String, CodingKey {
        case version, model, relays, temperature, alarm, modem, outbox, rules, faults
        case uptimeSeconds = "uptime_seconds"
        case mainsPresent = "mains_present"
    }

    /// The status for a person, one fact a line.
    public var lines: [String] {
        var lines = ["SMSocket \(version), model \(model), up \(Self.duration(uptimeSeconds))"]
        lines.append("main socket: \(relays.main ? "on" : "off")")
        if let micro = relays.micro { lines.append("micro-relay: \(micro ? "on" : "off")") }
        lines.append("temperature: " + (temperature.map { "\($0) °C" } ?? "no reading"))
        var alarmLine = "alarm: \(alarm.armed ? "armed" : "disarmed")"
        if alarm.triggered { alarmLine += ", triggered (\(alarm.phase))" }
        alarmLine += alarm.activity ? ", activity detected" : ", no activity"
        alarmLine += alarm.sensorActive ? "; the sensor is active now" : ""
        lines.append(alarmLine)
        var modemLine = "modem: "
        if !modem.online {
            modemLine += modem.waitingForAPerson.map { "offline until a person acts: \($0)" } ?? "offline (being recovered)"
        } else {
            modemLine += "signal " + (modem.signalDbm.map { "\(modem.signal) (\($0) dBm)" } ?? modem.signal)
        }
        if let registration = modem.registration { modemLine += ", registration \(registration)" }
        if let name = modem.operatorName { modemLine += ", operator \(name)" }
        lines.append(modemLine)
        if !mainsPresent { lines.append("mains: lost") }
        lines.append("outbox: \(outbox.pending) pending, \(outbox.failed) failed")
        if let rules { lines += rules.lines }
        lines.append("faults: " + (faults.isEmpty ? "none" : faults.joined(separator: ", ")))
        return lines
    }

    /// `3 d 4 h`, `2 h 5 min`, `42 s`: the two largest units.
    static func duration(_ seconds: Int64) -> String {
        let (days, hours, minutes) = (seconds / 86_400, seconds / 3600 % 24, seconds / 60 % 60)
        if days > 0 { return "\(days) d \(hours) h" }
        if hours > 0 { return "\(hours) h \(minutes) min" }
        if minutes > 0 { return "\(minutes) min \(seconds % 60) s" }
        return "\(seconds) s"
    }
}

/// The Lua rules loaded, and each one's latest failure since they were loaded (`status`, `reload`).
public struct RulesReport: Codable, Equatable, Sendable {
    /// Rule names (file names without `.lua`), in name order.
    public var loaded: [String]
    public var failing: [Failure]
    /// Why the rules folder could not be read at the last load (`the rules folder /etc/smsocket/rules does not
    /// exist`), so no rule is loaded; nil (left out of the JSON) when it could.
    public var problem: String?

    public struct Failure: Codable, Equatable, Sendable {
        public var rule: String
        public var error: String
        /// When, ISO 8601 UTC.
        public var at: String

        public init(rule: String, error: String, at: Instant) {
            self.rule = rule
            self.error = error
            self.at = at.description
        }
    }

    /// For a person: the loaded rules, then each failure, then what kept the folder from being read.
    public var lines: [String] {
        var lines = ["rules: \(loaded.count) loaded" + (loaded.isEmpty ? "" : " (\(loaded.joined(separator: ", ")))")]
        for failure in failing { lines.append("rule \(failure.rule) failed at \(failure.at): \(failure.error)") }
        if let problem { lines.append(problem) }
        return lines
    }
}
