import Testing

@testable import SocketCore

/// The sender of spec §6 (S0).
let owner = "+3589123456789"
/// A second, unrelated phone.
let stranger = "+3580000000001"
let testIdentity = DeviceIdentity(serialNumber: "12345678987654321")
/// The S0 clock command (13/05/21,14:03:10+12 is yy/mm/dd: 2013-05-21).
let s0Date = "DATE=13/05/21,14:03:10+12"

/// A fake shell around the pure core: a virtual timer table, a fake thermometer, fake relays and a log of
/// every effect. Time only moves when a test says so; due timers fire in order, each at its own instant.
struct TestShell {
    private(set) var core: SocketCore
    private(set) var now: Instant
    /// Pending timers: due instant and a sequence number (ties fire in scheduling order).
    private(set) var timers: [TimerID: (at: Instant, seq: Int)] = [:]
    private var sequence = 0
    /// Every effect the core produced, with the instant it was produced at.
    private(set) var log: [(at: Instant, effect: Effect)] = []
    /// What the thermometer answers to `.readTemperature` (raw, before TEMPCAL).
    var reading: TemperatureReading = .celsius(30)
    /// The relays as the hardware sees them.
    private(set) var relays: [Relay: Bool] = [.main: false, .micro: false]
    private(set) var poweredUpAt: Instant
    /// How many `.readTemperature` effects were answered.
    private(set) var readings = 0

    /// 2026-01-05T00:00:00Z, a Monday.
    static let epoch = Instant(seconds: 1_767_571_200)

    init(
        model: Model = .gsm706, persistent: PersistentState = PersistentState(), at start: Instant = TestShell.epoch,
        signal: Int? = -67, powerUp: Bool = true, zone: ZoneRules? = nil
    ) {
        core = SocketCore(model: model, identity: testIdentity, persistent: persistent, zone: zone)
        now = start
        poweredUpAt = start
        if powerUp {
            handle(.powerUp)
            handle(.signal(dBm: signal))
        }
    }

    /// Prior state S0 of spec §6 for `model`: powered up 5 minutes ago, signal −67 dBm, clock set to
    /// 13/05/21,14:03:10+12 (full models only: Light has no clock).
    /// `setup` (SMS from the owner) follows, and the log is cleared after it too.
    static func s0(_ model: Model = .gsm706, then setup: [String] = []) -> TestShell {
        var shell = TestShell(model: model)
        shell.advance(minutes: 5)
        if !model.isLight { shell.sms(s0Date) }
        for text in setup { shell.sms(text) }
        shell.clearLog()
        return shell
    }

    var model: Model { core.model }
    var persistent: PersistentState { core.persistent }
    var mainOn: Bool { relays[.main] ?? false }
    var microOn: Bool { relays[.micro] ?? false }
    func due(_ id: TimerID) -> Instant? { timers[id]?.at }

    mutating func clearLog() { log.removeAll() }

    /// Hands one event to the core at the current instant, carries out the effects (timers, relays,
    /// thermometer) and returns everything produced, including effects of fed-back readings.
    @discardableResult
    mutating func handle(_ event: Event) -> [Effect] {
        var produced: [Effect] = []
        var queue = [event]
        while !queue.isEmpty {
            let next = queue.removeFirst()
            if next == .powerUp || next == .mains(present: true) { poweredUpAt = now }
            let effects = core.handle(next, at: now)
            for effect in effects {
                switch effect {
                case .schedule(let id, let at):
                    sequence += 1
                    timers[id] = (at, sequence)
                case .cancelTimer(let id):
                    timers[id] = nil
                case .readTemperature:
                    readings += 1
                    queue.append(.temperature(reading))
                case .setRelay(let relay, let on):
                    relays[relay] = on
                case .powerDown:
                    timers.removeAll()
                default:
                    break
                }
                log.append((now, effect))
            }
            produced += effects
        }
        return produced
    }

    /// An SMS from `sender` (default: the owner of S0).
    @discardableResult
    mutating func sms(_ text: String, from sender: String? = owner, timestamp: NetworkTimestamp? = nil) -> [Effect] {
        handle(.sms(IncomingSMS(sender: sender, text: text, timestamp: timestamp)))
    }

    /// Sends an SMS and returns the one reply to its sender, or nil. Records an issue if the sender got
    /// more than one SMS.
    mutating func reply(
        to text: String, from sender: String? = owner, timestamp: NetworkTimestamp? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> String? {
        let effects = sms(text, from: sender, timestamp: timestamp)
        let texts = Self.texts(effects, to: sender ?? "")
        #expect(texts.count <= 1, "more than one reply to \(text): \(texts)", sourceLocation: sourceLocation)
        return texts.first
    }

    /// Advances the virtual clock, firing every timer due up to and including the target instant in order.
    mutating func advance(to target: Instant) {
        while let (id, entry) = timers.filter({ $0.value.at <= target })
            .min(by: { ($0.value.at, $0.value.seq) < ($1.value.at, $1.value.seq) })
        {
            now = max(now, entry.at)
            timers[id] = nil
            handle(.timer(id))
        }
        now = max(now, target)
    }

    mutating func advance(seconds: Int64) { advance(to: now.adding(seconds: seconds)) }
    mutating func advance(minutes: Int64) { advance(to: now.adding(minutes: minutes)) }
    mutating func advance(milliseconds: Int64) { advance(to: now.adding(milliseconds: milliseconds)) }

    /// Every effect produced since `instant` (inclusive).
    func effects(since instant: Instant) -> [Effect] { log.filter { $0.at >= instant }.map(\.effect) }
    var allEffects: [Effect] { log.map(\.effect) }

    /// Texts of the SMS in `effects` addressed to `number`.
    static func texts(_ effects: [Effect], to number: String) -> [String] {
        effects.compactMap {
            if case .sendSMS(let to, let text) = $0, to == number { return text }
            return nil
        }
    }

    /// Every SMS in `effects`, as (to, text).
    static func messages(_ effects: [Effect]) -> [SentSMS] {
        effects.compactMap {
            if case .sendSMS(let to, let text) = $0 { return SentSMS(to: to, text: text) }
            return nil
        }
    }

    /// The SMS sent to `number` since the log was last cleared.
    func texts(to number: String) -> [String] { Self.texts(allEffects, to: number) }
    var sentMessages: [SentSMS] { Self.messages(allEffects) }
}

struct SentSMS: Equatable, CustomStringConvertible {
    var to: String
    var text: String
    var description: String { "\(to): \(text)" }
}

