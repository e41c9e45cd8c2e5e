import Dispatch
import Logging
import SocketCore

/// An output switched by running a command with one more argument, `on` or `off`.
///
/// ``set(on:)`` returns when the command has exited 0 and throws an ``ExecError`` otherwise. Calls run
/// one at a time, in the order they were made.
public final class ExecOutput: OutputPort {
    /// The command line, without the `on`/`off` argument.
    public let command: [String]
    public let timeout: Duration
    private let killGrace: Duration
    private let logger: Logger
    // Commands run here, one at a time, never on the cooperative pool.
    private let queue = DispatchQueue(label: "smsocket.exec.output")

    /// - Parameters:
    ///   - command: The program and its arguments (no shell); `on` or `off` is appended.
    ///   - timeout: How long one run may take before it is killed.
    ///   - killGrace: How long the command has to exit after SIGTERM before it gets SIGKILL.
    public init(command: [String], timeout: Duration = .seconds(5), killGrace: Duration = .seconds(1), logger: Logger) {
        precondition(!command.isEmpty, "an exec output needs a command")
        self.command = command
        self.timeout = timeout
        self.killGrace = killGrace
        self.logger = logger
    }

    public func start(events: any EventSink) async throws {}
    public func stop() async {}

    public func set(on: Bool) async throws {
        let arguments = command + [on ? "on" : "off"]
        let (timeout, killGrace, logger) = (timeout, killGrace, logger)
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            queue.async {
                switch runCommand(arguments, timeout: timeout, killGrace: killGrace) {
                case .success:
                    logger.debug("output command succeeded", metadata: ["command": "\(quotedCommandLine(arguments))"])
                    continuation.resume()
                case .failure(let error):
                    continuation.resume(throwing: error)
                }
            }
        }
    }
}
