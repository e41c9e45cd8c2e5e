/// The scheduler: up to 8 rules `hh:mm,day,action` on the device clock (spec §4.12).
///
/// One timer stands for the next rule due; it is recomputed whenever the rules or the clock change. Each
/// rule fires at most once per calendar day of the device clock (§5 A71): the day it last fired is
/// persisted with it, so neither setting the clock back across its time nor a restart makes it fire twice.
extension SocketCore {
    mutating func scheduleNextRule() {
        guard !model.isLight, volatile.poweredUp, let (clock, wall) = schedulerWallClock, !persistent.schedule.isEmpty else {
            emit(.cancelTimer(.scheduler))
            return
        }
        let next = persistent.schedule.map { nextFiring(of: $0, after: wall) }.min()!
        emit(.schedule(.scheduler, at: Instant(seconds: next - clock.offsetSeconds)))
    }

    mutating func schedulerFired() {
        guard let (_, wall) = schedulerWallClock else { return }
        let time = CivilTime(epochSeconds: wall)
        let today = ScheduleRule.day(ofWallSeconds: wall)
        // Rules of the same minute fire in insertion order; actions confirm nothing except INF.
        for rule in persistent.schedule where rule.matches(time) && persistent.ruleLastFired[rule] != today {
            update { $0.ruleLastFired[rule] = today }
            switch rule.action {
            case .on: setMain(true)
            case .off: setMain(false)
            case .info: notifyAlertNumbers(statusReport())
            case .armAlarm: armAlarm()
            case .disarmAlarm: disarmAlarm()
            case .rule(let name): emit(.ruleAction(name))
            }
        }
        scheduleNextRule()
    }

    /// Removes the rules `predicate` selects, and the days they last fired: a rule added again later is a new
    /// rule (one added for a time still ahead today fires today).
    mutating func removeRules(where predicate: (ScheduleRule) -> Bool) {
        update {
            $0.schedule.removeAll(where: predicate)
            let kept = Set($0.schedule)
            $0.ruleLastFired = $0.ruleLastFired.filter { kept.contains($0.key) }
        }
        scheduleNextRule()
    }

    /// The device clock and its reading now in wall-clock seconds; nil while the clock is unset or reads
    /// outside ``ScheduleRule/wallSecondsRange``, where no rule fires.
    private var schedulerWallClock: (DeviceClock, Int64)? {
        guard let clock = persistent.clock else { return nil }
        let (wall, overflow) = now.seconds.addingReportingOverflow(clock.offsetSeconds)
        guard !overflow, ScheduleRule.wallSecondsRange.contains(wall) else { return nil }
        return (clock, wall)
    }

    /// The rule's next firing after `wall`, passing over a day on which it already fired.
    private func nextFiring(of rule: ScheduleRule, after wall: Int64) -> Int64 {
        let candidate = rule.nextFiring(after: wall)
        guard persistent.ruleLastFired[rule] == ScheduleRule.day(ofWallSeconds: candidate) else { return candidate }
        return rule.nextFiring(after: candidate)
    }
}
