import Logging
import SocketCore
import Synchronization
import Testing
import TestSupport

@testable import ATModem
import ModemSimulator

/// Takes messages as the controller does: each is committed when it arrives and acknowledged to the modem
/// only later; one whose key was already committed goes first in the queue, as the controller acknowledges a
/// handled message again without acting on it. Every hand-over is counted, repeats included.
final class CommittingSink: EventSink {
    private struct State {
        var handedOver: [String] = []
        var committed: Set<String> = []
        var pending: [MessageReceipt] = []
    }

    private let state = Mutex(State())

    func post(_ event: Event) {}

    func post(_ sms: IncomingSMS, receipt: MessageReceipt) {
        state.withLock { s in
            s.handedOver.append(sms.text)
            if s.committed.insert(receipt.key).inserted {
                s.pending.append(receipt)
            } else {
                s.pending.insert(receipt, at: 0)
            }
        }
    }

    /// Every text handed over, in order, repeats included.
    var handedOver: [String] { state.withLock { $0.handedOver } }
    var pendingCount: Int { state.withLock { $0.pending.count } }

    /// Removes and returns the `count` receipts committed longest ago and not yet acknowledged.
    func takeOldest(_ count: Int) -> [MessageReceipt] {
        state.withLock { s in
            let taken = Array(s.pending.prefix(count))
            s.pending.removeFirst(taken.count)
            return taken
        }
    }
}

extension PseudoTerminalTests {
    /// A property of the ATModem port on the modem simulator, under a seeded random stream of arrivals, restarts,
    /// refusals, noise, garbled results, late acknowledgements and sends: every message is handed over exactly
    /// once, the storage ends empty, and one `sendSMS` never submits a PDU twice.
    @Suite("The AT modem port under random traffic", .serialized)
    struct ModemPropertyTests {
        static let steps = 100
        static let sender = "+3589123456789"

        /// A seed and the modem it runs against: the built-in simulator, or a recorded dialect.
        struct Run: Sendable, CustomTestStringConvertible {
            var seed: UInt64
            var dialect: String?
            var testDescription: String { "seed \(String(seed, radix: 16)) on \(dialect ?? "the built-in modem")" }
        }

        /// One thing that happens to the modem, decided from the seed before the run.
        enum Step: CustomStringConvertible {
            /// A message (its parts) stored in `storage`, each part announced by `+CMTI` `announcements` times
            /// (0: the notice was lost, 2: reported twice).
            case arrive(text: String, parts: [String], storage: String, announcements: Int)
            /// A message delivered directly with `+CMT` (each part).
            case arriveDirect(text: String, parts: [String])
            case reboot
            /// The next `count` submits are refused with `+CMS ERROR`.
            case refuseSubmits(Int)
            /// The next accepted submit's `OK` arrives as `0K`.
            case garbleNextSubmitFinal
            case noise([UInt8])
            /// A status report arrives (routed as the modem routes them); it is no message to hand over.
            case statusReport
            /// The sink acknowledges its `count` oldest committed messages.
            case acknowledge(Int)
            case send(String)
            case pause(milliseconds: Int)

            var description: String {
                switch self {
                case .arrive(let text, let parts, let storage, let announcements):
                    "arrive \"\(text.prefix(24))\" (\(parts.count) part(s)) in \(storage), announced \(announcements)x"
                case .arriveDirect(let text, let parts): "arrive directly \"\(text.prefix(24))\" (\(parts.count) part(s))"
                case .reboot: "reboot"
                case .refuseSubmits(let count): "refuse the next \(count) submit(s)"
                case .garbleNextSubmitFinal: "garble the next submit's OK"
                case .noise(let bytes): "noise \(bytes.map { String($0, radix: 16) }.joined(separator: " "))"
                case .statusReport: "status report"
                case .acknowledge(let count): "acknowledge the \(count) oldest"
                case .send(let text): "send \"\(text.prefix(24))\" (\(text.count) characters)"
                case .pause(let milliseconds): "pause \(milliseconds) ms"
                }
            }
        }

