import Dispatch
import Logging
import PluginKit
import SocketCore
import Synchronization

/// A thermometer read by running a command that prints the temperature in °C on its first line of stdout
/// (`21.5`, `-3`, decimals allowed).
///
/// A command that fails (non-zero exit, killed, over its time limit, unparsable output) gives
/// ``TemperatureReading/faulty``; a command that is not there gives ``TemperatureReading/missing``.
/// Either way the reason is logged, once until it changes.
public final class ExecThermometer: ThermometerPort {
    private struct State {
        /// The last failure logged, so that a sensor failing every minute does not flood the log.
        var lastProblem: String?
    }

    /// The command line, without anything added.
    public let command: [String]
    public let timeout: Duration
    private let killGrace: Duration
    private let logger: Logger
    private let state = Mutex(State())
    // Commands run on a queue of their own, one at a time.
    private let readings = RequestedReadings(queue: DispatchQueue(label: "smsocket.exec.thermometer"))

    /// - Parameters:
    ///   - command: The program and its arguments (no shell).
    ///   - timeout: How long one run may take before it is killed.
    ///   - killGrace: How long the command has to exit after SIGTERM before it gets SIGKILL.
    public init(command: [String], timeout: Duration = .seconds(5), killGrace: Duration = .seconds(1), logger: Logger) {
        precondition(!command.isEmpty, "an exec thermometer needs a command")
        self.command = command
        self.timeout = timeout
        self.killGrace = killGrace
        self.logger = logger
    }

    public func start(events: any EventSink) async throws { readings.start(posting: events) }

    /// Readings in flight finish, but what they read is no longer posted.
    public func stop() async { readings.stop() }

    /// Starts a run and returns at once; a request while one is running is answered by that run.
    public func requestReading() { readings.request { [self] in read() } }

    /// Runs the command once and turns the result into a reading. Blocks.
    private func read() -> TemperatureReading {
        let result = runCommand(command, timeout: timeout, killGrace: killGrace).flatMap { output in
            parseTemperature(output.firstLine).map(Result.success) ?? .failure(
                ExecError(
                    .unparsableOutput, command: command, stderrLine: output.stderrLine,
                    detail: output.firstLine.map { "printed \"\($0.prefix(80))\", expected a temperature in °C" }
                        ?? "printed nothing, expected a temperature in °C"))
        }
        switch result {
        case .success(let celsius):
            let recovered = state.withLock { state in
                defer { state.lastProblem = nil }
                return state.lastProblem != nil
            }
            if recovered { logger.notice("thermometer command works again", metadata: ["celsius": "\(celsius)"]) }
            return .celsius(celsius)
        case .failure(let error):
            let reading: TemperatureReading = error.code == .notFound ? .missing : .faulty
            let isNew = state.withLock { state in
                defer { state.lastProblem = error.description }
                return state.lastProblem != error.description
            }
            let message: Logger.Message = "thermometer reads as \(reading == .missing ? "missing" : "faulty"): \(error)"
            if isNew { logger.warning(message) } else { logger.debug(message) }
            return reading
        }
    }
}

/// The temperature on a thermometer command's first line: a finite decimal number, spaces around it allowed.
func parseTemperature(_ line: String?) -> Double? {
    guard let text = line?.trimmed, !text.isEmpty,
        text.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.".contains($0)) }),
        let value = Double(text), value.isFinite
    else { return nil }
    return value
}
