import SocketCore

/// Sending SMS: GSM 7-bit where the text fits, else UCS2; long texts as concatenated parts. And the
/// microphone of a connected call.
extension ATModem {
    /// Sends `message`: GSM 7-bit where the text fits, else UCS2; a long text as concatenated parts under
    /// `message.reference`, starting after the parts earlier tries got through. Each part is tried once: the
    /// controller's outbox owns retries and their back-off, so a number the network refuses holds neither
    /// this modem's channel nor the messages to other numbers.
    ///
    /// Throws ``SMSSendError``: `refused` for an error final before or after the prompt, no prompt, no
    /// channel, a failed write, a port that closed before the PDU was written (``ATChannelError/bodyWritten``),
    /// or a text that cannot be encoded; `uncertain` when the final result did not come after the PDU was
    /// written (a timeout, or the port closing then).
    public func sendSMS(_ message: OutgoingSMS) async throws(SMSSendError) {
        let parts: [EncodedPDU]
        do {
            parts = try SubmitPDU.encode(text: message.text, to: message.to, reference: message.reference)
        } catch {
            throw SMSSendError(.refused, partsSent: message.partsSent, "the text cannot be encoded for \(message.to): \(error)")
        }
        await connected()
        var sent = min(max(message.partsSent, 0), parts.count)
        while sent < parts.count {
            let part = parts[sent]
            let which = "part \(sent + 1) of \(parts.count) to \(message.to)"
            guard let channel else { throw SMSSendError(.refused, partsSent: sent, "\(which): \(ModemError(.offline))") }
            let answer: ATResponse
            do {
                answer = try await channel.sendSMS(pdu: part.hex, tpduLength: part.tpduLength)
            } catch {
                switch error.code {
                // No prompt means no PDU; a failed write stops before its last byte, the Ctrl-Z that submits.
                case .noPrompt, .writeFailed, .noResponse:
                    throw SMSSendError(.refused, partsSent: sent, "\(which): \(error)")
                case .closed where !error.bodyWritten:
                    // Closed while the submit waited in the queue or for its prompt: the PDU never went.
                    throw SMSSendError(.refused, partsSent: sent, "\(which): \(error)")
                case .timeout, .closed:
                    throw SMSSendError(.uncertain, partsSent: sent, "\(which): \(error)")
                }
            }
            guard answer.isOK else { throw SMSSendError(.refused, partsSent: sent, "\(which): \(answer.final)") }
            sent += 1
        }
    }

    public func setAudio(on: Bool) async throws {
        guard on, let microphone = vendor.microphoneOn else { return }
        await connected()
        _ = try await command(microphone)
    }
}
