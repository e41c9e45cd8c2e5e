import Foundation
import InMemoryLogging
import Logging
import PluginKit
import Simulated
import SocketCore
import SystemCalls
import TestSupport
import Testing

@testable import SocketRuntime

/// A controller on the simulated board (real SQLite, the real clock) with its control socket on a real Unix
/// socket in a temporary folder.
final class ControlBoard {
    let folder: TemporaryDirectory
    let socket: String
    let controller: Controller
    let world: SimulatedWorld
    let events: CollectingLog
    let logs = InMemoryLogHandler()
    let server: ControlServer

    init(rules: [String: String]? = nil, limits: ControlServer.Limits = .init()) async throws {
        folder = try TemporaryDirectory()
        socket = folder.path("control.sock")
        let text = """
            [modem]
            kind = "simulated"
            [main_relay]
            kind = "simulated"
            [micro_relay]
            kind = "simulated"
            [alarm_input]
            kind = "simulated"

            """
        let config = try ControllerConfig.parse(text, file: folder.path("smsocket.toml"))
        let events = CollectingLog()
        let logs = self.logs
        let logger = Logger(label: "test") { _ in logs }
        let context = PluginContext(logger: logger, model: config.model)
        world = context.shared.object(SimulatedPlugin.worldKey) { SimulatedWorld(log: events) }
        self.events = events
        let ports = try BoardBuilder.ports(for: config, context: context)
        let bus = EventBus()
        controller = try Controller(
            model: config.model, identity: DeviceIdentity(serialNumber: "1"), store: Store(path: folder.path("state.sqlite")),
            board: BoardBuilder.board(ports, clock: SystemClock()), clock: SystemClock(), bus: bus, logger: logger)
        if let rules {
            try FileManager.default.createDirectory(atPath: folder.path("rules"), withIntermediateDirectories: true)
            for (name, source) in rules { try source.write(toFile: folder.path("rules/\(name).lua"), atomically: true, encoding: .utf8) }
            await controller.useRules(Controller.RuleSetup(folder: folder.path("rules")))
        }
        try await controller.start()
        let handler = ControlHandler(controller: controller, bus: bus, logger: logger)
        server = try ControlServer(path: socket, limits: limits, logger: logger) { request, peer, responder in
            await handler.respond(to: request, from: peer, through: responder)
        }
    }

    /// Runs `body` while the server serves, then stops the server (as a shutdown does) and the controller.
    func serving<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        let server = self.server
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await server.run() }
            let result = try await body()
            group.cancelAll()
            try await group.waitForAll()
            await controller.stop()
            return result
        }
    }

    /// The one reply line to `request`, asked from a thread of its own (the client blocks).
    func ask(_ request: ControlRequest) async throws -> String {
        let path = socket
        return try await offPool { () throws(ControlClientError) -> String in try ControlClient(path: path).ask(request) }
    }

    func ask<Body: Decodable>(_ request: ControlRequest, as _: Body.Type) async throws -> Body {
        try ControlReply.decode(try await ask(request), as: Body.self)
    }
}

/// Runs blocking client code on a thread of its own, off the cooperative pool the server's handlers need.
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws(ControlClientError) -> T) async throws(ControlClientError) -> T {
    let result: Result<T, ControlClientError> = await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: Result { () throws(ControlClientError) -> T in try body() }) }.start()
    }
    return try result.get()
}

