extension SocketCore {
    /// Step 8 of §2.7: carries out a recognised, authorised command and says what to answer.
    // swiftlint:disable:next cyclomatic_complexity function_body_length
    mutating func execute(_ command: Command, origin: Origin) -> Outcome {
        let s = persistent
        switch command {
        // Basic control (§3.1, §4.1, §4.2)
        case .on:
            setMain(true)
            return .done("Power socket ON")
        case .off:
            setMain(false)
            return .done("Power socket OFF")
        case .onFor(let minutes):
            setMain(true, thenRevertAfterSeconds: Int64(minutes) * 60)
            return .done("Power ON for \(minutes) min")
        case .offFor(let minutes):
            setMain(false, thenRevertAfterSeconds: Int64(minutes) * 60)
            return .done("Power OFF for \(minutes) min")
        case .microOn:
            setMicro(true)
            return .done("Microrelay ON")
        case .microOff:
            setMicro(false)
            return .done("Microrelay OFF")
        case .allOn:
            setMain(true)
            setMicro(true)
            return .done("All ON")
        case .allOff:
            setMain(false)
            setMicro(false)
            return .done("All OFF")
        case .restart:
            restartMain()
            return .done("Power socket restarted")
        case .restartMicro:
            let current = volatile.microRelayOn
            setMicro(!current, thenRevertAfterSeconds: Int64(s.restartTime))
            return .done("Microrelay restarted")
        case .setRestartTime(let seconds):
            update { $0.restartTime = seconds }
            return .done(ReplyText.ok("RESTARTTIME=\(seconds)"))
        case .queryRestartTime:
            return .done("RESTARTTIME=\(s.restartTime) seconds")
        case .status:
            return .done(statusReport())
        case .temperature:
            return .done("TEMPERATURE: " + temperatureText)
        case .runtime:
            guard s.mainRelayOn else { return .done(ReplyText.runtimeOff) }
            return .done("Power socket is ON from: " + (volatile.mainOnSince?.deviceFormat ?? ReplyText.notAvailable))

        // Call control (§3.2)
        case .setRing(let action):
            if action != .noAction, !s.secListActive { return .refused(ReplyText.secListNotActive) }
            update { $0.ring = action }
            return .done(ReplyText.ok("RING=\(action.rawValue)"))
        case .queryRing:
            return .done(ReplyText.choice("RING", s.ring))

        // Security (§3.3, §2.13–2.15)
        case .addSecNumber(let number):
            guard s.secNumbers.contains(number) || s.secNumbers.count < PersistentState.numberListCapacity else {
                return .refused(ReplyText.executeError)
            }
            if !s.secNumbers.contains(number) { update { $0.secNumbers.append(number) } }
            return .done(ReplyText.ok("SECNUMBER+\(number)"))
        case .removeSecNumber(let number):
            guard s.secNumbers.contains(number) else { return .refused(ReplyText.incorrectValue) }
            update { $0.secNumbers.removeAll { $0 == number } }
            if persistent.secNumbers.isEmpty { deactivateSecList() }
            return .done(ReplyText.ok("SECNUMBER-\(number)"))
        case .clearSecNumbers:
            update { $0.secNumbers.removeAll() }
            deactivateSecList()
            return .done(ReplyText.ok("SECNUMBER-ALL"))
        case .querySecNumbers:
            return .done(s.secNumbers.isEmpty ? ReplyText.noSecNumbers : "SECNUMBERs " + s.secNumbers.joined(separator: ", "))
        case .setSecList(true):
            guard !s.secNumbers.isEmpty else { return .refused(ReplyText.executeError) }
            update { $0.secListActive = true }
            return .done(ReplyText.ok("SECLIST=ON"))
        case .setSecList(false):
            deactivateSecList()
            return .done(ReplyText.ok("SECLIST=OFF"))
        case .querySecList:
            return .done(ReplyText.onOff("SECLIST", s.secListActive, defaultOn: false))
        case .setPassword(let password):
            update { $0.password = password }
            if password == nil { dropRenewPasswordIfUnprotected() }
            return .done(ReplyText.ok(password == nil ? "PASSWORD=NO" : "PASSWORD=*****"))
        case .setRenewPassword(let password):
            if password != nil, s.password == nil, !s.secListActive { return .refused(ReplyText.noSecuritySetup) }
            update { $0.renewPassword = password }
            return .done(ReplyText.ok(password == nil ? "RENEWINTERVALPW=NO" : "RENEWINTERVALPW=*********"))
        case .renew(let password):
            guard let stored = s.renewPassword else { return .refused(ReplyText.renewPasswordNotSet) }
            guard stored == password else { return .refused(ReplyText.invalidRenewPassword) }
            renewWindow()
            return .done(ReplyText.renewed)
        case .queryRenew:
            return .done(s.renewPassword == nil ? ReplyText.renewImpossible : ReplyText.renewPossible)

        // Confirmations and errors (§3.4)
        case .setSMSConfirm(let on):
            update { $0.smsConfirm = on }
            return .done(ReplyText.ok("SMSCONFIRM=" + (on ? "ON" : "OFF")))
        case .querySMSConfirm:
            return .done(ReplyText.onOff("SMSCONFIRM", s.smsConfirm, defaultOn: true))
        case .setRingConfirm(let on):
            update { $0.ringConfirm = on }
            return .done(ReplyText.ok("RINGCONFIRM=" + (on ? "ON" : "OFF")))
        case .queryRingConfirm:
            return .done(ReplyText.onOff("RINGCONFIRM", s.ringConfirm, defaultOn: true))
        case .setRingConfirmType(let type):
            update { $0.ringConfirmType = type }
            return .done(ReplyText.ok("RINGCONFIRMTYPE=\(type.rawValue)"))
        case .queryRingConfirmType:
            return .done(ReplyText.choice("RINGCONFIRMTYPE", s.ringConfirmType))
        case .setErrorReplies(let on):
            update { $0.errorReplies = on }
            return .done(ReplyText.ok("ERROR=" + (on ? "ON" : "OFF")))
        case .queryErrorReplies:
            return .done(ReplyText.onOff("ERROR", s.errorReplies, defaultOn: true))
        case .setSMSConfirmUnauthorised(let on):
            update { $0.smsConfirmUnauthorised = on }
            return .done(ReplyText.ok("SMSCONFIRMUNAUTH=" + (on ? "ON" : "OFF")))
        case .querySMSConfirmUnauthorised:
            return .done(ReplyText.onOff("SMSCONFIRMUNAUTH", s.smsConfirmUnauthorised, defaultOn: false))

        // Temperature (§3.5)
        case .thermostatOn:
            // "Working now" would be untrue while the thermometer is known to be missing or faulty.
            if faultyParts.contains(Self.thermometerPart) { return .refused(ReplyText.executeError) }
            if !s.thermostatEnabled {
                update { $0.thermostatEnabled = true }
                armThermostatFailSafe()
            }
            return .done(
                "THERMOSTATON - OK\nTHERMOSTAT=\(s.thermostatMode.rawValue)\nTEMPOFF=\(s.tempOff)\nAttention! Thermostat is working now!")
        case .thermostatOff:
            update { $0.thermostatEnabled = false }
            disarmThermostatFailSafe()
            return .done("THERMOSTATOFF - OK\nAttention! Thermostat was disabled!")
        case .setThermostatMode(let mode):
            update { $0.thermostatMode = mode }
            return .done("THERMOSTAT=\(mode.rawValue) - OK\nTEMPOFF=\(s.tempOff)\n" + thermostatEnabledLine)
        case .setTempOff(let t):
            update { $0.tempOff = t }
            return .done("TEMPOFF=\(t) - OK\nTHERMOSTAT=\(s.thermostatMode.rawValue)\n" + thermostatEnabledLine)
        case .queryThermostat:
            return .done("\(thermostatEnabledLine)\nTHERMOSTAT=\(s.thermostatMode.rawValue)\nTEMPOFF=\(s.tempOff)")
        case .addAlertNumber(let number):
            guard s.alertNumbers.contains(number) || s.alertNumbers.count < PersistentState.numberListCapacity else {
                return .refused(ReplyText.executeError)
            }
            if !s.alertNumbers.contains(number) { update { $0.alertNumbers.append(number) } }
            return .done(ReplyText.ok("ALERTNUMBER+\(number)"))
        case .removeAlertNumber(let number):
            guard s.alertNumbers.contains(number) else { return .refused(ReplyText.incorrectValue) }
            update {
                $0.alertNumbers.removeAll { $0 == number }
                if $0.alertNumbers.isEmpty { $0.thermAlert = false }
            }
            return .done(ReplyText.ok("ALERTNUMBER-\(number)"))
        case .clearAlertNumbers:
            update {
                $0.alertNumbers.removeAll()
                $0.thermAlert = false
            }
            return .done(ReplyText.ok("ALERTNUMBER-ALL"))
        case .queryAlertNumbers:
            return .done(s.alertNumbers.isEmpty ? ReplyText.noAlertNumbers : "ALERTNUMBERs: " + s.alertNumbers.joined(separator: ", "))
        case .setThermAlert(let on):
            if on, s.alertNumbers.isEmpty { return .refused(ReplyText.executeError) }
            update { $0.thermAlert = on }
            return .done(ReplyText.ok("THERMALERT=" + (on ? "ON" : "OFF")))
        case .queryThermAlert:
            return .done(ReplyText.onOff("THERMALERT", s.thermAlert, defaultOn: false))
        case .setRiseAlert(let t):
            update { $0.riseAlert = t }
            volatile.riseAlertArmed = true
            return .done(ReplyText.ok("TRISEALERT=" + (t.map(String.init) ?? "OFF")))
        case .queryRiseAlert:
            return .done("TRISEALERT=" + (s.riseAlert.map(String.init) ?? "OFF"))
        case .setFallAlert(let t):
            update { $0.fallAlert = t }
            volatile.fallAlertArmed = true
            return .done(ReplyText.ok("TFALLALERT=" + (t.map(String.init) ?? "OFF")))
        case .queryFallAlert:
            return .done("TFALLALERT=" + (s.fallAlert.map(String.init) ?? "OFF"))
        case .setTempCal(let c):
            update { $0.tempCal = c }
            return .done(ReplyText.ok("TEMPCAL = \(c)"))
        case .queryTempCal:
            return .done("TEMPCAL = \(s.tempCal)")

        // Date and time (§3.6)
        case .dateFromSMS:
            guard case .sms(_, let stamp?) = origin else { return .refused(ReplyText.executeError) }
            setClock(DeviceClock.setting(stamp.local, tag: stamp.zoneTag, exact: stamp.zoneQuarterHours != nil, at: now, following: zone))
            return .done(ReplyText.ok("DATE " + dateText))
        case .setDate(let time, let zone):
            setClock(DeviceClock.setting(time, tag: zone, exact: false, at: now, following: self.zone))
            return .done(ReplyText.ok("DATE=" + dateText))
        case .queryDate:
            return .done("DATE " + dateText)

        // Alarm (§3.7)
        case .alarmOn:
            armAlarm()
            return .done("ALARMON - OK\nALARM function: Enabled")
        case .alarmOff:
            disarmAlarm()
            return .done("ALARMOFF - OK\nALARM function: Disabled")
        case .queryAlarm:
            return .done(alarmReport())
        case .setMicroRelayTime(let seconds):
            update { $0.microRelayTime = seconds }
            return .done(ReplyText.ok("MICRORELAYTIME=\(seconds)"))
        case .queryMicroRelayTime:
            return .done("MICRORELAYTIME=\(s.microRelayTime) seconds")
        case .setSensorType(let type):
            let wasActive = sensorActive
            update { $0.sensorType = type }
            if sensorActive != wasActive { emit(.notice(.sensor(active: sensorActive))) }
            evaluateAlarmInput()
            return .done(ReplyText.ok("SENSORTYPE=\(type.rawValue)"))
        case .querySensorType:
            return .done(ReplyText.choice("SENSORTYPE", s.sensorType))
        case .setAlertMode(let mode):
            update { $0.alertMode = mode }
            return .done(ReplyText.ok("ALERT=\(mode.rawValue)"))
        case .queryAlertMode:
            return .done(ReplyText.choice("ALERT", s.alertMode))
        case .showAlarmLog:
            guard !s.alarmLog.isEmpty else { return .done(ReplyText.noAlarmEvents) }
            return .done(s.alarmLog.map { $0.time?.deviceFormat ?? ReplyText.notAvailable }.joined(separator: "\n"))

        // Scheduler (§3.8)
        case .addScheduleRule(let rule):
            // A rule's action name is a value only while a rule defines it (rules-api.md).
            if case .rule(let name) = rule.action, !rules.actions.contains(name) { return .refused(ReplyText.incorrectValue) }
            guard s.schedule.contains(rule) || s.schedule.count < PersistentState.scheduleCapacity else {
                return .refused(ReplyText.executeError)
            }
            if !s.schedule.contains(rule) {
                update { $0.schedule.append(rule) }
                scheduleNextRule()
            }
            return .done(ReplyText.ok("SCHEDULER+" + rule.text))
        case .removeScheduleRules(let hour, let minute):
            guard s.schedule.contains(where: { $0.hour == hour && $0.minute == minute }) else {
                return .refused(ReplyText.incorrectValue)
            }
            removeRules { $0.hour == hour && $0.minute == minute }
            return .done(ReplyText.ok("SCHEDULER-\(CivilTime.two(hour)):\(CivilTime.two(minute))"))
        case .clearSchedule:
            removeRules { _ in true }
            return .done(ReplyText.ok("SCHEDULER-ALL"))
        case .querySchedule:
            return .done(s.schedule.isEmpty ? ReplyText.noScheduleRules : s.schedule.map(\.text).joined(separator: "\n"))

        // Power state (§3.9)
        case .setPowerState(let state):
            update { $0.powerState = state }
            return .done(ReplyText.ok("POWERSTATE=\(state.rawValue)"))
        case .queryPowerState:
            return .done(ReplyText.choice("POWERSTATE", s.powerState))

        // Balance (§3.10, §4.15)
        case .saldo:
            guard let code = s.saldoCode else { return .refused(ReplyText.executeError) }
            return startUSSD(code, for: ReplyTarget(origin))
        case .simCard(let code):
            return startUSSD(code, for: ReplyTarget(origin))
        case .setSaldoCode(let code):
            update { $0.saldoCode = code }
            return .done(ReplyText.ok("SALDOUMS=" + (code ?? "NO")))
        case .querySaldoCode:
            return .done(s.saldoCode.map { "SALDOUMS: " + $0 } ?? ReplyText.noSaldoCode)

        // Device information (§3.11)
        case .hardware:
            return .done(identity.hardware(model))
        case .serialNumber:
            return .done(identity.serial)
        case .firmware:
            return .done(identity.firmware)
        }
    }

