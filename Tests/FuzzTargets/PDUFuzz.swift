import ATModem

/// Fuzz target `pdu`: the PDU decoder and the reassembler of long messages.
///
/// The whole input is decoded as PDU octets (``SMSPDU/init(bytes:)``), and read as lines as well, each the
/// PDU line of a `+CMGL`/`+CMGR`/`+CMT` answer (``SMSPDU/init(line:tpduLength:)``), optionally after a
/// decimal TPDU length and a space (`23 0791...`, what the header before the line names). Every DELIVER is
/// handed to one ``ConcatenationReassembler`` (4 sets at most, 60 s timeout); each line arrives 20 s after the
/// one before, and an empty line lets 5 minutes pass.
///
/// Invariants: a fault's offset lies within the octets; a concatenation's numbers are 1 ≤ sequence ≤ total ≤
/// 255; a text is no longer than one SMS carries (160 septets, or 140 octets of UCS2 and 8-bit data); the
/// reassembler holds at most its capacity, hands over each set whole, in order, from one sender, and gives
/// back incomplete sets (evicted or timed out) with fewer parts than their total.
enum PDUFuzz {
    static let capacity = 4

    static func run(_ input: [UInt8]) -> [String] {
        var problems = check(decoding: input, tpduLength: nil)
        var reassembler = ConcatenationReassembler<ContinuousClock.Instant>(timeout: .seconds(60), capacity: capacity)
        var now = ContinuousClock.now
        for line in input.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            guard !line.isEmpty else {
                now = now.advanced(by: .seconds(300))
                for set in reassembler.removeExpired(now: now) { problems += check(set, reason: .timedOut) }
                continue
            }
            now = now.advanced(by: .seconds(20))
            let digits = line.prefix { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
            let lengthGiven = !digits.isEmpty && digits.count <= 6 && line.dropFirst(digits.count).first == UInt8(ascii: " ")
            let tpduLength = lengthGiven ? Int(String(decoding: digits, as: UTF8.self)) : nil
            let text = String(decoding: lengthGiven ? line.dropFirst(digits.count + 1) : line[...], as: UTF8.self)
            let octets = Hex.leadingBytes(text)
            problems += check(decoding: octets, tpduLength: tpduLength)
            guard case .deliver(let pdu)? = try? SMSPDU(line: text, tpduLength: tpduLength) else { continue }
            let result = reassembler.receive(pdu, at: now)
            if reassembler.pendingSetCount > capacity { problems.append("\(reassembler.pendingSetCount) sets held") }
            if let evicted = result.evicted { problems += check(evicted, reason: .evicted) }
            if let message = result.message { problems += check(message) }
        }
        for set in reassembler.removeExpired(now: now.advanced(by: .seconds(3600))) { problems += check(set, reason: .timedOut) }
        if reassembler.pendingSetCount != 0 { problems.append("\(reassembler.pendingSetCount) sets held after they all timed out") }
        return problems
    }

    /// Decodes `octets` (as the port does for a PDU line when `tpduLength` is given) and checks the outcome.
    static func check(decoding octets: [UInt8], tpduLength: Int?) -> [String] {
        let decoded: SMSPDU
        do throws(PDUError) {
            if let tpduLength {
                decoded = try SMSPDU(line: Hex.string(octets), tpduLength: tpduLength)
            } else {
                decoded = try SMSPDU(bytes: octets)
            }
        } catch {
            return (0...octets.count).contains(error.offset) ? [] : ["\(error) outside the \(octets.count) octets"]
        }
        var problems: [String] = []
        if decoded.raw.count > octets.count { problems.append("\(decoded.raw.count) octets decoded of \(octets.count)") }
        guard case .deliver(let pdu) = decoded else { return problems }
        if let c = pdu.concatenation, !(1...255).contains(c.total) || !(1...c.total).contains(c.sequence) {
            problems.append("part \(c.sequence) of \(c.total)")
        }
        if pdu.text.unicodeScalars.count > 160 { problems.append("a text of \(pdu.text.unicodeScalars.count) characters") }
        if pdu.missingUserDataOctets < 0 { problems.append("\(pdu.missingUserDataOctets) octets missing") }
        return problems
    }

    static func check(_ message: ReassembledMessage) -> [String] {
        let parts = message.parts
        guard let first = parts.first?.concatenation, parts.count > 1 else { return parts.count == 1 ? [] : ["a message of no part"] }
        var problems: [String] = []
        if parts.count != first.total { problems.append("a message of \(parts.count) parts of \(first.total)") }
        for (index, part) in parts.enumerated() {
            guard let c = part.concatenation, c.reference == first.reference, c.total == first.total, part.sender == parts[0].sender
            else { problems.append("a part of another message in a set"); continue }
            if c.sequence != index + 1 { problems.append("part \(c.sequence) in place \(index + 1)") }
        }
        _ = message.incomingSMS
        return problems
    }

    static func check(_ set: ExpiredSet, reason: ExpiredSet.Reason) -> [String] {
        var problems: [String] = []
        if set.reason != reason { problems.append("a set \(set.reason), expected \(reason)") }
        if set.parts.isEmpty || set.parts.count >= set.total { problems.append("an incomplete set of \(set.parts.count) parts of \(set.total)") }
        let sequences = set.parts.compactMap { $0.concatenation?.sequence }
        if sequences.count != set.parts.count || sequences != sequences.sorted() || Set(sequences).count != sequences.count {
            problems.append("an incomplete set's parts \(sequences)")
        }
        return problems
    }
}
