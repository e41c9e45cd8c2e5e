import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A dedicated OS thread, kept off Swift's cooperative pool, for a body that blocks in poll()/read() on a
/// device (a serial port, a GPIO line, a pseudo-terminal); ``stop()`` ends it and waits until it has.
///
/// ``stop()`` makes ``wakeDescriptor`` readable: a body that polls it beside its own descriptor can block
/// without a timeout and still notice the stop at once, instead of waking up regularly to look. Any number
/// of tasks may wait in ``stop()`` at once; all of them resume when the body has returned.
package final class ReaderThread: Sendable {
    private struct State {
        var stopping = false
        var exited = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }
    private let state = Mutex(State())

    /// True once ``stop()`` was called; the body checks it between polls.
    package var isStopping: Bool { state.withLock { $0.stopping } }

    /// The read end of a pipe that ``stop()`` writes to; never read, so it stays readable from then on.
    package let wakeDescriptor: Int32
    private let wakeWriter: Int32

    private init(wake: (read: Int32, write: Int32)) {
        wakeDescriptor = wake.read
        wakeWriter = wake.write
    }

    // The body holds the thread until it returns, so the pipe outlives every poll of it.
    deinit {
        system_close(wakeDescriptor)
        system_close(wakeWriter)
    }

    /// Starts `body` on a new thread; the body should return soon after ``isStopping`` becomes true.
    /// Fails only when the wake pipe cannot be made (EMFILE, ENFILE: no descriptors left).
    package static func start(_ body: @escaping @Sendable (ReaderThread) -> Void) -> Result<ReaderThread, SystemCallError> {
        let thread: ReaderThread
        switch system_pipe() {
        case .success(let wake): thread = ReaderThread(wake: wake)
        case .failure(let error): return .failure(error)
        }
        let box = Unmanaged.passRetained(Box {
            body(thread)
            thread.exited()
        })
        #if canImport(Darwin)
            var id: pthread_t? = nil
        #else
            var id = pthread_t()
        #endif
        let rc = pthread_create(&id, nil, { arg in
            let box = Unmanaged<Box>.fromOpaque(arg!).takeRetainedValue()
            box.run()
            return nil
        }, box.toOpaque())
        precondition(rc == 0, "pthread_create failed: \(rc)")
        #if canImport(Darwin)
            pthread_detach(id!)
        #else
            pthread_detach(id)
        #endif
        return .success(thread)
    }

    /// Asks the thread to end and waits until it has.
    package func stop() async {
        state.withLock { $0.stopping = true }
        // One byte into an empty pipe never blocks; a second stop's byte only adds to it.
        _ = system_write(wakeWriter, [1][...])
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { s in
                if s.exited { return true }
                s.waiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }

    private func exited() {
        let waiters = state.withLock { s in
            s.exited = true
            defer { s.waiters = [] }
            return s.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    private final class Box {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }
}
