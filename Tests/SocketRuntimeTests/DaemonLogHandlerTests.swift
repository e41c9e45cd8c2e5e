import Foundation
import Logging
import SocketCore
import Synchronization
import TestSupport
import Testing

@testable import SocketRuntime

#if canImport(Glibc)
    import Glibc
#endif

@Suite("The daemon's log: journal priorities under systemd, time stamps elsewhere")
struct DaemonLogHandlerTests {
    static let time = Instant(milliseconds: 1_767_600_000_250)  // 2026-01-05T08:00:00.250Z

    @Test(arguments: [
        (Logger.Level.trace, "<7>", "trace"),
        (.debug, "<7>", "debug"),
        (.info, "<6>", "info"),
        (.notice, "<5>", "notice"),
        (.warning, "<4>", "warning"),
        (.error, "<3>", "error"),
        (.critical, "<2>", "critical"),
    ])
    func eachLevelHasItsPriorityAndName(_ level: Logger.Level, _ prefix: String, _ name: String) {
        #expect(DaemonLogHandler.record("modem online", level: level, style: .journal, at: Self.time) == "\(prefix)modem online\n")
        #expect(DaemonLogHandler.record("modem online", level: level, style: .human, at: Self.time) == "2026-01-05T08:00:00.250Z \(name) modem online\n")
    }

    @Test(arguments: [
        ("two lines", "rule alarm failed:\nalarm.lua:3: boom", .journal, "<3>rule alarm failed:\n<3>alarm.lua:3: boom\n"),
        ("two lines", "rule alarm failed:\nalarm.lua:3: boom", .human, "2026-01-05T08:00:00.250Z error rule alarm failed:\n" + String(repeating: " ", count: 31) + "alarm.lua:3: boom\n"),
        ("a last newline", "done\n", .journal, "<3>done\n"),
        ("an empty line inside", "a\n\nb", .journal, "<3>a\n<3>\n<3>b\n"),
        ("a carriage return", "over\rwritten", .journal, "<3>over\\x0Dwritten\n"),
        ("escape and tab", "\u{1B}[2Jcolour\tkept", .journal, "<3>\\x1B[2Jcolour\tkept\n"),
        ("an empty message", "", .journal, "<3>\n"),
    ] as [(String, String, DaemonLogHandler.Style, String)])
    func everyLineOfAMessageKeepsItsPrefix(_ what: String, _ message: String, _ style: DaemonLogHandler.Style, _ expected: String) {
        #expect(DaemonLogHandler.record(message, level: .error, style: style, at: Self.time) == expected, "\(what)")
    }

