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
public final class GPIOInput: DigitalInputPort {
    private struct Running {
        var fd: Int32
        var line: FoundLine
        var thread: ReaderThread
    }

    public let configuration: GPIOInputConfiguration
    private let chips: GPIOChips
    private let logger: Logger
    private let running = Mutex<Running?>(nil)

    public init(_ configuration: GPIOInputConfiguration, chips: GPIOChips, logger: Logger) {
        self.configuration = configuration
        self.chips = chips
        self.logger = logger
    }

    /// Requests the line and reports its level, then every change. Does nothing if already started.
    public func start(onChange: @escaping @Sendable (Bool) -> Void) async throws {
        guard running.withLock({ $0 == nil }) else { return }
        let device = chips.device
        let line = try chips.find(chip: configuration.chip, line: configuration.line)
        let fd = try chips.request(line, config: configuration.lineConfig, consumer: configuration.consumer)
        let initial: Bool
        do {
            initial = try device.getValues(fd, mask: 1, context: line.displayName).bits & 1 != 0
        } catch {
            device.close(fd)
            throw error
        }
        logger.debug(
            "GPIO input requested",
            metadata: ["line": "\(line.displayName)", "chip": "\(line.chip.name) '\(line.chip.label)'", "level": "\(initial)"])
        onChange(initial)
        let logger = self.logger
        let thread: ReaderThread
        do {
            thread = try ReaderThread.start { thread in
                var tracker = EdgeTracker(level: initial)
                while !thread.isStopping {
                    do {
                        // No timeout: stop() wakes the poll, so a quiet line costs no wakeups.
                        guard try device.poll(fd, wake: thread.wakeDescriptor) else { continue }
                        let bytes = try device.read(fd, maxBytes: Layout.lineEventSize * 16)
                        for event in LineEvent.decodeAll(bytes) {
                            let step = tracker.handle(event)
                            if let lost = step.lost {
                                logger.warning(
                                    "GPIO events lost: the kernel's buffer overflowed",
                                    metadata: ["line": "\(line.displayName)", "lost": "\(lost)", "seqno": "\(event.seqno)"])
                            }
                            if let level = step.changed { onChange(level) }
                        }
                    } catch {
                        logger.error("GPIO input stopped: \(error)", metadata: ["line": "\(line.displayName)"])
                        return
                    }
                }
            }.mapError { GPIOError.syscall($0.call, "a reader thread's wake-up pipe", errno: $0.errno) }.get()
        } catch {
            device.close(fd)
            throw error
        }
        running.withLock { $0 = Running(fd: fd, line: line, thread: thread) }
    }

    public func stop() async {
        guard let run = running.withLock({ r in defer { r = nil }; return r }) else { return }
        // The thread must be out of poll()/read() before the descriptor is closed and its number reused.
        await run.thread.stop()
        chips.device.close(run.fd)
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
