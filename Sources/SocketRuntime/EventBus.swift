import SocketCore
import Synchronization

/// The queue between the plugins and the controller: plugins post from any thread, the controller takes
/// events one at a time, in order.
public final class EventBus: EventSink {
    /// An event, and for an SMS still in the modem's storage, its receipt.
    public struct Item: Sendable {
        public var event: Event
        public var receipt: MessageReceipt?
    }

    private struct State {
        var items: [Item] = []
        var head = 0
        var waiter: CheckedContinuation<Void, Never>?
        /// A wake that came while nobody waited; the next wait returns at once.
        var wakePending = false
    }

    private let state = Mutex(State())

    public init() {}

    public func post(_ event: Event) { append(Item(event: event, receipt: nil)) }

    public func post(_ sms: IncomingSMS, receipt: MessageReceipt) { append(Item(event: .sms(sms), receipt: receipt)) }

    private func append(_ item: Item) {
        let waiter = state.withLock { s in
            s.items.append(item)
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume()
    }

    /// The oldest queued item, if any.
    public func next() -> Item? {
        state.withLock { s in
            guard s.head < s.items.count else { return nil }
            let item = s.items[s.head]
            s.head += 1
            if s.head > 64, s.head * 2 > s.items.count {
                s.items.removeFirst(s.head)
                s.head = 0
            }
            return item
        }
    }

    /// Suspends until an item is queued (returns at once if one is). Only one task waits at a time.
    public func waitForItem() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { s in
                if s.head < s.items.count || s.wakePending {
                    s.wakePending = false
                    return true
                }
                s.waiter = continuation
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// Wakes the waiting task without an item (to stop, or to re-check timers); if none waits, the next
    /// wait returns at once, so a wake is never lost.
    public func wake() {
        let waiter = state.withLock { s in
            defer { s.waiter = nil }
            if s.waiter == nil { s.wakePending = true }
            return s.waiter
        }
        waiter?.resume()
    }
}
