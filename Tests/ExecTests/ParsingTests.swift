import Testing

@testable import Exec

@Suite struct ParsingTests {
    @Test(arguments: [
        ("21.5", 21.5), ("-3", -3), ("+4", 4), ("  22.25 \t", 22.25), ("0", 0), ("-0.0625", -0.0625), ("85.000", 85),
    ])
    func temperature(line: String, celsius: Double) {
        #expect(parseTemperature(line) == celsius)
    }

    @Test(arguments: ["", "  ", "abc", "21.5 C", "21,5", "nan", "inf", "1e3", "--1", "21.5.1", "0x10"])
    func notATemperature(line: String) {
        #expect(parseTemperature(line) == nil)
    }

    @Test(arguments: [("0", false), ("1", true), (" 1 ", true), ("0\r", false)])
    func level(line: String, level: Bool) {
        #expect(parseLevel(line) == level)
    }

    @Test(arguments: ["", "2", "on", "01", "1 0", "true"])
    func notALevel(line: String) {
        #expect(parseLevel(line) == nil)
    }

    /// Fed one byte at a time, as a pipe may deliver them.
    @Test func linesByteByByte() {
        var splitter = LineSplitter()
        var lines: [String] = []
        for byte in Array("1\r\n0\n\nhello w\u{f6}rld\ntail".utf8) { lines += splitter.append([byte]) }
        #expect(lines == ["1", "0", "", "hello w\u{f6}rld"])
        #expect(splitter.finish() == "tail")
        #expect(splitter.finish() == nil)
    }

    @Test func overlongLineIsCut() {
        var splitter = LineSplitter()
        let lines = splitter.append(Array(repeating: UInt8(ascii: "7"), count: 10_000) + Array("\n1\n".utf8))
        #expect(lines == [String(repeating: "7", count: LineSplitter.maximumLineLength), "1"])
    }

    @Test(arguments: [
        (["/usr/local/bin/read-temp", "--probe", "2"], "/usr/local/bin/read-temp --probe 2"),
        (["/bin/sh", "-c", "echo it's; exit 3"], #"/bin/sh -c 'echo it'\''s; exit 3'"#),
        (["relay", ""], "relay ''"),
    ])
    func commandLine(arguments: [String], text: String) {
        #expect(quotedCommandLine(arguments) == text)
    }
}
