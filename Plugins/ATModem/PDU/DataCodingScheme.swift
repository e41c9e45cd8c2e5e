/// TP-DCS of an SMS (3GPP TS 23.038 chapter 4): alphabet, message class, message-waiting indication.
public struct DataCodingScheme: Hashable, Sendable {
    public enum Alphabet: Hashable, Sendable { case gsm7, eightBit, ucs2 }

    /// A message-waiting indication group (0xC0 discard / 0xD0 store, GSM 7-bit; 0xE0 store, UCS2).
    public struct MessageWaiting: Hashable, Sendable {
        public enum Kind: UInt8, Hashable, Sendable { case voicemail = 0, fax, email, other }
        /// Whether the indicator is to be set (bit 3) or cleared.
        public var isActive: Bool
        public var kind: Kind
        /// False for the "discard message" group 0xC0.
        public var storeMessage: Bool
    }

    public let rawValue: UInt8
    public let alphabet: Alphabet
    /// 0 (flash) … 3, or nil when the DCS gives no class.
    public let messageClass: Int?
    public let isCompressed: Bool
    /// The 01xx xxxx "marked for automatic deletion" group.
    public let isAutoDelete: Bool
    public let messageWaiting: MessageWaiting?

    /// Interprets a DCS octet. Reserved groups and the reserved alphabet 11 read as GSM 7-bit.
    public init(rawValue: UInt8) {
        self.rawValue = rawValue
        let alphabetBits = (rawValue >> 2) & 0x03
        var alphabet: Alphabet = alphabetBits == 1 ? .eightBit : alphabetBits == 2 ? .ucs2 : .gsm7
        var messageClass: Int? = nil
        var compressed = false
        var autoDelete = false
        var waiting: MessageWaiting? = nil
        switch rawValue >> 4 {
        case 0x0...0x7:
            compressed = rawValue & 0x20 != 0
            autoDelete = rawValue & 0x40 != 0
            if rawValue & 0x10 != 0 { messageClass = Int(rawValue & 0x03) }
        case 0xC, 0xD, 0xE:
            alphabet = rawValue >> 4 == 0xE ? .ucs2 : .gsm7
            waiting = MessageWaiting(
                isActive: rawValue & 0x08 != 0, kind: MessageWaiting.Kind(rawValue: rawValue & 0x03)!,
                storeMessage: rawValue >> 4 != 0xC)
        case 0xF:
            alphabet = rawValue & 0x04 != 0 ? .eightBit : .gsm7
            messageClass = Int(rawValue & 0x03)
        default:  // 1000–1011: reserved coding groups
            alphabet = .gsm7
        }
        self.alphabet = alphabet
        self.messageClass = messageClass
        self.isCompressed = compressed
        self.isAutoDelete = autoDelete
        self.messageWaiting = waiting
    }

    /// 0x00: GSM 7-bit, no class.
    public static let gsm7 = DataCodingScheme(rawValue: 0x00)
    /// 0x08: UCS2, no class.
    public static let ucs2 = DataCodingScheme(rawValue: 0x08)
}
