import Logging
import SocketCore
import Synchronization
import SystemCalls

#if canImport(Glibc)
    import Glibc
#endif

/// The bias the kernel sets on an input line.
public enum Bias: String, Sendable, CaseIterable {
    case pullUp = "pull-up"
    case pullDown = "pull-down"
    case disabled
    /// Leave the line's bias as it is.
    case asIs = "as-is"

    var flags: LineFlags {
        switch self {
        case .pullUp: .biasPullUp
        case .pullDown: .biasPullDown
        case .disabled: .biasDisabled
        case .asIs: []
        }
    }
}

/// A GPIO input: how it is found and configured.
public struct GPIOInputConfiguration: Sendable, Equatable {
    /// The chip's label; nil searches every chip for the line's name.
    public var chip: String?
    public var line: LineSelector
    /// The level is inverted by the kernel: a contact switched to ground reads as on.
    public var activeLow: Bool
    public var bias: Bias
    /// The kernel's debounce period; 0 for none.
    public var debounceMilliseconds: Int
    /// The consumer name shown by `gpioinfo`.
    public var consumer: String

    public init(
        chip: String? = nil, line: LineSelector, activeLow: Bool = false, bias: Bias = .asIs,
        debounceMilliseconds: Int = 10, consumer: String = "smsocket"
    ) {
        self.chip = chip
        self.line = line
        self.activeLow = activeLow
        self.bias = bias
        self.debounceMilliseconds = debounceMilliseconds
        self.consumer = consumer
    }

    /// The line configuration to request: edges both ways, bias, active-low and debounce.
    var lineConfig: LineConfig {
        var flags: LineFlags = [.input, .edgeRising, .edgeFalling]
        flags.formUnion(bias.flags)
        if activeLow { flags.insert(.activeLow) }
        var attributes: [ConfigAttribute] = []
        if debounceMilliseconds > 0 {
            attributes.append(ConfigAttribute(.debounce(microseconds: UInt32(debounceMilliseconds) * 1000), mask: 1))
        }
        return LineConfig(flags: flags, attributes: attributes)
    }
}

/// A digital input on a GPIO line: the logical level is read once at start (GET_VALUES), then every
/// edge event the kernel queues on the request's descriptor is read on a dedicated thread.
///
/// A line can go away while it runs: its chip unbound (a USB GPIO board pulled, gpio-sim's `live` set to 0).
/// The request then fails with ENODEV, seen either on its descriptor, when the kernel wakes its poll (6.1
/// does for gpio-sim, scripts/kernel-test found), or, where it does not, by a GET_VALUES when the chip's node
/// leaves the chips' directory. The input then says
/// it is out of service, closes the request and waits, with no timer, for the directory to change; at each
/// change it looks the line up again, and once it holds it again says it works and reports the level if that
/// changed meanwhile.
public final class GPIOInput: DigitalInputPort {
    /// A request the input holds, and the level read when it was made.
    private struct Held {
        var fd: Int32
        var line: FoundLine
        var level: Bool
    }

    public let configuration: GPIOInputConfiguration
    private let chips: GPIOChips
    private let logger: Logger
    private let running = Mutex<ReaderThread?>(nil)

    public init(_ configuration: GPIOInputConfiguration, chips: GPIOChips, logger: Logger) {
        self.configuration = configuration
        self.chips = chips
        self.logger = logger
    }

    /// Requests the line and reports its level, then every change. Does nothing if already started.
    public func start(onChange: @escaping @Sendable (Bool) -> Void) async throws {
        try await start(onChange: onChange, onService: { _ in })
    }

    /// As ``start(onChange:)``, and says when the line goes away (false) and when it is back (true).
    ///
    /// - Throws: ``GPIOError``: the line is not found or is busy, or a system call failed.
    public func start(onChange: @escaping @Sendable (Bool) -> Void, onService: @escaping @Sendable (Bool) -> Void) async throws {
        guard running.withLock({ $0 == nil }) else { return }
        let device = chips.device
        // Without the watch (inotify's per-user limit reached) the input works, but a lost line stays lost:
        // poll ignores a negative descriptor.
        let watch: Int32
        do {
            watch = try device.watchChips()
        } catch {
            logger.warning("GPIO input: chips coming and going are not watched: \(error)", metadata: ["line": "\(configuration.line)"])
            watch = -1
        }
        let held: Held
        do {
            held = try acquire()
        } catch {
            if watch >= 0 { device.close(watch) }
            throw error
        }
        logger.debug(
            "GPIO input requested",
            metadata: ["line": "\(held.line.displayName)", "chip": "\(held.line.chip.name) '\(held.line.chip.label)'", "level": "\(held.level)"])
        onChange(held.level)
        let thread: ReaderThread
        do {
            thread = try ReaderThread.start { [self] thread in
                read(from: held, watch: watch, thread: thread, onChange: onChange, onService: onService)
            }.mapError { GPIOError.syscall($0.call, "a reader thread's wake-up pipe", errno: $0.errno) }.get()
        } catch {
            device.close(held.fd)
            if watch >= 0 { device.close(watch) }
            throw error
        }
        running.withLock { $0 = thread }
    }

