import SocketCore

/// The settings the port keeps the modem in, and keeping them there: initialisation, initialising again
/// when the modem restarted by itself (brown-outs are common on SIM800 boards, and a restarted modem has
/// its factory settings: echo on, no caller ID, default routing and storage), and the health check's
/// comparison of what the modem reports with what was set.
extension ATModem {
    /// Sets the modem up: PDU mode, storages, new-message notices, caller ID, registration notices.
    /// - Throws: ``ModemError`` for a SIM that is locked, absent or refuses its PIN (``unlockSIM()``), or a
    ///   refused essential command; ``ATChannelError`` when the modem stops answering.
    func initialise() async throws {
        try await require("ATE0")
        _ = try await command("AT+CMEE=1")
        if let configured = configuration.vendor {
            vendor = configured
        } else {
            let identity = try await command("AT+CGMI")
            vendor = ModemVendor.detect(identity.lines.joined(separator: " "))
        }
        logger.info("modem \(configuration.device): \(vendor.rawValue)")
        try await unlockSIM()
        try await require("AT+CMGF=0")
        gsmCharacterSet = try await command("AT+CSCS=\"GSM\"").isOK
        try await selectStorages()
        if let service = try await command("AT+CSMS?").values(of: "+CSMS").first {
            messageService = Int(ATResponseParser.fields(service).first ?? "") ?? 0
        }
        // New messages are stored and announced with +CMTI; older firmware needs the shorter forms.
        messageIndication = nil
        for cnmi in ["AT+CNMI=2,1,0,0,0", "AT+CNMI=2,1,0,1,0", "AT+CNMI=2,1"] where messageIndication == nil {
            if try await command(cnmi).isOK { messageIndication = 1 }
        }
        if messageIndication == nil {
            logger.warning("modem refuses every AT+CNMI form; new messages are found by the sweep only")
        }
        _ = try await command("AT+CLIP=1")
        if try await !command("AT+CREG=2").isOK { _ = try await command("AT+CREG=1") }
        for extra in vendor.extraInitialisation {
            let answer = try await command(extra)
            if !answer.isOK { logger.debug("\(extra): \(answer.final)") }
        }
    }

    /// Learns the storages (`AT+CPMS=?`) and selects the SIM for everything, or the first storage offered
    /// when there is no "SM". "MT" is a view of "SM" and "ME" together, so the sweep leaves it out.
    private func selectStorages() async throws {
        let offered = try await command("AT+CPMS=?").values(of: "+CPMS").first.map(ATResponseParser.storages(cpmsTest:)) ?? []
        let home = offered.isEmpty || offered.contains("SM") ? "SM" : offered[0]
        let swept = offered.filter { $0 != "MT" && $0 != "BM" }
        sweptStorages = swept.isEmpty ? [home] : swept
        if try await command("AT+CPMS=\"\(home)\",\"\(home)\",\"\(home)\"").isOK {
            receivingStorage = home
        } else {
            // The modem keeps its own choice; +CMTI names it, and the sweep reads every storage.
            let current = try await command("AT+CPMS?").values(of: "+CPMS").first
            receivingStorage = current.flatMap(ATResponseParser.receivingStorage(cpms:)) ?? home
            logger.warning("modem refuses to store new messages in \(home); they go to \(receivingStorage)")
        }
    }

    // MARK: - The modem restarted by itself

    /// Lines a modem sends when it has (re)started: `RDY`, `+CFUN: 1`, an unsolicited `+CPIN: READY`,
    /// `Call Ready` and `SMS Ready` (SIMCom SIM800), `START`, `SMS DONE`, `PB DONE` (SIMCom SIM7x00),
    /// `+QIND: SMS DONE`, `+QIND: PB DONE`, `+QUSIM: 1` (Quectel), `^SIMST: 1` (Huawei), `+WIND: 4`
    /// (Wavecom), `#QSS: 1` (Telit). Huawei's periodic `^BOOT` is a heartbeat, not a restart.
    static func isBootNotice(_ urc: ATUnsolicited) -> Bool {
        let value = urc.value.filter { $0 != "\"" }.uppercased()
        switch urc.name {
        case "RDY", "Call Ready", "SMS Ready", "START", "SMS DONE", "PB DONE": return true
        case "+CFUN", "+QUSIM", "^SIMST", "#QSS": return value == "1"
        case "+CPIN": return value == "READY"
        case "+QIND": return value == "SMS DONE" || value == "PB DONE"
        case "+WIND": return value == "4"
        default: return false
        }
    }

    /// A boot notice: the modem lost its settings, and any call. Initialise it again once the notices stop.
    func modemRestarted(_ notice: ATUnsolicited) async {
        if rebootSettling == nil {
            if let entered = pinEnteredAt, clock.now - entered < .seconds(60) {
                logger.info("modem \(configuration.device): the SIM starts after its PIN (\(notice.line)); initialising the modem again")
            } else {
                logger.warning("modem \(configuration.device) restarted (\(notice.line)); initialising it again")
            }
        }
        ringing = nil
        if let call = outgoing { await finishCall(call, outcome: call.answered ? .answered : .noAnswer) }
        rebootSettling?.cancel()
        let settle = configuration.bootSettle
        rebootSettling = Task {
            do {
                try await self.clock.sleep(for: settle)
            } catch {
                return
            }
            await self.initialiseAgain()
        }
    }

    /// Initialises a modem that restarted or whose settings drifted, then reads what it may have stored
    /// meanwhile.
    func initialiseAgain() async {
        rebootSettling = nil
        guard let channel, !initialisingAgain else { return }
        initialisingAgain = true
        defer { initialisingAgain = false }
        do {
            try await channel.synchronize(tries: 5, timeout: configuration.checkTimeout)
            try await initialise()
        } catch {
            return await disconnect(reason: "initialising again failed (\(error)); reopening the port")
        }
        await pollSignalAndRegistration()
        await sweep()
    }

    // MARK: - Settings that drift

    /// Compares what the modem reports with what was set (caller ID, new-message routing, PDU mode,
    /// receiving storage) and initialises it again when something changed. A query the modem does not
    /// answer proves nothing and is skipped.
    func checkSettings() async {
        var drifted: [String] = []
        if let clip = try? await command("AT+CLIP?").values(of: "+CLIP").first,
            let n = Int(ATResponseParser.fields(clip).first ?? ""), n != 1
        {
            drifted.append("caller ID is off")
        }
        if let expected = messageIndication, let cnmi = try? await command("AT+CNMI?").values(of: "+CNMI").first {
            let fields = ATResponseParser.fields(cnmi)
            if fields.count > 1, let mt = Int(fields[1]), mt != expected { drifted.append("new messages are routed with <mt> \(mt)") }
        }
        if let cmgf = try? await command("AT+CMGF?").values(of: "+CMGF").first, let mode = Int(cmgf), mode != 0 {
            drifted.append("the modem is in text mode")
        }
        if let cpms = try? await command("AT+CPMS?").values(of: "+CPMS").first,
            let storage = ATResponseParser.receivingStorage(cpms: cpms), storage != receivingStorage
        {
            drifted.append("new messages go to \(storage)")
        }
        if !drifted.isEmpty { await settingsDrifted(drifted) }
    }

    func settingsDrifted(_ what: [String]) async {
        guard !initialisingAgain else { return }
        logger.warning("modem \(configuration.device) settings changed (\(what.joined(separator: "; "))); initialising it again")
        await initialiseAgain()
    }
}
