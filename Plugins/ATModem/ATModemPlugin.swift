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
        return .modem(ATModem(configuration: configuration, logger: context.logger))
    }
}