    private var thermostatEnabledLine: String {
        "THERMOSTAT: " + (persistent.thermostatEnabled ? "Enabled" : "Disabled")
    }

    /// `yy/mm/dd,hh:mm:ss+zz`, or N/A while the clock is unset.
    private var dateText: String {
        guard let clock = persistent.clock else { return ReplyText.notAvailable }
        return clock.wallTime(at: now, in: zone).deviceFormat + clock.tag(at: now, in: zone)
    }

    private mutating func setClock(_ clock: DeviceClock) {
        update { $0.clock = clock }
        scheduleNextRule()
    }

    /// SECLIST becomes OFF (explicitly or because the list emptied): RING falls back to NOACTION and, with no
    /// password either, the renew password goes (§2.13, §2.15).
    private mutating func deactivateSecList() {
        update {
            $0.secListActive = false
            $0.ring = .noAction
        }
        dropRenewPasswordIfUnprotected()
    }

    private mutating func dropRenewPasswordIfUnprotected() {
        if persistent.password == nil, !persistent.secListActive, persistent.renewPassword != nil {
            update { $0.renewPassword = nil }
        }
    }

    /// R-STATUS (§3.1); Light models get only the lines they have (§5 A23).
    func statusReport() -> String {
        var lines = ["Power socket " + (persistent.mainRelayOn ? "ON" : "OFF")]
        if !model.isLight {
            lines.append(
                equipment.contains(.microRelay) ? "Microrelay " + (volatile.microRelayOn ? "ON" : "OFF") : ReplyText.microRelayNotConnected)
        }
        lines.append(volatile.modemOnline ? ReplyText.signal(volatile.signal) : ReplyText.modemOffline)
        if !model.isLight {
            lines.append("TEMP: " + temperatureText)
            lines.append("ALARMF: " + (persistent.alarmArmed ? "Enabled" : "Disabled"))
            lines.append(volatile.alarm.activitySinceArming ? ReplyText.activityDetected : ReplyText.noActivity)
            lines.append("Time: " + (wallClock?.deviceFormat ?? ReplyText.notAvailable))
        }
        let faults = faultyParts
        if !faults.isEmpty { lines.append(ReplyText.faults(faults)) }
        return lines.joined(separator: "\n")
    }

    /// R-ALARMQ (§3.7).
    func alarmReport() -> String {
        [
            "ALARM function: " + (persistent.alarmArmed ? "Enabled" : "Disabled"),
            equipment.contains(.alarmInput) && volatile.sensorConnected ? ReplyText.sensorsConnected : ReplyText.sensorsNotConnected,
            volatile.alarm.activitySinceArming ? ReplyText.activityDetected : ReplyText.noActivity,
            equipment.contains(.microRelay)
                ? "Microrelay: " + (persistent.microRelayTime > 0 ? "Enabled" : "Disabled") : ReplyText.microRelayNotConnected,
        ].joined(separator: "\n")
    }
}
