import SocketCore

/// A message put together from its parts (or a single-part message passed straight through).
public struct ReassembledMessage: Hashable, Sendable {
    /// The parts in sequence order.
    public var parts: [DeliverPDU]

    public var sender: PDUAddress { parts[0].sender }
    /// The first part's time stamp.
    public var timestamp: NetworkTimestamp? { parts[0].timestamp }
    public var text: String { parts.map(\.text).joined() }

    public var incomingSMS: IncomingSMS {
        IncomingSMS(sender: sender.value.isEmpty ? nil : sender.description, text: text, timestamp: timestamp)
    }
}

/// Collects the parts of concatenated SMS, keyed by (sender, reference, total). Pure: the caller passes the
/// time of each arrival and of each sweep, on any clock.
///
/// A set is complete when every sequence number 1…total has arrived; a repeated part replaces the earlier
/// copy. Sets still incomplete `timeout` after their first part arrived come back from ``expire(now:)``, so
/// that each part can be handled on its own rather than lost.
public struct ConcatenationReassembler<Instant: InstantProtocol>: Sendable
where Instant: Sendable, Instant.Duration == Duration {
    struct Key: Hashable, Sendable {
        var sender: PDUAddress
        var reference: UInt16
        var total: Int
    }

    struct PendingSet: Sendable {
        var firstArrival: Instant
        var parts: [DeliverPDU?]
        var received: Int
    }

    public let timeout: Duration
    private var pending: [Key: PendingSet] = [:]
    /// Keys in order of first arrival, so expiry returns sets oldest first.
    private var order: [Key] = []

    public init(timeout: Duration) { self.timeout = timeout }

    /// Number of incomplete sets held.
    public var pendingSetCount: Int { pending.count }

    /// Adds a received DELIVER. Returns the whole message when `pdu` is not a part, or is the part that
    /// completes its set; nil while parts are missing.
    public mutating func add(_ pdu: DeliverPDU, at now: Instant) -> ReassembledMessage? {
        guard let concatenation = pdu.concatenation, concatenation.total > 1 else {
            return ReassembledMessage(parts: [pdu])
        }
        let key = Key(sender: pdu.sender, reference: concatenation.reference, total: concatenation.total)
        var set = pending[key] ?? {
            order.append(key)
            return PendingSet(firstArrival: now, parts: Array(repeating: nil, count: concatenation.total), received: 0)
        }()
        let slot = concatenation.sequence - 1
        if set.parts[slot] == nil { set.received += 1 }
        set.parts[slot] = pdu
        if set.received == concatenation.total {
            pending[key] = nil
            order.removeAll { $0 == key }
            return ReassembledMessage(parts: set.parts.map { $0! })
        }
        pending[key] = set
        return nil
    }

    /// Removes the sets whose first part arrived `timeout` or longer before `now` and returns their parts,
    /// oldest set first and each set in sequence order, to be handled one by one.
    public mutating func expire(now: Instant) -> [DeliverPDU] {
        var expired: [DeliverPDU] = []
        order.removeAll { key in
            guard let set = pending[key], set.firstArrival.duration(to: now) >= timeout else { return false }
            expired.append(contentsOf: set.parts.compactMap { $0 })
            pending[key] = nil
            return true
        }
        return expired
    }
}
