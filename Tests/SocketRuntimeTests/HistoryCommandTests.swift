import Foundation
import SocketCore
import TestSupport
import Testing

@testable import SocketRuntime

/// `smsocket log|export|import` against `smsocket run` on the simulated board, and with `--state` once it
/// stopped: real processes, the real socket.
extension ControlCommandTests {
    @Test func logExportAndImportTalkToTheRunningControllerOrTheStoppedState() throws {
        let run = try startDaemon()
        #expect(try smsocket(["send", "ON", "--config", config]).code == 0)

        let log = try smsocket(["log", "-n", "2", "--config", config])
        #expect(log.code == 0, "\(log.output)")
        let lines = log.output.split(separator: "\n").map { String($0.drop { $0 != " " }.dropFirst()) }
        #expect(lines == [#"command local command "ON": done"#, "relay main relay on (local console)"])
        let json = try smsocket(["log", "-n", "1", "--relay-free-check", "--config", config])
        #expect(json.code == 64, "an unknown flag is a usage error")
        let jsonLog = try smsocket(["log", "--sms", "-n", "1", "--json", "--config", config])
        #expect(jsonLog.output.hasPrefix(#"{"ok":true,"records":0}"#), "no SMS on this board yet: \(jsonLog.output)")

        let export = try smsocket(["export", "--config", config])
        #expect(export.code == 0)
        let document = try SettingsDocument.parse(Data(export.output.utf8))
        #expect(document.settings.restartTime == 10)
        let file = folder.path("settings.json")
        let changed = export.output.replacingOccurrences(of: #""restart_time" : 10"#, with: #""restart_time" : 30"#)
        try changed.write(toFile: file, atomically: true, encoding: .utf8)
        let bad = folder.path("bad.json")
        try changed.replacingOccurrences(of: #""tempcal" : 5"#, with: #""tempcal" : 12"#).write(toFile: bad, atomically: true, encoding: .utf8)
        #expect(try smsocket(["import", bad, "--config", config]) == (1, "smsocket: \(bad): settings.tempcal: '12' (expected a whole number in 1...9)\n"))
        // With --json a script gets the error line the controller would have answered, on standard output alone.
        let badJSON = try smsocket(["import", bad, "--json", "--config", config])
        #expect(badJSON.code == 1)
        #expect(errorCode(badJSON.output.trimmingCharacters(in: .newlines)) == "bad-settings", "\(badJSON.output)")
        #expect(badJSON.output.contains("settings.tempcal") && !badJSON.output.hasPrefix("smsocket:"), "\(badJSON.output)")
        #expect(try smsocket(["import", file, "--config", config]) == (0, "imported\n"))
        #expect(try smsocket(["send", "RESTARTTIME?", "--config", config]) == (0, "RESTARTTIME=30 seconds\n"))

        run.signal(SIGTERM)
        #expect(ChildProcess.exited(run.waitForExit(), code: 0))
        let state = dir + "/state.sqlite"
        let stopped = try smsocket(["log", "-n", "1", "--state", state])
        #expect(stopped.code == 0 && stopped.output.hasSuffix(#"command local command "RESTARTTIME?": done"# + "\n"), "\(stopped.output)")
        #expect(try smsocket(["export", "--state", state]).output == changed)
        #expect(try smsocket(["log", "--state", dir + "/none.sqlite"]) == (1, "smsocket: there is no state database at \(dir)/none.sqlite\n"))
        for command in [["log"], ["export"]] {
            let missing = try smsocket(command + ["--json", "--state", dir + "/none.sqlite"])
            #expect(missing.code == 1)
            #expect(errorCode(missing.output.trimmingCharacters(in: .newlines)) == "not-read", "\(missing.output)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir + "/none.sqlite"), "reading leaves no database behind")
    }
}