    @Test func metadataFollowsTheLastLineSortedAndQuotedWhenNeeded() {
        let metadata: Logger.Metadata = ["service": "ControllerService", "reason": "a b", "n": "3", "text": "x\ny"]
        #expect(
            DaemonLogHandler.record("stopping\nnow", level: .notice, metadata: metadata, style: .journal, at: Self.time)
                == "<5>stopping\n<5>now n=3 reason=\"a b\" service=ControllerService text=\"x\\ny\"\n")
    }

    @Test func theHandlerWritesWholeRecordsWithItsOwnAndTheLoggersMetadata() {
        let written = Mutex<[String]>([])
        var logger = Logger(label: "smsocket") { _ in
            DaemonLogHandler(style: .journal, now: { Self.time }, write: { text in written.withLock { $0.append(text) } })
        }
        logger.logLevel = .info
        logger[metadataKey: "port"] = "/dev/ttyUSB2"
        logger.debug("not written: below the level")
        logger.warning("no answer\nreopening", metadata: ["try": "2"])
        #expect(written.withLock { $0 } == ["<4>no answer\n<4>reopening port=/dev/ttyUSB2 try=2\n"])
    }

    /// systemd.exec(5): JOURNAL_STREAM is `<st_dev>:<st_ino>` of the stream; the check is a real fstat.
    @Test func theJournalIsRecognisedByTheDeviceAndInodeOfTheStream() throws {
        let folder = try TemporaryDirectory()
        let file = open(folder.path("stream"), O_WRONLY | O_CREAT, 0o600)
        let other = open(folder.path("other"), O_WRONLY | O_CREAT, 0o600)
        defer {
            close(file)
            close(other)
        }
        var status = stat()
        #expect(fstat(file, &status) == 0)
        let stream = "\(status.st_dev):\(status.st_ino)"
        #expect(DaemonLogHandler.style(journalStream: stream, descriptor: file) == .journal)
        #expect(DaemonLogHandler.style(journalStream: stream, descriptor: other) == .human, "a stream systemd did not give")
        #expect(DaemonLogHandler.style(journalStream: nil, descriptor: file) == .human)
        for garbage in ["", ":", "\(status.st_dev)", "\(status.st_dev):x", "x:\(status.st_ino)", "\(status.st_dev):\(status.st_ino):1", "-1:-1"] {
            #expect(DaemonLogHandler.style(journalStream: garbage, descriptor: file) == .human, "\(garbage)")
        }
        #expect(DaemonLogHandler.style(journalStream: stream, descriptor: -1) == .human, "a descriptor that cannot be examined")
    }

    /// `smsocket run` as systemd starts it: JOURNAL_STREAM names its standard error, so every line has a
    /// priority and no time stamp.
    @Test func runUnderSystemdWritesPrioritiesAndNoTimeStamps() throws {
        let binary = smsocketExecutable(besides: #filePath)
        let folder = try TemporaryDirectory()
        let dir = folder.url.path
        let config = dir + "/smsocket.toml"
        try "state = \"\(dir)/state.sqlite\"\ncontrol_socket = \"\(dir)/control.sock\"\n[modem]\nkind = \"simulated\"\n[main_relay]\nkind = \"simulated\"\n"
            .write(toFile: config, atomically: true, encoding: .utf8)
        let output = dir + "/journal.txt"
        #expect(FileManager.default.createFile(atPath: output, contents: nil))
        var status = stat()
        #expect(stat(output, &status) == 0)
        let run = try ChildProcess(
            [binary, "run", "--config", config], outputPath: output, environment: ["JOURNAL_STREAM": "\(status.st_dev):\(status.st_ino)"])
        // The controller's power-up, not the start line: the service group traps SIGTERM only once it runs.
        #expect(waitForText(in: output) { $0.contains("<6>power up\n") })
        run.signal(SIGTERM)
        #expect(ChildProcess.exited(run.waitForExit(), code: 0))
        let log = readTextFile(output)
        #expect(log.contains("<5>SMSocket \(SocketCore.version) starting: config \(config), state \(dir)/state.sqlite, control socket \(dir)/control.sock, model 707"), "\(log)")
        #expect(log.contains("<6>power up\n"), "the activity log at info: \(log)")
        #expect(log.split(separator: "\n").allSatisfy { $0.hasPrefix("<") }, "\(log)")
        #expect(log.hasSuffix("<5>SMSocket stopped\n"), "\(log)")
        #expect(!log.contains("2026-") && !log.contains("Z notice"), "the journal stamps lines itself")
        withExtendedLifetime(folder) {}
    }

    @Test func aRunThatCannotStartSaysWhyAtErrorPriority() throws {
        let binary = smsocketExecutable(besides: #filePath)
        let folder = try TemporaryDirectory()
        let output = folder.path("journal.txt")
        #expect(FileManager.default.createFile(atPath: output, contents: nil))
        var status = stat()
        #expect(stat(output, &status) == 0)
        let run = try ChildProcess(
            [binary, "run", "--config", folder.path("missing.toml")], outputPath: output,
            environment: ["JOURNAL_STREAM": "\(status.st_dev):\(status.st_ino)"])
        run.closeInput()
        #expect(ChildProcess.exited(run.waitForExit(), code: 1))
        let log = readTextFile(output)
        #expect(log.hasPrefix("<3>SMSocket stopped on an error: "), "\(log)")
        #expect(log.contains("missing.toml"), "\(log)")
    }

    @Test func checkUnderSystemdGivesEachLineThePriorityOfWhatItSays() throws {
        let binary = smsocketExecutable(besides: #filePath)
        let folder = try TemporaryDirectory()
        let config = folder.path("board.toml")
        try "model = \"708\"\n[modem]\nkind = \"simulated\"\n[main_relay]\nkind = \"simulated\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        let output = folder.path("journal.txt")
        #expect(FileManager.default.createFile(atPath: output, contents: nil))
        var status = stat()
        #expect(stat(output, &status) == 0)
        let check = try ChildProcess(
            [binary, "check", "--config", config], outputPath: output, environment: ["JOURNAL_STREAM": "\(status.st_dev):\(status.st_ino)"])
        check.closeInput()
        #expect(ChildProcess.exited(check.waitForExit(), code: 1))
        let lines = readTextFile(output).split(separator: "\n")
        #expect(lines.first?.hasPrefix("<3>error: \(config):1: model: ") == true, "\(lines)")
        #expect(lines.last == "<3>\(config): 1 problem; `smsocket run` would not work with this file", "\(lines)")
        #expect(lines.allSatisfy { $0.hasPrefix("<") }, "\(lines)")
    }
}
