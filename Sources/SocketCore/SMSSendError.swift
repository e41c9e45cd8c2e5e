/// Why ``ModemPort/sendSMS(_:)`` did not complete, answering the one question the outbox needs answered:
/// could the message have reached the network?
///
/// The rule is **at most once**: an SMS the network may have taken is never handed to it again. A lost reply
/// costs the owner one more SMS; a duplicate "Power socket ON", alarm or power notice misleads.
///
/// - ``Code/refused``: certainly not sent (in full, see ``partsSent``). An error final (`+CMS ERROR`,
///   `ERROR`) before or after the `> ` prompt, no prompt, the modem offline or its port failing before the
///   PDU's closing Ctrl-Z was written, a text that cannot be encoded (3GPP TS 27.005 §3.5.1, §3.2.5).
///   The outbox tries again later.
/// - ``Code/uncertain``: the PDU was written and no final result came (a timeout, the port closed while
///   waiting): the network may have sent it. The outbox sets the message aside and never sends it again,
///   as it does with a message a crash interrupted.
public struct SMSSendError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Hashable, Sendable {
        case refused, uncertain
    }

    public let code: Code
    /// Parts the network accepted, counting those of earlier tries (``OutgoingSMS/partsSent``). For
    /// `uncertain`, the part in doubt is not counted.
    public let partsSent: Int
    /// What the modem answered or what failed, for the log.
    public let detail: String

    public init(_ code: Code, partsSent: Int, _ detail: String) {
        self.code = code
        self.partsSent = partsSent
        self.detail = detail
    }

    public var description: String {
        switch code {
        case .refused: return "refused, not sent: \(detail)"
        case .uncertain: return "may have been sent (no final answer): \(detail)"
        }
    }
}
