import Logging
import SocketCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A GPIO output: how it is found and configured.
public struct GPIOOutputConfiguration: Sendable, Equatable {
    /// The chip's label; nil searches every chip for the line's name.
    public var chip: String?
    public var line: LineSelector
    /// For relay boards that switch on a low level: the kernel inverts, so `on` is still on.
    public var activeLow: Bool
    /// The logical level requested with the line, so a relay never glitches at start.
    public var initial: Bool
    /// The consumer name shown by `gpioinfo`.
    public var consumer: String

    public init(
        chip: String? = nil, line: LineSelector, activeLow: Bool = false, initial: Bool = false,
        consumer: String = "smsocket"
    ) {
        self.chip = chip
        self.line = line
        self.activeLow = activeLow
        self.initial = initial
        self.consumer = consumer
    }

    /// The line configuration to request with the logical level `on`.
    func lineConfig(on: Bool) -> LineConfig {
        var flags: LineFlags = [.output]
        if activeLow { flags.insert(.activeLow) }
        return LineConfig(flags: flags, attributes: [ConfigAttribute(.outputValues(on ? 1 : 0), mask: 1)])
    }
}

/// A relay or LED on a GPIO line. The line is requested at start with its level already set (the
/// output-values attribute), held while the port runs, and released at stop.
///
/// A line whose chip went away (SET_VALUES fails with ENODEV) is let go, and the switching fails; the next
/// switching looks the line up again and requests it with its new level, so the output works again once the
/// chip is back (the controller tries a failed switching nobody asked for again on its own).
public final class GPIOOutput: OutputPort {
    private struct State {
        var fd: Int32?
        var line: FoundLine?
        /// The level to request at start, or the level last set.
        var level: Bool
        /// Between start and stop: a switching without a line held requests it again.
        var started = false
    }

    public let configuration: GPIOOutputConfiguration
    private let chips: GPIOChips
    private let logger: Logger
    private let state: Mutex<State>

    public init(_ configuration: GPIOOutputConfiguration, chips: GPIOChips, logger: Logger) {
        self.configuration = configuration
        self.chips = chips
        self.logger = logger
        self.state = Mutex(State(level: configuration.initial))
    }

    /// The logical level last set (or to be requested at start).
    public var isOn: Bool { state.withLock { $0.level } }

    public func start(events: any EventSink) async throws {
        let line = try chips.find(chip: configuration.chip, line: configuration.line)
        try state.withLock { (s) throws(GPIOError) in
            guard s.fd == nil else { return }
            s.fd = try chips.request(line, config: configuration.lineConfig(on: s.level), consumer: configuration.consumer)
            s.line = line
            s.started = true
            logger.debug(
                "GPIO output requested",
                metadata: ["line": "\(line.displayName)", "chip": "\(line.chip.name) '\(line.chip.label)'", "on": "\(s.level)"])
        }
    }

    /// Sets the logical level. Before ``start(events:)`` it only chooses the level the line is requested with.
    ///
    /// - Throws: ``GPIOError``: SET_VALUES failed, or the line, lost before, is not found or is busy.
    public func set(on: Bool) async throws {
        try state.withLock { (s) throws(GPIOError) in
            guard s.started else {
                s.level = on
                return
            }
            guard let fd = s.fd else {
                // Lost at an earlier switching: its chip may be back, under another number.
                chips.rescan()
                let line = try chips.find(chip: configuration.chip, line: configuration.line)
                s.fd = try chips.request(line, config: configuration.lineConfig(on: on), consumer: configuration.consumer)
                s.line = line
                s.level = on
                logger.notice("GPIO output back in service", metadata: ["line": "\(line.displayName)", "chip": "\(line.chip.name)"])
                return
            }
            let name = s.line?.displayName ?? ""
            do throws(GPIOError) {
                try chips.device.setValues(fd, LineValues(bits: on ? 1 : 0, mask: 1), context: name)
            } catch where error.errno == ENODEV {
                chips.device.close(fd)
                s.fd = nil
                s.line = nil
                logger.error("GPIO output out of service until its chip is back: \(error)", metadata: ["line": "\(name)"])
                throw error
            }
            s.level = on
        }
    }

    public func stop() async {
        state.withLock { s in
            if let fd = s.fd { chips.device.close(fd) }
            s.fd = nil
            s.line = nil
            s.started = false
        }
    }
}
