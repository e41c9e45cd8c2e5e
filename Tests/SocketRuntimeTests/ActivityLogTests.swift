import Foundation
import InMemoryLogging
import Logging
import Simulated
import SocketCore
import Synchronization
import TestSupport
import Testing

@testable import SocketRuntime

/// The activity log: what the controller does and why, and never a password.
@Suite("The activity log")
struct ActivityLogTests {
    static let owner = "+3589123456789"
    static let stranger = "+3580000000001"
    /// The access password and the renew password every case starts with.
    static let password = "12abc"
    static let renewPassword = "abc123xyz"

    struct Case: CustomStringConvertible, Sendable {
        var body: String
        /// Passwords the body holds besides the two set ones (meant, mistyped or malformed).
        var secrets: [String] = []
        var from = ActivityLogTests.owner
        /// Whether the 30-minute configuration window is still open.
        var windowOpen = true
        var secList = false
        var local = false
        var description: String { "\(local ? "local" : from) \(body)\(windowOpen ? "" : " (window closed)")" }
    }

    static let cases: [Case] = [
        Case(body: "12abcSTATUS"),
        Case(body: "12abcPASSWORD=9z9z9", secrets: ["9z9z9"]),
        Case(body: "12abcPASSWORD=9z9z", secrets: ["9z9z"]),
        Case(body: "12abcPASSWORD=9z9z9z9", secrets: ["9z9z9z9"]),
        Case(body: "12abcPASSWORD 9z9z9", secrets: ["9z9z9"]),
        Case(body: "12abcpass word = 9z9z9", secrets: ["9z9z9"]),
        Case(body: "12abcPASSWORDX=9z9z9", secrets: ["9z9z9"]),
        Case(body: "12abcPASSWORD=NO"),
        Case(body: "12abcPASSWORD=9z9z9", secrets: ["9z9z9"], windowOpen: false),
        Case(body: "12abcRENEWINTERVALPW=q1w2e3r4t", secrets: ["q1w2e3r4t"]),
        Case(body: "12abcRENEWINTERVALPW=q1w2", secrets: ["q1w2"]),
        Case(body: "12abcRENEWINTERVALPW=q1w2e3r4t", secrets: ["q1w2e3r4t"], windowOpen: false),
        Case(body: "12abcRENEWINTERVALabc123xyz", windowOpen: false),
        Case(body: "12abcrenewinterval abc123xyz"),
        Case(body: "12abcRENEWINTERVALabc123xyy", secrets: ["abc123xyy"]),
        Case(body: "12abcRENEWINTERVALPWabc12345", secrets: ["PWabc12345", "abc12345"]),
        Case(body: "12abcRENEWINTERVAL=abc123xyz"),
        Case(body: "12abcRENEWINTERVAL?"),
        Case(body: "12abdSTATUS", secrets: ["12abd"]),
        Case(body: "12abc12abcSTATUS"),
        Case(body: "12abc 12abc STATUS"),
        Case(body: "PASSWORD=12abc"),
        Case(body: "12abcPASSWORD=9z9z9" + String(repeating: " x", count: 10), secrets: ["9z9z9"]),
        Case(body: "12abc"),
        Case(body: "12abcPASSWORD=9z9z9", secrets: ["9z9z9"], from: ActivityLogTests.stranger, secList: true),
        Case(body: "12abcPASSWORD=9z9z9", secrets: ["9z9z9"], from: "Telekom"),
        Case(body: "PASSWORD=9z9z9", secrets: ["9z9z9"], local: true),
        Case(body: "RENEWINTERVALPW=q1w2e3r4t", secrets: ["q1w2e3r4t"], local: true),
    ]

