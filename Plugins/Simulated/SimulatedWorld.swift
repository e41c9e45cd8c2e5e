import SocketCore

/// Everything the simulated board is made of: the phone network and modem, the thermometer, the three
/// inputs and the two relays. One world serves every role a configuration gives to `simulated`.
public final class SimulatedWorld: Sendable {
    public let network: SimulatedPhoneNetwork
    public let thermometer = SimulatedThermometer()
    /// The alarm contact: true = closed.
    public let sensor = SimulatedDigitalInput(level: false)
    /// The hidden button: true = pressed.
    public let button = SimulatedDigitalInput(level: false)
    /// Mains sense: true = external power present.
    public let mains = SimulatedDigitalInput(level: true)
    public let mainRelay: SimulatedRelay
    public let microRelay: SimulatedRelay

    public init(log: any SimulationLog) {
        network = SimulatedPhoneNetwork(log: log)
        mainRelay = SimulatedRelay(name: "main", log: log)
        microRelay = SimulatedRelay(name: "micro", log: log)
    }

    /// The relays drop out, as they do when the board loses power.
    public func dropRelays() async {
        mainRelay.dropOut()
        microRelay.dropOut()
    }
}
