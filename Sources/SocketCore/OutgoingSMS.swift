/// One SMS for ``ModemPort/sendSMS(_:)``: where it goes, its text, and how far earlier tries got.
///
/// A text longer than one SMS goes out as concatenated parts (3GPP TS 23.040 §9.2.3.24.1). When the network
/// refuses a part after it accepted earlier ones, the next try sends only the parts after ``partsSent``,
/// under the same ``reference`` so that the phone joins them to the first ones: sending the whole text
/// again would deliver the accepted parts twice.
public struct OutgoingSMS: Hashable, Sendable {
    /// `+` and digits (international), or digits.
    public var to: String
    public var text: String
    /// The concatenation reference (TS 23.040 §9.2.3.24.1, 8-bit): the same on every try of one message.
    public var reference: UInt8
    /// Parts the network accepted in earlier tries (0 on a first try); they are not sent again.
    public var partsSent: Int

    public init(to: String, text: String, reference: UInt8 = 0, partsSent: Int = 0) {
        self.to = to
        self.text = text
        self.reference = reference
        self.partsSent = partsSent
    }
}