    /// Every log line and its metadata, at every level, of one command handled by a controller whose every
    /// SMS ends in doubt (so that the outbox logs each one's text), and every history row it left.
    static func log(of command: Case) async throws -> (log: [String], history: [String]) {
        let folder = try TemporaryDirectory()
        let path = folder.path("state.sqlite")
        var state = PersistentState()
        state.password = password
        state.renewPassword = renewPassword
        state.secListActive = command.secList
        state.secNumbers = [String(owner.dropFirst())]
        state.errorReplies = true
        state.smsConfirmUnauthorised = true
        let handler = InMemoryLogHandler()
        var logger = Logger(label: "test") { _ in handler }
        logger.logLevel = .trace
        var history: [String] = []
        do {
            let store = try Store(path: path)
            var change = Store.Change(at: Instant(seconds: 1))
            change.state = (PersistentState(), state)
            try store.commit(change)
            let modem = RecordingModem(databasePath: path)
            for number in [owner, stranger] { modem.answer(.uncertain, to: number) }
            let clock = VirtualClock(start: Instant(seconds: 1_767_600_000))
            let board = Board(modem: modem, thermometer: nil, mainRelay: SimulatedRelay(name: "main", log: NullLog()), microRelay: nil, inputs: [])
            let bus = EventBus()
            let controller = try Controller(
                model: .gsm707, identity: DeviceIdentity(serialNumber: "1"), store: store, board: board, clock: clock, bus: bus,
                logger: logger, delivery: .inline)
            try await controller.start()
            if !command.windowOpen {
                clock.set(clock.now.adding(minutes: 31))
                await controller.fireDueTimers()
            }
            if command.local {
                _ = await controller.execute(localCommand: command.body)
            } else {
                bus.post(IncomingSMS(sender: command.from, text: command.body, timestamp: nil), receipt: MessageReceipt(key: "m"))
                await controller.drain()
            }
            await controller.stop()
            history = try store.historyEntries(kinds: HistoryQuery.entryKinds, limit: 1000).map(\.text)
        }
        withExtendedLifetime(folder) {}
        return (handler.entries.map { "\($0.level) \($0.message) \($0.metadata)" }, history)
    }

    @Test(arguments: cases)
    func noPasswordEverAppearsInTheLog(_ command: Case) async throws {
        let lines = try await Self.log(of: command).log
        let activity = lines.filter { $0.contains(command.local ? "local command" : "SMS from \(command.from)") }
        #expect(activity.count == 1, "one line for the message: \(lines)")
        for secret in [Self.password, Self.renewPassword] + command.secrets {
            let leaks = lines.filter { $0.contains(secret) }
            #expect(leaks.isEmpty, "\(secret) in the log: \(leaks)")
        }
    }

    @Test(arguments: [
        ("PASSWORD=12abc", "PASSWORD=*****"),
        ("password = 12 abc", "password = ** ***"),
        ("PASSWORD=NO", "PASSWORD=NO"),
        ("PASSWORDX=12abc", "PASSWORD*******"),
        ("RENEWINTERVALPW=abc123xyz", "RENEWINTERVALPW=*********"),
        ("RENEWINTERVALPW=no", "RENEWINTERVALPW=no"),
        ("RENEWINTERVALabc123xyz", "RENEWINTERVAL*********"),
        ("RENEWINTERVALPWabc12345", "RENEWINTERVAL**********"),
        ("RENEWINTERVAL?", "RENEWINTERVAL?"),
        ("SECNUMBER+3589123456789", "SECNUMBER+3589123456789"),
        ("STATUS", "STATUS"),
    ])
    func commandsShowEverythingButPasswords(_ body: String, _ shown: String) {
        #expect(Redaction.command(body) == shown)
    }

    @Test func repliesThatEchoACommandAreMaskedAndOthersAreNot() {
        #expect(Redaction.reply("PASSWORD=12ab - Error!") == "PASSWORD=**** - Error!")
        #expect(Redaction.reply("PASSWORD=12abc - Time for configuration is expired (30min)!") == "PASSWORD=***** - Time for configuration is expired (30min)!")
        #expect(Redaction.reply("Power socket ON") == "Power socket ON")
    }