/// A client that does what it likes: connects to `path`, writes `bytes` in pieces of `piece` bytes, then
/// either hangs up at once (`hangUp`) or reads everything the server writes until it closes (10 s at most),
/// having closed its own writing side first when `endWriting`.
func rawExchange(_ path: String, _ bytes: [UInt8], piece: Int = 65_536, hangUp: Bool = false, endWriting: Bool = false) async -> String {
    await withCheckedContinuation { continuation in
        Thread {
            guard case .success(let descriptor) = UnixSocket.connect(path: path) else { return continuation.resume(returning: "<no connection>") }
            defer { UnixSocket.close(descriptor) }
            var offset = 0
            sending: while offset < bytes.count {
                guard case .success(let events) = UnixSocket.wait(descriptor, for: Int16(POLLOUT), milliseconds: 10_000), events != 0 else { break }
                let end = min(bytes.count, offset + piece)
                switch bytes[offset..<end].withUnsafeBytes({ UnixSocket.send(descriptor, $0) }) {
                case .success(let n): offset += n
                case .failure(let error) where error.errno == EAGAIN: continue
                case .failure: break sending  // the server closed early
                }
            }
            if hangUp { return continuation.resume(returning: "") }
            if endWriting { _ = shutdown(descriptor, Int32(SHUT_WR)) }
            var received: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 4096)
            while case .success(let events) = UnixSocket.wait(descriptor, for: Int16(POLLIN), milliseconds: 10_000), events != 0 {
                guard case .success(let n) = chunk.withUnsafeMutableBytes({ UnixSocket.receive(descriptor, into: $0) }), n > 0 else { break }
                received += chunk[..<n]
            }
            continuation.resume(returning: String(decoding: received, as: UTF8.self))
        }.start()
    }
}

/// The error code of a reply line, nil for a success or a line that is no reply.
func errorCode(_ line: String) -> String? {
    do {
        _ = try ControlReply.decode(line, as: ControlNothing.self)
        return nil
    } catch let error as ControlError {
        return error.code.rawValue
    } catch {
        return nil
    }
}

@Suite("The control socket: requests on a real Unix socket")
struct ControlSocketTests {
    @Test func statusReportsTheDevice() async throws {
        let board = try await ControlBoard()
        let status = try await board.serving { try await board.ask(.status, as: ControlStatus.self) }
        #expect(status.version == SocketCore.version)
        #expect(status.model == "707")
        #expect(status.relays == .init(main: false, micro: false))
        #expect(status.alarm == .init(armed: false, phase: "disarmed", triggered: false, activity: false, sensorActive: false))
        #expect(status.modem == .init(online: true, signalDbm: -67, signal: "Good", registration: "home", operatorName: SimulatedPhoneNetwork.operatorName))
        #expect(status.outbox == .init(pending: 0, failed: 0))
        #expect(status.rules == nil, "no rules folder")
        #expect(status.faults.isEmpty)
        #expect(status.mainsPresent)
        #expect((0...60).contains(status.uptimeSeconds))
    }

