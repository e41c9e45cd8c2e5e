/// SALDO, SIMCARD and SALDOUMS: USSD requests whose answer is forwarded to whoever asked (spec §4.15).
extension SocketCore {
    mutating func startUSSD(_ code: String, for requester: ReplyTarget) -> Outcome {
        guard volatile.ussdRequester == nil else { return .refused(ReplyText.executeError) }
        volatile.ussdRequester = requester
        emit(.sendUSSD(code: code))
        schedule(.ussdTimeout, afterSeconds: Timing.ussdTimeout)
        return .deferred
    }

    mutating func ussdReply(_ text: String?) {
        guard let requester = volatile.ussdRequester else { return }
        volatile.ussdRequester = nil
        emit(.cancelTimer(.ussdTimeout))
        if case .rule(let id) = requester { return emit(.ruleUSSDDone(id: id, answer: text.flatMap { $0.isEmpty ? nil : $0 })) }
        guard let text, !text.isEmpty else { return replyError(ReplyText.executeError, to: requester) }
        reply(GSMAlphabet.truncatedToOneSMS(text), to: requester)
    }

    mutating func ussdTimedOut() {
        guard let requester = volatile.ussdRequester else { return }
        volatile.ussdRequester = nil
        if case .rule(let id) = requester { return emit(.ruleUSSDDone(id: id, answer: nil)) }
        replyError(ReplyText.executeError, to: requester)
    }
}
