import SocketCore

/// The hardware the controller drives: one port per role. Roles a board lacks are nil.
public struct Board: Sendable {
    public var modem: any ModemPort
    public var thermometer: (any ThermometerPort)?
    public var mainRelay: any OutputPort
    public var microRelay: (any OutputPort)?
    /// Alarm sensor, button, mains sense.
    public var inputs: [RoleInput]
    public var leds: [LED: LEDDriver]
    /// An output pulsing the modem's power key, if one is wired.
    public var modemPowerKey: (any OutputPort)?

    public init(
        modem: any ModemPort, thermometer: (any ThermometerPort)?, mainRelay: any OutputPort,
        microRelay: (any OutputPort)?, inputs: [RoleInput], leds: [LED: LEDDriver] = [:]
    ) {
        self.modem = modem
        self.thermometer = thermometer
        self.mainRelay = mainRelay
        self.microRelay = microRelay
        self.inputs = inputs
        self.leds = leds
    }

    /// The model's optional parts this board has a role for.
    public var equipment: Equipment {
        var parts: Equipment = []
        if thermometer != nil { parts.insert(.thermometer) }
        if inputs.contains(where: { $0.role == .alarmInput }) { parts.insert(.alarmInput) }
        if microRelay != nil { parts.insert(.microRelay) }
        return parts
    }

    /// Every port with the name of its role, for starting and stopping them together and for saying
    /// which one failed.
    var namedPorts: [(name: String, port: any Port)] {
        var ports: [(String, any Port)] = [("modem", modem), (Relay.main.partName, mainRelay)]
        if let thermometer { ports.append((SocketCore.thermometerPart, thermometer)) }
        if let microRelay { ports.append((Relay.micro.partName, microRelay)) }
        for input in inputs { ports.append((input.partName, input)) }
        if let modemPowerKey { ports.append(("modem power key", modemPowerKey)) }
        for (led, driver) in leds.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            ports.append(("\(led.rawValue) LED", driver.output))
        }
        return ports
    }
}

extension String {
    var replacingUnderscores: String { String(map { $0 == "_" ? " " : $0 }) }
}
