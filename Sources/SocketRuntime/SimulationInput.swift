import Simulated
import SocketCore

/// One line of the `smsocket simulate` protocol (see spec/simulate.md and the README).
public enum SimulationInput: Equatable, Sendable {
    case sms(from: String?, text: String)
    case call(from: String?)
    case pickup(number: String, SimulatedPhoneNetwork.Pickup)
    case wait(seconds: Int64)
    case temperature(TemperatureReading)
    case sensor(closed: Bool)
    case buttonPress
    case buttonHold(milliseconds: Int64)
    case mains(present: Bool)
    /// A power cycle lasting `offSeconds` (0: at once). Negative: the controller's clock went back that far
    /// while it was off (a board whose clock was set back).
    case restart(offSeconds: Int64)
    case ussdReply(String)
    /// `signal -67` / `signal none`: an extension for trying STATUS and the GSM LED.
    case signal(dBm: Int?)
    /// `relay main fail` / `relay micro work`: an extension; from now on that relay's switching fails (its
    /// contact stays put) or works again.
    case relayFailing(Relay, Bool)
    /// `reload`: the rules are loaded again (rules-api.md), as SIGHUP does.
    case reload
    case help
    /// A blank line or a `#` comment.
    case nothing

    /// Parses one input line; the error text says what was expected.
    public static func parse(_ line: String) throws(SimulationInputError) -> SimulationInput {
        let trimmed = line.drop(while: { $0 == " " || $0 == "\t" })
        if trimmed.isEmpty || trimmed.hasPrefix("#") { return .nothing }
        let (word, rest) = split(trimmed)
        switch word {
        case "sms":
            let (from, text) = split(rest)
            guard !from.isEmpty else { throw .init("usage: sms FROM TEXT") }
            return .sms(from: from == "hidden" ? nil : String(from), text: String(text))
        case "call":
            let (from, extra) = split(rest)
            guard !from.isEmpty, extra.isEmpty else { throw .init("usage: call FROM (or call hidden)") }
            return .call(from: from == "hidden" ? nil : String(from))
        case "pickup":
            let (number, mode) = split(rest)
            guard !number.isEmpty, let pickup = SimulatedPhoneNetwork.Pickup(rawValue: String(mode)) else {
                throw .init("usage: pickup NUMBER answer|reject|ignore")
            }
            return .pickup(number: String(number), pickup)
        case "wait":
            guard let seconds = duration(rest) else { throw .init("usage: wait DURATION, e.g. 45s, 5m, 2h, 1d, 1h30m") }
            return .wait(seconds: seconds)
        case "temp":
            if rest == "none" { return .temperature(.missing) }
            if rest == "faulty" { return .temperature(.faulty) }
            guard let celsius = Double(rest), celsius.isFinite, abs(celsius) < 1000 else {
                throw .init("usage: temp CELSIUS (e.g. temp 21.5), temp none or temp faulty")
            }
            return .temperature(.celsius(celsius))
        case "sensor":
            guard rest == "on" || rest == "off" else { throw .init("usage: sensor on|off") }
            return .sensor(closed: rest == "on")
        case "button":
            let (action, value) = split(rest)
            if action == "press", value.isEmpty { return .buttonPress }
            if action == "hold", let seconds = Double(value), seconds >= 0, seconds < 3600 {
                return .buttonHold(milliseconds: Int64((seconds * 1000).rounded()))
            }
            throw .init("usage: button press | button hold SECONDS")
        case "mains":
            guard rest == "on" || rest == "off" else { throw .init("usage: mains on|off") }
            return .mains(present: rest == "on")
        case "restart":
            if rest.isEmpty { return .restart(offSeconds: 0) }
            let back = rest.hasPrefix("-")
            guard let seconds = duration(back ? rest.dropFirst() : rest) else {
                throw .init("usage: restart, restart DURATION (off that long) or restart -DURATION (the clock went back)")
            }
            return .restart(offSeconds: back ? -seconds : seconds)
        case "ussd-reply":
            return .ussdReply(String(rest))
        case "reload":
            guard rest.isEmpty else { throw .init("usage: reload") }
            return .reload
        case "signal":
            if rest == "none" { return .signal(dBm: nil) }
            guard let dBm = Int(rest), (-150...0).contains(dBm) else { throw .init("usage: signal DBM (e.g. signal -67) or signal none") }
            return .signal(dBm: dBm)
        case "relay":
            let (name, mode) = split(rest)
            guard let relay = Relay(rawValue: String(name)), mode == "fail" || mode == "work" else {
                throw .init("usage: relay main|micro fail|work")
            }
            return .relayFailing(relay, mode == "fail")
        case "help":
            return .help
        default:
            throw .init("unknown input '\(word)'; type help for the list")
        }
    }

