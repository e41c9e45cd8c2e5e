import Foundation
import GRDB
import InMemoryLogging
import Logging
import Simulated
import SocketCore
import Synchronization
import TestSupport
import Testing

@testable import SocketRuntime

/// The history: what is recorded, that it holds no password, that it stays within its bounds, and that a
/// history that cannot be written holds nothing back.
@Suite("The history")
struct HistoryTests {
    static let owner = "+3589123456789"
    static let start = Instant(seconds: CivilTime(year: 2026, month: 1, day: 5, hour: 8, minute: 0, second: 0).epochSeconds)

    /// Runs `inputs` (and then `localCommands`) through `smsocket simulate` on a state file, and returns
    /// what the history holds afterwards: every entry, and the temperature readings.
    static func history(of inputs: [String], localCommands: [String] = []) async throws -> ([HistoryEntry], [TemperatureSample]) {
        let folder = try TemporaryDirectory()
        let path = folder.path("state.sqlite")
        do {
            var options = Simulation.Options()
            options.statePath = path
            let simulation = try Simulation(options: options) { _ in }
            try await simulation.start()
            for line in inputs { await simulation.process(line: line) }
            for command in localCommands { _ = await simulation.localCommand(command) }
            await simulation.finish()
        }
        let store = try Store(path: path)
        return (try store.historyEntries(kinds: HistoryQuery.entryKinds, limit: 1000), try store.temperatureSamples(limit: 1000))
    }

    @Test func everyKindIsRecordedWithItsCauseAtTheVirtualTime() async throws {
        let (entries, samples) = try await Self.history(
            of: [
                "sms \(Self.owner) ON", "call \(Self.owner)", "sms \(Self.owner) ALERTNUMBER+3589223456789", "sms \(Self.owner) ALARMON",
                "sensor on", "temp 21.5", "wait 12m", "signal none", "signal -70", "relay main fail", "sms \(Self.owner) OFF",
            ],
            localCommands: ["RESTARTTIME=20"])
        let lines = entries.map { "\($0.kind.rawValue) \($0.failed ? "FAILED " : "")\($0.text)" }
        for expected in [
            #"sms SMS from +3589123456789 "ON": done; reply queued"#,
            "relay main relay on (SMS from +3589123456789)",
            #"sms SMS to +3589123456789: "Power socket ON""#,
            "call call from +3589123456789: left ringing",
            "alarm alarm armed (SMS from +3589123456789)",
            "alarm alarm triggered",
            #"sms SMS to +3589223456789: "ALARM! Sensor triggered""#,
            "modem not registered on the network",
            "modem registered on the network (signal -70 dBm)",
            "relay FAILED main relay off (SMS from +3589123456789): failed",
            #"command local command "RESTARTTIME=20": done"#,
        ] {
            #expect(lines.contains(expected), "\(expected) not in \(lines)")
        }
        #expect(!lines.contains("relay main relay off (SMS from +3589123456789)"), "a relay that failed is no change")
        #expect(entries.first?.time == Self.start, "virtual time")
        let on = lines.firstIndex(of: #"sms SMS from +3589123456789 "ON": done; reply queued"#) ?? -1
        #expect(Array(lines.dropFirst(on + 1).prefix(2)) == ["relay main relay on (SMS from +3589123456789)", #"sms SMS to +3589123456789: "Power socket ON""#], "in order")
        #expect(entries.map(\.id) == entries.map(\.id).sorted())
        // Readings count from the end of the 10-minute warm-up, one a minute, calibrated (raw − TEMPCAL 5).
        #expect(samples.count == 3)
        #expect(samples.allSatisfy { $0.celsius == 16.5 })
        #expect(samples.first?.time == Self.start.adding(minutes: 10))
    }

    @Test(arguments: ActivityLogTests.cases)
    func noPasswordIsInAnyHistoryRow(_ command: ActivityLogTests.Case) async throws {
        let rows = try await ActivityLogTests.log(of: command).history
        #expect(rows.contains { $0.hasPrefix(command.local ? "local command" : "SMS from \(command.from)") }, "\(rows)")
        for secret in [ActivityLogTests.password, ActivityLogTests.renewPassword] + command.secrets {
            let leaks = rows.filter { $0.contains(secret) }
            #expect(leaks.isEmpty, "\(secret) in the history: \(leaks)")
        }
    }

    @Test func theModemGoingOfflineAndOnlineIsRecordedOncePerChange() async throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("state.sqlite")
        let store = try Store(path: path)
        let bus = EventBus()
        let board = Board(
            modem: RecordingModem(databasePath: path), thermometer: nil, mainRelay: SimulatedRelay(name: "main", log: NullLog()),
            microRelay: nil, inputs: [])
        let controller = try Controller(
            model: .gsm707, identity: DeviceIdentity(serialNumber: "1"), store: store, board: board, clock: VirtualClock(start: Self.start),
            bus: bus, delivery: .inline)
        try await controller.start()
        for online in [true, false, false, true] { bus.post(.modemOnline(online)) }
        await controller.drain()
        await controller.stop()
        let modem = try store.historyEntries(kinds: [.modem], limit: 10).map(\.text)
        #expect(modem == ["modem online", "modem offline", "modem online"])
    }

