/// A request the controller refused or could not carry out, as the control socket answers it:
/// `{"ok":false,"error":{"code":"bad-request","message":"..."}}` (README "Local control").
public struct ControlError: Error, Equatable, Codable, Sendable, CustomStringConvertible {
    /// A stable word scripts can test; new requests add their own codes.
    public struct Code: RawRepresentable, Hashable, Codable, Sendable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(rawValue)
        }
        public var description: String { rawValue }

        /// Not one line of UTF-8 JSON naming a known request with the fields it needs.
        public static let badRequest = Code(rawValue: "bad-request")
        /// The request line is longer than ``ControlServer/maximumRequestBytes``.
        public static let tooLong = Code(rawValue: "too-long")
        /// The client sent no complete line within the server's read timeout.
        public static let timeout = Code(rawValue: "timeout")
        public static let unknownRequest = Code(rawValue: "unknown-request")
        /// The peer's user may not use the control socket.
        public static let refused = Code(rawValue: "refused")
        /// Too many connections at once.
        public static let busy = Code(rawValue: "busy")
        /// `sms`: not a phone number (an optional + and 1 to 15 digits).
        public static let badNumber = Code(rawValue: "bad-number")
        /// `send`, `sms`: an empty or too long text.
        public static let badText = Code(rawValue: "bad-text")
        /// The state database refused the write, so nothing was done (`Execute error!`).
        public static let notSaved = Code(rawValue: "not-saved")
        /// The device is dark (a battery run ended): it takes no command until the mains returns.
        public static let deviceOff = Code(rawValue: "device-off")
        /// `reload` without a `rules` folder in the configuration.
        public static let noRules = Code(rawValue: "no-rules")
        /// `import`: a settings document that cannot be imported; the message names the JSON path and the problem.
        public static let badSettings = Code(rawValue: "bad-settings")
        /// `log`, `export`: the state database cannot be read.
        public static let notRead = Code(rawValue: "not-read")
    }

    public var code: Code
    /// What went wrong and what to do, for a person.
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(message) (\(code))" }
}
