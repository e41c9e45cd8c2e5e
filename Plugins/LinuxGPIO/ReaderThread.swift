import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A dedicated OS thread that blocks in poll()/read(), kept off Swift's cooperative pool, and that
/// ``stop()`` ends and waits for.
///
/// ``stop()`` makes ``wakeDescriptor`` readable: a body that polls it beside its line can block without a
/// timeout and still notice the stop at once, instead of waking up regularly to look.
final class ReaderThread: Sendable {
    private struct State {
        var stopping = false
        var exited = false
        var waiter: CheckedContinuation<Void, Never>?
    }
    private let state = Mutex(State())

    /// True once ``stop()`` was called; the body checks it between polls.
    var isStopping: Bool { state.withLock { $0.stopping } }

    /// The read end of a pipe that ``stop()`` writes to; never read, so it stays readable from then on.
    let wakeDescriptor: Int32
    private let wakeWriter: Int32

    private init(wake: (read: Int32, write: Int32)) {
        wakeDescriptor = wake.read
        wakeWriter = wake.write
    }

    // The body holds the thread until it returns, so the pipe outlives every poll of it.
    deinit {
        close(wakeDescriptor)
        close(wakeWriter)
    }

    /// Starts `body` on a new thread; the body should return soon after ``isStopping`` becomes true.
    /// Throws only when the wake pipe cannot be made (no descriptors left).
    static func start(_ body: @escaping @Sendable (ReaderThread) -> Void) throws(GPIOError) -> ReaderThread {
        let thread = ReaderThread(wake: try system_pipe())
        let box = Unmanaged.passRetained(Box {
            body(thread)
            thread.exited()
        })
        var id = pthread_t()
        let rc = pthread_create(&id, nil, { arg in
            let box = Unmanaged<Box>.fromOpaque(arg!).takeRetainedValue()
            box.run()
            return nil
        }, box.toOpaque())
        precondition(rc == 0, "pthread_create failed: \(rc)")
        pthread_detach(id)
        return thread
    }

    /// Asks the thread to end and waits until it has.
    func stop() async {
        state.withLock { $0.stopping = true }
        // One byte into an empty pipe never blocks; a second stop's byte only adds to it.
        var byte: UInt8 = 1
        _ = write(wakeWriter, &byte, 1)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { s in
                if s.exited { return true }
                s.waiter = continuation
                return false
            }
            if done { continuation.resume() }
        }
    }

    private func exited() {
        let waiter = state.withLock { s in
            s.exited = true
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume()
    }

    private final class Box {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }
}