    /// The `#` lines of `smsocket simulate --verbose` for `inputs`.
    static func verboseNotes(_ inputs: [String]) async throws -> [String] {
        let output = Mutex<[String]>([])
        var options = Simulation.Options()
        options.verbose = true
        let simulation = try Simulation(options: options) { line in output.withLock { $0.append(line) } }
        try await simulation.start()
        for line in inputs { await simulation.process(line: line) }
        await simulation.finish()
        // `# 2026-01-05T08:00:00Z text` → `text`
        return output.withLock { $0 }.filter { $0.hasPrefix("# ") }.map { String($0.dropFirst(23)) }
    }

    @Test func everyRelayChangeSaysWhatCausedIt() async throws {
        let notes = try await Self.verboseNotes([
            "sms \(Self.owner) ON5", "wait 6m", "button press", "sms \(Self.owner) SECNUMBER+3589123456789",
            "sms \(Self.owner) SECLIST=ON", "sms \(Self.owner) RING=SWITCH", "call \(Self.owner)",
            "sms \(Self.owner) SCHEDULER+08:10,*,ON", "wait 5m", "sms \(Self.owner) THERMOSTAT=HEATING", "sms \(Self.owner) TEMPOFF=20",
            "sms \(Self.owner) OFF", "sms \(Self.owner) THERMOSTATON", "temp 15", "wait 2m",
            "sms \(Self.owner) ALERTNUMBER+3580000000002", "sms \(Self.owner) ALARMON", "sms \(Self.owner) MICRORELAYTIME=5",
            "sensor on",
        ])
        for expected in [
            #"SMS from +3589123456789 "ON5": done; reply queued"#, "main relay on (SMS from +3589123456789)",
            "main relay off (timer)", "main relay on (button)",
            "call from +3589123456789: hung up", "main relay off (call from +3589123456789)",
            "main relay on (scheduler)", "main relay on (thermostat)",
            #"SMS to +3580000000002 (alarm): "ALARM! Sensor triggered""#,
        ] {
            #expect(notes.contains(expected), "\(expected) not in \(notes)")
        }
    }

    @Test func everyRefusedOrDroppedMessageSaysWhy() async throws {
        let notes = try await Self.verboseNotes([
            "sms \(Self.owner) \(String(repeating: "A", count: 31))", "sms \(Self.owner)  ", "sms Telekom Your balance is 5 EUR",
            "sms hidden STATUS", "sms \(Self.owner) STATSU", "sms \(Self.owner) RESTARTTIME=0", "sms \(Self.owner) SECLIST=ON",
            "sms \(Self.owner) SECNUMBER+3589123456789", "sms \(Self.owner) SECLIST=ON", "sms \(Self.stranger) STATUS",
            "sms \(Self.owner) PASSWORD=12abc", "sms \(Self.owner) STATUS", "wait 31m", "sms \(Self.owner) 12abcRESTARTTIME=5",
        ])
        for expected in [
            "SMS from +3589123456789: dropped: 31 characters, more than 30; no reply",
            "SMS from +3589123456789: dropped: empty; no reply",
            #"SMS from Telekom "Your balance is 5 EUR": refused: unknown command; no reply (a hidden number, a name or a short code is never answered)"#,
            #"SMS from a hidden number "STATUS": done; no reply (a hidden number, a name or a short code is never answered)"#,
            #"SMS from +3589123456789 "STATSU": refused: unknown command; reply queued"#,
            #"SMS from +3589123456789 "RESTARTTIME=0": refused: incorrect value; reply queued"#,
            #"SMS from +3589123456789 "SECLIST=ON": refused: Execute error!; reply queued"#,
            #"SMS from +3580000000001 "STATUS": refused: the sender is not on the SECNUMBER list; no reply"#,
            "SMS from +3589123456789: refused: wrong or missing access password; reply queued",
            #"SMS from +3589123456789 "*****RESTARTTIME=5": refused: the 30-minute configuration window is closed; reply queued"#,
        ] {
            #expect(notes.contains(expected), "\(expected) not in \(notes)")
        }
    }
}
