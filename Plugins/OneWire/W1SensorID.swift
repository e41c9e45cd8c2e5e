/// The name of a thermometer on the 1-Wire bus as the kernel spells its directory: a family code, a
/// dash and the 48-bit serial in 12 lowercase hex digits, e.g. `28-0316a2795eff`.
///
/// Only the families the `w1_therm` driver serves as thermometers are accepted; anything else under
/// `/sys/bus/w1/devices` (the bus master, EEPROMs, switches) is not a thermometer.
public struct W1SensorID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The thermometer families of `w1_therm`: DS18S20, DS1822, DS18B20, DS1825 (also MAX31850K), DS28EA00.
    public static let families: [String] = ["10", "22", "28", "3b", "42"]

    /// The directory name, e.g. `28-0316a2795eff`.
    public let name: String

    /// The id named `name`, or nil unless it matches `^(10|22|28|3b|42)-[0-9a-f]{12}$`.
    ///
    /// Upper-case hex is refused rather than folded: the kernel always writes lower case, so such a name
    /// can never match a directory and would only ever read as missing.
    public init?(_ name: String) {
        let utf8 = Array(name.utf8)
        guard utf8.count == 15, utf8[2] == UInt8(ascii: "-") else { return nil }
        guard Self.families.contains(where: { $0.utf8.elementsEqual(utf8[0..<2]) }) else { return nil }
        let isLowerHex = { (c: UInt8) in (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(c) }
        guard utf8[3...].allSatisfy(isLowerHex) else { return nil }
        self.name = name
    }

    /// The family code, e.g. `28` for a DS18B20.
    public var family: String { String(name.prefix(2)) }

    public var description: String { name }

    public static func < (a: W1SensorID, b: W1SensorID) -> Bool { a.name < b.name }
}
