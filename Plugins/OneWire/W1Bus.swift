import SystemCalls

/// The only two filesystem reads the 1-Wire code needs, so the logic above them can be tested with a
/// fake that fails on demand (``SysfsFiles`` is the real one).
public protocol W1Files: Sendable {
    /// The names in a directory; throws ``OneWireError/Code/notFound`` when it is not there.
    func names(inDirectory path: String) throws(OneWireError) -> [String]
    /// A whole file; throws ``OneWireError/Code/notFound`` when it is not there. Blocks while a sensor
    /// converts (up to 750 ms).
    func contents(ofFile path: String) throws(OneWireError) -> [UInt8]
}

/// Reads the real filesystem through the module's system-call wrappers.
public struct SysfsFiles: W1Files {
    public init() {}

    public func names(inDirectory path: String) throws(OneWireError) -> [String] {
        try system_listDirectory(path: path).get()
    }

    public func contents(ofFile path: String) throws(OneWireError) -> [UInt8] {
        let fd = try system_open(path).get()
        defer { system_close(fd) }
        var contents: [UInt8] = []
        // The driver hands over a whole w1_slave (~80 bytes) in one read; loop anyway until EOF, as
        // a short read is allowed.
        var chunk = [UInt8](repeating: 0, count: 256)
        while true {
            let count = try chunk.withUnsafeMutableBytes { system_read(fd, into: $0, path: path) }.get()
            if count == 0 { break }
            contents += chunk[0..<count]
        }
        return contents
    }
}

/// The kernel's view of a 1-Wire bus: one directory per device under ``root``.
public struct W1Bus: Sendable {
    /// Where the kernel lists 1-Wire devices.
    public static let defaultRoot = "/sys/bus/w1/devices"

    /// The directory holding one directory per device (a temporary tree in tests).
    public let root: String
    let files: any W1Files

    /// - Parameters:
    ///   - root: the devices directory; ``defaultRoot`` on a real board.
    ///   - files: how files are read; the real filesystem unless a test substitutes.
    public init(root: String = W1Bus.defaultRoot, files: any W1Files = SysfsFiles()) {
        self.root = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
        self.files = files
    }

    /// The thermometers on the bus, sorted by id, so "the first found" is the same sensor every time.
    ///
    /// Throws ``OneWireError/Code/notFound`` when ``root`` itself is gone (the w1 modules not loaded).
    public func thermometers() throws(OneWireError) -> [W1SensorID] {
        try files.names(inDirectory: root).compactMap(W1SensorID.init).sorted()
    }

    /// The directory of `sensor`.
    public func directory(of sensor: W1SensorID) -> String { root + "/" + sensor.name }

    /// Reads `sensor` once and checks the reading.
    ///
    /// Prefers `w1_slave`, which carries the scratchpad and its CRC, and falls back to `temperature` only
    /// when `w1_slave` is not there. Blocks while the sensor converts.
    /// - Throws: ``OneWireError/Code/notFound`` when the sensor is gone (neither file exists),
    ///   ``OneWireError/Code/invalidReading`` when it answered with something untrustworthy, and
    ///   ``OneWireError/Code/systemCall`` when a read failed otherwise.
    public func read(_ sensor: W1SensorID) throws(OneWireError) -> W1Measurement {
        let slave = directory(of: sensor) + "/w1_slave"
        do throws(OneWireError) {
            return try check(slave, W1SlaveParser.parseSlave(text(of: slave)))
        } catch where error.code == .notFound {
            let temperature = directory(of: sensor) + "/temperature"
            return try check(temperature, W1SlaveParser.parseTemperature(text(of: temperature)))
        }
    }

    private func text(of path: String) throws(OneWireError) -> String {
        String(decoding: try files.contents(ofFile: path), as: UTF8.self)
    }

    private func check(_ path: String, _ result: Result<W1Measurement, W1Rejection>) throws(OneWireError) -> W1Measurement {
        switch result {
        case .success(let measurement): return measurement
        case .failure(let rejection): throw .invalidReading(rejection, path: path)
        }
    }
}
