import Logging
import Simulated
import SocketCore
import Synchronization

/// `smsocket simulate`: the whole controller on simulated hardware and a virtual clock, driven line by
/// line (the protocol is in spec/simulate.md and the README).
public actor Simulation {
    public struct Options: Sendable {
        public var model: Model = .gsm707
        /// Default: Monday 2026-01-05 08:00:00 UTC.
        public var start = Instant(seconds: CivilTime(year: 2026, month: 1, day: 5, hour: 8, minute: 0, second: 0).epochSeconds)
        /// Nil: a fresh temporary database, removed at the end.
        public var statePath: String?
        public var rulesPath: String?
        /// `rule_memory_kib`: each rule's memory limit.
        public var ruleMemoryKiB = 1024
        /// The optional parts the simulated board has (all the model's by default; `simulate --config` takes
        /// them from the roles the file configures).
        public var equipment: Equipment?
        /// `[location]`: the device clock follows its time zone, and the simulated network's time stamps
        /// carry that zone's local time and offset.
        public var location: ControllerConfig.Location?
        /// Print the controller's notes as `#` lines.
        public var verbose = false
        public init() {}

        /// What `simulate --config` takes from a configuration file: the model, the rules folder, the parts
        /// the board has (the roles it configures) and the location. Not its state file: that is the state
        /// of a real controller (simulating on it would change its settings, its password among them); only
        /// ``statePath`` opens one.
        public mutating func take(_ config: ControllerConfig) {
            model = config.model
            rulesPath = config.rulesPath
            ruleMemoryKiB = config.ruleMemoryKiB
            equipment = config.equipment
            location = config.location
        }
    }

    /// Prefixes every hardware event with the virtual time.
    private struct TimedLog: SimulationLog {
        let clock: VirtualClock
        let write: @Sendable (String) -> Void
        func record(_ event: String) { write("\(clock.now) \(event)") }
    }

    private let options: Options
    private let write: @Sendable (String) -> Void
    private let clock: VirtualClock
    private let world: SimulatedWorld
    /// Held from start to finish, across `restart`: the simulated device is the database's one owner.
    private let store: Store
    private let temporary: TemporaryState?
    private var controller: Controller?

    /// A simulation writing its output lines through `write` (one call per line, no line end). Opens the
    /// state database, and refuses one another controller or simulator holds.
    public init(options: Options, write: @escaping @Sendable (String) -> Void) throws(StoreError) {
        self.options = options
        self.write = write
        let clock = VirtualClock(start: options.start)
        self.clock = clock
        world = SimulatedWorld(log: TimedLog(clock: clock, write: write))
        let path: String
        if let statePath = options.statePath {
            path = statePath
            temporary = nil
        } else {
            let fresh = try TemporaryState()
            path = fresh.path
            temporary = fresh
        }
        do {
            store = try Store(path: path, durability: .normal)
        } catch {
            temporary?.remove()
            throw error
        }
    }

    /// Powers the simulated device up.
    public func start() async throws {
        try await startController()
    }

    private func startController() async throws {
        let verbose = options.verbose
        let write = self.write
        var logger = Logger(label: "smsocket.simulate")
        // Notes are printed as # lines; the log carries only what went wrong.
        logger.logLevel = .warning
        let parts = (options.equipment ?? .complete(for: options.model)).intersection(.complete(for: options.model))
        var inputs = [RoleInput(role: .button, input: world.button, clock: clock), RoleInput(role: .mainsSense, input: world.mains, clock: clock)]
        if parts.contains(.alarmInput) { inputs.append(RoleInput(role: .alarmInput, input: world.sensor, clock: clock)) }
        let board = Board(
            modem: world.network, thermometer: parts.contains(.thermometer) ? world.thermometer : nil, mainRelay: world.mainRelay,
            microRelay: parts.contains(.microRelay) ? world.microRelay : nil, inputs: inputs)
        let controller = try Controller(
            model: options.model, identity: DeviceIdentity(serialNumber: "00000000000000001"), store: store, board: board,
            clock: clock, logger: logger, delivery: .inline, zone: options.location?.zone,
            onNote: { time, text in if verbose { write("# \(time) \(text)") } })
        self.controller = controller
        if let folder = options.rulesPath {
            await controller.useRules(
                Controller.RuleSetup(folder: folder, memoryKiB: options.ruleMemoryKiB, location: options.location?.coordinates) {
                    time, rule, text, failed in
                    write("\(time) \(failed ? "rule-error" : "rule-log") \(rule) \(jsonStringLiteral(text))")
                })
        }
        try await controller.start()
        await controller.fireDueTimers()
    }

    /// Handles one input line: echoes it, then runs everything it causes.
    public func process(line: String) async {
        write("< " + line)
        let input: SimulationInput
        do {
            input = try SimulationInput.parse(line)
        } catch {
            write("error: \(error)")
            return
        }
        await apply(input)
        await settle()
    }

    /// Runs a command from the local console (trusted, as `smsocket send` and rules are) and returns its replies.
    public func localCommand(_ text: String) async -> [String] {
        guard let controller else { return [] }
        let replies = await controller.execute(localCommand: text)
        await settle()
        return replies
    }

    /// Runs the work due at the current virtual time, then removes a temporary state database.
    public func finish() async {
        await settle()
        await controller?.stop()
        controller = nil
        temporary?.remove()
    }

    private func settle() async {
        await controller?.drain()
        await controller?.fireDueTimers()
    }

    private func apply(_ input: SimulationInput) async {
        guard !world.apply(input, at: clock.now, zone: options.location?.zone) else { return }
        switch input {
        case .wait(let seconds):
            await advance(to: clock.now.adding(seconds: seconds))
        case .buttonHold(let milliseconds):
            // The clock runs while the button is held.
            world.button.set(true)
            await advance(to: clock.now.adding(milliseconds: milliseconds))
            world.button.set(false)
        case .restart(let offSeconds):
            await powerCycle(offSeconds: offSeconds)
        case .reload:
            await controller?.reloadRules()
        case .help:
            for line in SimulationInput.helpText.split(separator: "\n") { write("# " + line) }
        default:
            break
        }
    }

    /// Moves the virtual clock to `target`, running every timer on the way at its own time.
    private func advance(to target: Instant) async {
        guard let controller else { return clock.set(target) }
        await controller.drain()
        while let next = await controller.nextDeadline, next <= target {
            clock.set(next)
            await controller.fireDueTimers()
        }
        clock.set(target)
    }

    /// The controller stops, the relays drop out, the clock moves by `offSeconds` (forward while the device
    /// is off, or back), and a new controller starts from the database.
    private func powerCycle(offSeconds: Int64) async {
        await controller?.drain()
        await controller?.stop()
        controller = nil
        await world.dropRelays()
        clock.jump(to: clock.now.adding(seconds: offSeconds))
        do {
            try await startController()
        } catch {
            write("error: the controller did not start again: \(error)")
        }
    }
}
