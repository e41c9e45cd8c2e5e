import SocketCore

/// Sending SMS: GSM 7-bit where the text fits, else UCS2; long texts as concatenated parts. And the
/// microphone of a connected call.
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

    public func setAudio(on: Bool) async throws {
        guard on, let microphone = vendor.microphoneOn else { return }
        _ = try await command(microphone)
    }
}
