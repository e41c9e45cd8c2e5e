/// The fuzz targets (Fuzz/README.md): each takes any bytes, never traps, and returns the invariants they broke.
///
/// libFuzzer drives them through `smsocket-fuzz` (the Fuzz package); the normal test suite replays every
/// committed corpus and regression input through the same ``run(_:)`` (FuzzRegressionTests).
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// SMS text through the command parser and the whole core: ``SMSCommandFuzz``.
    case smsCommand = "sms-command"
    /// PDU octets and lines through the decoder and the reassembler: ``PDUFuzz``.
    case pdu
    /// Modem bytes through the AT decoder and the response parsers: ``ATFuzz``.
    case atDecoder = "at-decoder"
    /// A configuration file through the TOML parser and the controller's configuration: ``ConfigFuzz``.
    case config

    /// The invariants `input` broke, as sentences; empty when every one held.
    public func run(_ input: [UInt8]) -> [String] {
        switch self {
        case .smsCommand: SMSCommandFuzz.run(input)
        case .pdu: PDUFuzz.run(input)
        case .atDecoder: ATFuzz.run(input)
        case .config: ConfigFuzz.run(input)
        }
    }
}
