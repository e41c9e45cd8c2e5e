import Glibc
import SocketCore
import SocketRuntime
import Synchronization
import Testing

/// A command that arrives while the disk is full: nothing of it happens (no relay, no reply, no setting), it
/// stays in the modem, and once the disk has room it is handled exactly once. On a real, small filesystem that
/// fills up: a tmpfs the test mounts (root only) and removes.
@Suite("A full disk", .serialized, .enabled(if: SmallFilesystem.canMount, "mounting a tmpfs needs root"))
struct FullDiskTests {
    static let owner = "+3589123456789"

    @Test func aCommandWaitsForRoomAndIsHandledExactlyOnce() async throws {
        let disk = try SmallFilesystem(kibibytes: 512)
        defer { disk.remove() }
        let simulation = try await Conversation(statePath: disk.path + "/state.sqlite")
        func say(_ line: String) async -> [String] { await simulation.say(line) }

        #expect(await say("sms \(Self.owner) ALERTNUMBER+3589223456789").count == 1)
        try disk.fill()
        #expect(await simulation.localCommand("RESTARTTIME=20") == ["Execute error!"], "the console is answered at once")
        #expect(await say("sms \(Self.owner) ON") == [], "no relay and no reply without a commit")
        #expect(await say("sms \(Self.owner) STATUS") == [], "later messages wait behind it, in order")
        #expect(await say("wait 30s") == [], "still full: retried every 10 s, nothing happens")

        disk.makeRoom()
        let handled = await say("wait 10s")
        #expect(handled.count == 3)
        #expect(handled.first?.hasSuffix("relay main on") == true)
        #expect(handled.dropFirst().first?.hasSuffix("sms-out \(Self.owner) \"Power socket ON\"") == true)
        #expect(handled.last?.contains("\"Power socket ON\\nMicrorelay OFF") == true, "STATUS after ON, as they came")

        // A power cycle: the messages were deleted from the modem once handled; nothing runs twice.
        #expect(await say("restart").filter { $0.contains("sms-out") } == [])
        #expect(await say("wait 1h") == [])
        let status = await say("sms \(Self.owner) STATUS")
        #expect(status.count == 1 && status[0].contains("\"Power socket ON\\n"))
        #expect(await simulation.localCommand("RESTARTTIME?") == ["RESTARTTIME=10 seconds"], "the refused setting was not applied")
        await simulation.finish()
    }

    @Test func aMessageLeftInTheModemByARestartIsHandledOnceThereIsRoom() async throws {
        let disk = try SmallFilesystem(kibibytes: 512)
        defer { disk.remove() }
        let simulation = try await Conversation(statePath: disk.path + "/state.sqlite")
        func say(_ line: String) async -> [String] { await simulation.say(line) }

        try disk.fill()
        #expect(await say("sms \(Self.owner) ON") == [])
        // The controller forgets what waited in memory; the modem still holds the message and hands it over
        // again at start.
        #expect(await say("restart").filter { $0.contains("sms-out") } == [])
        disk.makeRoom()
        let handled = await say("wait 10s")
        #expect(handled.map { String($0.drop { $0 != " " }.dropFirst()) } == ["relay main on", "sms-out \(Self.owner) \"Power socket ON\""])
        #expect(await say("restart").filter { $0.contains("sms-out") } == [])
        await simulation.finish()
    }

    @Test func aTimedSwitchOffHappensEvenWhenTheDiskIsFull() async throws {
        let disk = try SmallFilesystem(kibibytes: 512)
        defer { disk.remove() }
        let simulation = try await Conversation(statePath: disk.path + "/state.sqlite")
        func say(_ line: String) async -> [String] { await simulation.say(line) }

        #expect(await say("sms \(Self.owner) ON5").count == 2)
        try disk.fill()
        #expect(await say("wait 6m") == ["2026-01-05T08:05:00Z relay main off"], "a heater is not left on by a full disk")
        disk.makeRoom()
        #expect(await say("wait 1m") == [], "the timer, handled once there is room, finds the relay off")
        let status = await say("sms \(Self.owner) STATUS")
        #expect(status.count == 1 && status[0].contains("\"Power socket OFF\\n"))
        #expect(await say("restart").filter { $0.contains("relay main on") } == [], "the off state was committed")
        await simulation.finish()
    }
}

/// A simulation whose output is read back line by line.
final class Conversation: Sendable {
    private final class Output: Sendable {
        let lines = Mutex<[String]>([])
    }

    private let output = Output()
    private let simulation: Simulation

    init(statePath: String) async throws {
        var options = Simulation.Options()
        options.statePath = statePath
        let output = self.output
        simulation = try Simulation(options: options) { line in output.lines.withLock { $0.append(line) } }
        try await simulation.start()
    }

    /// The output lines one input line causes, without its echo.
    func say(_ line: String) async -> [String] {
        output.lines.withLock { $0.removeAll() }
        await simulation.process(line: line)
        return output.lines.withLock { $0 }.filter { !$0.hasPrefix("< ") }
    }

    func localCommand(_ text: String) async -> [String] { await simulation.localCommand(text) }
    func finish() async { await simulation.finish() }
}

/// A tmpfs of a few hundred KiB mounted on a fresh temporary folder.
struct SmallFilesystem {
    let path: String

    static let canMount: Bool = {
        guard geteuid() == 0, let probe = try? SmallFilesystem(kibibytes: 64) else { return false }
        probe.remove()
        return true
    }()

    init(kibibytes: Int) throws {
        var template = Array("/tmp/smsocket-small-fs-XXXXXX".utf8CString)
        guard let dir = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else { throw Failure.errno(errno) }
        path = String(cString: dir)
        guard mount("tmpfs", path, "tmpfs", 0, "size=\(kibibytes)k,mode=0700") == 0 else {
            let code = errno
            rmdir(path)
            throw Failure.errno(code)
        }
    }

    var fillerPath: String { path + "/filler" }

    /// Writes a file until the filesystem refuses another byte.
    func fill() throws {
        let fd = open(fillerPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw Failure.errno(errno) }
        defer { close(fd) }
        let block = [UInt8](repeating: 0xA5, count: 4096)
        var refused = false
        for _ in 0..<100_000 {
            if write(fd, block, block.count) < block.count {
                refused = true
                break
            }
        }
        // Single bytes, for the last partial block.
        while refused, write(fd, block, 1) == 1 {}
        guard refused else { throw Failure.neverFull }
    }

    func makeRoom() { unlink(fillerPath) }

    func remove() {
        umount2(path, Int32(MNT_DETACH))
        rmdir(path)
    }

    enum Failure: Error {
        case errno(Int32)
        case neverFull
    }
}