    // MARK: - A history that cannot be written

    @Test func aFailingHistoryWriteHoldsNothingBackAndIsLoggedRateLimited() async throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("state.sqlite")
        _ = try Store(path: path)
        // SQLite refuses every history line, as a full disk would; the settings still commit.
        let refuse = "CREATE TRIGGER refuse BEFORE INSERT ON history_event BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END"
        try await DatabaseQueue(path: path).write { try $0.execute(sql: refuse) }
        let handler = InMemoryLogHandler()
        var logger = Logger(label: "test") { _ in handler }
        logger.logLevel = .info
        let modem = RecordingModem(databasePath: path)
        let clock = VirtualClock(start: Self.start)
        let relay = SimulatedRelay(name: "main", log: NullLog())
        let bus = EventBus()
        let store = try Store(path: path)
        let controller = try Controller(
            model: .gsm707, identity: DeviceIdentity(serialNumber: "1"), store: store,
            board: Board(modem: modem, thermometer: nil, mainRelay: relay, microRelay: nil, inputs: []), clock: clock, bus: bus,
            logger: logger, delivery: .inline)
        try await controller.start()
        func sms(_ text: String, _ key: String) async {
            bus.post(IncomingSMS(sender: Self.owner, text: text, timestamp: nil), receipt: MessageReceipt(key: key))
            await controller.drain()
        }
        await sms("ON", "1")
        clock.set(Self.start.adding(minutes: 5))
        await sms("RESTARTTIME=7", "2")
        #expect(relay.on)
        #expect(modem.sent.map(\.text) == ["Power socket ON", "RESTARTTIME=7 - OK"], "replies go out")
        #expect(await controller.persistentState.restartTime == 7, "settings commit")
        func historyErrors() -> Int { handler.entries.filter { $0.level == .error && "\($0.message)".contains("the history misses") }.count }
        #expect(historyErrors() == 1, "once within 10 minutes")
        clock.set(Self.start.adding(minutes: 11))
        await sms("OFF", "3")
        #expect(!relay.on)
        #expect(historyErrors() == 2, "again after 10 minutes")

