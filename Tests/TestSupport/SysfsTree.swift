import Foundation

/// `w1_slave` exactly as the kernel prints it: the nine bytes as `"%02x "`, `": crc=%02x YES|NO\n"`,
/// the bytes again and `"t=%d\n"`. `crc` is the driver's own verdict byte; by default byte 8.
package func w1Slave(_ bytes: String, _ verdict: String = "YES", t: Int, crc: String? = nil) -> String {
    let crc = crc ?? String(bytes.suffix(2))
    return "\(bytes) : crc=\(crc) \(verdict)\n\(bytes) t=\(t)\n"
}

/// A temporary `/sys/bus/w1/devices` holding the kernel's files, removed when the value is released.
package final class SysfsTree: Sendable {
    /// The devices directory, given to ``W1Bus`` as its root.
    package let root: String
    private let base: String

    package init() throws {
        base = FileManager.default.temporaryDirectory.appendingPathComponent("onewire-\(UUID().uuidString)").path
        root = base + "/devices"
        // What the kernel always lists beside the sensors: the bus master, and here a non-thermometer
        // (a DS2413 switch, family 3a), neither of which may be taken for a sensor.
        try FileManager.default.createDirectory(atPath: root + "/w1_bus_master1", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/3a-00000012d0a5", withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: base) }

    /// Adds (or rewrites) a sensor directory with the given files.
    package func sensor(_ id: String, w1Slave: String? = nil, temperature: String? = nil) throws {
        let directory = root + "/" + id
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        if let w1Slave { try w1Slave.write(toFile: directory + "/w1_slave", atomically: true, encoding: .utf8) }
        if let temperature { try temperature.write(toFile: directory + "/temperature", atomically: true, encoding: .utf8) }
    }

    package func remove(_ id: String) throws { try FileManager.default.removeItem(atPath: root + "/" + id) }

    /// Removes the whole devices directory, as when the w1 modules are unloaded.
    package func removeBus() throws { try FileManager.default.removeItem(atPath: root) }
}
