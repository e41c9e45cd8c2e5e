import SocketCore

/// Fuzz target `sms-command`: bytes → text → ``CommandParser`` and the whole ``SocketCore/handle(_:at:)``,
/// with a device state that the input builds too.
///
/// The input is records separated by the byte 0xFE (which UTF-8 never uses):
/// 1. settings: its first byte a bit each (model: 2 bits, SECLIST, SMSCONFIRM, ERROR, SMSCONFIRMUNAUTH,
///    ALARMON, clock set); the next seven, the network time stamp of SMS that carry one (``timestamp(_:)``);
/// 2. the access password (kept only when PASSWORD= would accept it);
/// 3. SECNUMBERs, comma-separated (each kept only when SECNUMBER+ would accept it);
/// 4. ALERTNUMBERs, likewise;
/// 5. and on: one event each. Its first byte: bits 0–2 the sender (a listed number, a stranger, hidden,
///    alphanumeric, a short code, ...), bits 3–5 the kind (SMS four times in eight, two of them with the time
///    stamp; a local command, the network's USSD answer, a call, the alarm contact), bits 6–7 how long before it (none, 10 s, 61 s, 31
///    minutes: past the configuration window); the rest is the text, UTF-8 (invalid bytes become U+FFFD).
///
/// Invariants, for each SMS (spec §2.7, §2.11, §2.16): at most one SMS back to its sender and none to a sender
/// the device never answers; SMS to nobody but the sender and the ALERTNUMBERs; no console reply; every SMS
/// text non-empty and within two concatenated parts (``fitsTwoParts(_:)``); the persisted lists within their
/// capacities and holding only what their commands accept.
enum SMSCommandFuzz {
    /// The sender of an event by the low 3 bits of its first byte; 0 and 1 (nil here) are the first SECNUMBER
    /// and the first ALERTNUMBER (the owner when the list is empty), 3 a hidden number.
    static let senders: [String?] = [nil, nil, "+3580000000001", nil, "Telekom", "12345", "0401234567", "+"]
    static let owner = "+3589123456789"
    /// 2026-01-05T00:00:00Z, a Monday.
    static let start = Instant(seconds: 1_767_571_200)
    static let delays: [Int64] = [0, 10, 61, 31 * 60]

    static func run(_ input: [UInt8]) -> [String] {
        var records = input.split(separator: 0xFE, omittingEmptySubsequences: false).makeIterator()
        let settings = Array(records.next() ?? [])
        let password = text(records.next() ?? [])
        let secNumbers = list(records.next() ?? [])
        let alertNumbers = list(records.next() ?? [])
        func bit(_ n: Int) -> Bool { settings.count > n / 8 && settings[n / 8] & (1 << (n % 8)) != 0 }

        var persistent = PersistentState()
        if CommandParser.isCredential(password, length: 5) { persistent.password = password }
        persistent.secNumbers = secNumbers
        persistent.alertNumbers = alertNumbers
        persistent.secListActive = bit(2)
        persistent.smsConfirm = bit(3)
        persistent.errorReplies = !bit(4)
        persistent.smsConfirmUnauthorised = bit(5)
        persistent.alarmArmed = bit(6)
        if bit(7) { persistent.clock = DeviceClock(offsetSeconds: 0, zone: "+00") }
        let model = Model.allCases[(settings.first.map(Int.init) ?? 0) & 3]
        let stamp = timestamp(settings.dropFirst())
        var device = Device(core: SocketCore(model: model, identity: DeviceIdentity(serialNumber: "1"), persistent: persistent))
        device.handle(.powerUp)
        device.handle(.signal(dBm: -67))

        var problems: [String] = []
        while let record = records.next(), problems.isEmpty {
            let head = record.first.map(Int.init) ?? 0
            let body = text(record.dropFirst())
            device.advance(seconds: delays[head >> 6])
            let senderIndex = head & 7
            let sender: String? =
                switch senderIndex {
                case 0: device.core.persistent.secNumbers.first.map(SocketCore.dialString) ?? owner
                case 1: device.core.persistent.alertNumbers.first.map(SocketCore.dialString) ?? owner
                case 3: nil
                default: senders[senderIndex]
                }
            let kind = (head >> 3) & 7
            switch kind {
            case 4:
                _ = CommandParser.parse(body)
                problems += Self.check(device.handle(.localCommand(body)), local: true, from: nil, device.core, before: [])
            case 5: device.handle(.ussdReply(body.isEmpty ? nil : body))
            case 6: device.handle(.incomingCall(from: sender))
            case 7: device.handle(.sensor(closed: !body.isEmpty))
            default:
                _ = CommandParser.parse(body)
                let alertsBefore = device.core.persistent.alertNumbers
                let effects = device.handle(.sms(IncomingSMS(sender: sender, text: body, timestamp: kind >= 2 ? stamp : nil)))
                problems += Self.check(effects, local: false, from: sender, device.core, before: alertsBefore)
                    .map { "SMS \(body.debugDescription) from \(sender ?? "hidden"): \($0)" }
            }
        }
        return problems + device.uncommitted
    }

    static func text(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }

    /// A time stamp as the PDU decoder hands them over (TS 23.040 §9.2.3.11): a valid date of 1970–2069, a
    /// zone of −48…+56 quarter-hours or none, from a byte each for year, month, day, hour, minute, second and
    /// zone (missing bytes read as 0).
    static func timestamp(_ bytes: ArraySlice<UInt8>) -> NetworkTimestamp {
        let b = (0..<7).map { bytes.dropFirst($0).first.map(Int.init) ?? 0 }
        let (year, month) = (1970 + b[0] % 100, 1 + b[1] % 12)
        let day = 1 + b[2] % CivilTime.daysInMonth(year: year, month: month)
        let time = CivilTime(year: year, month: month, day: day, hour: b[3] % 24, minute: b[4] % 60, second: b[5] % 60)
        return NetworkTimestamp(local: time, zoneQuarterHours: b[6] <= 104 ? b[6] - 48 : nil)
    }

    /// The numbers of a comma-separated record that a list command would store, at most a list's capacity.
    static func list(_ bytes: ArraySlice<UInt8>) -> [String] {
        bytes.split(separator: UInt8(ascii: ","))
            .map { text($0) }
            .filter(CommandParser.isListNumber)
            .prefix(PersistentState.numberListCapacity)
            .map { $0 }
    }

    /// Whether `text` goes out in at most two concatenated parts: 2 × 153 septets in GSM 7-bit, else 2 × 67
    /// UTF-16 units. The longest replies are lists (ten alarm-log lines, ten numbers, eight SCHEDULER rules),
    /// longer than one SMS; an echo of the command (at most 30 characters, §2.4) that holds a character
    /// outside the GSM alphabet turns its reply into UCS2 of up to 30 + 46 units.
    static func fitsTwoParts(_ text: String) -> Bool {
        if let septets = GSMAlphabet.septetCount(text) { return septets <= 2 * 153 }
        return text.utf16.count <= 2 * 67
    }

    /// The invariants over what one incoming message produced.
    static func check(_ effects: [Effect], local: Bool, from sender: String?, _ core: SocketCore, before: [String]) -> [String] {
        var problems: [String] = []
        let alerts = Set((before + core.persistent.alertNumbers).map(SocketCore.dialString))
        var toSender = 0
        for effect in effects {
            switch effect {
            case .sendSMS(let to, let text):
                if text.isEmpty { problems.append("an empty SMS to \(to)") }
                if !fitsTwoParts(text) { problems.append("an SMS longer than two parts: \(text.debugDescription)") }
                if to == sender, !alerts.contains(to) {
                    toSender += 1
                } else if !alerts.contains(to) {
                    problems.append("an SMS to \(to), neither the sender nor an ALERTNUMBER")
                }
            case .reply(let text):
                if !local { problems.append("a console reply \(text.debugDescription) to an SMS") }
            default:
                break
            }
        }
        if toSender > 1 { problems.append("\(toSender) SMS back to the sender") }
        if toSender > 0, !SocketCore.answers(sender) { problems.append("an answer to a sender never answered") }
        let state = core.persistent
        if let password = state.password, !CommandParser.isCredential(password, length: 5) {
            problems.append("a stored password PASSWORD= refuses: \(password.debugDescription)")
        }
        for (name, numbers) in [("SECNUMBER", state.secNumbers), ("ALERTNUMBER", state.alertNumbers)] {
            if numbers.count > PersistentState.numberListCapacity { problems.append("\(numbers.count) \(name)s") }
            if let bad = numbers.first(where: { !CommandParser.isListNumber($0) }) { problems.append("\(name) \(bad.debugDescription)") }
        }
        if state.schedule.count > PersistentState.scheduleCapacity { problems.append("\(state.schedule.count) SCHEDULER rules") }
        if state.alarmLog.count > PersistentState.alarmLogCapacity { problems.append("\(state.alarmLog.count) alarm log entries") }
        return problems
    }

    /// The core with the shell's part a command needs: a timer table (due timers fire in order) and a
    /// thermometer that reads 21 °C. It notes every event after which the persisted state changed while
    /// ``SocketCore/persistentRevision`` did not: a change the shell would never commit.
    struct Device {
        var core: SocketCore
        var now = SMSCommandFuzz.start
        /// Pending timers: due instant and scheduling order.
        var timers: [TimerID: (at: Instant, order: Int)] = [:]
        var scheduled = 0
        var uncommitted: [String] = []

        /// Hands `event` to the core now and carries out the effects; returns every effect produced.
        @discardableResult
        mutating func handle(_ event: Event) -> [Effect] {
            var produced: [Effect] = []
            var queue = [event]
            while !queue.isEmpty {
                let event = queue.removeFirst()
                let (before, revision) = (core.persistent, core.persistentRevision)
                let effects = core.handle(event, at: now)
                if core.persistent != before, core.persistentRevision == revision {
                    uncommitted.append("\(event) changed the persisted state without a new revision")
                }
                for effect in effects {
                    switch effect {
                    case .schedule(let id, let at):
                        scheduled += 1
                        timers[id] = (at, scheduled)
                    case .cancelTimer(let id): timers[id] = nil
                    case .readTemperature: queue.append(.temperature(.celsius(21)))
                    case .powerDown: timers.removeAll()
                    default: break
                    }
                }
                produced += effects
            }
            return produced
        }

        mutating func advance(seconds: Int64) {
            let target = now.adding(seconds: seconds)
            while let (id, entry) = timers.filter({ $0.value.at <= target }).min(by: { ($0.value.at, $0.value.order) < ($1.value.at, $1.value.order) }) {
                now = max(now, entry.at)
                timers[id] = nil
                handle(.timer(id))
            }
            now = target
        }
    }
}