    public func stop() async {
        guard let thread = running.withLock({ r in defer { r = nil }; return r }) else { return }
        // The thread closes its descriptors as it ends: never while it polls them, so no number is reused
        // under it.
        await thread.stop()
    }

    /// Finds and requests the line, and reads its level.
    private func acquire() throws(GPIOError) -> Held {
        let line = try chips.find(chip: configuration.chip, line: configuration.line)
        let fd = try chips.request(line, config: configuration.lineConfig, consumer: configuration.consumer)
        do {
            let level = try chips.device.getValues(fd, mask: 1, context: line.displayName).bits & 1 != 0
            return Held(fd: fd, line: line, level: level)
        } catch {
            chips.device.close(fd)
            throw error
        }
    }

    /// The reader thread: the edges while the line is held; while it is lost, a new look at each change of
    /// the chips' directory. Ends once the thread is stopping, closing what it holds.
    private func read(
        from first: Held, watch: Int32, thread: ReaderThread, onChange: @Sendable (Bool) -> Void,
        onService: @Sendable (Bool) -> Void
    ) {
        let device = chips.device
        var held: Held? = first
        var tracker = EdgeTracker(level: first.level)
        let name = first.line.displayName
        // What the last look for a lost line ran into, said once: a line now busy, a chip that cannot be
        // opened. Not finding it is what a gone chip means, and goes unsaid.
        var lastMiss: String?
        defer {
            if let held { device.close(held.fd) }
            if watch >= 0 { device.close(watch) }
        }
        while !thread.isStopping {
            do {
                guard let current = held else {
                    // No timeout here either: a lost line costs nothing until the directory changes.
                    guard try device.poll([thread.wakeDescriptor, watch])[1] else { continue }
                    _ = try device.read(watch, maxBytes: 4096)
                    chips.rescan()
                    let found: Held
                    do {
                        found = try acquire()
                    } catch {
                        if ![.noChips, .chipNotFound, .lineNotFound].contains(error.code), lastMiss != error.message {
                            logger.warning("GPIO input still out of service: \(error)", metadata: ["line": "\(name)"])
                            lastMiss = error.message
                        }
                        continue
                    }
                    held = found
                    lastMiss = nil
                    logger.notice("GPIO input back in service", metadata: ["line": "\(name)", "chip": "\(found.line.chip.name)"])
                    onService(true)
                    if found.level != tracker.level { onChange(found.level) }
                    tracker = EdgeTracker(level: found.level)
                    continue
                }
                // No timeout: stop() wakes the poll, so a quiet line costs no wakeups.
                let ready = try device.poll([current.fd, thread.wakeDescriptor, watch])
                if ready[2] { _ = try device.read(watch, maxBytes: 4096) }
                do {
                    // A chip came or went: is this line's still there?
                    if ready[2] { _ = try device.getValues(current.fd, mask: 1, context: name) }
                    if ready[0] {
                        let bytes = try device.read(current.fd, maxBytes: Layout.lineEventSize * 16)
                        // Readable with nothing to read: the request has ended under us.
                        if bytes.isEmpty { throw GPIOError.syscall("read", name, errno: ENODEV) }
                        for event in LineEvent.decodeAll(bytes) {
                            let step = tracker.handle(event)
                            if let lost = step.lost {
                                logger.warning(
                                    "GPIO events lost: the kernel's buffer overflowed",
                                    metadata: ["line": "\(name)", "lost": "\(lost)", "seqno": "\(event.seqno)"])
                            }
                            if let level = step.changed { onChange(level) }
                        }
                    }
                } catch {
                    logger.error("GPIO input out of service until its chip is back: \(error)", metadata: ["line": "\(name)"])
                    device.close(current.fd)
                    held = nil
                    onService(false)
                }
            } catch {
                // Waiting itself failed: there is nothing left to wait with.
                logger.error("GPIO input stopped: \(error)", metadata: ["line": "\(name)"])
                if held != nil { onService(false) }
                return
            }
        }
    }
}

/// Turns edge events into level changes and notices gaps in their sequence numbers.
struct EdgeTracker: Sendable {
    private(set) var level: Bool
    /// The kernel numbers a request's events from 1.
    private(set) var lastSeqno: UInt32 = 0

    init(level: Bool) { self.level = level }

    /// The new level, if the event changes it, and how many events the kernel dropped before it.
    mutating func handle(_ event: LineEvent) -> (changed: Bool?, lost: UInt32?) {
        var lost: UInt32?
        if event.seqno &- lastSeqno > 1 { lost = event.seqno &- lastSeqno &- 1 }
        lastSeqno = event.seqno
        guard let edge = event.edge else { return (nil, lost) }
        let new = edge == .rising
        // Events queued before the initial read repeat the level already reported.
        guard new != level else { return (nil, lost) }
        level = new
        return (new, lost)
    }
}
