import Foundation
import SocketCore
import TestSupport
import Testing

@testable import SocketRuntime

/// A state database has one owner at a time: a running controller or simulator. Another one is refused
/// with a clear error; an owner that dies (kill -9) leaves no stale lock.
@Suite("One owner of the state")
struct StateOwnershipTests {
    static let binary = smsocketExecutable(besides: #filePath)
    let folder: TemporaryDirectory
    var dir: String { folder.url.path }
    var path: String { folder.path("state.sqlite") }

    init() throws {
        folder = try TemporaryDirectory()
    }

    /// A configuration of the simulated board on `path`.
    func config() throws -> String {
        let file = dir + "/smsocket.toml"
        let text = """
            state = "\(path)"
            log_level = "info"
            [modem]
            kind = "simulated"
            [main_relay]
            kind = "simulated"

            """
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    @Test func aSecondStoreOnTheSameDatabaseIsRefusedUntilTheFirstIsGone() throws {
        do {
            let first = try Store(path: path)
            let error = #expect(throws: StoreError.self) { try Store(path: path) }
            #expect(error?.code == .inUse)
            #expect(error?.description.contains("in use by process \(getpid())") == true, "\(error?.description ?? "")")
            #expect(try first.loadState() == PersistentState(), "the owner goes on")
        }
        #expect(try Store(path: path).loadState() == PersistentState())
    }

    /// A controller killed while a command it started was between fork and exec: the child still shares the
    /// lock's open file description for a moment, under the dead controller's pid. The next start waits
    /// for it rather than stopping with "in use".
    @Test func aLockHeldUnderAGonePidIsWaitedFor() throws {
        let gone = try ChildProcess(["/bin/true"], outputPath: folder.path("true.out"))
        _ = gone.waitForExit()
        let fd = open(StateLock.path(of: path), O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        try #require(fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0)
        let pid = Array("\(gone.pid)\n".utf8)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        // The child's exec, 30 ms later: the description is let go.
        let letGo = Thread { usleep(30_000); close(fd) }
        letGo.start()
        #expect(try Store(path: path).loadState() == PersistentState())
    }

    @Test func aSecondRunOrSimulateOnARunningStateStopsAndKillLeavesNoStaleLock() throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.binary), "build smsocket first: \(Self.binary)")
        let config = try config()
        let firstOutput = dir + "/first.txt"
        let first = try ChildProcess([Self.binary, "run", "--config", config], outputPath: firstOutput)
        #expect(waitForText(in: firstOutput) { $0.contains("starting: config") })

        let secondOutput = dir + "/second.txt"
        let second = try ChildProcess([Self.binary, "run", "--config", config], outputPath: secondOutput)
        second.closeInput()
        #expect(!ChildProcess.exited(second.waitForExit(), code: 0))
        let refusal = readTextFile(secondOutput)
        #expect(refusal.contains("the state database \(path) is in use by process \(first.pid)"), "\(refusal)")
        #expect(!refusal.contains("starting"), "it stops before it starts anything")

        let simulateOutput = dir + "/simulate.txt"
        let simulate = try ChildProcess([Self.binary, "simulate", "--state", path], outputPath: simulateOutput)
        simulate.closeInput()
        #expect(!ChildProcess.exited(simulate.waitForExit(), code: 0))
        #expect(readTextFile(simulateOutput).contains("is in use by process \(first.pid)"))

        first.signal(SIGKILL)
        first.waitForExit()
        let afterOutput = dir + "/after.txt"
        let after = try ChildProcess([Self.binary, "simulate", "--state", path], outputPath: afterOutput)
        after.write("sms +3589123456789 RESTARTTIME?\n")
        after.closeInput()
        #expect(ChildProcess.exited(after.waitForExit(), code: 0), "the kernel released the killed owner's lock")
        #expect(readTextFile(afterOutput).contains(#"sms-out +3589123456789 "RESTARTTIME=10 seconds""#))
    }

    @Test func simulateWithAConfigNeverOpensItsState() throws {
        do {
            let store = try Store(path: path)
            var change = Store.Change(at: Instant(seconds: 1))
            var state = PersistentState()
            state.password = "12abc"
            change.state = (PersistentState(), state)
            try store.commit(change)
        }
        let output = dir + "/simulate.txt"
        let simulate = try ChildProcess([Self.binary, "simulate", "--config", try config()], outputPath: output)
        simulate.write("sms +3589123456789 PASSWORD=NO\n")
        simulate.closeInput()
        #expect(ChildProcess.exited(simulate.waitForExit(), code: 0))
        #expect(readTextFile(output).contains(#"sms-out +3589123456789 "PASSWORD=NO - OK""#), "a fresh state, without a password")
        #expect(try Store(path: path).loadState().password == "12abc", "the configured state is untouched")
    }
}
