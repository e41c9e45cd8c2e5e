import Logging
import SocketCore

/// A GSM modem on a serial port, speaking AT with SMS in PDU mode: the controller's ``ModemPort``.
///
/// It keeps itself online: a supervisor checks that the modem answers and is registered, and climbs a
/// recovery ladder when not (re-register, radio off and on, modem reset, reopen the port), with back-off,
/// never giving up. Messages are read on `+CMTI` and by a periodic sweep of the whole storage, handed to
/// the controller with a receipt, and deleted only when the controller acknowledges them.
public actor ATModem: ModemPort {
    public struct Configuration: Sendable {
        public var device: String
        public var baudRate: Int
        /// nil = detect from `AT+CGMI`.
        public var vendor: ModemVendor?
        public var timeouts = ATTimeouts()
        /// How often the whole SIM storage is swept for messages whose `+CMTI` was lost, and how long
        /// listing it may take (a full SIM at 9600 baud takes a few seconds).
        public var sweepInterval: Duration = .seconds(300)
        public var sweepTimeout: Duration = .seconds(20)
        /// A message the controller has not acknowledged this long after it was handed over is handed over
        /// again (the controller could not commit it; it recognises what it handled already).
        public var handOverAgainAfter: Duration = .seconds(600)
        /// How often the supervisor checks the modem (AT, signal, registration).
        public var checkInterval: Duration = .seconds(30)
        /// How long each of the check's three `AT`s waits for `OK`.
        public var checkTimeout: Duration = .seconds(2)
        /// Unregistered for longer than this starts the recovery ladder.
        public var registrationTimeout: Duration = .seconds(600)
        /// Back-off between reconnection attempts: first and largest.
        public var reconnectDelay: Duration = .seconds(5)
        public var maxReconnectDelay: Duration = .seconds(300)
        /// How often a dialled call's state is polled with AT+CLCC.
        public var callPollInterval: Duration = .seconds(1)
        /// Parts of a long message wait this long for the others, then are handled alone.
        public var concatenationTimeout: Duration = .seconds(120)
        /// After a boot notice (`RDY`, `SMS Ready`, …), how long the modem is left to finish starting before
        /// it is initialised again; each further notice restarts the wait.
        public var bootSettle: Duration = .seconds(3)
        /// How long the radio stays off in the radio-off-and-on recovery step.
        public var radioOffPause: Duration = .seconds(5)
        /// How long the power key is held to switch the modem off or on (SIM800: at least 1 s), and how
        /// long the modem is left off.
        public var powerKeyPulse: Duration = .milliseconds(1500)
        public var powerOffPause: Duration = .seconds(5)
        /// `[modem] pin`: the SIM's PIN (4 to 8 digits), entered when the SIM asks for it (``unlockSIM()``).
        public var pin: String?
        /// Where the PIN entry that the SIM has not confirmed is remembered across restarts
        /// (``PINAttemptRecord``); nil: in memory only.
        public var pinRecordPath: String?
        /// After its PIN, how often and how long apart `AT+CPIN?` asks whether the SIM has started.
        public var simStartTries = 10
        public var simStartPause: Duration = .seconds(1)
        /// `[modem] trace`: every line to and from the modem in the log (``ATTrace``).
        public var trace = false

        public init(device: String, baudRate: Int = 115200, vendor: ModemVendor? = nil) {
            self.device = device
            self.baudRate = baudRate
            self.vendor = vendor
        }
    }

    /// Opens the byte pipe to the modem (the serial port; a pseudo-terminal in tests).
    public typealias TransportFactory = @Sendable (Configuration) throws -> any ATTransport

    let configuration: Configuration
    let logger: Logger
    let openTransport: TransportFactory
    let clock = ContinuousClock()
    let trace: ATTrace?

    var sink: (any EventSink)?
    var channel: ATChannel?
    var vendor: ModemVendor = .generic
    var supervisor: Task<Void, Never>?
    var urcReader: Task<Void, Never>?
    /// What the controller was last told (`.modemOnline`); nil until the first connection succeeds or fails,
    /// so that a modem that never comes online (a locked SIM, no port) is reported offline too: the core takes
    /// a modem for online until told otherwise.
    private var reported: Bool?
    var online: Bool { reported == true }
    var powered = true
    var registered = false
    /// The last `+CREG` state and the operator named once registered, for ``networkStatus()``.
    var registration: NetworkStatus.Registration?
    var operatorName: String?
    /// What keeps the modem offline until a person acts (the SIM's PIN or PUK); reported once in the log,
    /// not at every try, and in ``networkStatus()``.
    var waitingForAPerson: ModemError?
    var unregisteredSince: ContinuousClock.Instant?
    var recoveryStep = 0
    var powerKey: (any OutputPort)?
    var lastSweep: ContinuousClock.Instant?
    var lastSignal: Int??
    /// The PIN entry the SIM has not confirmed (SIMUnlock.swift).
    var pinRecord: PINAttemptRecord
    /// When the PIN was last entered: the boot notices that follow are the SIM starting, not a restart.
    var pinEnteredAt: ContinuousClock.Instant?

    // Settings (ModemSetup.swift)
    /// Where new messages are stored (mem3), as selected at initialisation.
    var receivingStorage = "SM"
    /// The storages the sweep lists: what `AT+CPMS=?` offers, less the combined view "MT".
    var sweptStorages = ["SM"]
    /// Whether the modem accepted `AT+CSCS="GSM"`: USSD text then comes as GSM 7-bit code points.
    var gsmCharacterSet = false
    /// `AT+CSMS` service: 1 means every direct delivery needs `AT+CNMA`.
    var messageService = 0
    /// The `<mt>` of the `AT+CNMI` form the modem accepted; nil when it refused them all.
    var messageIndication: Int?
    /// Waits for the boot notices to stop before initialising again.
    var rebootSettling: Task<Void, Never>?
    var initialisingAgain = false
    /// Set while ``connect()`` wakes, synchronises and initialises a newly opened port; the controller's
    /// requests and the notices that came meanwhile wait for it in ``connected()``.
    var connecting = false
    var connectionWaiters: [CheckedContinuation<Void, Never>] = []

    // Incoming messages
    var reassembler: ConcatenationReassembler<ContinuousClock.Instant>
    /// Each message posted and not yet acknowledged, by receipt key.
    var handedOver: [String: HandedOver] = [:]
    /// Where each part waiting for the rest of its message is, by its PDU key.
    var partSlots: [String: MessageSlot] = [:]
    /// The message each part of a posted long message belongs to, until it is acknowledged.
    var postedParts: [String: String] = [:]
    /// Keys of the last messages acknowledged (the controller also remembers every handled key).
    var recentlyAcknowledged: [String] = []
    /// Deletions issued so far, and the count at which each recently deleted slot was deleted (at most 64
    /// slots; the deletions up to `forgottenDeletions` are no longer in it): a listing sent before a deletion
    /// of one of its slots no longer tells what that slot holds.
    var deletions = 0
    var deletedSlots: [MessageSlot: Int] = [:]
    var forgottenDeletions = 0
    /// Slots whose copies came cut short on both readings, and how many times (at most 64 slots).
    var cutReadings: [MessageSlot: Int] = [:]

    // Calls
    var outgoing: OutgoingCall?
    var ringing: RingingCall?

    /// A message posted to the controller: where it is, what it was posted as, and when (last).
    struct HandedOver {
        var slots: [MessageSlot]
        var sms: IncomingSMS
        var receipt: MessageReceipt
        var at: ContinuousClock.Instant
    }

    struct OutgoingCall {
        var number: String
        /// `ATD` has not answered yet.
        var dialling = false
        var answered = false
        var poller: Task<Void, Never>?
    }

    struct RingingCall {
        var rings = 0
        var reported = false
        var last: ContinuousClock.Instant
    }

    public init(configuration: Configuration, logger: Logger, openTransport: TransportFactory? = nil) {
        self.configuration = configuration
        self.logger = logger
        self.openTransport = openTransport ?? { configuration in
            try SerialTransport(path: configuration.device, baudRate: configuration.baudRate)
        }
        reassembler = ConcatenationReassembler(timeout: configuration.concatenationTimeout)
        pinRecord = PINAttemptRecord(path: configuration.pinRecordPath)
        trace = configuration.trace ? ATTrace(logger: logger, pin: configuration.pin) : nil
    }

    public func keepOutOfLogs(_ passwords: Redaction.Passwords) async {
        trace?.keepOutOfLogs(passwords)
    }

    // MARK: - Lifecycle

    /// Starts the supervisor, which connects and keeps the modem online. A modem that is absent or does
    /// not answer is reported and retried; it does not stop the controller.
    public func start(events: any EventSink) async throws {
        sink = events
        // The first connection is about to be made: what the controller asks for meanwhile waits for it
        // instead of finding no port.
        connecting = true
        supervisor = Task { await self.supervise() }
    }

    public func stop() async {
        supervisor?.cancel()
        await supervisor?.value
        supervisor = nil
        finishConnecting()
        await disconnect(reason: nil)
        sink = nil
    }

    /// The supervisor: connect, then check every `checkInterval`; on trouble climb the recovery ladder.
    func supervise() async {
        var delay = configuration.reconnectDelay
        var failures = 0
        while !Task.isCancelled {
            if channel == nil {
                do {
                    try await connect()
                    delay = configuration.reconnectDelay
                    failures = 0
                    waitingForAPerson = nil
                } catch {
                    let modemError = error as? ModemError
                    if let modemError, modemError.code.needsAPerson {
                        if waitingForAPerson?.description == modemError.description {
                            logger.debug("modem \(configuration.device): still \(modemError.code); trying again in \(delay)")
                        } else {
                            logger.error("modem \(configuration.device): \(error); the modem stays offline until it is resolved")
                        }
                        waitingForAPerson = modemError
                    } else {
                        waitingForAPerson = nil
                        logger.error("modem \(configuration.device): \(error); trying again in \(delay)")
                    }
                    await disconnect(reason: nil)
                    failures += 1
                    // A modem that stays silent may be hung or off: its power key toggles it.
                    if failures % 3 == 0, powerKey != nil, (error as? ModemError)?.code == .noAnswer {
                        logger.warning("modem \(configuration.device) silent \(failures) times: pulsing its power key")
                        await pulsePowerKey()
                    }
                    try? await clock.sleep(for: delay)
                    delay = min(delay * 2, configuration.maxReconnectDelay)
                    continue
                }
            }
            try? await clock.sleep(for: configuration.checkInterval)
            guard !Task.isCancelled else { return }
            await check()
        }
    }

    /// Opens the port, synchronises, initialises, and reads what waits in the storage.
    func connect() async throws {
        connecting = true
        defer { finishConnecting() }
        let transport = try openTransport(configuration)
        var record: (@Sendable (ATTraceLine) -> Void)?
        if let trace { record = { trace.record($0) } }
        let channel = ATChannel(transport: transport, timeouts: configuration.timeouts, trace: record)
        self.channel = channel
        urcReader = Task { [channel] in
            for await urc in channel.unsolicited { await self.handle(urc) }
            await self.portEnded(channel)
        }
        // A modem left at a `> ` prompt by a process that died would take every AT as message text.
        await channel.interruptPrompt()
        do {
            try await channel.synchronize(tries: 10, timeout: configuration.checkTimeout / 4)
        } catch {
            throw ModemError(.noAnswer, "\(error)")
        }
        try await initialise()
        setOnline(true)
        await pollSignalAndRegistration()
        await sweep()
    }

    /// Returns once no port is being connected. A request that came meanwhile (an SMS the outbox left
    /// from before a restart, a deletion, a notice) would otherwise be written in the settling time after
    /// the ESC that ends a prompt left open, where the modem may take it for noise, or reach a modem not yet
    /// synchronised, unlocked and set to PDU mode; a refused SMS then waits out the outbox's back-off.
    func connected() async {
        while connecting { await withCheckedContinuation { connectionWaiters.append($0) } }
    }

    private func finishConnecting() {
        connecting = false
        let waiting = connectionWaiters
        connectionWaiters = []
        for waiter in waiting { waiter.resume() }
    }

    func disconnect(reason: String?) async {
        if let reason { logger.warning("modem \(configuration.device): \(reason)") }
        rebootSettling?.cancel()
        rebootSettling = nil
        urcReader?.cancel()
        urcReader = nil
        outgoing?.poller?.cancel()
        if let call = outgoing {
            outgoing = nil
            sink?.post(.callEnded(call.number, call.answered ? .answered : .noAnswer))
        }
        if let channel {
            self.channel = nil
            await channel.close()
        }
        setOnline(false)
    }

    /// The port went away (a USB stick unplugged): reopen it from the supervisor.
    func portEnded(_ ended: ATChannel) async {
        guard channel === ended else { return }
        await disconnect(reason: "the port closed; reopening")
    }

    func setOnline(_ value: Bool) {
        guard reported != value else { return }
        reported = value
        sink?.post(.modemOnline(value))
    }

    // MARK: - Supervision

    /// One check: the modem answers, the signal and registration, its settings, the periodic sweep, stale
    /// parts.
    func check() async {
        guard let channel else { return }
        do {
            try await channel.synchronize(tries: 3, timeout: configuration.checkTimeout)
        } catch {
            return await disconnect(reason: "no answer to AT three times; reopening the port")
        }
        await pollSignalAndRegistration()
        // Settings first: a sweep in text mode would read nothing. A modem that restarted without a word
        // (Wavecom) is found here.
        await checkSettings()
        if let last = lastSweep, clock.now - last >= configuration.sweepInterval { await sweep() }
        await dropExpiredParts()
        handOverAgainWhatWaits()
        if !registered, let since = unregisteredSince, clock.now - since >= configuration.registrationTimeout {
            await recover()
        }
    }

    func pollSignalAndRegistration() async {
        if let answer = try? await command("AT+CREG?"), let value = answer.values(of: "+CREG").first,
            let state = ATResponseParser.registration(creg: value, isAnswer: true)
        {
            updateRegistration(state)
        }
        // Asked once per registration: the operator does not change while the modem stays registered.
        if registered, operatorName == nil, let answer = try? await command("AT+COPS?"),
            let value = answer.values(of: "+COPS").first
        {
            operatorName = ATResponseParser.operatorName(cops: value)
        }
        if let answer = try? await command("AT+CSQ"), let value = answer.values(of: "+CSQ").first {
            report(signal: registered ? ATResponseParser.signal(csq: value) : nil)
        }
    }

    func updateRegistration(_ state: NetworkStatus.Registration) {
        registration = state
        let isRegistered = state == .home || state == .roaming
        if !isRegistered { operatorName = nil }
        if isRegistered {
            registered = true
            unregisteredSince = nil
            recoveryStep = 0
        } else {
            if registered || unregisteredSince == nil { unregisteredSince = clock.now }
            registered = false
            report(signal: nil)
        }
    }

    func report(signal dBm: Int?) {
        guard lastSignal != .some(dBm) else { return }
        lastSignal = .some(dBm)
        sink?.post(.signal(dBm: dBm))
    }

    public func usePowerKey(_ key: any OutputPort) async { powerKey = key }

    /// What `+CREG` said last and the operator `AT+COPS?` named once registered; offline, only what a
    /// person must do, if anything.
    public func networkStatus() async -> NetworkStatus {
        online
            ? NetworkStatus(registration: registration, operatorName: operatorName)
            : NetworkStatus(waitingForAPerson: waitingForAPerson.map(\.description))
    }

    /// The recovery ladder: re-register, radio off and on, reset the modem, reopen the port, and where a
    /// power key is wired, switch the modem off and on with it — one step per check that still finds the
    /// modem unregistered, then round again.
    func recover() async {
        let step = recoveryStep % (powerKey == nil ? 4 : 5)
        recoveryStep += 1
        unregisteredSince = clock.now
        switch step {
        case 0:
            logger.warning("not registered for \(configuration.registrationTimeout): re-registering (AT+COPS=0)")
            _ = try? await command("AT+COPS=0", timeout: .seconds(120))
        case 1:
            logger.warning("still not registered: radio off and on (AT+CFUN=0, AT+CFUN=1)")
            _ = try? await command("AT+CFUN=0", timeout: .seconds(15))
            try? await clock.sleep(for: configuration.radioOffPause)
            _ = try? await command("AT+CFUN=1", timeout: .seconds(15))
        case 2:
            logger.warning("still not registered: resetting the modem (AT+CFUN=1,1)")
            _ = try? await command("AT+CFUN=1,1", timeout: .seconds(15))
            await disconnect(reason: nil)
        case 3:
            await disconnect(reason: "still not registered: reopening the port")
        default:
            await disconnect(reason: "still not registered: switching the modem off and on with its power key")
            await pulsePowerKey()
            try? await clock.sleep(for: configuration.powerOffPause)
            await pulsePowerKey()
        }
    }

    /// Holds the power key for ``Configuration/powerKeyPulse``: a SIM800 toggles between on and off.
    func pulsePowerKey() async {
        guard let powerKey else { return }
        do {
            try await powerKey.set(on: true)
            try? await clock.sleep(for: configuration.powerKeyPulse)
            try await powerKey.set(on: false)
        } catch {
            logger.error("the modem's power key did not switch: \(error)")
        }
    }

    // MARK: - Commands

    /// Sends a command; throws when there is no channel or the channel fails (timeout, closed port).
    func command(_ text: String, timeout: Duration? = nil) async throws -> ATResponse {
        guard let channel else { throw ModemError(.offline) }
        return try await channel.send(text, timeout: timeout)
    }

    func require(_ text: String) async throws {
        let answer = try await command(text)
        guard answer.isOK else { throw ModemError(.rejected, "\(text): \(answer.final)") }
    }

    // MARK: - URCs

    func handle(_ urc: ATUnsolicited) async {
        await connected()
        if Self.isBootNotice(urc) { return await modemRestarted(urc) }
        switch urc.name {
        case "+CMTI", "+CDSI":
            if let location = ATResponseParser.location(cmti: urc.value) {
                await read(storage: location.storage, index: location.index)
            } else {
                logger.warning("unreadable notice \(urc); the sweep will find the message")
            }
        case "+CMT", "+CDS":
            await receivedDirect(urc)
        case "^SMMEMFULL":
            await sweep()
        case "RING", "+CRING":
            ring(caller: nil, withNumber: false)
        case "+CLIP":
            ring(caller: ATResponseParser.caller(clip: urc.value), withNumber: true)
        case "NO CARRIER", "BUSY", "NO ANSWER", "^CEND":
            ringing = nil
            if let call = outgoing { await finishCall(call, outcome: call.answered ? .answered : .rejected) }
        case "MO CONNECTED", "^CONN", "CONNECT":
            if outgoing != nil { callBecameActive() }
        case "+CLCC":
            if let state = ATResponseParser.call(clcc: urc.value), state.outgoing, state.voice { await callState(state) }
        case "+CUSD":
            await ussdAnswered(urc.value)
        case "+CREG":
            if let state = ATResponseParser.registration(creg: urc.value, isAnswer: false) {
                updateRegistration(state)
                if registered, lastSignal == .some(nil) || operatorName == nil { await pollSignalAndRegistration() }
            }
        case "*PSUTTZ", "+QLTS", "+CTZE":
            if let stamp = ATResponseParser.networkTime(name: urc.name, value: urc.value) {
                sink?.post(.networkTime(stamp))
            }
        default:
            logger.debug("URC \(urc)")
        }
    }

    // MARK: - Helpers for the other files

    /// A stable key of a stored PDU, the same whenever the same message is read.
    static func key(ofPDU hex: String) -> String {
        "pdu-" + String(fnv1a(hex.uppercased().utf8), radix: 16)
    }
}

/// The 64-bit FNV-1a hash of `bytes`: stable across runs and machines, unlike `Hasher`.
func fnv1a(_ bytes: some Sequence<UInt8>) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes {
        hash ^= UInt64(byte)
        hash = hash &* 0x100_0000_01b3
    }
    return hash
}
