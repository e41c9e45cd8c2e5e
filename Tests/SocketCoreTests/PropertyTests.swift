import Testing
import TestSupport

@testable import SocketCore

@Suite("Property: random SMS never crash the core and get at most one reply")
struct PropertyTests {
    static let senders: [String?] = [
        nil, owner, stranger, "Telekom", "1234", "+4912345678", "3589123456789", "", "+", "+12345", "0401234567",
    ]
    /// Commands that drive the core into varied states (security, confirmations, alarm, thermostat…).
    static let stateCommands: [String] =
        FormCase.all.map(\.body) + [
            "SECNUMBER+3589123456789", "SECLIST=ON", "PASSWORD=12abc", "ERROR=OFF", "SMSCONFIRM=OFF",
            "SMSCONFIRMUNAUTH=ON", "ALARMON", "ALERT=CALL", "ALERT=SMSCHANGE", "MICRORELAYTIME=30",
            "ALERTNUMBER+358912345678", "THERMOSTATON", "RING=SWITCH", "TRISEALERT=0", "SALDOUMS=*100#",
        ]
    static let alphabet = Array("ONFSTAURELMPIDHCGWXY0123456789=?+-*#:,/ onfstaure\r\n\u{00}é€–")

    static func randomBody(_ rng: inout SplitMix64) -> String {
        switch Int.random(in: 0..<10, using: &rng) {
        case 0..<4:
            let bytes = (0..<Int.random(in: 0...60, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            return String(decoding: bytes, as: UTF8.self)
        case 4..<7:
            return String((0..<Int.random(in: 0...60, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
        default:
            var chars = Array(stateCommands.randomElement(using: &rng)!)
            for _ in 0..<Int.random(in: 0...3, using: &rng) {
                let i = Int.random(in: 0...chars.count, using: &rng)
                switch Int.random(in: 0..<4, using: &rng) {
                case 0 where i < chars.count: chars.remove(at: i)
                case 1: chars.insert(alphabet.randomElement(using: &rng)!, at: i)
                case 2 where i < chars.count: chars[i] = alphabet.randomElement(using: &rng)!
                default: chars = Array(String(chars).lowercased())
                }
            }
            let body = String(chars)
            return Bool.random(using: &rng) ? "12abc" + body : body
        }
    }

    static func randomStamp(_ rng: inout SplitMix64) -> NetworkTimestamp? {
        guard Int.random(in: 0..<4, using: &rng) == 0 else { return nil }
        let seconds = Int64.random(in: 946_684_800...4_102_444_799, using: &rng)
        return NetworkTimestamp(local: CivilTime(epochSeconds: seconds), zoneQuarterHours: Int.random(in: -48...56, using: &rng))
    }

    @Test("20,000 random SMS bodies in random states")
    func randomSMS() {
        var rng = SplitMix64(seed: 0x0051_50C4_E700_2026)
        var sent = 0
        var replied = 0
        while sent < 20_000 {
            let model = Model.allCases.randomElement(using: &rng)!
            var shell = TestShell.s0(model)
            for _ in 0..<Int.random(in: 0...10, using: &rng) {
                shell.sms(Self.stateCommands.randomElement(using: &rng)!)
            }
            if Bool.random(using: &rng) { shell.handle(.sensor(closed: Bool.random(using: &rng))) }
            shell.advance(seconds: Int64.random(in: 0...3_000, using: &rng))
            for _ in 0..<200 {
                let body = Self.randomBody(&rng)
                let sender = Self.senders.randomElement(using: &rng)!
                let alertsBefore = Set(shell.persistent.alertNumbers.map(SocketCore.dialString))
                shell.clearLog()
                let effects = shell.sms(body, from: sender, timestamp: Self.randomStamp(&rng))
                sent += 1
                let messages = TestShell.messages(effects)
                let alerts = alertsBefore.union(shell.persistent.alertNumbers.map(SocketCore.dialString))
                let toSender = messages.filter { $0.to == sender && !alerts.contains($0.to) }
                #expect(toSender.count <= 1, "\(body.debugDescription) from \(sender ?? "hidden"): \(toSender)")
                if SocketCore.replyAddress(sender) == nil {
                    #expect(toSender.isEmpty, "\(body.debugDescription) answered \(sender ?? "hidden")")
                }
                replied += toSender.count
                for message in messages where message.to != sender {
                    #expect(alerts.contains(message.to), "\(body.debugDescription) sent \(message)")
                }
                #expect(!effects.contains { if case .reply = $0 { true } else { false } })
                if Int.random(in: 0..<10, using: &rng) == 0 {
                    shell.advance(seconds: Int64.random(in: 1...120, using: &rng))
                    if Bool.random(using: &rng) { shell.handle(.ussdReply(Bool.random(using: &rng) ? "ok" : nil)) }
                }
            }
        }
        #expect(sent == 20_000)
        #expect(replied > 1_000, "the generator should reach the parser often enough")
    }
}