        try await DatabaseQueue(path: path).write { try $0.execute(sql: "DROP TRIGGER refuse") }
        await sms("STATUS", "4")
        #expect(handler.entries.contains { "\($0.message)" == "the history is written again" })
        await controller.stop()
        let texts = try store.historyEntries(kinds: [.sms], limit: 10).map(\.text)
        #expect(texts.count == 2 && texts.first == #"SMS from +3589123456789 "STATUS": done; reply queued"#, "only what was written: \(texts)")
        #expect(texts.last?.hasPrefix(#"SMS to +3589123456789: "Power socket OFF\n"#) == true, "the reply after the message: \(texts)")
    }

    // MARK: - Temperature by the hour, and the bounds

    /// A history on a fresh store in `folder`, with a virtual time line driven by the test.
    static func recorder(in folder: TemporaryDirectory, retention: History.Retention = History.Retention()) throws -> (Store, History) {
        let store = try Store(path: folder.path("state.sqlite"), durability: .normal)
        return (store, History(store: store, logger: Logger(label: "test"), retention: retention))
    }

    @Test func anHourIsRolledUpOnceItIsCompleteAndAgainWhenTheClockWentBackIntoIt() throws {
        let folder = try TemporaryDirectory()
        let (store, history) = try Self.recorder(in: folder)
        let hour = Instant(seconds: Self.start.seconds)
        for (minute, celsius) in [(0, 20.0), (20, 22.0), (59, 24.5)] {
            history.write([], sample: TemperatureSample(time: hour.adding(minutes: Int64(minute)), celsius: celsius), at: hour.adding(minutes: Int64(minute)))
        }
        #expect(try store.temperatureHours(limit: 10) == [], "the hour is not complete yet")
        history.write([], sample: TemperatureSample(time: hour.adding(minutes: 61), celsius: 30), at: hour.adding(minutes: 61))
        #expect(try store.temperatureHours(limit: 10) == [TemperatureHour(start: hour, minimum: 20, average: 22.166666666666668, maximum: 24.5, readings: 3)])

        // The clock is set back into the hour rolled up: a reading there counts once the hour completes again.
        history.write([], sample: TemperatureSample(time: hour.adding(minutes: 30), celsius: 10), at: hour.adding(minutes: 30))
        history.write([], sample: TemperatureSample(time: hour.adding(minutes: 62), celsius: 30), at: hour.adding(minutes: 62))
        let hours = try store.temperatureHours(limit: 10)
        #expect(hours.map(\.readings) == [4])
        #expect(hours.first?.minimum == 10)
    }

    @Test func retentionPrunesAtMostOnceAnHour() throws {
        let folder = try TemporaryDirectory()
        var retention = History.Retention()
        retention.eventLimit = 3
        retention.eventDays = 1
        let (store, history) = try Self.recorder(in: folder, retention: retention)
        func entry(_ n: Int, at time: Instant) { history.write([HistoryEntry(time: time, kind: .sms, text: "line \(n)")], sample: nil, at: time) }
        for n in 1...5 { entry(n, at: Self.start.adding(minutes: Int64(n))) }
        #expect(try store.historyEntries(kinds: [.sms], limit: 10).map(\.text) == ["line 1", "line 2", "line 3", "line 4", "line 5"], "pruned at the first write only")
        entry(6, at: Self.start.adding(minutes: 61))
        #expect(try store.historyEntries(kinds: [.sms], limit: 10).map(\.text) == ["line 4", "line 5", "line 6"], "the newest 3, an hour later")
        entry(7, at: Self.start.adding(seconds: 86_400 + 3600))
        #expect(try store.historyEntries(kinds: [.sms], limit: 10).map(\.text) == ["line 6", "line 7"], "older than a day: gone")
        entry(8, at: Self.start.adding(seconds: 86_400 + 7200))
        #expect(try store.historyEntries(kinds: [.sms], limit: 10).map(\.text) == ["line 7", "line 8"])
    }

    /// The size bound of issue 10: two years of hourly temperature and a week of readings at the real reading
    /// interval (one a minute), with the entries at their limit and each as long as an entry may be, stay under
    /// 5 MB; and retention prunes what is older.
    @Test func twoYearsOfTemperatureAndFullEntriesStayUnderFiveMegabytes() throws {
        let folder = try TemporaryDirectory()
        let (store, history) = try Self.recorder(in: folder)
        let retention = history.retention
        let interval = SocketCore.Timing.temperatureInterval
        let days: Int64 = retention.hourDays + 30
        let end = Self.start.adding(seconds: days * 86_400)
        let rawFrom = end.adding(seconds: -retention.readingDays * 86_400)
        // Before the last week: one reading an hour is enough to make each hour's row (and prune as it goes).
        var time = Self.start
        var n = 0
        while time < rawFrom {
            history.write([], sample: TemperatureSample(time: time, celsius: Double(n % 300) / 10), at: time)
            time = time.adding(seconds: 3600)
            n += 1
        }
        // The last week at the real interval, with an entry of the longest text at every reading.
        let longText = String(repeating: "x", count: HistoryEntry.maxTextLength)
        while time < end {
            let entry = HistoryEntry(time: time, kind: .sms, text: "\(n) " + longText)
            history.write([entry], sample: TemperatureSample(time: time, celsius: Double(n % 300) / 10), at: time)
            time = time.adding(seconds: interval)
            n += 1
        }
        let hours = try store.temperatureHours(limit: 100_000)
        let samples = try store.temperatureSamples(limit: 100_000)
        let entries = try store.historyEntries(kinds: [.sms], limit: 100_000)
        let hourLimit = Int(retention.hourDays * 24)
        #expect((hourLimit - 24...hourLimit + 1).contains(hours.count), "\(hours.count) hours")
        #expect(hours.first.map { $0.start >= end.adding(seconds: -retention.hourDays * 86_400 - 3600) } == true, "older hours pruned")
        #expect((10_000...10_080 + 60).contains(samples.count), "\(samples.count) readings")
        #expect(samples.first.map { $0.time >= rawFrom.adding(seconds: -3600) } == true, "older readings pruned")
        #expect((retention.eventLimit...retention.eventLimit + 60).contains(entries.count), "\(entries.count) entries")

        let fileBytes = try FileManager.default.attributesOfItem(atPath: store.path)[.size] as? Int ?? 0
        let walBytes = (try? FileManager.default.attributesOfItem(atPath: store.path + "-wal")[.size] as? Int) ?? 0
        let compacted = try store.queue.writeWithoutTransaction { db in
            try db.execute(sql: "VACUUM")
            return try Int.fetchOne(db, sql: "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()") ?? 0
        }
        let temperatureOnly = try store.queue.writeWithoutTransaction { db in
            try db.execute(sql: "DELETE FROM history_event")
            try db.execute(sql: "VACUUM")
            return try Int.fetchOne(db, sql: "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()") ?? 0
        }
        print(
            "history size bound: \(hours.count) hours, \(samples.count) readings, \(entries.count) entries of \(HistoryEntry.maxTextLength) characters: file \(fileBytes) bytes (+ WAL \(walBytes)), \(compacted) bytes after VACUUM, \(temperatureOnly) bytes without the entries"
        )
        #expect(fileBytes < 5_000_000)
        #expect(compacted < 5_000_000)
        #expect(temperatureOnly < 2_000_000)
    }
}
