/// The scheduler: up to 8 rules `hh:mm,day,action` on the device clock (spec §4.12).
///
/// One timer stands for the next rule due; it is recomputed whenever the rules or the clock change. Each
/// rule fires at most once per calendar day of the device clock (§5 A71): the day it last fired is
/// persisted with it, so neither setting the clock back across its time nor a restart makes it fire twice.
///
/// The rules' times are wall-clock readings, turned into instants through the zone's rules
/// (``ZoneRules/instant(hour:minute:onDay:)``): a rule fires the first time the clock shows its time, so
/// once in the hour the autumn change repeats, and at the moment the clock jumps over it in the hour the
/// spring change skips (03:30 in Helsinki's skipped hour fires at 04:00). A wall clock (no zone
/// configured) is the same computation on UTC+0 over its own reading, where every time shows once.
extension SocketCore {
    mutating func scheduleNextRule() {
        guard !model.isLight, volatile.poweredUp, let (clock, rules, now) = schedulerClock,
            let next = persistent.schedule.compactMap({ nextFiring(of: $0, after: now, in: rules) }).min()
        else {
            emit(.cancelTimer(.scheduler))
            return
        }
        emit(.schedule(.scheduler, at: Instant(seconds: next - clock.offsetSeconds)))
    }

    mutating func schedulerFired() {
        guard let (_, rules, now) = schedulerClock else { return }
        let today = ScheduleRule.day(ofWallSeconds: rules.localSeconds(at: now))
        // Rules of the same minute fire in insertion order; actions confirm nothing except INF. A rule is due
        // within the minute from its instant (the day before too: a rule near midnight whose hour repeats).
        for rule in persistent.schedule {
            let due = [today, today - 1].first { day in
                guard persistent.ruleLastFired[rule] != day, let at = rule.firing(onDay: day, in: rules) else { return false }
                return at <= now && now < at + 60
            }
            guard let day = due else { continue }
            update { $0.ruleLastFired[rule] = day }
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

    /// The time line the scheduler reckons on: the device clock, the rules that give its local reading (the
    /// configured zone's for a clock that follows it, UTC+0 over a wall clock's reading), and its reading now
    /// on that line; nil while the clock is unset or reads outside ``ScheduleRule/wallSecondsRange``, where
    /// no rule fires.
    private var schedulerClock: (DeviceClock, ZoneRules, Int64)? {
        guard let clock = persistent.clock else { return nil }
        let rules = clock.followsZone ? zone ?? .utc : .utc
        let (seconds, overflow) = now.seconds.addingReportingOverflow(clock.offsetSeconds)
        guard !overflow, ScheduleRule.wallSecondsRange.contains(seconds),
            ScheduleRule.wallSecondsRange.contains(rules.localSeconds(at: seconds))
        else { return nil }
        return (clock, rules, seconds)
    }

    /// The rule's first firing strictly after `now`, passing over the day on which it already fired.
    private func nextFiring(of rule: ScheduleRule, after now: Int64, in rules: ZoneRules) -> Int64? {
        let today = ScheduleRule.day(ofWallSeconds: rules.localSeconds(at: now))
        for day in (today - 1)...(today + 8) where persistent.ruleLastFired[rule] != day {
            if let at = rule.firing(onDay: day, in: rules), at > now { return at }
        }
        return nil
    }
}
