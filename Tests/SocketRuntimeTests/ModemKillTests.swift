@testable import ATModem
import Foundation
import GRDB
import ModemSimulator
import SocketCore
import SocketRuntime
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `smsocket run` on a modem simulated on a real pty, killed (SIGKILL) again and again while SMS commands stream
/// in: at random moments, and at the worst ones the modem can stop it at (mid `AT+CMGS`, before the prompt and
/// after the network took the text; before the `AT+CMGD` a handled message owes the SIM; just after a message
/// was read). The simulator lives in the test process, so its SIM keeps what arrived across the kills, as a
/// real modem's does.
///
/// Checked at the end, from everything the modem saw and the set-aside warnings of each start:
/// - every SMS stored in the SIM was handled exactly once (one reply row each: sent, or set aside) and deleted;
/// - no reply went out twice; a reply the kill caught mid-send is set aside at the next start and never sent
///   again (the outbox's at-most-once rule, ``Outbox``), whether or not the network took it; one caught before
///   its send began goes out after the restart;
/// - the settings end as the commands, in the order they were handled, left them: so no acknowledged change
///   was lost; the relay matches;
/// - the database opens after every kill.
///
/// `SMSOCKET_KILL_SEED` replays a run; the seed is in every failure's message.
@Suite("kill -9 through the pty modem", .serialized)
struct ModemKillTests {
    static let binary = smsocketExecutable(besides: #filePath)
    static let sender = "+3589123456789"
    static let rounds = 32

    /// Where each round stops the daemon.
    enum Moment: Int, CaseIterable, CustomStringConvertible {
        /// A random delay into the stream of messages.
        case random
        /// On `AT+CMGS=<n>`, before the `> ` prompt, 30 ms after it came (the next messages' replies commit
        /// meanwhile and wait in the outbox).
        case sendCommand
        /// After the modem took the message text (the network has it), before it answers `+CMGS`.
        case sendText
        /// On `AT+CMGD`: the message handled and committed, not yet deleted from the SIM.
        case delete
        /// A random 0-20 ms after a message was read (`AT+CMGR`/`AT+CMGL`): mid-commit.
        case afterRead

        var description: String {
            switch self {
            case .random: "random"
            case .sendCommand: "AT+CMGS before the prompt"
            case .sendText: "AT+CMGS after the text, before +CMGS"
            case .delete: "before AT+CMGD"
            case .afterRead: "just after a read"
            }
        }
    }

    /// The kill the modem's hook carries out; shared with the simulator's thread.
    final class KillSwitch: Sendable {
        let pid = Atomic<Int32>(0)
        let fired = Atomic<Bool>(false)
        /// The message text the modem had taken when it killed (``Moment/sendText``).
        let caughtText = Mutex<String?>(nil)

        /// Kills the process once and waits until it is dead (not reaped), so nothing it does after this point
        /// reaches the modem.
        func kill() {
            guard fired.compareExchange(expected: false, desired: true, ordering: .sequentiallyConsistent).exchanged else { return }
            let pid = pid.load(ordering: .sequentiallyConsistent)
            guard pid > 0 else { return }
            _ = Glibc.kill(pid, SIGKILL)
            var info = siginfo_t()
            while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) < 0, errno == EINTR {}
        }
    }

    /// One SMS command the test sent, and the key its reply counts under.
    struct Command {
        var text: String
        var replyKey: String
    }

