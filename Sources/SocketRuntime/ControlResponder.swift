import Dispatch
import Synchronization

/// Where a request's handler writes its answer: each line is queued here and written to the client by the
/// connection's own thread, so that a slow or vanished client never holds up the controller.
public final class ControlResponder: Sendable {
    private struct State {
        var lines: [String] = []
        var finished = false
        var closed = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())
    /// Signalled at every line queued, at the end and at the client's going.
    private let signal = DispatchSemaphore(value: 0)

    init() {}

    /// Queues one line (a JSON object, without its newline) for the client; false once the client is gone.
    @discardableResult
    public func send(_ line: String) -> Bool {
        let open = state.withLock { state in
            guard !state.closed, !state.finished else { return false }
            state.lines.append(line)
            return true
        }
        if open { signal.signal() }
        return open
    }

    /// `{"ok":true, ...body}`.
    @discardableResult
    public func succeed(_ body: some Encodable) -> Bool { send(ControlReply.success(body)) }

    /// `{"ok":false,"error":{...}}`.
    @discardableResult
    public func fail(_ error: ControlError) -> Bool { send(ControlReply.failure(error)) }

    /// Whether the client is still there, as far as is known.
    public var isConnected: Bool { state.withLock { !$0.closed } }

    /// Returns once the client has gone (it closed its end, or a write to it failed or timed out) or the task
    /// is cancelled: for an answer that streams until the client stops reading.
    public func disconnected() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let wait = state.withLock { state in
                    guard !state.closed, !Task.isCancelled else { return false }
                    state.waiters.append(continuation)
                    return true
                }
                if !wait { continuation.resume() }
            }
        } onCancel: {
            for waiter in state.withLock({ state in defer { state.waiters = [] }; return state.waiters }) { waiter.resume() }
        }
    }

    // MARK: The connection's side

    /// The handler returned: once the queued lines are written, the connection closes.
    func finish() {
        state.withLock { $0.finished = true }
        signal.signal()
    }

    /// The client is gone: lines are no longer taken, and ``disconnected()`` returns.
    func markClosed() {
        let waiters = state.withLock { state in
            state.closed = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// The lines queued so far, waiting up to `milliseconds` for one; `finished` when the handler returned
    /// and nothing more will come.
    func take(waitingUpTo milliseconds: Int) -> (lines: [String], finished: Bool) {
        let ready = state.withLock { !$0.lines.isEmpty || $0.finished }
        if !ready { _ = signal.wait(timeout: .now() + .milliseconds(milliseconds)) }
        return state.withLock { state in
            defer { state.lines = [] }
            return (state.lines, state.finished)
        }
    }
}
