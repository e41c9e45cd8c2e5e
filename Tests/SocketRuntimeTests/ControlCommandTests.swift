import Foundation
import SocketCore
import TestSupport
import Testing

@testable import SocketRuntime

/// `smsocket status|send|sms|reload` against `smsocket run` on the simulated board: real processes, the real
/// socket, the exit codes the README lists.
@Suite("smsocket status, send, sms, reload")
final class ControlCommandTests {
    static let binary = smsocketExecutable(besides: #filePath)
    static let setpriv = "/usr/bin/setpriv"
    let folder: TemporaryDirectory
    var dir: String { folder.url.path }
    let config: String
    var socket: String { dir + "/control.sock" }
    private var daemon: ChildProcess?

    init() throws {
        folder = try TemporaryDirectory()
        config = try simulatedBoard(in: folder)
    }

    deinit { daemon?.signal(SIGTERM) }

    /// Starts `smsocket run` and waits until it says it started (its socket is bound by then).
    func startDaemon() throws -> ChildProcess {
        let output = dir + "/run.txt"
        let run = try ChildProcess([Self.binary, "run", "--config", config], outputPath: output)
        run.closeInput()
        daemon = run
        #expect(waitForText(in: output) { $0.contains("standard input ended") })
        return run
    }

    /// Runs `smsocket ARGUMENTS` (behind `prefix`, e.g. setpriv) to its end: its exit code and its output
    /// (standard output and error).
    func smsocket(_ arguments: [String], as prefix: [String] = []) throws -> (code: Int32, output: String) {
        let output = dir + "/cli-\(UUID().uuidString).txt"
        let child = try ChildProcess(prefix + [Self.binary] + arguments, outputPath: output)
        child.closeInput()
        let status = child.waitForExit()
        let code = status & 0x7f == 0 ? (status >> 8) & 0xff : -1
        return (code, readTextFile(output))
    }

    @Test func theCommandsTalkToTheRunningController() throws {
        let run = try startDaemon()

        let status = try smsocket(["status", "--config", config])
        #expect(status.code == 0, "\(status.output)")
        #expect(status.output.contains("SMSocket \(SocketCore.version), model 707, up "))
        #expect(status.output.contains("main socket: off\n"))
        #expect(status.output.contains("modem: signal Good (-67 dBm), registration home, operator SMSocket Sim\n"))
        #expect(status.output.contains("outbox: 0 pending, 0 failed\n"))
        #expect(status.output.contains("rules: 1 loaded (hello)\n"))

        let on = try smsocket(["send", "ON", "--config", config])
        #expect(on == (0, "Power socket ON\n"))

        let json = try smsocket(["status", "--config", config, "--json"])
        #expect(json.code == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
        #expect((object["relays"] as? [String: Any])?["main"] as? Bool == true)

        let sms = try smsocket(["sms", "+358401234567", "hello", "--config", config])
        #expect(sms == (0, "queued for +358401234567\n"))
        #expect(waitForText(in: dir + "/run.txt") { $0.contains(#"sms-out +358401234567 "hello""#) })

        let reload = try smsocket(["reload", "--config", config])
        #expect(reload == (0, "rules: 1 loaded (hello)\n"))

        // The command's own answer, even an error one: no micro-relay on this board.
        let replies = try smsocket(["send", "ONM", "--config", config, "--json"])
        #expect(replies == (0, #"{"ok":true,"replies":["Execute error!"]}"# + "\n"))

        let badNumber = try smsocket(["sms", "12ab", "hi", "--config", config])
        #expect(badNumber.code == 64, "a usage error, the controller not asked")
        for text in ["", String(repeating: "x", count: 1601)] {
            #expect(try smsocket(["send", text, "--config", config]).code == 64, "a usage error, as for sms")
            #expect(try smsocket(["sms", "123", text, "--config", config]).code == 64)
        }

        run.signal(SIGTERM)
        #expect(ChildProcess.exited(run.waitForExit(), code: 0))
        #expect(!FileManager.default.fileExists(atPath: socket), "the socket goes with the controller")
        let gone = try smsocket(["status", "--config", config])
        #expect(gone == (69, "smsocket: smsocket is not running (no socket at \(socket))\n"))
    }

    @Test func aConfigurationThatCannotBeReadIsExit78() throws {
        let missing = try smsocket(["status", "--config", dir + "/missing.toml"])
        #expect(missing.code == 78)
        #expect(missing.output.contains("missing.toml: cannot read the file"))
        try "control_socket = 5\n".write(toFile: config, atomically: true, encoding: .utf8)
        let wrong = try smsocket(["status", "--config", config])
        #expect(wrong == (78, "smsocket: \(config):1: control_socket: expected a string, found a whole number\n"))
        try "control_socket = \"\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        let empty = try smsocket(["status", "--config", config])
        #expect(empty == (78, "smsocket: \(config):1: control_socket: expected the socket's path, e.g. \"/run/smsocket/control.sock\"\n"))
    }

    /// Tests run as root; `setpriv` runs the client as nobody (uid 65534, no groups).
    @Test(.enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: setpriv)))
    func aUserOutsideTheGroupIsToldWhichGroupToJoin() throws {
        _ = try startDaemon()
        let nobody = [Self.setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", "--"]

        // The socket's mode (0660, root's group) keeps nobody out at connect.
        let denied = try smsocket(["status", "--config", config], as: nobody)
        #expect(denied.code == 77, "\(denied.output)")
        #expect(denied.output.contains("nobody may not use the control socket \(socket): \(ControlAccess.advice(group: getgid(), user: "nobody"))"), "\(denied.output)")

        // With the mode loosened, the peer's credentials still keep nobody out.
        #expect(chmod(socket, 0o666) == 0)
        // Exit 77 either way: this user may not use the socket.
        let refused = try smsocket(["status", "--config", config], as: nobody)
        #expect(refused == (77, "smsocket: uid 65534 may not use the control socket: \(ControlAccess.advice(group: getgid(), user: nil))\n"))
        let following = try smsocket(["log", "--follow", "--config", config], as: nobody)
        #expect(following.code == 77, "\(following.output)")
        #expect(waitForText(in: dir + "/run.txt") { $0.contains("control socket: refused uid 65534") })
    }
}