        /// The steps of a run, from `seed` alone.
        static func plan(seed: UInt64, storages: [String]) throws -> [Step] {
            var random = SplitMix64(seed: seed)
            var steps: [Step] = []
            var messages = 0
            var sends = 0
            let stamp = ATModemPortTests.stamp
            func message(long: Bool) throws -> (String, [String]) {
                messages += 1
                let head = "msg \(messages) of seed \(String(seed, radix: 16))"
                let text = long ? head + String(repeating: " and then some more words", count: 8) : head
                let parts = try DeliverPDU.encode(
                    text: text, from: PDUAddress(number: sender), timestamp: stamp, reference: UInt16(messages)
                ).map(\.hex)
                return (text, parts)
            }
            let noiseBytes = Array("abcdefghijklmnopqrstuvwxyz0123456789 .,;:!?#*()".utf8) + [0x00, 0x07, 0xFF, 0x1B, 0x0D, 0x0A]
            for _ in 0..<Self.steps {
                switch Int.random(in: 0..<100, using: &random) {
                case 0..<30:
                    let (text, parts) = try message(long: Int.random(in: 0..<4, using: &random) == 0)
                    let storage = storages.randomElement(using: &random)!
                    steps.append(.arrive(text: text, parts: parts, storage: storage, announcements: [0, 1, 1, 1, 2].randomElement(using: &random)!))
                case 30..<40:
                    let (text, parts) = try message(long: Int.random(in: 0..<4, using: &random) == 0)
                    steps.append(.arriveDirect(text: text, parts: parts))
                case 40..<43: steps.append(.reboot)
                case 43..<47: steps.append(.refuseSubmits(Int.random(in: 1...3, using: &random)))
                case 47..<49: steps.append(.garbleNextSubmitFinal)
                case 49..<60:
                    let count = Int.random(in: 1...12, using: &random)
                    steps.append(.noise((0..<count).map { _ in noiseBytes.randomElement(using: &random)! }))
                case 60..<78: steps.append(.acknowledge(Int.random(in: 1...4, using: &random)))
                case 78..<81: steps.append(.statusReport)
                case 81..<90:
                    sends += 1
                    let long = Int.random(in: 0..<4, using: &random) == 0
                    steps.append(.send("reply \(sends) of seed \(String(seed, radix: 16))" + (long ? String(repeating: " with details", count: 14) : "")))
                default: steps.append(.pause(milliseconds: Int.random(in: 5...40, using: &random)))
                }
            }
            return steps
        }

        static func port(_ simulator: ModemSimulator) -> ATModem {
            var configuration = ATModem.Configuration(device: "pty", vendor: nil)
            configuration.checkInterval = .milliseconds(50)
            configuration.checkTimeout = .milliseconds(300)
            configuration.sweepInterval = .milliseconds(150)
            configuration.sweepTimeout = .seconds(1)
            configuration.reconnectDelay = .milliseconds(30)
            configuration.concatenationTimeout = .seconds(30)
            configuration.timeouts = ATTimeouts(
                command: .seconds(1), prompt: .milliseconds(500), body: .milliseconds(500), abort: .milliseconds(100))
            return ATModem(configuration: configuration, logger: Logger(label: "property")) { _ in
                try SerialTransport(path: simulator.slavePath)
            }
        }

