import TestSupport
import Testing
@testable import OneWire

@Suite struct W1SlaveParserTests {
    @Test("Good w1_slave texts", arguments: [
        (w1Slave("40 01 4b 46 7f ff 10 10 1d", t: 20000), 20000),
        (w1Slave("91 01 4b 46 7f ff 0f 10 25", t: 25062), 25062),
        (w1Slave("5e ff 4b 46 7f ff 02 10 b6", t: -10125), -10125),
        // A genuine 85 °C: byte 6 is not the power-on 0c.
        (w1Slave("50 05 4b 46 7f ff 10 10 bd", t: 85000), 85000),
        // The ends of the range.
        (w1Slave("90 fc 4b 46 7f ff 10 10 ee", t: -55000), -55000),
        (w1Slave("d0 07 4b 46 7f ff 10 10 55", t: 125000), 125000),
    ])
    func accepts(text: String, milliCelsius: Int) throws {
        let measurement = try W1SlaveParser.parseSlave(text).get()
        #expect(measurement.milliCelsius == milliCelsius)
        #expect(measurement.celsius == Double(milliCelsius) / 1000)
        #expect(measurement.scratchpad?.count == 9)
    }

    @Test("Rejected w1_slave texts", arguments: [
        // Nothing answered; only older kernels print such NO lines.
        (w1Slave("ff ff ff ff ff ff ff ff ff", "NO", t: -62, crc: "c9"), W1Rejection.crcFlaggedBad),
        // A good-looking scratchpad whose driver verdict is NO is still not used.
        (w1Slave("40 01 4b 46 7f ff 10 10 1d", "NO", t: 20000), .crcFlaggedBad),
        // Power-on value: 85 °C with byte 6 = 0c.
        (w1Slave("50 05 4b 46 7f ff 0c 10 1c", t: 85000), .powerOnReset),
        // 127.937 °C with byte 6 = 0c (the fixture of hardware-notes A) is the power-on class too.
        (w1Slave("ff 07 4b 46 7f ff 0c 10 a6", t: 127937), .powerOnReset),
        (w1Slave("ff 07 4b 46 7f ff 01 10 2f", t: 127937), .insufficientPower),
        // All zeros passes the CRC: a shorted line.
        (w1Slave("00 00 00 00 00 00 00 00 00", t: 0), .allZero),
        // The driver says YES, but byte 8 is not the CRC of bytes 0-7.
        (w1Slave("40 01 4b 46 7f ff 10 10 1e", t: 20000, crc: "1e"), .crcMismatch(expected: 0x1E, computed: 0x1D)),
        (w1Slave("d1 07 4b 46 7f ff 0f 10 e2", t: 125062), .outOfRange(milliCelsius: 125062)),
        (w1Slave("80 fc 4b 46 7f ff 10 10 ba", t: -56000), .outOfRange(milliCelsius: -56000)),
        // An empty read: what kernels since 2020 give after 5 failed tries.
        ("", .empty),
        ("\n", .empty),
    ])
    func rejects(text: String, reason: W1Rejection) {
        #expect(W1SlaveParser.parseSlave(text) == .failure(reason))
    }

    @Test("Malformed w1_slave texts", arguments: [
        "40 01 4b 46 7f ff 10 10 1d : crc=1d YES\n",
        "40 01 4b 46 7f ff 10 10 1d crc=1d YES\n40 01 4b 46 7f ff 10 10 1d t=20000\n",
        "40 01 4b 46 7f ff 10 1d : crc=1d YES\n40 01 4b 46 7f ff 10 1d t=20000\n",
        "40 01 4b 46 7f ff 10 10 zz : crc=zz YES\n40 01 4b 46 7f ff 10 10 zz t=20000\n",
        "40 01 4b 46 7f ff 10 10 1d : crc=1d MAYBE\n40 01 4b 46 7f ff 10 10 1d t=20000\n",
        "40 01 4b 46 7f ff 10 10 1d : crc=1d YES\n40 01 4b 46 7f ff 10 10 1d\n",
        "40 01 4b 46 7f ff 10 10 1d : crc=1d YES\n40 01 4b 46 7f ff 10 10 1d t=2x000\n",
    ])
    func malformed(text: String) {
        guard case .failure(.malformed) = W1SlaveParser.parseSlave(text) else {
            Issue.record("accepted or misclassified: \(W1SlaveParser.parseSlave(text))")
            return
        }
    }

    @Test("The temperature file", arguments: [
        ("21437\n", Result<Int, W1Rejection>.success(21437)),
        ("-10125\n", .success(-10125)),
        ("0\n", .success(0)),
        ("", .failure(.empty)),
        ("85000\n", .failure(.powerOnReset)),
        ("127937\n", .failure(.insufficientPower)),
        ("125001\n", .failure(.outOfRange(milliCelsius: 125001))),
        ("-55001\n", .failure(.outOfRange(milliCelsius: -55001))),
        ("21.4\n", .failure(.malformed("\"21.4\" is not a whole number"))),
    ])
    func temperatureFile(text: String, expected: Result<Int, W1Rejection>) {
        #expect(W1SlaveParser.parseTemperature(text).map(\.milliCelsius) == expected)
        if case .success(let m) = W1SlaveParser.parseTemperature(text) { #expect(m.scratchpad == nil) }
    }

    @Test func rejectionsReadWell() {
        #expect(W1Rejection.crcMismatch(expected: 0x1E, computed: 0x0D).description == "CRC byte 1e but the bytes give 0d")
        #expect(W1Rejection.outOfRange(milliCelsius: 130000).description == "130000 m°C is outside −55000…125000")
    }
}
