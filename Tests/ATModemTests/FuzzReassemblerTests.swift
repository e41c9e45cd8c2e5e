import Testing
import TestSupport
@testable import ATModem

/// The reassembler under random streams of parts (several senders, colliding references, repeats, lost
/// parts, sweeps at random times): it never holds more sets than its capacity, every set comes out whole
/// exactly when its last part arrives, and every incomplete set comes out once as an ``ExpiredSet`` — evicted
/// oldest first, or timed out (issue 7, items 2 and 3).
@Suite struct FuzzReassemblerTests {
    struct Key: Hashable {
        var sender: String
        var reference: Int
        var total: Int
    }

    static let senders = ["+3581": "04915318", "+3582": "04915328", "+3583": "04915338"]

    /// A part (UCS2 "A" behind the concatenation element `00 03 ref total seq`) from `sender`.
    static func part(_ key: Key, sequence: Int) throws -> DeliverPDU {
        try DeliverPDU(
            hex: "0044" + senders[key.sender]! + "0008" + "62110592810015" + "08" + "050003"
                + Hex.string([UInt8(key.reference), UInt8(key.total), UInt8(sequence)]) + "0041")
    }

    static func key(of parts: [DeliverPDU]) -> Key? {
        guard let c = parts.first?.concatenation else { return nil }
        return Key(sender: parts[0].sender.description, reference: Int(c.reference), total: c.total)
    }

    @Test(arguments: [1, 4])
    func randomPartStreams(capacity: Int) throws {
        var rng = SplitMix64(seed: 0x5E75 + UInt64(capacity))
        var cache: [Key: [DeliverPDU]] = [:]
        var reassembler = ConcatenationReassembler<PDUTestInstant>(timeout: .seconds(60), capacity: capacity)
        // What the test knows is held: sequence numbers by set, and the order sets began in.
        var held: [Key: Set<Int>] = [:]
        var began: [Key: (time: Int64, order: Int)] = [:]
        var order = 0
        var now: Int64 = 0
        var last = Key(sender: "+3581", reference: 0, total: 2)
        var (messages, evictions, expiries) = (0, 0, 0)

        func oldestFirst(_ keys: some Sequence<Key>) -> [Key] { keys.sorted { began[$0]!.order < began[$1]!.order } }

        for _ in 0..<6_000 {
            now += Int64.random(in: 0...15, using: &rng)
            if Int.random(in: 0..<8, using: &rng) == 0 {
                let due = oldestFirst(held.keys.filter { now - began[$0]!.time >= 60 })
                let expired = reassembler.removeExpired(now: PDUTestInstant(seconds: now))
                #expect(expired.compactMap { Self.key(of: $0.parts) } == due && expired.count == due.count)
                for set in expired {
                    let key = Self.key(of: set.parts)!
                    #expect(set.reason == .timedOut && set.total == key.total)
                    #expect(set.parts.map { $0.concatenation!.sequence } == held[key]!.sorted())
                    held[key] = nil
                    expiries += 1
                }
                continue
            }
            // Half the parts continue the last set, so that sets complete even beside a flood of others.
            let key = Bool.random(using: &rng) ? last : Key(
                sender: Self.senders.keys.randomElement(using: &rng)!, reference: Int.random(in: 0...3, using: &rng),
                total: Int.random(in: 1...4, using: &rng))
            last = key
            let sequence = Int.random(in: 1...key.total, using: &rng)
            if cache[key] == nil { cache[key] = try (1...key.total).map { try Self.part(key, sequence: $0) } }
            let pdu = cache[key]![sequence - 1]
            let result = reassembler.receive(pdu, at: PDUTestInstant(seconds: now))
            if key.total == 1 {
                #expect(result == ReassemblyResult(message: ReassembledMessage(parts: [pdu])))
                continue
            }
            if held[key] == nil, held.count >= capacity {
                let oldest = oldestFirst(held.keys)[0]
                #expect(result.evicted?.reason == .evicted)
                #expect(result.evicted.flatMap { Self.key(of: $0.parts) } == oldest)
                #expect(result.evicted?.parts.map { $0.concatenation!.sequence } == held[oldest]!.sorted())
                held[oldest] = nil
                evictions += 1
            } else {
                #expect(result.evicted == nil)
            }
            if held[key] == nil {
                began[key] = (now, order)
                order += 1
            }
            held[key, default: []].insert(sequence)
            if held[key]!.count == key.total {
                #expect(result.message?.parts == cache[key])
                held[key] = nil
                messages += 1
            } else {
                #expect(result.message == nil)
            }
            #expect(reassembler.pendingSetCount == held.count && held.count <= capacity)
        }
        let rest = reassembler.removeExpired(now: PDUTestInstant(seconds: now + 1_000_000))
        #expect(rest.compactMap { Self.key(of: $0.parts) } == oldestFirst(held.keys) && rest.count == held.count)
        #expect(reassembler.pendingSetCount == 0)
        #expect(messages > 100 && evictions > 100, "\(messages) messages, \(evictions) evictions")
        #expect(capacity == 1 || expiries > 10, "\(expiries) expiries")
    }
}
