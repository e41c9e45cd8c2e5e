/// Where plugins deliver what they observe (an SMS, a call, an input edge, a reading).
///
/// `post` never blocks and may be called from any thread; the controller handles events one at a time,
/// in the order they were posted.
public protocol EventSink: Sendable {
    func post(_ event: Event)
    /// An SMS that is still in the modem's storage; the controller calls ``ModemPort/acknowledge(_:)``
    /// with `receipt` once the message's effects are committed.
    func post(_ sms: IncomingSMS, receipt: MessageReceipt)
}

/// Identifies a received SMS in the modem's storage, so that it is deleted only after it has been handled
/// and handled only once even if the modem reports it twice.
public struct MessageReceipt: Hashable, Sendable {
    /// Stable across restarts: the same message read twice gives the same key.
    public var key: String
    public var storageIndex: Int?

    public init(key: String, storageIndex: Int? = nil) {
        self.key = key
        self.storageIndex = storageIndex
    }
}

/// Every port is started with the sink its events go to and stopped at shutdown.
public protocol Port: Sendable {
    func start(events: any EventSink) async throws
    func stop() async
}

/// A GSM modem: SMS, voice calls, USSD.
public protocol ModemPort: Port {
    /// Sends `message` (its parts after ``OutgoingSMS/partsSent``); returns once the network accepted every
    /// part (`+CMGS`, 3GPP TS 27.005 §3.5.1). Sends once: retrying is the outbox's work, and the error says
    /// whether it may (``SMSSendError/Code/refused``) or must not (``SMSSendError/Code/uncertain``).
    func sendSMS(_ message: OutgoingSMS) async throws(SMSSendError)
    /// Deletes a handled message from the modem's storage.
    func acknowledge(_ receipt: MessageReceipt) async throws
    /// Starts calling; the outcome arrives as ``Event/callAnswered(_:)`` / ``Event/callEnded(_:_:)``.
    func placeCall(to number: String) async throws
    func endCall(to number: String) async throws
    func rejectCall(from number: String) async throws
    /// Sends a USSD request; the answer arrives as ``Event/ussdReply(_:)``.
    func sendUSSD(code: String) async throws
    /// Opens or closes the microphone channel of the connected call.
    func setAudio(on: Bool) async throws
    /// The device went dark (false) or came back (true).
    func setPowered(_ powered: Bool) async
    /// An output wired to the modem's power key, for modems that can be switched off and on by it.
    func usePowerKey(_ key: any OutputPort) async
    /// The registration and operator as last seen, for `smsocket status`; answered from what the modem
    /// reported, without asking it anything.
    func networkStatus() async -> NetworkStatus
    /// The stored passwords, which nothing the port logs may show (its AT trace shows message texts). Given
    /// before ``Port/start(events:)`` and again whenever they change.
    func keepOutOfLogs(_ passwords: Redaction.Passwords) async
}

extension ModemPort {
    /// Modems without a power key ignore it.
    public func usePowerKey(_ key: any OutputPort) async {}
    /// A modem that cannot tell says nothing.
    public func networkStatus() async -> NetworkStatus { NetworkStatus() }
    /// Modems that log no message text need not know the passwords.
    public func keepOutOfLogs(_ passwords: Redaction.Passwords) async {}
}

/// What a modem knows of the mobile network (3GPP TS 27.007 §7.2 `+CREG`, §7.3 `+COPS`).
public struct NetworkStatus: Equatable, Sendable {
    public enum Registration: String, Sendable {
        case home, roaming, searching, denied
        case notRegistered = "not-registered"
        case unknown
    }

    /// Nil when the modem has not said.
    public var registration: Registration?
    /// The operator's name as the modem gives it (`Elisa`, `DNA`); nil when not known.
    public var operatorName: String?
    /// Why the modem stays offline until a person acts (`the SIM asks for its PUK`); nil when it is online
    /// or being recovered on its own.
    public var waitingForAPerson: String?

    public init(registration: Registration? = nil, operatorName: String? = nil, waitingForAPerson: String? = nil) {
        self.registration = registration
        self.operatorName = operatorName
        self.waitingForAPerson = waitingForAPerson
    }
}

/// A thermometer. A reading may take most of a second on real hardware, so it is requested and its
/// result posted as ``Event/temperature(_:)``.
public protocol ThermometerPort: Port {
    func requestReading()
}

/// A relay or any other on/off output.
public protocol OutputPort: Port {
    func set(on: Bool) async throws
}

/// Inputs that post the controller's events themselves once started (the simulated board's inputs,
/// and the runtime's role adapters over a ``DigitalInputPort``).
public protocol InputPort: Port {}

/// A digital input (a contact, a button, mains sense) as hardware plugins provide it: the logical level,
/// reported once at start and then at every change.
public protocol DigitalInputPort: Sendable {
    /// Starts watching; `onChange` is called with the level found at start, then with each change.
    func start(onChange: @escaping @Sendable (Bool) -> Void) async throws
    /// As ``start(onChange:)``; an input whose hardware can go away while it runs (a GPIO chip unbound)
    /// also calls `onService(false)` when it does, and `onService(true)` once it works again, before the
    /// level it then finds (when that differs from the last one reported).
    func start(onChange: @escaping @Sendable (Bool) -> Void, onService: @escaping @Sendable (Bool) -> Void) async throws
    func stop() async
}

extension DigitalInputPort {
    /// An input that cannot go away never calls `onService`.
    public func start(onChange: @escaping @Sendable (Bool) -> Void, onService: @escaping @Sendable (Bool) -> Void) async throws {
        try await start(onChange: onChange)
    }
}
