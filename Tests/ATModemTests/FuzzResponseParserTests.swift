import SocketCore
import Testing
import FuzzTargets
import TestSupport
@testable import ATModem

/// Nothing a modem sends stops the daemon: the response parsers and the calendar arithmetic they call take
/// any line and any number without trapping (issue 7, item 3).
@Suite struct FuzzResponseParserTests {
    @Test(arguments: [
        ("*PSUTTZ", #"20171234567890123,11,28,15,35,58,"+12",0"#),
        ("+QLTS", #""20191234567890123/01/13,03:40:48+32,0""#),
        ("*PSUTTZ", #"-9223372036854775808,11,28,15,35,58,"+12",0"#),
        ("*PSUTTZ", #"2017,11,28,15,35,58,"+9223372036854775807",0"#),
        ("*PSUTTZ", #"2017,9223372036854775807,28,15,35,58,"+12",0"#),
        ("*PSUTTZ", #"2017,11,28,9223372036854775807,35,58,"+12",0"#),
        ("+QLTS", #""2019/01/13,03:40:9223372036854775807+32,0""#),
        ("+QLTS", #""2019/01/13,03:40:48-9223372036854775808,0""#),
        ("*PSUTTZ", #"1999,12,31,23,59,59,"+00",0"#),
        ("*PSUTTZ", #"2100,1,1,0,0,0,"+00",0"#),
        ("*PSUTTZ", #"2017,0,28,15,35,58,"+12",0"#),
        ("*PSUTTZ", #"2017,13,28,15,35,58,"+12",0"#),
        ("*PSUTTZ", #"2017,2,29,15,35,58,"+12",0"#),
        ("*PSUTTZ", #"2017,4,31,15,35,58,"+12",0"#),
        ("*PSUTTZ", #"2017,11,0,15,35,58,"+12",0"#),
        ("*PSUTTZ", #"2017,11,28,24,35,58,"+12",0"#),
        ("*PSUTTZ", #"2017,11,28,15,60,58,"+12",0"#),
        ("*PSUTTZ", #"2017,11,28,15,35,60,"+12",0"#),
        ("*PSUTTZ", #"2017,11,28,-1,35,58,"+12",0"#),
        ("*PSUTTZ", #"2017,11,28,15,35,58,"+57",0"#),
        ("*PSUTTZ", #"2017,11,28,15,35,58,"-49",0"#),
        ("*PSUTTZ", #"2017,11,28,15,35,58"#),
        ("+QLTS", #""2019/01/13,03:40:48,0""#),
        ("+QLTS", ""),
    ] as [(String, String)])
    func absurdNetworkTimesAreRefused(name: String, value: String) {
        #expect(ATResponseParser.networkTime(name: name, value: value) == nil)
    }

    @Test(arguments: [
        ("*PSUTTZ", #"2000,1,1,0,0,0,"-48",0"#, pduStamp(1999, 12, 31, 12, 0, 0, zone: -48)),
        ("*PSUTTZ", #"2099,12,31,23,59,59,"+56",1"#, pduStamp(2100, 1, 1, 13, 59, 59, zone: 56)),
        ("*PSUTTZ", #"2024,2,29,12,0,0,"+0",0"#, pduStamp(2024, 2, 29, 12, 0, 0, zone: 0)),
        ("+QLTS", #""2019/01/13,03:40:48-20,0""#, pduStamp(2019, 1, 12, 22, 40, 48, zone: -20)),
    ] as [(String, String, NetworkTimestamp)])
    func networkTimesAtTheEdges(name: String, value: String, expected: NetworkTimestamp) {
        #expect(ATResponseParser.networkTime(name: name, value: value) == expected)
    }

    /// The calendar helpers take any field values: exact in range, no trap outside.
    @Test func civilTimeNeverTraps() {
        let extremes = [Int.min, Int.min + 1, -1_000_000_000_000, -1, 0, 1, 12, 31, 1_000_000_000_000, Int.max - 1, Int.max]
        var rng = SplitMix64(seed: 0xC1)
        for _ in 0..<5_000 {
            let fields = (0..<6).map { _ in extremes.randomElement(using: &rng)! }
            let time = CivilTime(year: fields[0], month: fields[1], day: fields[2], hour: fields[3], minute: fields[4], second: fields[5])
            _ = time.epochSeconds
            _ = time.isoWeekday
            _ = time.deviceFormat
            _ = time.iso8601UTC
            _ = CivilTime.daysInMonth(year: fields[0], month: fields[1])
        }
        for seconds in [Int64.min, Int64.min + 1, -86_401, -1, 0, Int64.max - 1, Int64.max] {
            let time = CivilTime(epochSeconds: seconds)
            #expect((0...23).contains(time.hour) && (0...59).contains(time.minute) && (0...59).contains(time.second))
            _ = time.isoWeekday
        }
        for _ in 0..<5_000 {
            let seconds = Int64.random(in: -10_000_000_000_000...10_000_000_000_000, using: &rng)
            #expect(CivilTime(epochSeconds: seconds).epochSeconds == seconds)
        }
        #expect(CivilTime(epochSeconds: -1) == CivilTime(year: 1969, month: 12, day: 31, hour: 23, minute: 59, second: 59))
        #expect(CivilTime(year: 1970, month: 1, day: 1, hour: 0, minute: 0, second: 0).isoWeekday == 4)
    }

    static let realLines = [
        "17,0", "99,99", "0,1", "2,5,\"00C1\",\"1234\",7", "1", "\"+3581234567\",145,,,,0", "\"\",128,,,,1",
        "1,0,2,0,0,\"+3581\",145", "1,1,4,0,0,\"+3581\",145,\"\"", "0,\"Available Balance: R 96.45 .\",15",
        "1,\"0414043B044F\",72", "4", "\"SM\",3", "\"ME\",12", "(\"SM\",\"ME\"),(\"SM\",\"ME\"),(\"SM\",\"ME\")",
        "\"SM\",3,50,\"SM\",3,50,\"ME\",0,100", "1,0,,26", "0,,26", "2017,11,28,15,35,58,\"+12\",0",
        "\"2019/01/13,03:40:48+32,0\"", "\"a,b\",,c", "",
    ]

    /// Random and mutated lines through every parser (the `at-decoder` fuzz target's check): never a trap, and a
    /// network time always in range.
    @Test func parsersTakeAnyLine() {
        var rng = SplitMix64(seed: 0xA7)
        let alphabet = Array("0123456789,\"+-/: abcAZ\u{FFFD}é\t99999999999999999999")
        for iteration in 0..<15_000 {
            var line: [Character]
            if iteration % 2 == 0 {
                line = (0..<Int.random(in: 0...60, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
            } else {
                line = Array(Self.realLines.randomElement(using: &rng)!)
                for _ in 0..<Int.random(in: 1...4, using: &rng) {
                    let position = Int.random(in: 0...line.count, using: &rng)
                    switch Int.random(in: 0..<3, using: &rng) {
                    case 0: line.insert(alphabet.randomElement(using: &rng)!, at: position)
                    case 1 where position < line.count: line.remove(at: position)
                    default:
                        if position < line.count { line[position] = alphabet.randomElement(using: &rng)! }
                    }
                }
            }
            let text = String(line)
            #expect(ATFuzz.checkParsers(text).isEmpty, "\(text.debugDescription)")
        }
    }
}
