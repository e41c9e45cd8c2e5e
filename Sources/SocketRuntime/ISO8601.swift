import SocketCore

/// Parses the ISO 8601 UTC times the command line takes: `2026-01-05T08:00:00Z` (seconds and `Z` optional).
public enum ISO8601 {
    public static func parse(_ text: String) -> Instant? {
        var body = Substring(text)
        if body.hasSuffix("Z") { body = body.dropLast() }
        let halves = body.split(separator: "T", omittingEmptySubsequences: false)
        guard halves.count == 2 else { return nil }
        let date = halves[0].split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
        let time = halves[1].split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
        guard date.count == 3, (2...3).contains(time.count), let y = date[0], let mo = date[1], let d = date[2],
            let h = time[0], let mi = time[1], (1...12).contains(mo), d >= 1,
            d <= CivilTime.daysInMonth(year: y, month: mo), (0...23).contains(h), (0...59).contains(mi)
        else { return nil }
        let s = time.count == 3 ? time[2] : 0
        guard let s, (0...59).contains(s) else { return nil }
        return Instant(seconds: CivilTime(year: y, month: mo, day: d, hour: h, minute: mi, second: s).epochSeconds)
    }
}