    /// The longest duration a line may give: 100,000 days, so that any sum of units stays far from overflow
    /// on the clock's millisecond time line.
    static let longestDuration: Int64 = 100_000 * 86_400

    /// `45s`, `5m`, `2h`, `1d`, `1h30m`: whole numbers with units, largest first or in any order, at most
    /// ``longestDuration`` in all.
    static func duration(_ text: Substring) -> Int64? {
        var total: Int64 = 0
        var number: Int64?
        var units = 0
        for character in text {
            if let digit = character.wholeNumberValue, character.isASCII {
                number = (number ?? 0) * 10 + Int64(digit)
                guard number! < 100_000_000 else { return nil }
                continue
            }
            let scale: Int64
            switch character {
            case "s": scale = 1
            case "m": scale = 60
            case "h": scale = 3600
            case "d": scale = 86_400
            default: return nil
            }
            guard let n = number else { return nil }
            total += n * scale
            guard total <= longestDuration else { return nil }
            number = nil
            units += 1
        }
        guard number == nil, units > 0 else { return nil }
        return total
    }

    private static func split(_ text: Substring) -> (Substring, Substring) {
        guard let space = text.firstIndex(of: " ") else { return (text, "") }
        return (text[..<space], text[text.index(after: space)...])
    }

    /// What `help` prints.
    public static let helpText = """
        sms FROM TEXT              an SMS arrives (FROM like +3589123456789, or hidden)
        call FROM                  an incoming call (call hidden = no caller ID)
        pickup NUMBER MODE         how NUMBER reacts to the controller's calls: answer, reject, ignore
        wait DURATION              advance the virtual clock: 45s, 5m, 2h, 1d, 1h30m
        temp CELSIUS               the thermometer's raw reading (temp none = sensor missing)
        sensor on|off              the alarm contact closed / open
        button press               a short press of the hidden button
        button hold SECONDS        hold the button, then release
        mains off|on               external power lost / restored
        restart [DURATION]         a power cycle from the persisted state, off for DURATION
        restart -DURATION          a power cycle in which the clock went back DURATION
        ussd-reply TEXT            the network's answer to the next USSD request
        reload                     load the rules again (--rules)
        signal DBM|none            the GSM signal the modem reports
        relay main|micro fail|work that relay's switching fails from now on / works again
        Try: sms +3589123456789 STATUS
        """
}

/// A malformed simulator input line.
public struct SimulationInputError: Error, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

extension SimulatedWorld {
    /// Applies a line that only changes the simulated world, at the time `now` stands for. Returns false for
    /// the lines its caller handles, because they take time or restart the controller (`wait`,
    /// `button hold`, `restart`) or print (`help`). An SMS's time stamp is UTC, or with `zone` local time in
    /// it and its offset, as a network in that zone stamps it.
    func apply(_ input: SimulationInput, at now: Instant, zone: ZoneRules? = nil) -> Bool {
        switch input {
        case .sms(let from, let text):
            let offset = zone?.offset(at: now.seconds) ?? 0
            let stamp = NetworkTimestamp(local: CivilTime(epochSeconds: now.seconds + Int64(offset)), zoneQuarterHours: offset / 900)
            network.deliver(IncomingSMS(sender: from, text: text, timestamp: stamp))
        case .call(let from): network.call(from: from)
        case .pickup(let number, let pickup): network.setPickup(pickup, for: number)
        case .temperature(let reading): thermometer.set(reading)
        case .sensor(let closed): sensor.set(closed)
        case .buttonPress:
            button.set(true)
            button.set(false)
        case .mains(let present): mains.set(present)
        case .ussdReply(let text): network.setNextUSSDReply(text)
        case .signal(let dBm): network.setSignal(dBm)
        case .relayFailing(.main, let failing): mainRelay.setFailing(failing)
        case .relayFailing(.micro, let failing): microRelay.setFailing(failing)
        case .nothing: break
        case .wait, .buttonHold, .restart, .help, .reload: return false
        }
        return true
    }
}
