import SocketCore

/// Where a received message is, so it can be read again and deleted once handled.
enum MessageSlot: Hashable, Sendable, CustomStringConvertible {
    /// In a storage (`"SM"`, `"ME"`, `"SR"`, …) at an index.
    case stored(storage: String, index: Int)
    /// Routed straight to the serial line (`+CMT`, `+CDS`): nothing to delete; acknowledged with
    /// `AT+CNMA` where the modem wants it.
    case direct

    var description: String {
        switch self {
        case .stored(let storage, let index): "\(storage) \(index)"
        case .direct: "a direct delivery (+CMT)"
        }
    }
}

/// Reading, reassembling, handing over and deleting received SMS.
///
/// Every storage operation names its storage in the same command line (`AT+CPMS="ME";+CMGR=3`, V.250
/// §5.2.1 concatenation), so a read, a delete and a sweep of other storages can never interleave between
/// selecting a storage and using it.
extension ATModem {
    /// `+CMTI`/`+CDSI`: read the message where the notice says it is (27.005 §3.4.1). A notice without a
    /// storage name means the receiving storage the port selected.
    func read(storage named: String?, index: Int) async {
        let storage = named ?? receivingStorage
        // A storage `AT+CPMS=?` did not offer (or did not answer) is swept from now on too.
        // (27.005 names are two letters; a name garbled on the line is not kept.)
        if storage != "MT", storage.count == 2, storage.allSatisfy(\.isLetter), !sweptStorages.contains(storage),
            sweptStorages.count < 8
        {
            sweptStorages.append(storage)
        }
        guard powered, let stored = await fetch(storage: storage, index: index) else { return }
        await received(stored, at: .stored(storage: storage, index: index))
    }

    /// Reads one stored message; nil (logged) when it cannot be read.
    func fetch(storage: String, index: Int) async -> ATResponseParser.StoredPDU? {
        let text = "AT+CPMS=\"\(storage)\";+CMGR=\(index)"
        let answer: ATResponse
        do {
            answer = try await command(text)
        } catch {
            logger.warning("\(text): \(error); the sweep will read the message again")
            return nil
        }
        guard answer.isOK else {
            logger.warning("\(text): \(answer.final); the message at \(storage) \(index) was not read")
            return nil
        }
        if answer.lines.contains(where: { $0.hasPrefix("+CMGR:") && ATResponseParser.isTextMode(header: $0) }) {
            await settingsDrifted(["the modem answers in text mode"])
            return nil
        }
        return ATResponseParser.message(cmgr: answer.lines)
    }

    /// Reads every storage the modem offers: messages that came while the controller was down, whose
    /// notice was lost, or that the modem put in a storage no notice named. A message already handed
    /// over is not handed over again.
    func sweep() async {
        guard powered else { return }
        lastSweep = clock.now
        for storage in sweptStorages {
            let text = "AT+CPMS=\"\(storage)\";+CMGL=4"
            // The channel runs commands in order: deletions issued after this count run after the listing.
            let listedAt = deletions
            let answer: ATResponse
            do {
                answer = try await command(text, timeout: configuration.sweepTimeout)
            } catch {
                logger.warning("\(text): \(error); messages waiting there stay until the next sweep")
                continue
            }
            guard answer.isOK else {
                logger.warning("\(text): \(answer.final); messages waiting there stay until the next sweep")
                continue
            }
            if answer.lines.contains(where: { $0.hasPrefix("+CMGL:") && ATResponseParser.isTextMode(header: $0) }) {
                return await settingsDrifted(["the modem lists messages in text mode"])
            }
            for stored in ATResponseParser.listing(answer.lines) {
                guard let index = stored.index else { continue }
                let slot = MessageSlot.stored(storage: storage, index: index)
                // Deleted since it was listed (acknowledged, or dropped on its notice meanwhile): the index
                // may hold a new message now, which the listed copy must not stand for.
                if wasDeleted(slot, after: listedAt) {
                    await read(storage: storage, index: index)
                } else {
                    await received(stored, at: slot)
                }
            }
        }
    }

    /// `+CMT: [<alpha>],<length>` / `+CDS: <length>` and the PDU: a message routed to the serial line
    /// (a class-0 "flash" SMS, or a modem left with `AT+CNMI=2,2`), handled like a stored one.
    func receivedDirect(_ urc: ATUnsolicited) async {
        guard let pdu = urc.pdu else { return }
        let stored = ATResponseParser.StoredPDU(index: nil, tpduLength: ATResponseParser.tpduLength(direct: urc.value), pdu: pdu)
        await received(stored, at: .direct)
    }

