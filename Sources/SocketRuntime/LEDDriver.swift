import SocketCore

/// Shows an ``LEDPattern`` on an on/off output by switching it in real time.
public actor LEDDriver {
    public nonisolated let output: any OutputPort
    private var blinking: Task<Void, Never>?

    public init(output: any OutputPort) { self.output = output }

    /// Replaces the pattern being shown.
    public func show(_ pattern: LEDPattern) {
        blinking?.cancel()
        let output = self.output
        let phases = pattern.phases
        blinking = Task {
            if phases.count == 1 {
                try? await output.set(on: phases[0].on)
                return
            }
            while !Task.isCancelled {
                for phase in phases {
                    try? await output.set(on: phase.on)
                    try? await Task.sleep(for: .milliseconds(phase.milliseconds))
                    if Task.isCancelled { return }
                }
            }
        }
    }

    public func stop() async {
        blinking?.cancel()
        await blinking?.value
        blinking = nil
        try? await output.set(on: false)
    }
}
