import SocketCore

/// Sending SMS: GSM 7-bit where the text fits, else UCS2; long texts as concatenated parts.
extension ATModem {
    /// Sends `text` to `number`; returns when the network took every part. `+CMS ERROR` is retried with
    /// back-off; what still fails is thrown, and the controller keeps the message in its outbox.
    public func sendSMS(to number: String, text: String) async throws {
        nextReference &+= 1
        let parts = try SubmitPDU.encode(text: text, to: number, reference: nextReference)
        for (index, part) in parts.enumerated() {
            var delay = configuration.sendRetryDelay
            for attempt in 1...max(configuration.sendTries, 1) {
                guard let channel else { throw ModemError(.offline) }
                let answer = try await channel.sendSMS(pdu: part.hex, tpduLength: part.tpduLength)
                if answer.isOK { break }
                guard case .cmsError = answer.final, attempt < configuration.sendTries else {
                    throw ModemError(.sendFailed, "part \(index + 1) of \(parts.count) to \(number): \(answer.final)")
                }
                logger.warning("SMS to \(number): \(answer.final); trying again in \(delay)")
                try await clock.sleep(for: delay)
                delay *= 2
            }
        }
    }

    /// USSD: the answer comes as `+CUSD` and is posted as ``Event/ussdReply(_:)``.
    public func sendUSSD(code: String) async throws {
        let answer = try await command("AT+CUSD=1,\"\(code)\",15", timeout: .seconds(30))
        if !answer.isOK {
            logger.warning("USSD \(code): \(answer.final)")
            sink?.post(.ussdReply(nil))
        }
    }

    func ussdAnswered(_ value: String) async {
        guard let answer = ATResponseParser.ussd(cusd: value) else { return }
        switch answer.status {
        case 0, 1, 2:
            guard let text = answer.text else { return }  // a bare "+CUSD: 2" closes a session already answered
            // With AT+CSCS="GSM" the text is plain unless the coding says UCS2; only Huawei sticks may pack it.
            let form: USSDText.Form =
                answer.dcs.map { USSDText.alphabet(dcs: $0) == .ucs2 } == true ? .ucs2Hex : vendor == .huawei ? .automatic : .plain
            sink?.post(.ussdReply(USSDText.decode(text, dcs: answer.dcs, form: form)))
            if answer.status == 1 { _ = try? await command("AT+CUSD=2") }
        default:
            sink?.post(.ussdReply(nil))
        }
    }

    public func setAudio(on: Bool) async throws {
        guard on, let microphone = vendor.microphoneOn else { return }
        _ = try await command(microphone)
    }
}