    /// One message read from `slot`. `secondReading` is set when it is read again because the first copy
    /// did not decode.
    func received(_ stored: ATResponseParser.StoredPDU, at slot: MessageSlot, secondReading: Bool = false) async {
        let pdu: SMSPDU
        do {
            pdu = try SMSPDU(line: stored.pdu, tpduLength: stored.tpduLength)
        } catch {
            return await undecodable(stored, at: slot, error: error, secondReading: secondReading)
        }
        // Keyed by the octets decoded, so stray characters or lower case on the line do not make a new message.
        let key = Self.key(ofPDU: Hex.string(pdu.raw))
        if handedOver[key] != nil || partSlots[key] != nil || postedParts[key] != nil {
            // Delivered again directly (the network missed the acknowledgement): this delivery needs its own
            // AT+CNMA, unless the acknowledgement still to come sends it.
            if slot == .direct, handedOver[key]?.slots != [.direct] { await acknowledgeDirect() }
            return
        }
        // Read again just as it was acknowledged (a second +CMTI, a sweep): it is done, only delete it.
        if recentlyAcknowledged.contains(key) { return await discard(slot) }
        switch pdu {
        case .statusReport:
            await discard(slot)
        case .submit:
            logger.info("a stored outgoing message at \(slot) deleted")
            await discard(slot)
        case .deliver(let deliver):
            guard deliver.concatenation != nil else {
                if let reason = deliver.notACommand {
                    logger.info("SMS from \(deliver.sender): dropped: not a command, \(reason); deleted from \(slot)")
                    return await discard(slot)
                }
                return handOver(deliver.incomingSMS, key: key, slots: [slot])
            }
            partSlots[key] = slot
            // A part that came directly must be acknowledged now: the modem delivers nothing else until
            // it is, and the rest of the message cannot come before.
            if slot == .direct { await acknowledgeDirect() }
            let result = reassembler.receive(deliver, at: clock.now)
            if let evicted = result.evicted { await drop(evicted.parts, because: "\(evicted.reason)") }
            guard let message = result.message else { return }
            if let reason = message.notACommand {
                await drop(message.parts, because: "not a command, \(reason)")
            } else {
                post(parts: message.parts)
            }
        }
    }

    /// Deletes parts that will never be handled: a long message that is no command, or whose other parts
    /// did not come (spec §5 A69, A70).
    func drop(_ parts: [DeliverPDU], because reason: String) async {
        guard let first = parts.first else { return }
        let positions = parts.compactMap { $0.concatenation.map { "\($0.sequence)/\($0.total)" } }.joined(separator: ", ")
        logger.info("SMS from \(first.sender): dropped: \(reason); part(s) \(positions) of a long message deleted")
        for part in parts {
            if let slot = partSlots.removeValue(forKey: Self.key(ofPDU: Hex.string(part.raw))) { await discard(slot) }
        }
    }

    /// A PDU that does not decode. Line noise can garble the copy on its way from the modem while the
    /// stored message is intact, so a stored one is read once more; only what cannot be read twice is
    /// deleted. A copy shorter than its header says was cut on the line (the modem lists what it stores
    /// whole), so it is left for the next sweeps, up to ``maxCutReadings`` times. A direct one is not acknowledged, so the
    /// network delivers it again.
    /// What the log says of a PDU that did not decode: its size, never its hex, whose text may hold a password
    /// that no one can mask unread.
    static func undisclosed(_ pdu: String) -> String { "\(pdu.count / 2) octets, not shown (they may hold a password)" }

    func undecodable(_ stored: ATResponseParser.StoredPDU, at slot: MessageSlot, error: PDUError, secondReading: Bool) async {
        switch slot {
        case .stored(let storage, let index) where !secondReading:
            logger.notice("the message at \(slot) did not decode (\(error)); reading it again")
            guard let again = await fetch(storage: storage, index: index) else { return }
            await received(again, at: slot, secondReading: true)
        case .stored where stored.isCutShort && cutReadings[slot, default: 0] < Self.maxCutReadings:
            if cutReadings.count >= 64 { cutReadings.removeAll() }
            cutReadings[slot, default: 0] += 1
            logger.warning("the message at \(slot) came cut short on two readings (\(error)); the next sweep reads it again")
        case .stored:
            logger.warning("undecodable message at \(slot) deleted after two readings: \(error); \(Self.undisclosed(stored.pdu))")
            await discard(slot)
        case .direct where messageService == 1:
            logger.warning("undecodable direct message not acknowledged, so that the network delivers it again: \(error); \(Self.undisclosed(stored.pdu))")
        case .direct:
            logger.error("undecodable direct message lost (the modem acknowledged it itself): \(error); \(Self.undisclosed(stored.pdu))")
        }
    }

    /// Hands over a reassembled message under one receipt covering every part's slot.
    func post(parts: [DeliverPDU]) {
        guard !parts.isEmpty else { return }
        let keys = parts.map { Self.key(ofPDU: Hex.string($0.raw)) }
        let slots = keys.compactMap { partSlots.removeValue(forKey: $0) }
        let key = keys.count == 1 ? keys[0] : "parts-" + keys.joined(separator: "+")
        // A part read again (a sweep racing a +CMTI) belongs to this message, not to a new one.
        for part in keys { postedParts[part] = key }
        let text = parts.map(\.text).joined()
        let first = parts[0]
        handOver(IncomingSMS(sender: first.incomingSMS.sender, text: text, timestamp: first.timestamp), key: key, slots: slots)
    }

