/// Why a received SMS is not a text command (spec §5 A69): such a message is deleted with no action and no
/// reply. Ask ``DeliverPDU/notACommand`` (one part) or ``ReassembledMessage/notACommand`` (a whole message).
public enum NonCommandReason: Hashable, Sendable, CustomStringConvertible {
    /// Nothing but white space (spaces, tabs, line breaks), or no text at all.
    case emptyBody
    /// Binary content: 8-bit data (TP-DCS general groups 00xx/01xx with alphabet bits 01, or group 1111 with
    /// bit 2 set: TS 23.038 §4), or an application port addressing header (IEI 0x04 8-bit ports, 0x05 16-bit
    /// ports: TS 23.040 §9.2.3.24.3–4) — WAP push, picture messages, ring tones, vCards.
    case binaryData
    /// A message waiting indication: TP-DCS groups 1100 (discard), 1101 and 1110 (store) (TS 23.038 §4), the
    /// special SMS message indication element (IEI 0x01, TS 23.040 §9.2.3.24.2), enhanced voice mail
    /// information (IEI 0x23, §9.2.3.24.13), or a return call message (TP-PID 0x5F, §9.2.3.9), which networks
    /// send with voice mail and missed-call notices.
    case messageWaiting
    /// Data for the (U)SIM or the phone, not for the user: TP-PID 0x7F (U)SIM data download (sent with
    /// message class 2, TS 23.038 §4; TS 31.111), 0x7C ANSI-136 R-DATA, 0x7D ME data download, 0x7E ME
    /// de-personalization short message (TS 23.040 §9.2.3.9).
    case dataDownload
    /// A replace short message, types 1–7 (TP-PID 0x41–0x47, TS 23.040 §9.2.3.9): meant to overwrite an
    /// earlier message of the same type from the same sender.
    case replaceMessage(type: Int)
    /// A short message type 0 (TP-PID 0x40, TS 23.040 §9.2.3.9): to be acknowledged and discarded unseen
    /// (a "silent SMS", used to locate a phone).
    case typeZero

    /// A short plain-words text for the log.
    public var description: String {
        switch self {
        case .emptyBody: "empty message"
        case .binaryData: "binary data (8-bit data or an application port: WAP push, picture, vCard)"
        case .messageWaiting: "message waiting indication (voice mail or missed-call notice)"
        case .dataDownload: "data download for the SIM or the phone"
        case .replaceMessage(let type): "replace-type message (type \(type))"
        case .typeZero: "silent type 0 message"
        }
    }

    /// The reason the TP-PID, TP-DCS and user data header give, the text aside.
    static func of(protocolIdentifier pid: UInt8, dataCoding: DataCodingScheme, header: UserDataHeader?) -> Self? {
        switch pid {
        case 0x40: return .typeZero
        case 0x41...0x47: return .replaceMessage(type: Int(pid - 0x40))
        case 0x7C...0x7F: return .dataDownload
        case 0x5F: return .messageWaiting
        default: break
        }
        let identifiers = header?.elements.map(\.identifier) ?? []
        if dataCoding.messageWaiting != nil || identifiers.contains(0x01) || identifiers.contains(0x23) {
            return .messageWaiting
        }
        if dataCoding.alphabet == .eightBit || identifiers.contains(0x04) || identifiers.contains(0x05) {
            return .binaryData
        }
        return nil
    }

    /// `.emptyBody` when `texts` hold nothing but white space.
    static func of<S: Sequence<String>>(texts: S) -> Self? {
        texts.allSatisfy { $0.allSatisfy(\.isWhitespace) } ? .emptyBody : nil
    }
}

extension DeliverPDU {
    /// Why this message is not a command (spec §5 A69), or nil for an ordinary text that may be one.
    ///
    /// The protocol identifier is asked first (type 0, replace, data download, return call), then the data
    /// coding and the header (message waiting, then binary data), then the text (empty). A part of a long
    /// message speaks only for itself: ask ``ReassembledMessage/notACommand`` of the whole.
    public var notACommand: NonCommandReason? {
        NonCommandReason.of(protocolIdentifier: protocolIdentifier, dataCoding: dataCoding, header: header)
            ?? NonCommandReason.of(texts: CollectionOfOne(text))
    }
}

extension ReassembledMessage {
    /// Why this message is not a command (spec §5 A69), or nil for an ordinary text that may be one: the
    /// first reason a part's protocol identifier, data coding or header gives (as for
    /// ``DeliverPDU/notACommand``), else `.emptyBody` when the parts together hold only white space.
    public var notACommand: NonCommandReason? {
        for part in parts {
            if let reason = NonCommandReason.of(
                protocolIdentifier: part.protocolIdentifier, dataCoding: part.dataCoding, header: part.header)
            {
                return reason
            }
        }
        return NonCommandReason.of(texts: parts.lazy.map(\.text))
    }
}
