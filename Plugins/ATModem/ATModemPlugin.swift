import PluginKit
import SocketCore

/// `kind = "atmodem"`: a GSM modem on a serial port.
///
/// ```toml
/// [modem]
/// kind = "atmodem"
/// device = "/dev/serial0"   # required
/// baud = 115200             # optional
/// vendor = "auto"           # auto, simcom, quectel, huawei, generic
/// pin = "1234"              # optional: the SIM's PIN, 4 to 8 digits, entered once (SIMUnlock.swift)
/// trace = false             # optional: every line to and from the modem in the log (ATTrace.swift)
/// ```
public enum ATModemPlugin: Plugin {
    public static let kind = "atmodem"
    public static let roles: Set<Role> = [.modem]

    public static func make(for role: Role, settings: inout PluginSettings, context: PluginContext) throws(ConfigError) -> PluginPort {
        let device = try settings.requiredString("device", "the modem's serial port, e.g. \"/dev/serial0\" or \"/dev/serial/by-id/...\"")
        guard device.hasPrefix("/") else { throw settings.error("device", "expected an absolute path such as \"/dev/serial0\", not \"\(device)\"") }
        let baud = try settings.int("baud", in: 1...4_000_000) ?? 115200
        guard SerialPort.baudRates.contains(baud) else {
            throw settings.error("baud", "expected one of \(SerialPort.baudRates.map(String.init).joined(separator: ", ")), not \(baud)")
        }
        let vendorName = try settings.choice("vendor", ["auto"] + ModemVendor.allCases.map(\.rawValue)) ?? "auto"
        var configuration = ATModem.Configuration(device: device, baudRate: baud, vendor: ModemVendor(rawValue: vendorName))
        if let minutes = try settings.int("registration_timeout_min", in: 1...1440) {
            configuration.registrationTimeout = .seconds(minutes * 60)
        }
        if let minutes = try settings.int("sweep_interval_min", in: 1...1440) {
            configuration.sweepInterval = .seconds(minutes * 60)
        }
        if let pin = try settings.string("pin") {
            // Never echoed: an error message is printed and logged.
            guard (4...8).contains(pin.count), pin.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw settings.error("pin", "expected the SIM's PIN: 4 to 8 digits in quotes, such as \"0000\"")
            }
            configuration.pin = pin
            configuration.pinRecordPath = context.stateDirectory.map { $0 + "/" + PINAttemptRecord.fileName }
        }
        configuration.trace = try settings.bool("trace") ?? false
        return .modem(ATModem(configuration: configuration, logger: context.logger))
    }
}
