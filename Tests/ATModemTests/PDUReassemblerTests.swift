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
        let message = reassembler.add(try parts("ON")[0], at: PDUTestInstant(seconds: 0))
        #expect(message?.incomingSMS == IncomingSMS(sender: "+3581", text: "ON", timestamp: when))
        #expect(reassembler.pendingSetCount == 0)
    }

    @Test func partsInAnyOrderWithDuplicates() throws {
        let text = String(repeating: "0123456789", count: 40)
        let p = try parts(text)
        #expect(p.count == 3)
        var reassembler = ConcatenationReassembler<PDUTestInstant>(timeout: .seconds(60))
        #expect(reassembler.add(p[2], at: PDUTestInstant(seconds: 0)) == nil)
        #expect(reassembler.add(p[0], at: PDUTestInstant(seconds: 1)) == nil)
        #expect(reassembler.add(p[0], at: PDUTestInstant(seconds: 2)) == nil)
        let message = reassembler.add(p[1], at: PDUTestInstant(seconds: 3))
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
        #expect(reassembler.add(a[0], at: t) == nil)
        #expect(reassembler.add(b[1], at: t) == nil)
        #expect(reassembler.add(c[1], at: t) == nil)
        #expect(reassembler.pendingSetCount == 3)
        #expect(reassembler.add(a[1], at: t)?.sender.description == "+3581")
        #expect(reassembler.add(b[0], at: t)?.sender.description == "+3582")
        #expect(reassembler.pendingSetCount == 1)
    }

    @Test func expiryReturnsIncompleteSetsOldestFirst() throws {
        let first = try parts(String(repeating: "a", count: 400), reference: 1)
        let second = try parts(String(repeating: "b", count: 200), reference: 2)
        var reassembler = ConcatenationReassembler<PDUTestInstant>(timeout: .seconds(60))
        _ = reassembler.add(first[2], at: PDUTestInstant(seconds: 0))
        _ = reassembler.add(first[0], at: PDUTestInstant(seconds: 50))
        _ = reassembler.add(second[1], at: PDUTestInstant(seconds: 30))
        #expect(reassembler.expire(now: PDUTestInstant(seconds: 59)).isEmpty)
        let expired = reassembler.expire(now: PDUTestInstant(seconds: 60))
        #expect(expired.map { $0.concatenation!.sequence } == [1, 3])
        #expect(reassembler.pendingSetCount == 1)
        #expect(reassembler.expire(now: PDUTestInstant(seconds: 90)) == [second[1]])
        #expect(reassembler.pendingSetCount == 0)
        // A late part starts a new set rather than completing the expired one.
        #expect(reassembler.add(first[1], at: PDUTestInstant(seconds: 91)) == nil)
    }

    @Test func worksWithAContinuousClock() throws {
        var reassembler = ConcatenationReassembler<ContinuousClock.Instant>(timeout: .seconds(1))
        _ = reassembler.add(try parts(String(repeating: "z", count: 200))[0], at: .now)
        #expect(reassembler.expire(now: .now.advanced(by: .seconds(2))).count == 1)
    }
}
