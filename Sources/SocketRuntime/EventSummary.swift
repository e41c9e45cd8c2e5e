import SocketCore

/// Events and effects in plain words, for log lines a person reads (never Swift's enum dumps).
extension Event {
    var summary: String {
        switch self {
        case .powerUp: "power-up"
        case .sms(let sms): "SMS from \(sms.sender ?? "a hidden number")"
        case .localCommand: "local command"
        case .localSMS(let to, _): "local SMS to \(to)"
        case .incomingCall(let from): "call from \(from ?? "a hidden number")"
        case .callAnswered(let number): "answer of the call to \(number)"
        case .callEnded(let number, let outcome): "end of the call to \(number) (\(outcome.rawValue))"
        case .ussdReply: "USSD answer"
        case .temperature: "temperature reading"
        case .sensor(let closed): "alarm input \(closed ? "closed" : "open")"
        case .sensorConnected(let connected): "alarm sensor \(connected ? "plugged in" : "unplugged")"
        case .button: "button press"
        case .mains(let present): "mains \(present ? "back" : "lost")"
        case .signal: "signal report"
        case .timer(let id): id.summary
        case .hardwareFaults: "hardware fault report"
        case .hardwareService(let part, let working): "\(part) \(working ? "back in service" : "out of service")"
        case .modemOnline(let online): "modem \(online ? "online" : "offline")"
        case .networkTime: "network time"
        case .outputsFailed(let failed): "failure of the \(Relay.allCases.filter { failed[$0] != nil }.map(\.partName).joined(separator: " and "))"
        case .outputWorks(let relay): "recovery of the \(relay.partName)"
        case .rulesLoaded: "rules loaded"
        case .ruleCommandDone: "end of a rule's command"
        case .alarmResponseEnded: "end of a rule's alarm response"
        case .ruleSwitch(let relay, let on, _): "rule switching the \(relay.partName) \(on ? "on" : "off")"
        case .ruleSMS: "rule's SMS"
        case .ruleCall(_, let number, _): "rule's call to \(number)"
        case .ruleHangup: "rule's hang-up"
        case .ruleUSSD(_, let code): "rule's USSD request \(code)"
        case .importSettings: "settings import"
        }
    }
}

extension Effect {
    /// What the controller was doing, completing "could not …".
    var summary: String {
        switch self {
        case .sendSMS(let to, _): "send an SMS to \(to)"
        case .reply: "answer the local console"
        case .setRelay(let relay, let on): "switch the \(relay.partName) \(on ? "on" : "off")"
        case .placeCall(let number): "call \(number)"
        case .endCall(let number): "end the call to \(number)"
        case .rejectCall(let number): "hang up the call from \(number)"
        case .sendUSSD(let code): "send the USSD request \(code)"
        case .audio(let on): "switch the microphone channel \(on ? "on" : "off")"
        case .readTemperature: "read the thermometer"
        case .schedule(let id, _): "schedule the \(id.rawValue) timer"
        case .cancelTimer(let id): "cancel the \(id.rawValue) timer"
        case .powerDown: "power down"
        case .retractReplies: "take back replies"
        case .ruleAction(let name): "run the rule action \(name)"
        case .ruleCommand(let request): "run the rule command \(request.keyword)"
        case .alarmResponse(let start): start ? "start the rules' alarm response" : "stop the rules' alarm response"
        case .notice: "tell the rules"
        case .ruleCallDone: "tell a rule how its call ended"
        case .ruleUSSDDone: "give a rule its USSD answer"
        case .note: "log a note"
        case .verdict: "log what became of a message"
        }
    }
}

extension TimerID {
    var summary: String {
        switch self {
        case .mainRelay: "timed switch of the main socket (ON<n>, OFF<n>, RESTART)"
        case .microRelay: "timed switch of the micro-relay"
        case .temperatureReading: "thermometer reading"
        case .alarmLockout: "end of the alarm lockout"
        case .alarmPulse: "end of the micro-relay's alarm pulse"
        case .callRing: "end of a call's ringing"
        case .callListen: "end of listening in on a call"
        case .factoryResetWindow: "end of the factory-reset window"
        case .batteryShutdown: "end of the battery run"
        case .ussdTimeout: "USSD timeout"
        case .scheduler: "scheduler rule"
        case .thermostatFailSafe: "thermostat fail-safe"
        }
    }
}
