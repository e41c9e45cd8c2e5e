import SocketCore
import Synchronization

/// The simulated GSM network and modem: people who send SMS and call, phones that answer, reject or
/// ignore the controller's calls, and an operator that answers USSD.
///
/// Like a real modem it keeps received messages in its storage until the controller acknowledges them,
/// and hands them over again when a controller starts, so a crash between handling and deleting is seen.
public final class SimulatedPhoneNetwork: ModemPort {
    /// How a phone reacts to the controller's calls.
    public enum Pickup: String, Sendable, CaseIterable { case answer, reject, ignore }

    struct State {
        var sink: (any EventSink)?
        var powered = true
        var pickup: [String: Pickup] = [:]
        var nextUSSDReply: String?
        /// The outgoing call in progress and whether it was answered.
        var call: (number: String, answered: Bool)?
        /// Messages in the SIM storage, in arrival order, until acknowledged.
        var storage: [(MessageReceipt, IncomingSMS)] = []
        var nextIndex = 1
        var signal: Int? = -67
        /// Distinguishes this network's message keys from those of earlier runs on the same database.
        let run = UInt32.random(in: 0...UInt32.max)
    }

    private let state = Mutex(State())
    private let log: any SimulationLog

    public static let kind = "simulated"

    public init(log: any SimulationLog) { self.log = log }

    // MARK: Driving the simulation

    /// An SMS arrives from `sender` (nil = hidden).
    public func deliver(_ sms: IncomingSMS) {
        let (sink, receipt): ((any EventSink)?, MessageReceipt) = state.withLock { s in
            let receipt = MessageReceipt(key: "sim-\(s.run)-\(s.nextIndex)", storageIndex: s.nextIndex)
            s.nextIndex += 1
            s.storage.append((receipt, sms))
            return (s.powered ? s.sink : nil, receipt)
        }
        sink?.post(sms, receipt: receipt)
    }

    /// An incoming voice call; a dark device is unreachable.
    public func call(from number: String?) {
        let sink = state.withLock { $0.powered ? $0.sink : nil }
        sink?.post(.incomingCall(from: number))
    }

    /// How `number` reacts to calls from now on.
    public func setPickup(_ pickup: Pickup, for number: String) {
        state.withLock { $0.pickup[Self.key(number)] = pickup }
    }

    /// What the network answers to the next USSD request.
    public func setNextUSSDReply(_ text: String) {
        state.withLock { $0.nextUSSDReply = text }
    }

    /// Received signal strength; nil = no network.
    public func setSignal(_ dBm: Int?) {
        let sink = state.withLock { s in
            s.signal = dBm
            return s.sink
        }
        sink?.post(.signal(dBm: dBm))
    }

    /// The operator the simulated network names (`smsocket status`).
    public static let operatorName = "SMSocket Sim"

    /// Messages still in storage (not acknowledged).
    public var storedMessageCount: Int { state.withLock { $0.storage.count } }

    // MARK: ModemPort

    public func start(events: any EventSink) async throws {
        let (stored, signal) = state.withLock { s in
            s.sink = events
            s.call = nil
            return (s.storage, s.signal)
        }
        events.post(.signal(dBm: signal))
        for (receipt, sms) in stored { events.post(sms, receipt: receipt) }
    }

    /// Registered at home with a signal, searching without one.
    public func networkStatus() async -> NetworkStatus {
        state.withLock { $0.signal } == nil
            ? NetworkStatus(registration: .searching) : NetworkStatus(registration: .home, operatorName: Self.operatorName)
    }

    public func stop() async {
        state.withLock {
            $0.sink = nil
            $0.call = nil
        }
    }

    /// The network takes the whole text at once (one `sms-out` line), or nothing while the device is dark.
    public func sendSMS(_ message: OutgoingSMS) async throws(SMSSendError) {
        guard state.withLock({ $0.powered }) else {
            throw SMSSendError(.refused, partsSent: message.partsSent, "\(SimulatedHardwareError.deviceDark)")
        }
        log.record("sms-out \(message.to) \(jsonStringLiteral(message.text))")
    }

    public func acknowledge(_ receipt: MessageReceipt) async throws {
        state.withLock { $0.storage.removeAll { $0.0 == receipt } }
    }

    public func placeCall(to number: String) async throws {
        log.record("call-out \(number)")
        let (pickup, sink) = state.withLock { s in
            let pickup = s.pickup[Self.key(number)] ?? .ignore
            s.call = pickup == .reject ? nil : (number, pickup == .answer)
            return (pickup, s.sink)
        }
        switch pickup {
        case .answer:
            sink?.post(.callAnswered(number))
        case .reject:
            log.record("call-end \(number) rejected")
            sink?.post(.callEnded(number, .rejected))
        case .ignore:
            break
        }
    }

    public func endCall(to number: String) async throws {
        let (ended, sink): ((number: String, answered: Bool)?, (any EventSink)?) = state.withLock { s in
            guard let call = s.call, call.number == number else { return (nil, s.sink) }
            s.call = nil
            return (call, s.sink)
        }
        guard let ended else { return }
        let outcome: CallOutcome = ended.answered ? .answered : .noAnswer
        log.record("call-end \(number) \(outcome.rawValue)")
        sink?.post(.callEnded(number, outcome))
    }

    public func rejectCall(from number: String) async throws {
        log.record("hangup \(number)")
    }

    public func sendUSSD(code: String) async throws {
        log.record("ussd \(jsonStringLiteral(code))")
        let (reply, sink) = state.withLock { s in
            defer { s.nextUSSDReply = nil }
            return (s.nextUSSDReply, s.sink)
        }
        // Without a prepared answer the network stays silent and the controller's request times out.
        if let reply { sink?.post(.ussdReply(reply)) }
    }

    public func setAudio(on: Bool) async throws {
        log.record("audio \(on ? "on" : "off")")
    }

    public func setPowered(_ powered: Bool) async {
        let (sink, queued): ((any EventSink)?, [(MessageReceipt, IncomingSMS)]) = state.withLock { s in
            let wasPowered = s.powered
            s.powered = powered
            if !powered { s.call = nil }
            return powered && !wasPowered ? (s.sink, s.storage) : (nil, [])
        }
        // Messages that reached the network while the device was dark arrive when it comes back.
        for (receipt, sms) in queued { sink?.post(sms, receipt: receipt) }
    }

    /// Numbers are matched without a leading `+`, as the controller's lists hold them.
    static func key(_ number: String) -> String { number.hasPrefix("+") ? String(number.dropFirst()) : number }
}
