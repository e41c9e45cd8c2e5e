#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Logging
import SocketCore
import Synchronization

/// A digital input read from a long-running command that prints `0` or `1` on a line of its own each time
/// the level changes, the first line being the level at start.
///
/// Other lines are logged and ignored. When the command exits it is restarted after `restartDelay`,
/// doubled after each quick exit up to a minute (or `restartDelay` if that is longer); each exit is logged.
/// Only changes reach `onChange`: a restarted command that reports the level already known is not one.
public final class ExecInput: DigitalInputPort {
    /// A command that ran at least this long before exiting is restarted after `restartDelay` again.
    static let stableRunTime = Duration.seconds(10)

    /// The command line.
    public let command: [String]
    public let restartDelay: Duration
    private let killGrace: Duration
    private let logger: Logger
    private let current = Mutex<Watch?>(nil)

    /// - Parameters:
    ///   - command: The program and its arguments (no shell).
    ///   - restartDelay: The pause before restarting a command that exited.
    ///   - killGrace: How long the command has to exit after SIGTERM at ``stop()`` before it gets SIGKILL.
    public init(command: [String], restartDelay: Duration = .seconds(1), killGrace: Duration = .seconds(1), logger: Logger) {
        precondition(!command.isEmpty, "an exec input needs a command")
        self.command = command
        self.restartDelay = restartDelay
        self.killGrace = killGrace
        self.logger = logger
    }

    /// Starts the command and returns once it runs; its first line, whenever it comes, is the level at start.
    /// Throws an ``ExecError`` if the command cannot be started at all (not found, not executable).
    public func start(onChange: @escaping @Sendable (Bool) -> Void) async throws {
        let watch = Watch(command: command, restartDelay: restartDelay, killGrace: killGrace, logger: logger)
        let isNew = current.withLock { current in
            guard current == nil else { return false }
            current = watch
            return true
        }
        guard isNew else { return }
        do {
            try await withCheckedThrowingContinuation { (started: CheckedContinuation<Void, any Error>) in
                watch.queue.async { watch.run(onChange: onChange, started: started) }
            }
        } catch {
            current.withLock { $0 = nil }
            throw error
        }
    }

    /// Ends the command (SIGTERM, then SIGKILL after the grace period) and returns once it is gone.
    public func stop() async {
        guard let watch = current.withLock({ $0 }) else { return }
        await withCheckedContinuation { (stopped: CheckedContinuation<Void, Never>) in
            // Waiting is blocking, so it is done off the cooperative pool too.
            DispatchQueue(label: "smsocket.exec.input.stop").async {
                watch.stop()
                stopped.resume()
            }
        }
        current.withLock { if $0 === watch { $0 = nil } }
    }
}

/// One start-to-stop of an input: the loop that runs and restarts the command on its own queue.
private final class Watch: Sendable {
    let command: [String]
    let restartDelay: Duration
    let killGrace: Duration
    let logger: Logger
    let queue = DispatchQueue(label: "smsocket.exec.input")
    private let stopping = Atomic(false)
    private let process = Mutex<ChildProcess?>(nil)
    /// Cuts the pause before a restart short when stopping.
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)

    init(command: [String], restartDelay: Duration, killGrace: Duration, logger: Logger) {
        self.command = command
        self.restartDelay = restartDelay
        self.killGrace = killGrace
        self.logger = logger
    }

    /// The loop; runs on `queue` until ``stop()``. Resumes `started` after the first spawn.
    func run(onChange: @Sendable (Bool) -> Void, started: CheckedContinuation<Void, any Error>) {
        defer { finished.signal() }
        var started: CheckedContinuation<Void, any Error>? = started
        var lastLevel: Bool?
        let maximumDelay = max(restartDelay, .seconds(60))
        var delay = restartDelay

        while !stopping.load(ordering: .acquiring) {
            let why: String
            switch ChildProcess.spawn(command) {
            case .failure(let error):
                if let first = started {
                    first.resume(throwing: error)
                    return
                }
                why = error.description
            case .success(let (child, output)):
                let registered = process.withLock { process in
                    guard !stopping.load(ordering: .acquiring) else { return false }
                    process = child
                    return true
                }
                started?.resume()
                started = nil
                guard registered else {
                    child.terminate(grace: killGrace)
                    return
                }
                let began = ContinuousClock.now
                let outcome = output.pump(until: nil) { line in
                    guard let level = parseLevel(line) else {
                        if !line.trimmed.isEmpty {
                            logger.warning("input command printed \"\(line.prefix(80))\", expected 0 or 1; ignored")
                        }
                        return
                    }
                    guard level != lastLevel, !stopping.load(ordering: .acquiring) else { return }
                    lastLevel = level
                    onChange(level)
                }
                output.close()
                why = ended(child, outcome: outcome, stderrLine: output.stderrLine)
                process.withLock { $0 = nil }
                if ContinuousClock.now - began >= ExecInput.stableRunTime { delay = restartDelay }
            }
            if stopping.load(ordering: .acquiring) { return }
            logger.warning("input \(why); restarting in \(milliseconds(delay)) ms")
            _ = wake.wait(timeout: .now() + .milliseconds(Int(milliseconds(delay))))
            delay = min(delay * 2, maximumDelay)
        }
    }

    /// Waits for a command whose output closed (killing it if it lingers) and says how it ended.
    private func ended(_ child: ChildProcess, outcome: ChildOutput.Outcome, stderrLine: String?) -> String {
        var exit: ExitReason?
        switch outcome {
        case .endOfFile:
            if case .success(let reason) = child.waitForExit(until: .now + killGrace) { exit = reason }
        case .deadlinePassed: break
        case .failed(let error):
            logger.error("reading the input command's output: \(error)")
        }
        if exit == nil {
            let signal = child.terminate(grace: killGrace)
            if stopping.load(ordering: .acquiring) { return "" }
            return "`\(quotedCommandLine(command))` stopped printing and was killed with \(signalName(signal))"
        }
        switch exit {
        case .exited(0)?:
            return "`\(quotedCommandLine(command))` exited with status 0" + (stderrLine.map { "; stderr: \"\($0)\"" } ?? "")
        case .exited(let status)?:
            return ExecError(.exitStatus, command: command, exitStatus: status, stderrLine: stderrLine).description
        case .signaled(let signal)?:
            return ExecError(.killedBySignal, command: command, signal: signal, stderrLine: stderrLine).description
        case nil:
            return ""
        }
    }

    /// Ends the loop: SIGTERM to the command, SIGKILL if it is still there after the grace period. Blocks.
    func stop() {
        let child = process.withLock { process in
            stopping.store(true, ordering: .releasing)
            return process
        }
        wake.signal()
        child?.signal(SIGTERM)
        if finished.wait(timeout: .now() + .milliseconds(Int(milliseconds(killGrace)))) == .timedOut {
            child?.signal(SIGKILL)
            finished.wait()
        }
    }
}

/// The level on one line of an input command: `0` or `1`, spaces around it allowed.
func parseLevel(_ line: String) -> Bool? {
    switch line.trimmed {
    case "0": false
    case "1": true
    default: nil
    }
}
