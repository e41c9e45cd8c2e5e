/// The alarm function: arming, triggers, the notification cycle, the lockout, the micro-relay pulse and
/// the alarm log (spec §4.10). States: disarmed → ready → cycle → lockout → ready.
struct AlarmState: Sendable {
    enum Phase: Sendable { case disarmed, ready, cycle, lockout }
    var phase = Phase.disarmed
    /// SMSCHANGE reports changes against the value it last reported.
    var lastReportedActive = false
    var activitySinceArming = false
    var pulseActive = false
    /// Index into ALERTNUMBER of the next number a CALL cycle rings.
    var nextCallIndex = 0
    var audioOn = false
    /// A rule's `alarm_response` runs the notification cycle.
    var ruleResponseRunning = false
}

extension SocketCore {
    /// SENSORTYPE=NO: active when closed; NC: active when open.
    var sensorActive: Bool {
        persistent.sensorType == .normallyOpen ? volatile.sensorClosed : !volatile.sensorClosed
    }

    mutating func armAlarm() {
        // A scheduler AON stored before the alarm input was removed from the board.
        guard equipment.contains(.alarmInput) else { return emit(.note("no alarm input on this board: the alarm stays disarmed")) }
        guard !persistent.alarmArmed else {
            volatile.alarm.activitySinceArming = false
            return
        }
        update { $0.alarmArmed = true }
        emit(.notice(.armed(true)))
        startAlarmEngine(resetActivity: true)
    }

    mutating func startAlarmEngine(resetActivity: Bool) {
        volatile.alarm.phase = .ready
        volatile.alarm.lastReportedActive = sensorActive
        if resetActivity { volatile.alarm.activitySinceArming = false }
        evaluateAlarmInput()
    }

    /// Disarming aborts a running cycle, releases the micro-relay and clears the lockout.
    mutating func disarmAlarm() {
        if persistent.alarmArmed {
            update { $0.alarmArmed = false }
            emit(.notice(.armed(false)))
        }
        // The owner disarmed: the rule's cycle stops and nothing more is sent.
        if volatile.alarm.ruleResponseRunning {
            volatile.alarm.ruleResponseRunning = false
            emit(.alarmResponse(start: false))
        }
        if let call = volatile.call, call.purpose == .alarm { hangUp(call) }
        releasePulse()
        if volatile.alarm.phase == .lockout { emit(.cancelTimer(.alarmLockout)) }
        volatile.alarm.phase = .disarmed
    }

    mutating func sensorChanged(closed: Bool) {
        let wasActive = sensorActive
        volatile.sensorClosed = closed
        if sensorActive != wasActive { emit(.notice(.sensor(active: sensorActive))) }
        evaluateAlarmInput()
    }

    /// In READY a trigger is the sensor being active (or, for SMSCHANGE, differing from what was reported).
    mutating func evaluateAlarmInput() {
        guard !model.isLight, volatile.alarm.phase == .ready else { return }
        let active = sensorActive
        if persistent.alertMode == .smsChange ? active != volatile.alarm.lastReportedActive : active {
            trigger(active: active)
        }
    }

    private mutating func trigger(active: Bool) {
        let entry = AlarmLogEntry(time: wallClock)
        update {
            $0.alarmLog.append(entry)
            if $0.alarmLog.count > PersistentState.alarmLogCapacity { $0.alarmLog.removeFirst() }
        }
        volatile.alarm.activitySinceArming = true
        let mode = persistent.alertMode
        if persistent.microRelayTime >= 1, mode != .smsChange || active {
            setMicro(true)
            volatile.alarm.pulseActive = true
            schedule(.alarmPulse, afterSeconds: Int64(persistent.microRelayTime))
        }
        volatile.alarm.phase = .cycle
        emit(.notice(.alarm))
        if ruleRunsAlarmResponse { return startRuleAlarmResponse() }
        switch mode {
        case .sms:
            notifyAlertNumbers(ReplyText.alarmSMS)
            endCycle()
        case .smsChange:
            volatile.alarm.lastReportedActive = active
            notifyAlertNumbers(ReplyText.sensorState(active: active))
            endCycle()
        case .off:
            endCycle()
        case .call:
            volatile.alarm.nextCallIndex = 0
            callNextAlertNumber()
        }
    }

    /// CALL cycle: ring each number once in list order; if nobody answers or rejects, SMS everyone.
    mutating func callNextAlertNumber() {
        let index = volatile.alarm.nextCallIndex
        guard index < persistent.alertNumbers.count else {
            notifyAlertNumbers(ReplyText.alarmSMS)
            return endCycle()
        }
        volatile.alarm.nextCallIndex += 1
        placeCall(to: Self.dialString(persistent.alertNumbers[index]), purpose: .alarm)
    }

    mutating func endCycle() {
        guard volatile.alarm.phase == .cycle else { return }
        volatile.alarm.phase = .lockout
        schedule(.alarmLockout, afterSeconds: Timing.alarmLockout)
    }

    mutating func lockoutEnded() {
        guard volatile.alarm.phase == .lockout else { return }
        volatile.alarm.phase = .ready
        evaluateAlarmInput()
    }

    mutating func pulseEnded() { releasePulse() }

    /// The pulse ends at MICRORELAYTIME or when an alarm call is answered or rejected, whichever is first.
    mutating func releasePulse() {
        guard volatile.alarm.pulseActive else { return }
        volatile.alarm.pulseActive = false
        emit(.cancelTimer(.alarmPulse))
        setMicro(false)
    }
}
