/// The Dallas/Maxim 1-Wire CRC-8 (polynomial x⁸ + x⁵ + x⁴ + 1, processed LSB-first, so the reflected
/// constant is `0x8C`), the check byte at the end of a DS18x20 scratchpad.
///
/// The kernel prints its own verdict (`crc=1d YES`), but the controller recomputes it: a line whose
/// verdict and bytes disagree was garbled somewhere, and trusting either half would be a guess.
public enum DallasCRC {
    /// The CRC of `bytes`, starting from 0 as the sensors do.
    ///
    /// Over a scratchpad's first eight bytes it equals the ninth; over all nine it is 0.
    public static func checksum(_ bytes: some Sequence<UInt8>) -> UInt8 {
        var crc: UInt8 = 0
        for byte in bytes {
            crc = table[Int(crc ^ byte)]
        }
        return crc
    }

    /// One entry per value of `crc ^ byte`: eight shift-and-xor steps done once, at first use, so a
    /// reading costs eight lookups.
    private static let table: [UInt8] = (0...255).map { (index: Int) -> UInt8 in
        var crc = UInt8(index)
        for _ in 0..<8 {
            crc = crc & 1 == 1 ? (crc >> 1) ^ 0x8C : crc >> 1
        }
        return crc
    }
}
