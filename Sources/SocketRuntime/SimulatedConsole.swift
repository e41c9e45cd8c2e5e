import Foundation
import Logging
import ServiceLifecycle
import Simulated
import SocketCore

/// For `smsocket run` on the demo board: reads simulator input lines (`sms +358… STATUS`, `sensor on`, …)
/// from standard input and applies them to the simulated world, in real time, until the input ends. The
/// controller does not end with it (under systemd standard input is /dev/null).
public struct SimulatedConsole: Service {
    private let world: SimulatedWorld
    private let clock = SystemClock()
    private let logger: Logger
    private let write: @Sendable (String) -> Void

    public init(world: SimulatedWorld, logger: Logger, write: @escaping @Sendable (String) -> Void) {
        self.world = world
        self.logger = logger
        self.write = write
    }

    public func run() async throws {
        let lines = AsyncStream<String> { continuation in
            // readLine blocks: it gets a thread of its own, off the cooperative pool.
            let reader = Thread {
                while let line = readLine(strippingNewline: true) { continuation.yield(line) }
                continuation.finish()
            }
            reader.start()
        }
        for await line in lines.cancelOnGracefulShutdown() {
            do {
                try await apply(SimulationInput.parse(line))
            } catch {
                write("error: \(error)")
            }
        }
        if !Task.isShuttingDownGracefully {
            logger.notice("standard input ended: the simulator console stops, the controller runs on until SIGTERM or SIGINT")
        }
    }

    private func apply(_ input: SimulationInput) async throws(SimulationInputError) {
        guard !world.apply(input, at: clock.now) else { return }
        switch input {
        case .buttonHold(let milliseconds):
            world.button.set(true)
            try? await Task.sleep(for: .milliseconds(milliseconds))
            world.button.set(false)
        case .help:
            for line in SimulationInput.helpText.split(separator: "\n") { write("# " + line) }
        case .wait, .restart:
            throw SimulationInputError("wait and restart work in smsocket simulate; here the clock is real")
        default:
            break
        }
    }
}
