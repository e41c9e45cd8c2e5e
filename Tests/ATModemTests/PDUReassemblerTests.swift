import SocketCore
import Testing
@testable import ATModem

/// A clock position for the tests, in seconds.
struct PDUTestInstant: InstantProtocol, Sendable {
    var seconds: Int64
    func advanced(by duration: Duration) -> PDUTestInstant { PDUTestInstant(seconds: seconds + duration.components.seconds) }
    func duration(to other: PDUTestInstant) -> Duration { .seconds(other.seconds - seconds) }
    static func < (a: PDUTestInstant, b: PDUTestInstant) -> Bool { a.seconds < b.seconds }
}

@Suite struct PDUReassemblerTests {
    let when = pduStamp(2026, 1, 5, 8, 0, 0, zone: 8)

    func parts(_ text: String, from sender: String = "+3581", reference: UInt16 = 5) throws -> [DeliverPDU] {
        try DeliverPDU.encode(text: text, from: PDUAddress(number: sender), timestamp: when, reference: reference)
            .map { try DeliverPDU(bytes: $0.bytes) }
    }

    @Test func singlePartPassesThrough() throws {
        var reassembler = ConcatenationReassembler<PDUTestInstant>(timeout: .seconds(60))
        let message = reassembler.receive(try parts("ON")[0], at: PDUTestInstant(seconds: 0)).message
        #expect(message?.incomingSMS == IncomingSMS(sender: "+3581", text: "ON", timestamp: when))
        #expect(reassembler.pendingSetCount == 0)
    }

    @Test func partsInAnyOrderWithDuplicates() throws {
        let text = String(repeating: "0123456789", count: 40)
        let p = try parts(text)
        #expect(p.count == 3)
        var reassembler = ConcatenationReassembler<PDUTestInstant>(timeout: .seconds(60))
        #expect(reassembler.receive(p[2], at: PDUTestInstant(seconds: 0)) == ReassemblyResult())
        #expect(reassembler.receive(p[0], at: PDUTestInstant(seconds: 1)) == ReassemblyResult())
        #expect(reassembler.receive(p[0], at: PDUTestInstant(seconds: 2)) == ReassemblyResult())
        let message = reassembler.receive(p[1], at: PDUTestInstant(seconds: 3)).message
        #expect(message?.text == text)
        #expect(message?.parts.map { $0.concatenation!.sequence } == [1, 2, 3])
        #expect(reassembler.pendingSetCount == 0)
    }

    @Test func setsAreKeyedBySenderReferenceAndTotal() throws {
        let long = String(repeating: "y", count: 200)
        let a = try parts(long, from: "+3581", reference: 5)
        let b = try parts(long, from: "+3582", reference: 5)
        let c = try parts(long + long, from: "+3581", reference: 5)  // same reference, 3 parts
        var reassembler = ConcatenationReassembler<PDUTestInstant>(timeout: .seconds(60))
        let t = PDUTestInstant(seconds: 0)
        #expect(reassembler.receive(a[0], at: t).message == nil)
        #expect(reassembler.receive(b[1], at: t).message == nil)
        #expect(reassembler.receive(c[1], at: t).message == nil)
        #expect(reassembler.pendingSetCount == 3)
        #expect(reassembler.receive(a[1], at: t).message?.sender.description == "+3581")
        #expect(reassembler.receive(b[0], at: t).message?.sender.description == "+3582")
        #expect(reassembler.pendingSetCount == 1)
    }

    @Test func expiryTakesOutIncompleteSetsOldestFirst() throws {
        let first = try parts(String(repeating: "a", count: 400), reference: 1)
        let second = try parts(String(repeating: "b", count: 200), reference: 2)
        var reassembler = ConcatenationReassembler<PDUTestInstant>(timeout: .seconds(60))
        _ = reassembler.receive(first[2], at: PDUTestInstant(seconds: 0))
        _ = reassembler.receive(first[0], at: PDUTestInstant(seconds: 50))
        _ = reassembler.receive(second[1], at: PDUTestInstant(seconds: 30))
        #expect(reassembler.removeExpired(now: PDUTestInstant(seconds: 59)).isEmpty)
        #expect(
            reassembler.removeExpired(now: PDUTestInstant(seconds: 60))
                == [ExpiredSet(parts: [first[0], first[2]], total: 3, reason: .timedOut)])
        #expect(reassembler.pendingSetCount == 1)
        #expect(
            reassembler.removeExpired(now: PDUTestInstant(seconds: 90))
                == [ExpiredSet(parts: [second[1]], total: 2, reason: .timedOut)])
        #expect(reassembler.pendingSetCount == 0)
        // A late part starts a new set rather than completing the expired one.
        #expect(reassembler.receive(first[1], at: PDUTestInstant(seconds: 91)) == ReassemblyResult())
    }

    @Test func theOldestSetIsEvictedBeyondTheCapacity() throws {
        let sets = try (0..<4).map { try parts(String(repeating: "c", count: 200), reference: UInt16($0)) }
        var reassembler = ConcatenationReassembler<PDUTestInstant>(timeout: .seconds(60), capacity: 3)
        for k in 0..<3 { #expect(reassembler.receive(sets[k][1], at: PDUTestInstant(seconds: Int64(k))) == ReassemblyResult()) }
        // A part of a held set evicts nothing.
        #expect(reassembler.receive(sets[2][1], at: PDUTestInstant(seconds: 3)) == ReassemblyResult())
        let result = reassembler.receive(sets[3][1], at: PDUTestInstant(seconds: 4))
        #expect(result == ReassemblyResult(evicted: ExpiredSet(parts: [sets[0][1]], total: 2, reason: .evicted)))
        #expect(reassembler.pendingSetCount == 3)
        // The set that completes in the same step is handed over beside the eviction.
        let completing = reassembler.receive(sets[1][0], at: PDUTestInstant(seconds: 5))
        #expect(completing.message?.text == String(repeating: "c", count: 200))
        #expect(completing.evicted == nil)
        #expect(reassembler.removeExpired(now: PDUTestInstant(seconds: 70)).map(\.parts) == [[sets[2][1]], [sets[3][1]]])
        #expect(ExpiredSet.Reason.evicted.description == "pushed out by newer incomplete messages")
    }

    @Test func worksWithAContinuousClock() throws {
        var reassembler = ConcatenationReassembler<ContinuousClock.Instant>(timeout: .seconds(1))
        _ = reassembler.receive(try parts(String(repeating: "z", count: 200))[0], at: .now)
        #expect(reassembler.removeExpired(now: .now.advanced(by: .seconds(2))).count == 1)
    }
}