        @Test(arguments: [
            Run(seed: 0x5EED_0001, dialect: nil), Run(seed: 0x5EED_0002, dialect: "quectel-ec25"),
            Run(seed: 0x5EED_0003, dialect: "simcom-sim800l"),
        ])
        func everyMessageIsHandedOverOnceAndNothingIsSubmittedTwice(_ run: Run) async throws {
            let seed = run.seed
            let dialect = try run.dialect.map(RecordedDialects.load)
            let storages = dialect?.messageStorages ?? ["SM", "ME"]
            let steps = try Self.plan(seed: seed, storages: storages)
            let simulator = try dialect.map(ModemSimulator.init(dialect:)) ?? ModemSimulator()
            let modem = Self.port(simulator)
            let sink = CommittingSink()
            try await modem.start(events: sink)
            await eventually { await modem.online }

            var expected: [String] = []
            var failures: [String] = []
            for (number, step) in steps.enumerated() {
                switch step {
                case .arrive(let text, let parts, let storage, let announcements):
                    expected.append(text)
                    for part in parts {
                        let index = simulator.store(pdu: part, in: storage)
                        for _ in 0..<announcements { simulator.inject("+CMTI: \"\(storage)\",\(index)") }
                    }
                case .arriveDirect(let text, let parts):
                    expected.append(text)
                    for part in parts { simulator.receive(pdu: part, direct: true) }
                case .reboot: simulator.reboot()
                case .refuseSubmits(let count): simulator.script { $0.failingSubmits = count }
                case .garbleNextSubmitFinal: simulator.script { $0.garbledSubmitFinals += 1 }
                case .noise(let bytes): simulator.inject(bytes: bytes)
                case .statusReport: simulator.receiveStatusReport("0006D60B911326880736F4111011719551401110117195714000")
                case .acknowledge(let count):
                    for receipt in sink.takeOldest(count) { try? await modem.acknowledge(receipt) }
                case .send(let text):
                    let before = simulator.submittedPDUs.count
                    // A refused or unconfirmed send throws; the controller keeps it in its outbox. Either way no
                    // PDU may go twice within this one call.
                    try? await modem.sendSMS(OutgoingSMS(to: Self.sender, text: text))
                    let submitted = simulator.submittedPDUs.dropFirst(before)
                    if Set(submitted).count != submitted.count {
                        failures.append("step \(number) (\(step)): a PDU was submitted \(submitted.count - Set(submitted).count) extra time(s)")
                    }
                case .pause(let milliseconds): try await Task.sleep(for: .milliseconds(milliseconds))
                }
                try await Task.sleep(for: .milliseconds(3))
            }

            // Quiet: no more faults; the sink acknowledges everything until the port has nothing left.
            simulator.script {
                $0.failingSubmits = 0
                $0.garbledSubmitFinals = 0
            }
            let deadline = ContinuousClock.now.advanced(by: .seconds(10))
            while ContinuousClock.now < deadline {
                for receipt in sink.takeOldest(sink.pendingCount) { try? await modem.acknowledge(receipt) }
                let stored = (storages + ["SR"]).reduce(0) { $0 + simulator.storage($1).count }
                let awaiting = simulator.script { $0.awaitingAcknowledgement }
                if Set(sink.handedOver).isSuperset(of: expected) && stored == 0 && awaiting == 0 && sink.pendingCount == 0 { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            // A few more sweeps: nothing may come a second time.
            try await Task.sleep(for: .milliseconds(500))
            for receipt in sink.takeOldest(sink.pendingCount) { try? await modem.acknowledge(receipt) }
            await modem.stop()

            let handedOver = sink.handedOver
            func quoted(_ text: String) -> String { "\"" + (text.count > 32 ? text.prefix(32) + "…" : text) + "\"" }
            for text in expected {
                let count = handedOver.filter { $0 == text }.count
                if count != 1 { failures.append(count == 0 ? "lost: \(quoted(text))" : "handed over \(count) times: \(quoted(text))") }
            }
            for text in Set(handedOver).subtracting(expected) { failures.append("handed over but never sent: \(quoted(text))") }
            for storage in storages + ["SR"] where !simulator.storage(storage).isEmpty {
                failures.append("\(storage) still holds \(simulator.storage(storage).count) message(s) at \(simulator.storage(storage).keys.sorted())")
            }
            let awaiting = simulator.script { $0.awaitingAcknowledgement }
            if awaiting > 0 { failures.append("\(awaiting) direct deliveries never acknowledged (AT+CNMA)") }
            await simulator.stop()

            if !failures.isEmpty {
                let plan = steps.enumerated().map { "  \($0.offset): \($0.element)" }.joined(separator: "\n")
                let report = "\(run.testDescription) (\(failures.count) failure(s)):\n  "
                    + failures.joined(separator: "\n  ") + "\nsteps:\n" + plan
                print(report)
                Issue.record(Comment(rawValue: report))
            }
        }
    }
}
