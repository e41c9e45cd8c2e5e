/// The device's indicator LEDs (spec §4.18).
public enum LED: String, CaseIterable, Sendable {
    case power, gsm, mic, out
}

/// How an LED shows a state.
public enum LEDPattern: String, Sendable, Equatable {
    case off
    case steady
    /// Once per second.
    case blinkSlow
    /// Four times per second.
    case blinkFast
    /// Once every three seconds.
    case blinkRare
    /// All LEDs but GSM blinking together: a factory reset awaits its confirming press.
    case blinkTogether

    /// One period of the pattern as on/off phases in milliseconds; a single phase means a steady level.
    public var phases: [(on: Bool, milliseconds: Int)] {
        switch self {
        case .off: [(false, 1000)]
        case .steady: [(true, 1000)]
        case .blinkSlow: [(true, 500), (false, 500)]
        case .blinkFast: [(true, 125), (false, 125)]
        case .blinkRare: [(true, 250), (false, 2750)]
        case .blinkTogether: [(true, 250), (false, 250)]
        }
    }
}

extension SocketCore {
    /// What each LED shows now. Derived from the state, so the shell compares it after each event.
    public var leds: [LED: LEDPattern] {
        guard volatile.poweredUp else { return [.power: .off, .gsm: .off, .mic: .off, .out: .off] }
        let gsm: LEDPattern = volatile.signal == nil || !volatile.modemOnline ? .blinkSlow : .blinkRare
        if volatile.factoryResetPending {
            return [.power: .blinkTogether, .gsm: gsm, .mic: .blinkTogether, .out: .blinkTogether]
        }
        let power: LEDPattern
        switch volatile.alarm.phase {
        case .cycle, .lockout: power = .blinkFast
        case .ready: power = .blinkSlow
        case .disarmed: power = .steady
        }
        var mic = LEDPattern.off
        if !model.isLight, let call = volatile.call {
            mic = call.answered ? .steady : .blinkSlow
        }
        return [.power: power, .gsm: gsm, .mic: mic, .out: persistent.mainRelayOn ? .steady : .off]
    }

    /// Whether the device is on (it is dark after a power loss it could not ride out).
    public var isPoweredUp: Bool { volatile.poweredUp }

    /// The instant the configuration window closes.
    public var configurationWindowCloses: Instant { volatile.windowDeadline }
}
