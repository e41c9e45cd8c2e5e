/// The scheduler: up to 8 rules `hh:mm,day,action` on the device clock (spec §4.12).
///
/// One timer stands for the next rule due; it is recomputed whenever the rules or the clock change.
extension SocketCore {
    mutating func scheduleNextRule() {
        guard !model.isLight, volatile.poweredUp, let clock = persistent.clock, !persistent.schedule.isEmpty else {
            emit(.cancelTimer(.scheduler))
            return
        }
        let wall = now.seconds + clock.offsetSeconds
        let next = persistent.schedule.map { $0.nextFiring(after: wall) }.min()!
        emit(.schedule(.scheduler, at: Instant(seconds: next - clock.offsetSeconds)))
    }

    mutating func schedulerFired() {
        guard let wall = wallClock else { return }
        // Rules of the same minute fire in insertion order; actions confirm nothing except INF.
        for rule in persistent.schedule where rule.matches(wall) {
            switch rule.action {
            case .on: setMain(true)
            case .off: setMain(false)
            case .info: notifyAlertNumbers(statusReport())
            case .armAlarm: armAlarm()
            case .disarmAlarm: disarmAlarm()
            }
        }
        scheduleNextRule()
    }
}
