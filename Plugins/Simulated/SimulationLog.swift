import SocketCore

/// Where the simulated hardware reports what the controller made it do: one event per line, in the
/// vocabulary of `smsocket simulate` (`relay main on`, `sms-out +358… "…"`).
public protocol SimulationLog: Sendable {
    func record(_ event: String)
}

/// Errors of the simulated hardware.
public struct SimulatedHardwareError: Error, CustomStringConvertible, Equatable {
    public var description: String
    static let deviceDark = SimulatedHardwareError(description: "the simulated modem is powered down")
    static let notStarted = SimulatedHardwareError(description: "the simulated port was used before it was started")
}
