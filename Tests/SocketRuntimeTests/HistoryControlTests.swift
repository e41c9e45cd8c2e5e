import Foundation
import GRDB
import SocketCore
import Synchronization
import TestSupport
import Testing

@testable import SocketRuntime

/// `log`, `export` and `import` on the control socket of a running controller (real socket, real SQLite).
@Suite("The control socket: history and settings")
struct HistoryControlTests {
    /// Every line of the answer to `request` (with `follow`, until `enough` says so), asked from a thread.
    static func lines(_ path: String, _ request: ControlRequest, until enough: @escaping @Sendable ([String]) -> Bool = { _ in false }) async throws -> [String] {
        try await offPool { () throws(ControlClientError) -> [String] in
            var lines: [String] = []
            try ControlClient(path: path).exchange(request.json) { line in
                lines.append(line)
                return !enough(lines)
            }
            return lines
        }
    }

    static func records(_ lines: [String]) throws -> [HistoryRecord] {
        try lines.dropFirst().map { try ControlReply.decode($0, as: ControlReply.LogLine.self).record }
    }

    @Test func logAnswersTheNewestLinesOfTheKindsAsked() async throws {
        let board = try await ControlBoard()
        let (all, relays) = try await board.serving {
            _ = try await board.ask(.send(text: "ON"))
            _ = try await board.ask(.send(text: "OFF"))
            return (try await Self.lines(board.socket, .log(HistoryQuery(limit: 3), follow: false)), try await Self.lines(board.socket, .log(HistoryQuery(kinds: [.relay]), follow: false)))
        }
        #expect(try ControlReply.decode(all[0], as: ControlReply.LogHeader.self).records == 3)
        let texts = try Self.records(all).compactMap { if case .event(let entry) = $0 { entry.text } else { nil } }
        #expect(texts == ["main relay on (local console)", #"local command "OFF": done"#, "main relay off (local console)"])
        let relayTexts = try Self.records(relays).compactMap { if case .event(let entry) = $0 { "\(entry.kind) \(entry.text)" } else { nil } }
        #expect(relayTexts.suffix(2) == ["relay main relay on (local console)", "relay main relay off (local console)"])
        #expect(relayTexts.allSatisfy { $0.hasPrefix("relay ") })
    }

    @Test func followSendsEachNewLineOnceUntilTheClientGoes() async throws {
        let board = try await ControlBoard()
        let lines = try await board.serving {
            _ = try await board.ask(.send(text: "ON"))
            let (started, start) = AsyncStream.makeStream(of: Void.self)
            let socket = board.socket
            async let followed = Self.lines(socket, .log(HistoryQuery(kinds: [.relay], limit: 1), follow: true)) { lines in
                if lines.count == 2 { start.yield() }
                return lines.contains { $0.contains("main relay off") }
            }
            var iterator = started.makeAsyncIterator()
            await iterator.next()
            _ = try await board.ask(.send(text: "OFF"))
            return try await followed
        }
        let records = try Self.records(lines)
        #expect(records.count == 2)
        #expect(records.map { if case .event(let entry) = $0 { entry.text } else { "" } } == ["main relay on (local console)", "main relay off (local console)"])
    }

    @Test(arguments: [
        (#"{"request":"log","kinds":["weather"]}"#, "bad-request", "no history kind"),
        (#"{"request":"log","limit":0}"#, "bad-request", "limit must be 1 to 20000"),
        (#"{"request":"log","follow":"yes"}"#, "bad-request", "wrong type"),
        (#"{"request":"import"}"#, "bad-request", #"no \"settings\" field"#),
        (#"{"request":"import","settings":{"format":"smsocket-settings","version":1,"settings":{"tempcal":5}}}"#, "bad-settings", "settings.alarm_armed: missing"),
        (#"{"request":"import","settings":{"format":"smsocket-settings","version":3,"settings":{}}}"#, "bad-settings", "version: 3 (written by a newer SMSocket"),
    ])
    func aBadRequestIsRefusedWithItsCodeAndPath(_ line: String, _ code: String, _ message: String) async throws {
        let board = try await ControlBoard()
        let reply = try await board.serving { await rawExchange(board.socket, Array((line + "\n").utf8)) }
        #expect(errorCode(reply.trimmingCharacters(in: .newlines)) == code, "\(reply)")
        #expect(reply.contains(message), "\(reply)")
    }

    @Test(arguments: [
        ControlRequest.export, .log(HistoryQuery(), follow: false),
        .log(HistoryQuery(kinds: [.sms, .alarm], temperature: true, hourly: true, limit: 500), follow: true),
        .importSettings(SettingsDocument(settingsOf: PersistentState.everyFieldChanged)),
    ])
    func aRequestReadsBackAsItself(_ request: ControlRequest) throws {
        #expect(try ControlRequest.parse(Array(request.json.utf8)) == request)
        #expect(!request.json.contains("\n"), "one line")
    }

    // MARK: - Export and import

    @Test func exportThenImportOnASecondBoardGivesTheSameSettingsAppliedAndSaved() async throws {
        let old = try await ControlBoard()
        let exported = try await old.serving {
            for command in [
                "SECNUMBER+3589123456789", "SECLIST=ON", "PASSWORD=ab123", "ALERTNUMBER+3589223456789", "SCHEDULER+08:30,*,AON",
                "MICRORELAYTIME=5", "RESTARTTIME=20", "SENSORTYPE=NC", "ALARMON",
            ] {
                #expect(try await old.ask(.send(text: command), as: ControlReply.Replies.self).replies.first?.contains("OK") == true, "\(command)")
            }
            return try await old.ask(.export, as: ControlReply.Exported.self).settings
        }
        #expect(exported.settings.password == "ab123")

        let new = try await ControlBoard()
        let (imported, alarm, again) = try await new.serving {
            let line = try await new.ask(.importSettings(exported))
            // Saved before the answer: read beside the controller, as a person with the sqlite3 tool would.
            let saved = try await DatabaseQueue(path: new.folder.path("state.sqlite")).read { db in
                try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = 'password'")
            }
            #expect(saved == "ab123")
            let alarm = try await new.ask(.send(text: "ALARM?"), as: ControlReply.Replies.self).replies
            let history = try Self.records(try await Self.lines(new.socket, .log(HistoryQuery(kinds: [.command, .alarm]), follow: false)))
            #expect(history.map { if case .event(let entry) = $0 { entry.text } else { "" } }.prefix(2) == ["settings imported", "alarm armed (settings import)"])
            return (line, alarm, try await new.ask(.export, as: ControlReply.Exported.self).settings)
        }
        #expect(imported == #"{"ok":true}"#)
        #expect(again == exported)
        #expect(alarm.first?.hasPrefix("ALARM function: Enabled") == true, "armed as ALARMON arms it: \(alarm)")
    }

    @Test func importWithoutAControllerWritesTheStoreAndKeepsItsDeviceState() throws {
        let folder = try TemporaryDirectory()
        let store = try Store(path: folder.path("state.sqlite"))
        var running = PersistentState()
        running.mainRelayOn = true
        running.alarmLog = [AlarmLogEntry(time: nil)]
        var change = Store.Change(at: Instant(seconds: 1))
        change.state = (PersistentState(), running)
        try store.commit(change)
        let document = SettingsDocument(settingsOf: PersistentState.everyFieldChanged)
        try store.importSettings(document, at: Instant(seconds: 2))
        let loaded = try store.loadState()
        #expect(SettingsDocument(settingsOf: loaded) == document)
        #expect(loaded.mainRelayOn && loaded.alarmLog.count == 1, "the device state stays")
    }
}
