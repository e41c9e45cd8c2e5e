import SocketCore

/// USSD requests (27.007 §7.15): `AT+CUSD=1,"<code>",15`, answered later by `+CUSD: <m>[,<str>,<dcs>]`.
///
/// `<m>`: 0 done, 1 further action required (the session is closed with `AT+CUSD=2`: the device never
/// answers a menu), 2 ended by the network, 3 another local client answered, 4 not supported,
/// 5 network time-out. A network may first report the release of the session or another client (2 or 3
/// without text) and only then the real answer, so a notice without text waits; a text that comes with
/// 0, 1 or 2 is the answer, one with 3 belongs to the other client; 4 and 5 end the request with no
/// answer (the device replies `Execute error!`, spec §4.15).
extension ATModem {
    /// Sends a USSD request; the answer is posted as ``Event/ussdReply(_:)``.
    public func sendUSSD(code: String) async throws {
        await connected()
        let answer = try await command("AT+CUSD=1,\"\(code)\",15", timeout: .seconds(30))
        if !answer.isOK {
            logger.warning("USSD \(code) refused by the modem: \(answer.final)")
            sink?.post(.ussdReply(nil))
        }
    }

    func ussdAnswered(_ value: String) async {
        guard let answer = ATResponseParser.ussd(cusd: value) else {
            return logger.warning("unreadable USSD answer +CUSD: \(value)")
        }
        let text = answer.text.map { USSDText.decode($0, dcs: answer.dcs, form: ussdForm(dcs: answer.dcs)) } ?? ""
        switch answer.status {
        case let status where (0...2).contains(status) && !text.isEmpty:
            sink?.post(.ussdReply(text))
            if answer.status == 1 { _ = try? await command("AT+CUSD=2") }
        case 0, 1, 2, 3:
            // No text is never the answer: the core's time-out replies if the answer does not come.
            let what = answer.status == 3 ? "answered to another client" : "a notice without text"
            logger.info("USSD: \(what) (+CUSD: \(value)); waiting for the answer")
        case 4:
            logger.warning("USSD: the network does not support the request")
            sink?.post(.ussdReply(nil))
        case 5:
            logger.warning("USSD: the network timed out")
            sink?.post(.ussdReply(nil))
        default:
            logger.warning("USSD: unknown status in +CUSD: \(value)")
        }
    }

    /// How the text of a `+CUSD` is written: UCS2 hex when its coding says UCS2, packed hex only from a
    /// Huawei stick, GSM 7-bit code points after the modem accepted `AT+CSCS="GSM"`, else plain text.
    func ussdForm(dcs: Int?) -> USSDText.Form {
        if dcs.map({ USSDText.alphabet(dcs: $0) == .ucs2 }) == true { return .ucs2Hex }
        if vendor == .huawei { return .automatic }
        return gsmCharacterSet ? .gsmCharacterSet : .plain
    }
}