    /// Posts a message to the controller; it stays the port's until the controller acknowledges it.
    func handOver(_ sms: IncomingSMS, key: String, slots: [MessageSlot]) {
        let receipt = MessageReceipt(key: key, storageIndex: slots.first?.index)
        handedOver[key] = HandedOver(slots: slots, sms: sms, receipt: receipt, at: clock.now)
        sink?.post(sms, receipt: receipt)
    }

    /// Hands over again what has waited ``ATModem/Configuration/handOverAgainAfter`` for its
    /// acknowledgement: the controller could not commit it (a full disk). The controller recognises what
    /// it has handled already and only acknowledges that.
    func handOverAgainWhatWaits() {
        let now = clock.now
        let patience = configuration.handOverAgainAfter
        for (key, waiting) in handedOver where now - waiting.at >= patience {
            logger.warning("message \(key) from \(waiting.sms.sender ?? "a hidden sender") not acknowledged for \(patience); handing it over again")
            handedOver[key]?.at = now
            sink?.post(waiting.sms, receipt: waiting.receipt)
        }
    }

    /// Parts of long messages that never completed (spec §5 A70): deleted, never handled on their own.
    func dropExpiredParts() async {
        for set in reassembler.removeExpired(now: clock.now) { await drop(set.parts, because: "\(set.reason)") }
    }

    /// The controller committed the message: delete it from its storage, or acknowledge its delivery.
    public func acknowledge(_ receipt: MessageReceipt) async throws {
        await connected()
        // A receipt the port does not know (acknowledged before) names an index but not its storage, which
        // may hold another message now: nothing is deleted, and the sweep deletes the message where it is.
        let slots = handedOver.removeValue(forKey: receipt.key)?.slots ?? []
        let parts = postedParts.filter { $0.value == receipt.key }.map(\.key)
        for part in parts { postedParts[part] = nil }
        recentlyAcknowledged.append(contentsOf: [receipt.key] + parts)
        if recentlyAcknowledged.count > 64 { recentlyAcknowledged.removeFirst(recentlyAcknowledged.count - 64) }
        // The parts of a long message that came directly were acknowledged as they came.
        if slots == [.direct] { await acknowledgeDirect() }
        for case .stored(let storage, let index) in slots { await delete(storage: storage, index: index) }
    }

    /// Removes a message that needs no handling: deletes it, or acknowledges a direct one.
    func discard(_ slot: MessageSlot) async {
        switch slot {
        case .stored(let storage, let index): await delete(storage: storage, index: index)
        case .direct: await acknowledgeDirect()
        }
    }

    /// How many times a message whose copies come cut short is left for the next sweep before it is deleted.
    static let maxCutReadings = 2

    func delete(storage: String, index: Int) async {
        cutReadings[.stored(storage: storage, index: index)] = nil
        deletions += 1
        deletedSlots[.stored(storage: storage, index: index)] = deletions
        if deletedSlots.count > 64 {
            forgottenDeletions = deletions - 32
            deletedSlots = deletedSlots.filter { $0.value > forgottenDeletions }
        }
        let text = "AT+CPMS=\"\(storage)\";+CMGD=\(index)"
        do {
            let answer = try await command(text)
            if !answer.isOK { logger.warning("\(text): \(answer.final); the sweep will find the message again") }
        } catch {
            logger.warning("\(text): \(error); the sweep will find the message again")
        }
    }

    /// Whether `slot` was (or may have been) deleted by a deletion counted after `count`.
    func wasDeleted(_ slot: MessageSlot, after count: Int) -> Bool {
        count < forgottenDeletions || deletedSlots[slot, default: 0] > count
    }

    /// `AT+CNMA` (27.005 §3.4.4), only where the modem expects it (`AT+CSMS` service 1); otherwise the
    /// modem acknowledged the delivery itself.
    func acknowledgeDirect() async {
        guard messageService == 1 else { return }
        do {
            let answer = try await command("AT+CNMA")
            if !answer.isOK { logger.warning("AT+CNMA: \(answer.final); the network may deliver the message again") }
        } catch {
            logger.warning("AT+CNMA: \(error); the network may deliver the message again")
        }
    }

    public func setPowered(_ powered: Bool) async {
        // What a dark device was handed it did not take (the controller acknowledges nothing then): coming
        // back, it is handed over again, direct deliveries included (they are in no storage to sweep).
        if powered, !self.powered {
            let now = clock.now
            for (key, waiting) in handedOver {
                handedOver[key]?.at = now
                sink?.post(waiting.sms, receipt: waiting.receipt)
            }
        }
        self.powered = powered
        // A sweep only on an initialised modem: the supervisor sweeps itself once initialisation is done.
        if powered, online { await sweep() }
    }
}

extension MessageSlot {
    var index: Int? {
        if case .stored(_, let index) = self { index } else { nil }
    }
}
