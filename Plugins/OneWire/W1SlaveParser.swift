/// A temperature that passed every check.
public struct W1Measurement: Hashable, Sendable {
    /// Thousandths of a degree Celsius, as the kernel reports them.
    public var milliCelsius: Int
    /// The nine scratchpad bytes when the reading came from `w1_slave`; nil for the `temperature` file.
    public var scratchpad: [UInt8]?

    public init(milliCelsius: Int, scratchpad: [UInt8]? = nil) {
        self.milliCelsius = milliCelsius
        self.scratchpad = scratchpad
    }

    /// Degrees Celsius.
    public var celsius: Double { Double(milliCelsius) / 1000 }
}

/// Why a reading was not trusted.
public enum W1Rejection: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file was empty: since the 2020 driver rework, this is how a read that failed 5 times reads.
    case empty
    /// The text is not in the driver's format; the associated text says what was wrong.
    case malformed(String)
    /// The driver's own check said `NO` (older kernels print such lines instead of an empty read).
    case crcFlaggedBad
    /// The driver said `YES`, but the ninth byte is not the CRC of the first eight.
    case crcMismatch(expected: UInt8, computed: UInt8)
    /// Every byte was zero, which passes the CRC: a shorted or half-disconnected data line.
    case allZero
    /// 85 °C (or 127.937 °C) with byte 6 = `0c`: the power-on value, no conversion happened. From the
    /// `temperature` file, which has no byte 6, any 85000 is taken to be this.
    case powerOnReset
    /// 127.937 °C (`ff 07`): the sensor lacked the power to convert.
    case insufficientPower
    /// Outside the −55…125 °C a DS18x20 can measure.
    case outOfRange(milliCelsius: Int)

    public var description: String {
        switch self {
        case .empty: "empty read"
        case .malformed(let what): "malformed: \(what)"
        case .crcFlaggedBad: "the driver's CRC check said NO"
        case .crcMismatch(let expected, let computed): "CRC byte \(hex(expected)) but the bytes give \(hex(computed))"
        case .allZero: "all bytes zero (shorted or half-disconnected line)"
        case .powerOnReset: "power-on value 85 °C (no conversion happened)"
        case .insufficientPower: "127.937 °C (insufficient power)"
        case .outOfRange(let t): "\(t) m°C is outside −55000…125000"
        }
    }
}

/// Reads the text of the kernel's `w1_slave` and `temperature` files and decides whether to trust it.
///
/// Pure: no I/O, so every rule below is tested on literal text. `w1_slave` is two lines, the nine
/// scratchpad bytes as `"%02x "` then the driver's CRC verdict, then the bytes again and `t=`:
///
///     40 01 4b 46 7f ff 10 10 1d : crc=1d YES
///     40 01 4b 46 7f ff 10 10 1d t=20000
public enum W1SlaveParser {
    /// The range a DS18x20 measures, in m°C.
    public static let validRange = -55_000...125_000
    static let powerOnMilliCelsius = 85_000
    static let insufficientPowerMilliCelsius = 127_937
    /// Byte 6 (COUNT_REMAIN) holds `0c` after power-on, before any conversion.
    static let powerOnCountRemain: UInt8 = 0x0C

    /// Checks a `w1_slave` text.
    ///
    /// Accepts it only if the driver said `YES`, the bytes are not all zero, the recomputed CRC matches
    /// byte 8, it is not the power-on or low-power value, and `t` is within ``validRange``.
    public static func parseSlave(_ text: String) -> Result<W1Measurement, W1Rejection> {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        if lines.allSatisfy({ $0.allSatisfy(\.isWhitespace) }) { return .failure(.empty) }
        guard lines.count >= 2 else { return .failure(.malformed("expected 2 lines, found \(lines.count)")) }

        // Line 1: the current read and the driver's verdict on it.
        let halves = lines[0].split(separator: ":", maxSplits: 1)
        guard halves.count == 2 else { return .failure(.malformed("no \": crc=\" on line 1")) }
        guard let bytes = scratchpad(halves[0]) else { return .failure(.malformed("line 1 does not start with 9 hex bytes")) }
        let verdict = halves[1].split(separator: " ")
        guard verdict.count == 2, verdict[0].hasPrefix("crc=") else { return .failure(.malformed("expected \"crc=XX YES|NO\" on line 1")) }
        switch verdict[1] {
        case "YES": break
        // `t` is computed from this read even when the check fails, so a NO line's t is never used.
        case "NO": return .failure(.crcFlaggedBad)
        default: return .failure(.malformed("expected YES or NO after crc=, found \"\(verdict[1])\""))
        }

        // Line 2: the bytes again, then t=.
        guard let last = lines[1].split(separator: " ").last, last.hasPrefix("t=") else {
            return .failure(.malformed("no t= at the end of line 2"))
        }
        let digits = last.dropFirst(2)
        guard let t = Int(digits) else { return .failure(.malformed("t=\(digits) is not a whole number")) }

        // All zeros has a CRC of zero too, so it must be caught before the CRC.
        if bytes.allSatisfy({ $0 == 0 }) { return .failure(.allZero) }
        let computed = DallasCRC.checksum(bytes[0..<8])
        guard computed == bytes[8] else { return .failure(.crcMismatch(expected: bytes[8], computed: computed)) }
        if bytes[6] == powerOnCountRemain, t == powerOnMilliCelsius || t == insufficientPowerMilliCelsius {
            return .failure(.powerOnReset)
        }
        return validate(t, scratchpad: bytes)
    }

    /// Checks a `temperature` text: whole m°C followed by a newline (kernels from about 5.8).
    ///
    /// The file carries no CRC and no byte 6, so only the value can be checked, and 85000 is rejected
    /// as a likely power-on value: a sensor hovering on exactly 85.000 °C is far rarer than one that
    /// browned out.
    public static func parseTemperature(_ text: String) -> Result<W1Measurement, W1Rejection> {
        let trimmed = text.filter { !$0.isWhitespace }
        if trimmed.isEmpty { return .failure(.empty) }
        guard let t = Int(trimmed) else { return .failure(.malformed("\"\(trimmed)\" is not a whole number")) }
        if t == powerOnMilliCelsius { return .failure(.powerOnReset) }
        return validate(t, scratchpad: nil)
    }

    private static func validate(_ t: Int, scratchpad: [UInt8]?) -> Result<W1Measurement, W1Rejection> {
        if t == insufficientPowerMilliCelsius { return .failure(.insufficientPower) }
        guard validRange.contains(t) else { return .failure(.outOfRange(milliCelsius: t)) }
        return .success(W1Measurement(milliCelsius: t, scratchpad: scratchpad))
    }

    /// Exactly nine two-digit hex bytes separated by spaces.
    private static func scratchpad(_ text: Substring) -> [UInt8]? {
        let fields = text.split(separator: " ")
        guard fields.count == 9 else { return nil }
        var bytes: [UInt8] = []
        for field in fields {
            guard field.utf8.count == 2, let byte = UInt8(field, radix: 16) else { return nil }
            bytes.append(byte)
        }
        return bytes
    }
}

private func hex(_ byte: UInt8) -> String {
    let digits = String(byte, radix: 16)
    return digits.count == 1 ? "0" + digits : digits
}
