import Foundation
import GRDB
import SocketCore
import Testing

@testable import SocketRuntime

@Suite("The state database")
struct StoreTests {
    let dir: String

    init() throws {
        dir = NSTemporaryDirectory() + "smsocket-store-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    var path: String { dir + "/state.sqlite" }

    /// A state in which every persisted field differs from its factory default.
    static var everythingChanged: PersistentState {
        var s = PersistentState()
        s.restartTime = 33
        s.ring = .toggle
        s.secListActive = true
        s.secNumbers = ["3589123456789", "123456"]
        s.password = "12abc"
        s.renewPassword = "123456abc"
        s.smsConfirm = false
        s.ringConfirm = false
        s.ringConfirmType = .call
        s.errorReplies = false
        s.smsConfirmUnauthorised = true
        s.thermostatMode = .cooling
        s.thermostatEnabled = true
        s.tempOff = 22
        s.alertNumbers = ["358912345678"]
        s.thermAlert = true
        s.riseAlert = 35
        s.fallAlert = -5
        s.tempCal = 7
        s.microRelayTime = 900
        s.sensorType = .normallyClosed
        s.alertMode = .smsChange
        s.alarmArmed = true
        s.schedule = [
            ScheduleRule(hour: 8, minute: 0, weekday: nil, action: .on),
            ScheduleRule(hour: 18, minute: 30, weekday: 5, action: .disarmAlarm),
        ]
        s.powerState = .off
        s.saldoCode = "*100#"
        s.mainRelayOn = true
        s.alarmLog = [AlarmLogEntry(time: CivilTime(year: 2026, month: 1, day: 5, hour: 8, minute: 1, second: 2)), AlarmLogEntry(time: nil)]
        s.clock = DeviceClock(offsetSeconds: -3600, zone: "+12")
        s.restoreNoticePending = true
        return s
    }

    @Test func everyFieldSurvivesReopening() throws {
        let changed = Self.everythingChanged
        do {
            let store = try Store(path: path)
            var change = Store.Change(at: Instant(seconds: 1))
            change.state = (PersistentState(), changed)
            try store.commit(change)
        }
        let reopened = try Store(path: path)
        #expect(try reopened.loadState() == changed)
    }

    @Test func changingBackToDefaultsIsStoredToo() throws {
        let store = try Store(path: path)
        var change = Store.Change(at: Instant(seconds: 1))
        change.state = (PersistentState(), Self.everythingChanged)
        try store.commit(change)
        change.state = (Self.everythingChanged, PersistentState())
        try store.commit(change)
        #expect(try Store(path: path).loadState() == PersistentState())
    }

    @Test func aFileThatIsNotADatabaseStopsTheStart() throws {
        try Data("this is not sqlite, it is a shopping list\n".utf8).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: StoreError.self) { try Store(path: path) }
        #expect(error?.code == .corrupt)
        #expect(error?.description.contains("move it aside") == true)
    }

    @Test func aDamagedDatabaseStopsTheStart() throws {
        _ = try Store(path: path, durability: .full)
        // Overwrite the middle of the file (the schema pages) with garbage.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seek(toOffset: 100)
        try handle.write(contentsOf: Data(repeating: 0xA5, count: 3000))
        try handle.close()
        #expect(throws: StoreError.self) { try Store(path: path) }
    }

    @Test func aNewerSchemaStopsTheStart() throws {
        _ = try Store(path: path)
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v9: from the future')")
        }
        let error = #expect(throws: StoreError.self) { try Store(path: path) }
        #expect(error?.code == .newerSchema)
        #expect(error?.description.contains("v9: from the future") == true)
    }

    @Test func anInvalidStoredValueIsReportedNotReset() throws {
        _ = try Store(path: path)
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "INSERT INTO setting (key, value) VALUES ('tempcal', '42')")
        }
        let error = #expect(throws: StoreError.self) { try Store(path: path).loadState() }
        #expect(error?.code == .invalidValue)
        #expect(error?.description.contains("tempcal") == true)
    }

    @Test func outboxEntriesInterruptedMidSendAreNeverSentAgain() throws {
        let store = try Store(path: path)
        var change = Store.Change(at: Instant(seconds: 1))
        change.outgoing = [("+358", "first"), ("+358", "second"), ("+358", "third")]
        let ids = try store.commit(change)
        try store.markSending(ids[0])
        try store.markSent(ids[0])
        try store.markSending(ids[1])  // the process dies here
        let reopened = try Store(path: path)
        #expect(try reopened.setAsideInterruptedSends().map(\.text) == ["second"])
        #expect(try reopened.nextDueOutboxEntry(at: Instant(seconds: 1))?.text == "third")
        #expect(try Store(path: path).setAsideInterruptedSends().isEmpty)
    }

    @Test func handledMessagesAreRemembered() throws {
        let store = try Store(path: path)
        let receipt = MessageReceipt(key: "abc")
        #expect(try !store.wasHandled(receipt))
        var change = Store.Change(at: Instant(seconds: 10))
        change.handled = receipt
        try store.commit(change)
        #expect(try Store(path: path).wasHandled(receipt))
        try store.prune(at: Instant(seconds: 10).adding(minutes: 30 * 24 * 60 + 1))
        #expect(try !store.wasHandled(receipt))
    }
}
