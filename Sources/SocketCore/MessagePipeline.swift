/// Where a command came from; decides security, the configuration window and where replies go.
public enum Origin: Equatable, Hashable, Sendable {
    /// An SMS: `replyTo` is nil when the sender cannot be answered (hidden, alphanumeric, short code).
    case sms(replyTo: String?, timestamp: NetworkTimestamp?)
    /// The trusted local console or a rule: no password, no window, every reply returned.
    case local
}

/// Where a reply goes once it is known (USSD answers arrive later than their command).
enum ReplyTarget: Hashable, Sendable {
    case sms(String)
    case local
    /// A rule's `ussd` call, by its request number: answered with ``Effect/ruleUSSDDone(id:answer:)``.
    case rule(Int)
    case nobody

    init(_ origin: Origin) {
        switch origin {
        case .sms(let replyTo, _): self = replyTo.map(ReplyTarget.sms) ?? .nobody
        case .local: self = .local
        }
    }
}

/// What executing a command produced.
enum Outcome {
    /// Success with this confirmation text.
    case done(String)
    /// A documented refusal or failure: an error-class reply (§5 A18).
    case refused(String)
    /// The reply comes later (USSD).
    case deferred
}

extension SocketCore {
    /// Spec §2.7, the processing pipeline, for one incoming SMS; reports what became of it (``Verdict``).
    mutating func receive(_ sms: IncomingSMS) {
        // §4.9: a clock that was never set is taken from the first SMS's time stamp.
        if let stamp = sms.timestamp { setClockIfUnset(from: stamp) }
        let body = Self.trimmed(sms.text)
        let shown = Redaction.incoming(body, persistent.passwords)
        func verdict(_ outcome: Verdict.Outcome) {
            emit(.verdict(Verdict(command: shown, outcome: outcome)))
        }
        // 1. Longer than 30 characters: dropped without a word, whatever the settings say (§2.4).
        let length = body.unicodeScalars.count
        guard length <= Timing.maxMessageLength else {
            return emit(.verdict(Verdict(command: nil, outcome: .tooLong(characters: length))))
        }
        // An empty message is no command: no action, no reply (§5 A69).
        guard !body.isEmpty else { return emit(.verdict(Verdict(command: nil, outcome: .empty))) }
        let origin = Origin.sms(replyTo: Self.replyAddress(sms.sender), timestamp: sms.timestamp)
        // 2. The allowed-number list (§2.12).
        if persistent.secListActive {
            let caller = Self.listForm(sms.sender)
            guard let caller, persistent.secNumbers.contains(caller) else {
                if persistent.smsConfirmUnauthorised { replyError(ReplyText.accessDenied, to: ReplyTarget(origin)) }
                return verdict(.notOnList)
            }
        }
        // 3. The access password, compared case-sensitively (§2.14, §5 A13).
        var command = body[...]
        if let password = persistent.password {
            guard command.hasPrefix(password) else {
                replyError(ReplyText.invalidPassword, to: ReplyTarget(origin))
                return verdict(.wrongPassword)
            }
            command = command.dropFirst(password.count)
        }
        verdict(process(String(command), origin: origin))
    }

    /// A command from the local console: trusted, and reported like an SMS.
    mutating func receiveLocal(_ text: String) {
        let secrets = persistent.secrets
        let outcome = process(text, origin: .local)
        emit(.verdict(Verdict(command: Redaction.hiding(secrets, in: Redaction.command(text)), outcome: outcome)))
    }

    /// Steps 4–9 of §2.7 for a command body (password already removed); returns what became of it.
    mutating func process(_ body: String, origin: Origin) -> Verdict.Outcome {
        let target = ReplyTarget(origin)
        let trusted = origin == .local
        let echo = body
        switch CommandParser.parse(body) {
        case .unknown:
            // Spaces before a keyword do not count, for a rule's command as for a built-in one (§2.16).
            let command = String(body.drop { $0 == " " })
            if let (keyword, kind, args) = ruleCommand(in: command) {
                return processRuleCommand(command, keyword: keyword, kind: kind, args: args, origin: origin)
            }
            replyError(ReplyText.unknownCommand(echo), to: target)
            return .unknownCommand
        case .invalidValue(let keyword, let commandClass):
            guard model.isLight == false || keyword.availableOnLight else {
                replyError(ReplyText.unknownCommand(echo), to: target)
                return .notOnThisModel
            }
            if commandClass == .configuration, !trusted, !windowOpen {
                replyError(ReplyText.windowExpired(echo), to: target)
                return .windowClosed
            }
            replyError(ReplyText.incorrectValue, to: target)
            return .incorrectValue
        case .command(let command, let keyword):
            guard model.isLight == false || keyword.availableOnLight else {
                replyError(ReplyText.unknownCommand(echo), to: target)
                return .notOnThisModel
            }
            let commandClass = command.commandClass
            if commandClass == .configuration, !trusted, !windowOpen {
                replyError(ReplyText.windowExpired(echo), to: target)
                return .windowClosed
            }
            // A part the board does not have cannot do what the command asks (§2.7 step 8).
            if let part = command.requiredEquipment, !equipment.contains(part) {
                replyError(ReplyText.executeError, to: target)
                return .missingPart
            }
            volatile.requester = target
            let outcome = execute(command, origin: origin)
            volatile.requester = .nobody
            switch outcome {
            case .done(let text):
                if commandClass == .configuration { renewWindow() }
                if command.alwaysAnswers || persistent.smsConfirm || trusted {
                    reply(text, to: target)
                }
                return .done
            case .refused(let text):
                replyError(text, to: target)
                return .refused(text)
            case .deferred:
                return .answerLater
            }
        }
    }

    /// Sets the device clock from a network time stamp unless it is already set (DATE= and DATESMS win).
    mutating func setClockIfUnset(from stamp: NetworkTimestamp) {
        guard persistent.clock == nil else { return }
        let clock = DeviceClock.setting(stamp.local, tag: stamp.zoneTag, exact: stamp.zoneQuarterHours != nil, at: now, following: zone)
        update { $0.clock = clock }
        scheduleNextRule()
    }

    var windowOpen: Bool { now < volatile.windowDeadline }

    mutating func renewWindow() {
        volatile.windowDeadline = now.adding(seconds: Timing.configurationWindow)
    }

    mutating func reply(_ text: String, to target: ReplyTarget) {
        switch target {
        case .sms(let address): emit(.sendSMS(to: address, text: text))
        case .local: emit(.reply(text))
        case .rule, .nobody: break
        }
    }

    /// Error-class replies go out only with ERROR=ON (§2.11); the local console always hears them.
    mutating func replyError(_ text: String, to target: ReplyTarget) {
        guard persistent.errorReplies || target == .local else { return }
        reply(text, to: target)
    }

    /// The body without leading and trailing white space (spaces, tabs, CR, LF), as §2.4 counts it.
    static func trimmed(_ text: String) -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }
        guard let first = text.firstIndex(where: { !isSpace($0) }), let last = text.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return text[first...last]
    }
}
