/// Why a PDU could not be decoded or encoded, and where.
///
/// Equal by code and offset; `message` is for people. For decoding, `offset` is the byte offset into the whole
/// PDU (service-centre address included) where the fault was found; for encoding, the character offset into
/// the offending text or address.
public struct PDUError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum _Code: String, Hashable, Sendable {
            case invalidHexCharacter, oddHexLength, truncated, lengthBeyondData, invalidAddress, invalidTimestamp
            case invalidUserDataHeader, invalidUserData, unsupportedMessageType, unexpectedMessageType
            case unsupportedDataCoding, textTooLong
        }
        private let code: _Code
        private init(_ code: _Code) { self.code = code }

        /// A character of the hex string is not 0-9, A-F or a-f.
        public static let invalidHexCharacter = Code(.invalidHexCharacter)
        /// The hex string has an odd number of digits.
        public static let oddHexLength = Code(.oddHexLength)
        /// The PDU ends inside a fixed-size field.
        public static let truncated = Code(.truncated)
        /// A length field (SCA, address, UDL, UDHL) points beyond the end of the data.
        public static let lengthBeyondData = Code(.lengthBeyondData)
        /// An address is too long, or (encoding) holds characters it cannot carry.
        public static let invalidAddress = Code(.invalidAddress)
        /// A time stamp octet is not two BCD digits, or a field is out of range.
        public static let invalidTimestamp = Code(.invalidTimestamp)
        /// The user data header's elements overrun it, or a known element has the wrong length.
        public static let invalidUserDataHeader = Code(.invalidUserDataHeader)
        /// The user data is longer than an SMS carries, or UCS2 data has an odd number of octets.
        public static let invalidUserData = Code(.invalidUserData)
        /// The message type indicator is the reserved value 3.
        public static let unsupportedMessageType = Code(.unsupportedMessageType)
        /// A valid PDU of another type than the one asked for (a SUBMIT where a DELIVER was expected).
        public static let unexpectedMessageType = Code(.unexpectedMessageType)
        /// Compressed user data (TS 23.042), which nobody sends.
        public static let unsupportedDataCoding = Code(.unsupportedDataCoding)
        /// (Encoding) the text needs more than 255 parts.
        public static let textTooLong = Code(.textTooLong)

        public var description: String { code.rawValue }
    }

    public let code: Code
    public let offset: Int
    public let message: String

    public init(_ code: Code, at offset: Int, _ message: String) {
        self.code = code
        self.offset = offset
        self.message = message
    }

    public static func == (lhs: PDUError, rhs: PDUError) -> Bool { lhs.code == rhs.code && lhs.offset == rhs.offset }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(offset)
    }

    public var description: String { "PDU error \(code) at offset \(offset): \(message)" }
}