    @Test func killsLoseNoAcknowledgedChangeAndRepeatNoSMS() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.binary), "build smsocket first: \(Self.binary)")
        let seed = ProcessInfo.processInfo.environment["SMSOCKET_KILL_SEED"].flatMap { UInt64($0) } ?? 0x6B11_2026
        var run = try KillRun(seed: seed)
        let started = ContinuousClock.now
        for round in 0..<Self.rounds {
            try await run.round(round, moment: Moment(rawValue: round % Moment.allCases.count)!)
        }
        try await run.finalLife()
        try run.check()
        let elapsed = ContinuousClock.now - started
        print(
            "kill -9 through the pty modem (seed \(seed)): \(Self.rounds) rounds in \(elapsed), \(run.commands.count) SMS, \(run.submitted.count) replies sent, \(run.setAside.flatMap { $0 }.count) set aside; kills: \(run.killsByMoment.map { "\($0.key): \($0.value)" }.sorted().joined(separator: ", ")); after the kills: \(run.landings.map { "\($0.key): \($0.value)" }.sorted().joined(separator: ", "))"
        )
    }

    /// The state of one run: the modem, the daemon's files, what was sent and seen.
    struct KillRun {
        let seed: UInt64
        var rng: SplitMix64
        let simulator: ModemSimulator
        let dir: TemporaryDirectory
        let config: String
        let killSwitch = KillSwitch()
        var commands: [Command] = []
        /// The daemon's output (log) of each life.
        var outputs: [String] = []
        /// How many replies the modem had taken when each life ended.
        var boundaries: [Int] = []
        /// The text the modem took at a ``Moment/sendText`` kill, by life.
        var caughtTexts: [Int: String] = [:]
        /// Replies to the sender the modem took, in order.
        var submitted: [String] = []
        /// Replies set aside at the start of each life (the kill before it caught them mid-send).
        var setAside: [[String]] = []
        var killsByMoment: [String: Int] = [:]
        /// What the database and the SIM held after the kills (the moments a kill landed at).
        var landings: [String: Int] = [:]
        var timestampSeconds = 0
        var restartTime = 0
        var nextNumber = 0
        /// ALERTNUMBER additions sent, acknowledged, and removals sent.
        var added: [String] = []
        var removed: Set<String> = []

        init(seed: UInt64) throws {
            self.seed = seed
            rng = SplitMix64(seed: seed)
            simulator = try ModemSimulator()
            dir = try TemporaryDirectory()
            let relay = try dir.script("relay", "echo \"$1\" > '\(dir.path("relay.state"))'")
            config = dir.path("board.toml")
            try """
            model = "707"
            state = "\(dir.path("state.sqlite"))"
            control_socket = "\(dir.path("control.sock"))"
            log_level = "warning"

            \(simulator.configTable)

            [main_relay]
            kind = "exec"
            command = ["\(relay)"]
            """.write(toFile: config, atomically: true, encoding: .utf8)
        }

        var note: Comment { "seed \(seed) (SMSOCKET_KILL_SEED=\(seed) replays it)" }

        // MARK: One life

        mutating func round(_ round: Int, moment: Moment) async throws {
            // Messages that arrive while the daemon is dead: the start's sweep reads them together.
            for _ in 0..<(moment == .random ? Int(rng.next() % 3) : 2) { arrive() }
            let (process, output) = try start()
            defer { outputs.append(readTextFile(output)) }
            killSwitch.fired.store(false, ordering: .sequentiallyConsistent)
            killSwitch.caughtText.withLock { $0 = nil }
            let delay = Int(rng.next() % 20_000)
            let killer = killSwitch
            simulator.script { script in
                script.beforeAnswering = { received in
                    switch (moment, received) {
                    case (.sendCommand, .command(let line)) where line.hasPrefix("AT+CMGS="):
                        usleep(30_000)
                        killer.kill()
                    case (.sendText, .messageText(let text, submitted: true)):
                        killer.caughtText.withLock { $0 = text }
                        usleep(30_000)
                        killer.kill()
                    case (.delete, .command(let line)) where line.contains("+CMGD="):
                        killer.kill()
                    case (.afterRead, .command(let line)) where line.contains("+CMGR=") || line.contains("+CMGL="):
                        Thread.detachNewThread {
                            usleep(useconds_t(delay))
                            killer.kill()
                        }
                    default:
                        break
                    }
                }
            }
            let messages = 2 + Int(rng.next() % 5)
            for _ in 0..<messages {
                arrive()
                usleep(useconds_t(rng.next() % 30_000))
                if killSwitch.fired.load(ordering: .sequentiallyConsistent) { break }
            }
            if moment == .random {
                usleep(useconds_t(rng.next() % 150_000))
            } else {
                // Give the hook its moment; a round where it never came ends like a random one.
                _ = waitFor(seconds: 5) { killSwitch.fired.load(ordering: .sequentiallyConsistent) }
            }
            let hooked = killSwitch.fired.load(ordering: .sequentiallyConsistent)
            killSwitch.kill()
            let status = process.waitForExit()
            simulator.script { $0.beforeAnswering = nil }
            killsByMoment[hooked ? moment.description : Moment.random.description, default: 0] += 1
            #expect(status & 0x7f == SIGKILL, "life \(round) ended by itself (status \(status)) before the kill: \(readTextFile(output)); \(note)")
            if let text = killSwitch.caughtText.withLock({ $0 }) {
                caughtTexts[outputs.count] = text
                // The modem counts the text as sent as soon as the hook returns.
                _ = waitFor(seconds: 2) { simulator.submittedPDUs.last == text }
            }
            boundaries.append(simulator.submittedPDUs.count)
            try inspectAfterKill(life: round)
        }

        /// The last life: no kill. Everything left in the SIM and the outbox is handled and sent, then the
        /// settings are asked for.
        mutating func finalLife() async throws {
            let (process, output) = try start()
            let settled = waitFor(seconds: 30) { simulator.storage.isEmpty && (try? unsettledReplies()) == 0 }
            #expect(settled, "the SIM holds \(simulator.storage.count) messages, the outbox \((try? unsettledReplies()) ?? -1) replies to send; \(note)")
            let sentBefore = simulator.submittedPDUs.count
            let queries = ["RESTARTTIME?", "ALERTNUMBER?", "STATUS"]
            for query in queries { arrive(text: query, replyKey: query) }
            let answered = waitFor(seconds: 30) {
                Set(simulator.submittedPDUs.dropFirst(sentBefore).compactMap(Self.replyText).map(Self.key(ofReply:))) == Set(queries)
            }
            #expect(answered, "the final queries were not answered: \(readTextFile(output)); \(note)")
            process.signal(SIGTERM)
            #expect(ChildProcess.exited(process.waitForExit(), code: 0), "\(readTextFile(output)); \(note)")
            outputs.append(readTextFile(output))
            boundaries.append(simulator.submittedPDUs.count)
            await simulator.stop()
        }

        var database: String { dir.path("state.sqlite") }

        /// The state as the next start opens it. The dead daemon's lock can outlive it by a moment: a command it
        /// was starting (the relay's) shares the lock's open file until its exec closes it (close-on-exec).
        func openStore() throws -> Store {
            var tries = 0
            while true {
                let result = Result { () throws(StoreError) in try Store(path: database) }
                guard case .failure(let error) = result, error.code == .inUse, tries < 100 else { return try result.get() }
                tries += 1
                usleep(10_000)
            }
        }

        /// Outbox rows still to be sent (`pending`) or in a send (`sending`), read beside the daemon.
        func unsettledReplies() throws -> Int {
            try DatabaseQueue(path: database).read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM outbox WHERE state IN ('pending', 'sending')") } ?? -1
        }

        mutating func start() throws -> (ChildProcess, String) {
            let output = dir.path("life-\(outputs.count).log")
            let commandsBefore = simulator.commands.count
            let process = try ChildProcess([ModemKillTests.binary, "run", "--config", config], outputPath: output)
            killSwitch.pid.store(process.pid, ordering: .sequentiallyConsistent)
            // Started: its first sweep of the SIM went out.
            let swept = waitFor(seconds: 20) { simulator.commands.dropFirst(commandsBefore).contains { $0.contains("+CMGL=") } }
            #expect(swept, "life \(outputs.count) did not start: \(readTextFile(output)); \(note)")
            return (process, output)
        }

        /// Opens the database (it must open after every kill) and notes what the kill left behind.
        mutating func inspectAfterKill(life: Int) throws {
            let store = try openStore()
            _ = try store.loadState()
            if try store.nextOutboxAttempt() != nil { landings["a reply committed, its send not begun", default: 0] += 1 }
            let owed = try simulator.storage.values.filter { message in
                let pdu = try SMSPDU(hex: message.pdu)
                return try store.wasHandled(MessageReceipt(key: ATModem.key(ofPDU: Hex.string(pdu.raw))))
            }
            if !owed.isEmpty { landings["a message handled, not yet deleted", default: 0] += 1 }
            let sending = try DatabaseQueue(path: database).read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM outbox WHERE state = 'sending'") } ?? 0
            if sending > 0 {
                landings[caughtTexts[life] == nil ? "a reply mid-send" : "a reply mid-send, taken by the network", default: 0] += 1
            }
        }

        // MARK: The stream

        /// A message arrives in the SIM (and is announced with +CMTI).
        mutating func arrive() {
            let command = nextCommand()
            arrive(text: command.text, replyKey: command.replyKey)
        }

        mutating func arrive(text: String, replyKey: String) {
            commands.append(Command(text: text, replyKey: replyKey))
            timestampSeconds += 1
            let local = CivilTime(
                year: 2026, month: 1, day: 5, hour: 8 + timestampSeconds / 3600, minute: timestampSeconds / 60 % 60,
                second: timestampSeconds % 60)
            let stamp = NetworkTimestamp(local: local, zoneQuarterHours: 0)
            let pdu = try! DeliverPDU.encode(text: text, from: PDUAddress(number: ModemKillTests.sender), timestamp: stamp)[0].hex
            simulator.receive(pdu: pdu)
        }

        mutating func nextCommand() -> Command {
            let acknowledged = Set(submittedNow())
            let removable = added.filter { !removed.contains($0) && acknowledged.contains("ALERTNUMBER+\($0) - OK") }
            let maybePresent = added.count - removed.filter { acknowledged.contains("ALERTNUMBER-\($0) - OK") }.count
            let pick = rng.next() % 10
            switch pick {
            case 0...2 where restartTime < 600:
                restartTime += 1
                return Command(text: "RESTARTTIME=\(restartTime)", replyKey: "RESTARTTIME=\(restartTime) - OK")
            case 3...4 where maybePresent < 9:
                nextNumber += 1
                let number = "35840" + String(format: "%07d", nextNumber)
                added.append(number)
                return Command(text: "ALERTNUMBER+\(number)", replyKey: "ALERTNUMBER+\(number) - OK")
            case 5 where !removable.isEmpty:
                let number = removable[Int(rng.next() % UInt64(removable.count))]
                removed.insert(number)
                return Command(text: "ALERTNUMBER-\(number)", replyKey: "ALERTNUMBER-\(number) - OK")
            case 6...7:
                return Command(text: "ON", replyKey: "Power socket ON")
            case 8:
                return Command(text: "OFF", replyKey: "Power socket OFF")
            default:
                return Command(text: "STATUS", replyKey: "STATUS")
            }
        }

        func submittedNow() -> [String] { simulator.submittedPDUs.compactMap(Self.replyText) }

        // MARK: Checks

        mutating func check() throws {
            submitted = submittedNow()
            setAside = outputs.map(Self.setAsideReplies)
            let (rows, keys, unknown, unsettled) = try DatabaseQueue(path: database).read { db in
                (
                    try Int.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'outbox'") ?? 0,
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM handled_message") ?? 0,
                    try String.fetchAll(db, sql: "SELECT text FROM outbox WHERE state = 'unknown' ORDER BY id"),
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE state NOT IN ('unknown')") ?? 0
                )
            }
            // Each SMS is a distinct message with one reply: handled at least once (its key), at most once (one
            // reply row each), and every reply row settled: sent (deleted) or set aside.
            #expect(keys == commands.count, "\(keys) messages handled of \(commands.count) sent; \(note)")
            #expect(rows == commands.count, "\(rows) replies queued for \(commands.count) messages; \(note)")
            #expect(unsettled == 0, "\(unsettled) replies neither sent nor set aside; \(note)")
            #expect(simulator.storage.isEmpty, "left in the SIM: \(simulator.storage); \(note)")
            #expect(unknown.sorted() == setAside.flatMap { $0 }.sorted(), "set aside \(unknown), logged \(setAside); \(note)")
            // At most one reply is mid-send when a kill comes, and it is never sent after it.
            for (life, aside) in setAside.enumerated() where !aside.isEmpty {
                #expect(life > 0 && aside.count == 1, "life \(life) set aside \(aside); \(note)")
                for text in aside where commands.filter({ $0.replyKey == Self.key(ofReply: text) }).count == 1 {
                    let index = submitted.firstIndex(of: text) ?? -1
                    #expect(index < boundaries[max(life - 1, 0)], "\"\(text)\" was set aside, then sent; \(note)")
                }
            }
            // Each reply sent at most once, and none lost: every command's reply was sent or set aside.
            var expected: [String: Int] = [:]
            for command in commands { expected[command.replyKey, default: 0] += 1 }
            var sent: [String: Int] = [:]
            for reply in submitted { sent[Self.key(ofReply: reply), default: 0] += 1 }
            var asideByKey: [String: Int] = [:]
            for text in unknown { asideByKey[Self.key(ofReply: text), default: 0] += 1 }
            for key in Set(expected.keys).union(sent.keys).sorted() {
                let (wanted, out, aside) = (expected[key] ?? 0, sent[key] ?? 0, asideByKey[key] ?? 0)
                #expect(out <= wanted && wanted <= out + aside, "\(key): \(wanted) commands, \(out) replies sent, \(aside) set aside; \(note)")
            }

            // The settings as the commands left them, in the order they were handled: each life's sends, after
            // what its start set aside (claimed last by the life before, after all it sent). A reply the network
            // took just before the kill is there twice, side by side, which changes nothing below.
            var timeline: [String] = []
            var previousEnd = 0
            for life in 0..<outputs.count {
                timeline += setAside[life]
                timeline += simulator.submittedPDUs[previousEnd..<boundaries[life]].compactMap(Self.replyText)
                previousEnd = boundaries[life]
            }
            var restartTime = 10
            var alertNumbers: Set<String> = []
            var relayOn = false
            for reply in timeline {
                if let n = Self.value(reply, "RESTARTTIME=", " - OK").flatMap({ Int($0) }) { restartTime = n }
                if let number = Self.value(reply, "ALERTNUMBER+", " - OK") { alertNumbers.insert(number) }
                if let number = Self.value(reply, "ALERTNUMBER-", " - OK") { alertNumbers.remove(number) }
                if reply == "Power socket ON" { relayOn = true }
                if reply == "Power socket OFF" { relayOn = false }
            }
            let answers = Dictionary(submitted.suffix(3).map { (Self.key(ofReply: $0), $0) }, uniquingKeysWith: { a, _ in a })
            #expect(answers["RESTARTTIME?"] == "RESTARTTIME=\(restartTime) seconds", "\(answers); \(note)")
            let listed = answers["ALERTNUMBER?"].flatMap { Self.value($0, "ALERTNUMBERs: ", "") }?.components(separatedBy: ", ") ?? []
            #expect(Set(listed) == alertNumbers, "ALERTNUMBERs \(listed), expected \(alertNumbers.sorted()); \(note)")
            #expect(answers["STATUS"]?.hasPrefix("Power socket \(relayOn ? "ON" : "OFF")\n") == true, "\(answers); \(note)")
            let relay = dir.read("relay.state").trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(relay == (relayOn ? "on" : "off"), "the relay is \(relay); \(note)")
        }

        /// The replies a start set aside (logged at warning: sent when the controller stopped, never again).
        static func setAsideReplies(in log: String) -> [String] {
            let marker = "it is not sent again (to avoid a duplicate): "
            let lines = log.components(separatedBy: "\n")
            var texts: [String] = []
            for (i, line) in lines.enumerated() {
                guard let range = line.range(of: marker) else { continue }
                var text = String(line[range.upperBound...])
                // A STATUS reply goes on over the next lines, indented under the message (DaemonLogHandler).
                var next = i + 1
                while next < lines.count, !lines[next].isEmpty, !lines[next].hasPrefix("20") {
                    text += "\n" + lines[next].drop { $0 == " " }
                    next += 1
                }
                texts.append(text)
            }
            return texts
        }

        static func replyText(_ pdu: String) -> String? {
            guard case .submit(let reply) = try? SMSPDU(hex: pdu), reply.destination.description == sender else { return nil }
            return reply.text
        }

        /// A reply's key: its text, or STATUS for a STATUS reply (it carries the time).
        static func key(ofReply reply: String) -> String {
            if reply.hasPrefix("Power socket "), reply.contains("\n") { return "STATUS" }
            if reply.hasSuffix(" seconds") { return "RESTARTTIME?" }
            if reply.hasPrefix("ALERTNUMBERs: ") || reply == "No ALERTNUMBERs!" { return "ALERTNUMBER?" }
            return reply
        }

        static func value(_ text: String, _ prefix: String, _ suffix: String) -> String? {
            guard text.hasPrefix(prefix), text.hasSuffix(suffix), text.count >= prefix.count + suffix.count else { return nil }
            return String(text.dropFirst(prefix.count).dropLast(suffix.count))
        }

        /// Polls `condition` every 2 ms for up to `seconds` of real time.
        func waitFor(seconds: Double, _ condition: () -> Bool) -> Bool {
            let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
            while ContinuousClock.now < deadline {
                if condition() { return true }
                usleep(2000)
            }
            return condition()
        }
    }
}
