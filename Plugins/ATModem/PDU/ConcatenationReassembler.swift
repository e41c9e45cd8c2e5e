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

/// The parts of a long message that will never be complete, taken out of the reassembler.
///
/// Not a message: its parts are deleted from storage with no action and never executed alone (spec §5 A70);
/// only their storage indexes matter.
public struct ExpiredSet: Hashable, Sendable {
    public enum Reason: Hashable, Sendable, CustomStringConvertible {
        /// Not every part arrived within the reassembly timeout.
        case timedOut
        /// Pushed out, oldest first, because more incomplete messages were waiting than the reassembler keeps.
        case evicted

        public var description: String {
            switch self {
            case .timedOut: "not every part arrived in time"
            case .evicted: "pushed out by newer incomplete messages"
            }
        }
    }

    /// The parts that arrived, in sequence order.
    public var parts: [DeliverPDU]
    /// How many parts the message announced.
    public var total: Int
    public var reason: Reason

    public var sender: PDUAddress { parts[0].sender }
}

/// What ``ConcatenationReassembler/receive(_:at:)`` gave.
public struct ReassemblyResult: Hashable, Sendable {
    /// The whole message, when the part was not a part (a single SMS) or completed its set; nil while parts
    /// are missing.
    public var message: ReassembledMessage?
    /// The oldest incomplete set, pushed out to keep the reassembler within its capacity: delete its parts,
    /// never execute them (``ExpiredSet``).
    public var evicted: ExpiredSet?
}

/// Collects the parts of concatenated SMS, keyed by (sender, reference, total). Pure: the caller passes the
/// time of each arrival and of each sweep, on any clock.
///
/// A set is complete when every sequence number 1…total has arrived; a repeated part replaces the earlier
/// copy. A set that does not complete is never handed over as a message: it comes back as an ``ExpiredSet``
/// — from ``removeExpired(now:)`` once `timeout` has passed since its first part, or from ``receive(_:at:)``
/// when a new set would make more than `capacity` incomplete sets (the oldest goes), so that a flood of lone
/// parts cannot grow it without bound. At most `capacity` sets of at most 255 parts are held.
///
/// Usage by the port: `let result = reassembler.receive(part, at: now)`, hand over `result.message`, delete the
/// parts of `result.evicted`; on each check, delete the parts of every set `removeExpired(now:)` returns.
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

        func expired(_ reason: ExpiredSet.Reason) -> ExpiredSet {
            ExpiredSet(parts: parts.compactMap { $0 }, total: parts.count, reason: reason)
        }
    }

    public let timeout: Duration
    /// Incomplete sets held at most.
    public let capacity: Int
    private var pending: [Key: PendingSet] = [:]
    /// Keys in order of first arrival, so expiry and eviction go oldest first.
    private var order: [Key] = []

    /// - Parameters:
    ///   - timeout: how long a set may wait for its last part, from its first part's arrival.
    ///   - capacity: incomplete sets held at most (at least 1).
    public init(timeout: Duration, capacity: Int = 32) {
        self.timeout = timeout
        self.capacity = max(1, capacity)
    }

    /// Number of incomplete sets held.
    public var pendingSetCount: Int { pending.count }

    /// Takes a received DELIVER: see ``ReassemblyResult``.
    public mutating func receive(_ pdu: DeliverPDU, at now: Instant) -> ReassemblyResult {
        guard let concatenation = pdu.concatenation, concatenation.total > 1 else {
            return ReassemblyResult(message: ReassembledMessage(parts: [pdu]))
        }
        let key = Key(sender: pdu.sender, reference: concatenation.reference, total: concatenation.total)
        var evicted: ExpiredSet? = nil
        if pending[key] == nil, pending.count >= capacity {
            let oldest = order.removeFirst()
            evicted = pending.removeValue(forKey: oldest)?.expired(.evicted)
        }
        var set = pending[key] ?? {
            order.append(key)
            return PendingSet(firstArrival: now, parts: Array(repeating: nil, count: concatenation.total), received: 0)
        }()
        let slot = concatenation.sequence - 1
        if set.parts[slot] == nil { set.received += 1 }
        set.parts[slot] = pdu
        guard set.received == concatenation.total else {
            pending[key] = set
            return ReassemblyResult(evicted: evicted)
        }
        pending[key] = nil
        order.removeAll { $0 == key }
        return ReassemblyResult(message: ReassembledMessage(parts: set.parts.compactMap { $0 }), evicted: evicted)
    }

    /// Takes out the sets whose first part arrived `timeout` or longer before `now`, oldest first: parts to
    /// delete with no action (spec §5 A70), never messages to handle.
    public mutating func removeExpired(now: Instant) -> [ExpiredSet] {
        var expired: [ExpiredSet] = []
        order.removeAll { key in
            guard let set = pending[key], set.firstArrival.duration(to: now) >= timeout else { return false }
            expired.append(set.expired(.timedOut))
            pending[key] = nil
            return true
        }
        return expired
    }
}
