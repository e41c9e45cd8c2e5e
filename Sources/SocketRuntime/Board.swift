import SocketCore

/// The hardware the controller drives: one port per role. Roles a board lacks are nil.
public struct Board: Sendable {
    public var modem: any ModemPort
    public var thermometer: (any ThermometerPort)?
    public var mainRelay: any OutputPort
    public var microRelay: (any OutputPort)?
    /// Alarm sensor, button, mains sense: ports that only post events.
    public var inputs: [any InputPort]
    public var leds: [LED: LEDDriver]

    public init(
        modem: any ModemPort, thermometer: (any ThermometerPort)?, mainRelay: any OutputPort,
        microRelay: (any OutputPort)?, inputs: [any InputPort], leds: [LED: LEDDriver] = [:]
    ) {
        self.modem = modem
        self.thermometer = thermometer
        self.mainRelay = mainRelay
        self.microRelay = microRelay
        self.inputs = inputs
        self.leds = leds
    }

    /// Every port, for starting and stopping them together.
    var allPorts: [any Port] {
        var ports: [any Port] = [modem, mainRelay]
        if let thermometer { ports.append(thermometer) }
        if let microRelay { ports.append(microRelay) }
        ports += inputs as [any Port]
        ports += leds.values.map { $0.output as any Port }
        return ports
    }
}
