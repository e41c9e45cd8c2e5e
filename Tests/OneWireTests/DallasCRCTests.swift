import Testing
@testable import OneWire

@Suite struct DallasCRCTests {
    /// Scratchpads read from DS18B20s (hardware-notes A) and the CRC byte each carries.
    @Test(arguments: [
        ("40 01 4b 46 7f ff 10 10", 0x1D),
        ("91 01 4b 46 7f ff 0f 10", 0x25),
        ("5e ff 4b 46 7f ff 02 10", 0xB6),
        ("ff 07 4b 46 7f ff 0c 10", 0xA6),
        ("50 05 4b 46 7f ff 0c 10", 0x1C),
        ("ff ff ff ff ff ff ff ff", 0xC9),
        ("00 00 00 00 00 00 00 00", 0x00),
    ] as [(String, UInt8)])
    func checksumOfFirstEightBytes(bytes: String, crc: UInt8) {
        let data = bytes.split(separator: " ").map { UInt8($0, radix: 16)! }
        #expect(DallasCRC.checksum(data) == crc)
        // Over the bytes and their CRC the result is zero, as the datasheet uses it.
        #expect(DallasCRC.checksum(data + [crc]) == 0)
    }

    @Test func emptyInputIsZero() {
        #expect(DallasCRC.checksum([UInt8]()) == 0)
    }
}
