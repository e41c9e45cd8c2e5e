import SocketCore

/// Reading, reassembling, handing over and deleting received SMS.
extension ATModem {
    /// `+CMTI`: read the message at `index`.
    func read(index: Int) async {
        guard powered, let answer = try? await command("AT+CMGR=\(index)") else { return }
        guard answer.isOK, let pdu = ATResponseParser.message(cmgr: answer.lines) else {
            logger.debug("AT+CMGR=\(index): \(answer.final)")
            return
        }
        await received(pdu: pdu, at: index)
    }

    /// Reads everything in the storage: messages that came while the controller was down, or whose
    /// `+CMTI` was lost. A message already handed over is not handed over again.
    func sweep() async {
        guard powered, let answer = try? await command("AT+CMGL=4", timeout: configuration.sweepTimeout) else { return }
        lastSweep = clock.now
        guard answer.isOK else {
            logger.warning("AT+CMGL=4: \(answer.final)")
            return
        }
        for (index, pdu) in ATResponseParser.listing(answer.lines) { await received(pdu: pdu, at: index) }
    }

    func received(pdu hex: String, at index: Int) async {
        let key = Self.key(ofPDU: hex)
        if awaitingAcknowledgement[key] != nil || partIndexes[key] != nil || postedParts[key] != nil { return }
        // Read again just as it was acknowledged (a second +CMTI, a sweep): it is done, only delete it.
        if recentlyAcknowledged.contains(key) { return await delete(index) }
        let pdu: SMSPDU
        do {
            pdu = try SMSPDU(hex: hex)
        } catch {
            // Logged in full and deleted, so that one strange message cannot block the storage.
            logger.error("undecodable PDU at index \(index) deleted: \(error); \(hex)")
            await delete(index)
            return
        }
        switch pdu {
        case .statusReport, .submit:
            await delete(index)
        case .deliver(let deliver):
            guard deliver.concatenation != nil else {
                awaitingAcknowledgement[key] = [index]
                sink?.post(deliver.incomingSMS, receipt: MessageReceipt(key: key, storageIndex: index))
                return
            }
            partIndexes[key] = index
            if let message = reassembler.add(deliver, at: clock.now) { post(parts: message.parts) }
        }
    }

    /// Hands over a reassembled message (or a part that waited too long) under one receipt covering every
    /// part's storage index.
    func post(parts: [DeliverPDU]) {
        guard !parts.isEmpty else { return }
        let keys = parts.map { Self.key(ofPDU: Hex.string($0.raw)) }
        let indexes = keys.compactMap { partIndexes.removeValue(forKey: $0) }
        let key = keys.count == 1 ? keys[0] : "parts-" + keys.joined(separator: "+")
        awaitingAcknowledgement[key] = indexes
        // A part read again (a sweep racing a +CMTI) belongs to this message, not to a new one.
        for part in keys { postedParts[part] = key }
        let text = parts.map(\.text).joined()
        let first = parts[0]
        let sms = IncomingSMS(sender: first.incomingSMS.sender, text: text, timestamp: first.timestamp)
        sink?.post(sms, receipt: MessageReceipt(key: key, storageIndex: indexes.first))
    }

    /// The controller committed the message: delete it from the storage.
    public func acknowledge(_ receipt: MessageReceipt) async throws {
        let indexes = awaitingAcknowledgement.removeValue(forKey: receipt.key) ?? receipt.storageIndex.map { [$0] } ?? []
        let parts = postedParts.filter { $0.value == receipt.key }.map(\.key)
        for part in parts { postedParts[part] = nil }
        recentlyAcknowledged.append(contentsOf: [receipt.key] + parts)
        if recentlyAcknowledged.count > 64 { recentlyAcknowledged.removeFirst(recentlyAcknowledged.count - 64) }
        for index in indexes { await delete(index) }
    }

    func delete(_ index: Int) async {
        do {
            let answer = try await command("AT+CMGD=\(index)")
            if !answer.isOK { logger.warning("AT+CMGD=\(index): \(answer.final)") }
        } catch {
            logger.warning("AT+CMGD=\(index): \(error); the sweep will find the message again")
        }
    }

    public func setPowered(_ powered: Bool) async {
        self.powered = powered
        // A sweep only on an initialised modem: the supervisor sweeps itself once initialisation is done.
        if powered, online { await sweep() }
    }
}
