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

/// Quotes `text` as a JSON string literal, as the simulator prints SMS texts.
public func jsonStringLiteral(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case _ where scalar.value < 0x20 || scalar.value == 0x7F:
            let hex = String(scalar.value, radix: 16)
            out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}