    @Test func statusAsJSONHasTheDocumentedKeys() async throws {
        let board = try await ControlBoard(rules: ["good": "log('x')\n"])
        let line = try await board.serving { try await board.ask(.status) }
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["ok", "version", "model", "uptime_seconds", "relays", "alarm", "modem", "mains_present", "outbox", "rules", "faults"])
        let modem = try #require(object["modem"] as? [String: Any])
        #expect(Set(modem.keys) == ["online", "signal", "signal_dbm", "registration", "operator"])
        #expect(object["ok"] as? Bool == true)
        #expect(!line.contains("\n"), "one line")
    }

    @Test func sendRunsACommandAsTheLocalConsole() async throws {
        let board = try await ControlBoard()
        let (on, status) = try await board.serving {
            (
                try await board.ask(.send(text: "ON"), as: ControlReply.Replies.self),
                try await board.ask(.status, as: ControlStatus.self)
            )
        }
        #expect(on.replies == ["Power socket ON"], "no password asked: the console's trust")
        #expect(status.relays.main)
        #expect(board.events.all.contains("relay main on"))
        #expect(board.logs.entries.map(\.message.description).contains("main relay on (local console)"))
    }

    @Test func smsIsQueuedDurablyThenSent() async throws {
        let board = try await ControlBoard()
        let queued = try await board.serving {
            let queued = try await board.ask(.sms(number: "+358401234567", text: "hello there"), as: ControlReply.Queued.self)
            #expect(await board.events.wait { $0.contains(#"sms-out +358401234567 "hello there""#) })
            return queued
        }
        #expect(queued.queued == "+358401234567")
        #expect(board.logs.entries.map(\.message.description).contains(#"SMS to +358401234567 (local console): "hello there""#))
    }

    @Test func reloadLoadsTheRulesAgainAndSaysWhatFailed() async throws {
        let board = try await ControlBoard(rules: ["good": "log('loaded')\n", "broken": "error('boom')\n"])
        let (report, status) = try await board.serving {
            (try await board.ask(.reload, as: RulesReport.self), try await board.ask(.status, as: ControlStatus.self))
        }
        #expect(report.loaded == ["good"])
        #expect(report.failing.map(\.rule) == ["broken"])
        #expect(report.failing.first?.error.contains("boom") == true)
        #expect(status.rules == report)
        #expect(board.logs.entries.map(\.message.description).contains("control socket (uid \(getuid())): loading the rules again"))
    }

    /// A rules folder that went away (renamed, a typo in a path) is said by `reload` and `status`, not taken
    /// for a folder without rules; its rules are no longer loaded.
    @Test func reloadSaysWhenTheRulesFolderCannotBeRead() async throws {
        let board = try await ControlBoard(rules: ["good": "log('loaded')\n"])
        let folder = board.folder.path("rules")
        let (report, status) = try await board.serving {
            try FileManager.default.removeItem(atPath: folder)
            return (try await board.ask(.reload, as: RulesReport.self), try await board.ask(.status, as: ControlStatus.self))
        }
        #expect(report.loaded.isEmpty)
        #expect(report.problem == "the rules folder \(folder) does not exist", "\(report)")
        #expect(report.lines == ["rules: 0 loaded", "the rules folder \(folder) does not exist"])
        #expect(status.rules == report)
        #expect(board.logs.entries.contains { $0.level == .error && $0.message.description == "the rules folder \(folder) does not exist" })
    }

    @Test func reloadWithoutRulesIsRefused() async throws {
        let board = try await ControlBoard()
        let line = try await board.serving { try await board.ask(.reload) }
        #expect(errorCode(line) == "no-rules")
    }

    @Test(arguments: [
        ControlRequest.status, .send(text: "ON \"quoted\" / ä"), .sms(number: "+358401234567", text: "hi\nthere"), .reload,
    ])
    func aRequestReadsBackAsItself(_ request: ControlRequest) throws {
        #expect(try ControlRequest.parse(Array(request.json.utf8)) == request)
        #expect(!request.json.contains("\n"), "one line")
    }

    @Test(arguments: [
        (#"{"request":"sms","number":"12ab","text":"x"}"#, "bad-number"),
        (#"{"request":"sms","number":"+358401234567","text":""}"#, "bad-text"),
        (#"{"request":"launch"}"#, "unknown-request"),
        (#"{"request":"send"}"#, "bad-request"),
        ("STATUS", "bad-request"),
    ])
    func aBadRequestIsAnsweredWithItsCode(_ line: String, _ code: String) async throws {
        let board = try await ControlBoard()
        let reply = try await board.serving { await rawExchange(board.socket, Array((line + "\n").utf8)) }
        #expect(errorCode(reply.trimmingCharacters(in: .newlines)) == code, "\(reply)")
    }

    @Test func theSocketIsMode0660AndRemovedAtTheEnd() async throws {
        let board = try await ControlBoard()
        let path = board.socket
        let mode = try await board.serving { () throws -> UInt32 in
            guard case .success(let owner) = UnixSocket.owner(of: path) else { throw SystemCallError(call: "lstat", errno: ENOENT) }
            return owner.mode
        }
        #expect(mode == 0o660)
        #expect(!FileManager.default.fileExists(atPath: path), "removed when the server stops")
    }

    // MARK: Hostile clients

    /// Random bytes, cut lines, invalid UTF-8, a line over 64 KiB, clients that hang up mid-request: each gets
    /// an error or nothing, and the server answers the next client as before.
    @Test func garbageDoesNoHarm() async throws {
        var limits = ControlServer.Limits()
        limits.readTimeout = .milliseconds(500)
        let board = try await ControlBoard(limits: limits)
        var random = SplitMix64(seed: 0x5eed_c0de)
        try await board.serving {
            for round in 0..<200 {
                let length = Int.random(in: 0...300, using: &random)
                var bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
                if round % 2 == 0 { bytes.append(UInt8(ascii: "\n")) }
                // A cut line ends with the client hanging up or closing its side: never a wait for the timeout.
                let reply = await rawExchange(board.socket, bytes, hangUp: round % 3 == 0, endWriting: true)
                if !reply.isEmpty { #expect(errorCode(reply.trimmingCharacters(in: .newlines)) != nil, "round \(round): \(reply)") }
            }
            let cut = await rawExchange(board.socket, Array(#"{"request":"sta"#.utf8), hangUp: true)
            #expect(cut.isEmpty)
            // A request cut by the end of the input is no request, and a client that may still read hears why.
            let halfClosed = await rawExchange(board.socket, Array(#"{"request":"sta"#.utf8), endWriting: true)
            #expect(errorCode(halfClosed.trimmingCharacters(in: .newlines)) == "bad-request", "\(halfClosed)")
            let unterminated = await rawExchange(board.socket, Array(#"{"request":"send","text":"ON"}"#.utf8), endWriting: true)
            #expect(unterminated.contains("without its newline"), "\(unterminated)")
            let invalid = await rawExchange(board.socket, [0x7b, 0xff, 0xfe, 0x7d, 0x0a])
            #expect(invalid.contains(#""code":"bad-request""#) && invalid.contains("UTF-8"), "\(invalid)")
            let huge = await rawExchange(board.socket, [UInt8](repeating: UInt8(ascii: "a"), count: 100_000) + [0x0a], piece: 4096)
            #expect(errorCode(huge.trimmingCharacters(in: .newlines)) == "too-long", "\(huge)")
            let status = try await board.ask(.status, as: ControlStatus.self)
            #expect(status.model == "707", "still answering")
            #expect(!status.relays.main, "the ON without its newline was not carried out")
        }
    }

    /// A client that sends half a line and waits (slowloris) is answered `timeout` once the read timeout
    /// passes, and others are served meanwhile.
    @Test func aClientThatStallsTimesOutWithoutHoldingUpOthers() async throws {
        var limits = ControlServer.Limits()
        limits.readTimeout = .milliseconds(300)
        let board = try await ControlBoard(limits: limits)
        let path = board.socket
        try await board.serving {
            async let stalled = rawExchange(path, Array(#"{"request":"#.utf8))
            let status = try await board.ask(.status, as: ControlStatus.self)
            #expect(status.model == "707")
            let reply = await stalled
            #expect(errorCode(reply.trimmingCharacters(in: .newlines)) == "timeout", "\(reply)")
        }
    }

    @Test func aHundredClientsAtOnceAreAllServed() async throws {
        let board = try await ControlBoard()
        let path = board.socket
        let replies = try await board.serving {
            try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<100 {
                    group.addTask {
                        try await offPool { () throws(ControlClientError) -> String in
                            try ControlClient(path: path).ask(index % 2 == 0 ? .status : .send(text: "STATUS"))
                        }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }
        #expect(replies.count == 100)
        #expect(replies.allSatisfy { errorCode($0) == nil && $0.hasPrefix(#"{"#) })
    }

    @Test func aClientBeyondTheLimitIsAnsweredBusy() async throws {
        var limits = ControlServer.Limits()
        limits.maximumConnections = 1
        limits.readTimeout = .milliseconds(500)
        let board = try await ControlBoard(limits: limits)
        let path = board.socket
        try await board.serving {
            // The first holds the only place until its read times out.
            async let holder = rawExchange(path, [])
            for _ in 0..<1000 where board.server.openConnections == 0 { try await Task.sleep(for: .milliseconds(2)) }
            let busy = await rawExchange(board.socket, Array(#"{"request":"status"}"#.utf8) + [0x0a])
            #expect(errorCode(busy.trimmingCharacters(in: .newlines)) == "busy", "\(busy)")
            _ = await holder
        }
    }

    // MARK: Streaming answers

    /// What a streaming request (the history's `log --follow`) needs: several lines as they come, and the
    /// handler told when the client goes.
    @Test func aHandlerStreamsLinesUntilTheClientGoes() async throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("control.sock")
        let ended = AsyncStream.makeStream(of: Bool.self)
        let server = try ControlServer(path: path, logger: Logger(label: "test")) { _, _, responder in
            for number in 1...3 { responder.succeed(["line": number]) }
            await responder.disconnected()
            ended.continuation.yield(responder.send("{}"))
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await server.run() }
            let lines = try await offPool { () throws(ControlClientError) -> [String] in
                var lines: [String] = []
                try ControlClient(path: path).exchange(ControlRequest.status.json) { line in
                    lines.append(line)
                    return lines.count < 3
                }
                return lines
            }
            #expect(lines == [#"{"line":1,"ok":true}"#, #"{"line":2,"ok":true}"#, #"{"line":3,"ok":true}"#])
            var iterator = ended.stream.makeAsyncIterator()
            #expect(await iterator.next() == false, "the handler learnt the client went; nothing more is taken")
            group.cancelAll()
        }
    }

    @Test func aClientGivesUpOnAnAnswerThatDoesNotCome() async throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("control.sock")
        let server = try ControlServer(path: path, logger: Logger(label: "test")) { _, _, responder in
            await responder.disconnected()
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await server.run() }
            let error = try await offPool { () -> ControlClientError? in
                do throws(ControlClientError) {
                    _ = try ControlClient(path: path, timeout: .milliseconds(200)).ask(.status)
                    return nil
                } catch {
                    return error
                }
            }
            #expect(error?.kind == .timeout)
            #expect(error?.message.hasPrefix("smsocket at \(path) did not answer within 0.2 seconds") == true, "\(error?.message ?? "")")
            group.cancelAll()
        }
    }

    // MARK: The socket file

    @Test func aStaleSocketIsReplacedAndALiveOneRefused() async throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("control.sock")
        // A socket nobody listens on any more: what a controller killed with -9 leaves.
        guard case .success(let stale) = UnixSocket.listen(path: path, backlog: 1) else { throw SystemCallError(call: "listen", errno: 0) }
        UnixSocket.close(stale)
        let first = try ControlServer(path: path, logger: Logger(label: "test")) { _, _, _ in }
        let error = #expect(throws: ControlSocketError.self) { try ControlServer(path: path, logger: Logger(label: "test")) { _, _, _ in } }
        #expect(error?.code == .inUse)
        #expect(error?.description.contains("another smsocket answers there") == true)
        withExtendedLifetime(first) {}
    }

    /// `smsocket run` started by hand, without /run/smsocket: without `control_socket` in the file it runs
    /// without the socket and says so; with it, a missing folder stops the start.
    @Test func aMissingDefaultFolderCostsOnlyTheSocket() async throws {
        let board = try await ControlBoard()
        let missing = board.folder.path("run/control.sock")
        let bare = try ControllerConfig.parse("[modem]\nkind = \"simulated\"\n", file: board.folder.path("a.toml"))
        let none = try Daemon.controlServer(bare, controller: board.controller, bus: EventBus(), logger: Logger(label: "test") { _ in board.logs }, defaultPath: missing)
        #expect(none == nil)
        #expect(board.logs.entries.contains { $0.level == .warning && $0.message.description.hasPrefix("no control socket: its folder \(board.folder.path("run")) does not exist") })

        let explicit = try ControllerConfig.parse("control_socket = \"run/control.sock\"\n", file: board.folder.path("b.toml"))
        let error = #expect(throws: ControlSocketError.self) {
            try Daemon.controlServer(explicit, controller: board.controller, bus: EventBus(), logger: Logger(label: "test"))
        }
        #expect(error?.description == "the control socket \(missing) cannot be made: its folder does not exist")
        await board.controller.stop()
    }

    @Test func whatIsNotASocketIsLeftAlone() throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("control.sock")
        try "keep me".write(toFile: path, atomically: true, encoding: .utf8)
        let error = #expect(throws: ControlSocketError.self) { try ControlServer(path: path, logger: Logger(label: "test")) { _, _, _ in } }
        #expect(error?.code == .notASocket)
        #expect(folder.read("control.sock") == "keep me")
    }

    @Test func aPathTooLongForASocketIsNamed() throws {
        let path = "/tmp/" + String(repeating: "x", count: 120) + ".sock"
        let error = #expect(throws: ControlSocketError.self) { try ControlServer(path: path, logger: Logger(label: "test")) { _, _, _ in } }
        #expect(error?.code == .pathTooLong)
    }

    @Test func aClientFindsNoControllerWhereNoneRuns() throws {
        let folder = try TemporaryDirectory()
        let error = #expect(throws: ControlClientError.self) { try ControlClient(path: folder.path("control.sock")).ask(.status) }
        #expect(error?.kind == .notRunning)
        #expect(error?.message == "smsocket is not running (no socket at \(folder.path("control.sock")))")
    }

    /// The default folder is missing where the unit does not run: a controller started by hand runs on without
    /// its socket, so "not running" alone would mislead.
    @Test func aClientWhoseSocketFolderIsMissingSaysSo() throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("run/control.sock")
        let error = #expect(throws: ControlClientError.self) { try ControlClient(path: path).ask(.status) }
        #expect(error?.kind == .notRunning)
        #expect(
            error?.message == "smsocket is not running, or runs without its control socket: there is no folder \(folder.path("run")) for \(path) "
                + "(the systemd unit makes /run/smsocket; a controller started by hand needs control_socket in a folder that exists)")
    }

    // MARK: Who may connect

    @Test(arguments: [
        (PeerCredentials(pid: 1, uid: 0, gid: 0), true),
        (PeerCredentials(pid: 1, uid: 990, gid: 990), true),
        (PeerCredentials(pid: 1, uid: 1000, gid: 995), true),
        (PeerCredentials(pid: 1, uid: 1000, gid: 1000, groups: [27, 995]), true),
        (PeerCredentials(pid: 1, uid: 1000, gid: 1000, groups: [27, 100]), false),
        (PeerCredentials(pid: 1, uid: 65534, gid: 65534), false),
    ])
    func onlyRootTheControllerAndTheSocketsGroupMayConnect(_ peer: PeerCredentials, _ admitted: Bool) {
        let access = ControlAccess(ownUID: 990, socketGroup: 995)
        #expect(access.admits(peer) == admitted)
    }

    /// A refused user is told to join the socket's group, unless it is root's (a controller started by hand as
    /// root): no one should join that group to ask the controller something.
    @Test func aUserIsNeverToldToJoinRootsGroup() {
        #expect(ControlAccess.advice(group: 0, user: "pi") == "its group is root, which no user should join: use sudo")
        #expect(ControlAccess.advice(group: 0, user: nil) == "its group is root, which no user should join: use sudo")
        let users = ControlServer.groupName(100)
        #expect(ControlAccess.advice(group: 100, user: "pi") == "join its group \(users) (sudo usermod -aG \(users) pi, then log in again), or use sudo")
        #expect(ControlAccess.advice(group: 100, user: nil) == "join the group \(users)")
    }
}
