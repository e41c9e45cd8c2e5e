import PluginKit
import SocketCore
import Synchronization

/// Turns a digital input's levels into the controller's events for the role the input fills: the alarm
/// contact's level, mains present or not, and for the button how long it was held (timed with the
/// controller's clock, so the virtual clock times the simulated button).
public final class RoleInput: InputPort {
    public let role: Role
    private let input: any DigitalInputPort
    private let clock: any ControllerClock
    private let pressedAt = Mutex<Instant?>(nil)

    /// `role` must be an input role: alarm_input, button or mains_sense.
    public init(role: Role, input: any DigitalInputPort, clock: any ControllerClock) {
        precondition(role.portKind == .input, "\(role) is not an input role")
        self.role = role
        self.input = input
        self.clock = clock
    }

    /// How STATUS's `Fault:` line names the input (`alarm input`), whether it could not start or went out of
    /// service while running.
    var partName: String { role.rawValue.replacingUnderscores }

    public func start(events: any EventSink) async throws {
        let part = partName
        try await input.start(
            onChange: { [self] level in
                if let event = self.event(for: level) { events.post(event) }
            },
            onService: { [self] working in
                // A press the input lost the release of is no press.
                if !working { self.pressedAt.withLock { $0 = nil } }
                events.post(.hardwareService(part: part, working: working))
            })
    }

    public func stop() async { await input.stop() }

    func event(for level: Bool) -> Event? {
        switch role {
        case .alarmInput:
            return .sensor(closed: level)
        case .mainsSense:
            return .mains(present: level)
        case .button:
            let now = clock.now
            return pressedAt.withLock { pressed in
                if level {
                    pressed = now
                    return nil
                }
                guard let start = pressed else { return nil }
                pressed = nil
                return .button(heldMilliseconds: now.milliseconds - start.milliseconds)
            }
        default:
            return nil
        }
    }
}
