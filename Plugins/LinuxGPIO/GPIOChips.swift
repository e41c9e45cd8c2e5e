import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// How a configuration names a line: by the name the device tree gives it, or by offset on a chip.
public enum LineSelector: Sendable, Equatable, CustomStringConvertible {
    /// `GPIO17`.
    case name(String)
    case offset(UInt32)

    public var description: String {
        switch self {
        case .name(let name): name
        case .offset(let offset): "\(offset)"
        }
    }
}

/// A line found on a chip, ready to be requested.
public struct FoundLine: Sendable, Equatable {
    public var chipPath: String
    public var chip: ChipInfo
    public var offset: UInt32
    /// The line's name; empty when the device tree gives none.
    public var name: String

    /// How messages name the line: `GPIO17`, or `17 on gpiochip0` for an unnamed one.
    public var displayName: String { name.isEmpty ? "\(offset) on \(chip.name)" : name }
}

/// The board's GPIO chips, shared by every GPIO role of one board (through ``PluginKit/SharedObjects``):
/// the chips are scanned once, and each port requests its line through here.
///
/// Chips are found by label and lines by name (or offset), never by chip number: the Pi 5's header moved
/// from gpiochip4 to gpiochip0 in kernel 6.6.45.
public final class GPIOChips: Sendable {
    struct Chip: Sendable {
        var path: String
        var info: ChipInfo
    }

    let device: any GPIOCharacterDevice
    private let scanned = Mutex<[Chip]?>(nil)

    public init(device: any GPIOCharacterDevice = LinuxGPIODevice()) {
        self.device = device
    }

    /// Every chip, with its label; scanned on first use.
    func chips() throws(GPIOError) -> [Chip] {
        try scanned.withLock { (cache) throws(GPIOError) -> [Chip] in
            if let cache { return cache }
            var chips: [Chip] = []
            for path in try device.chipPaths() {
                let fd = try device.open(path)
                defer { device.close(fd) }
                chips.append(Chip(path: path, info: try device.chipInfo(fd, path: path)))
            }
            cache = chips
            return chips
        }
    }

    /// Forgets the scan, so that the next lookup sees the chips as they are now: one went away, or came
    /// back under another number.
    func rescan() {
        scanned.withLock { $0 = nil }
    }

    /// Finds the line: on the chip labelled `chipLabel`, or on every chip when it is nil (an offset without
    /// a label is accepted only when there is a single chip).
    ///
    /// - Throws: ``GPIOError`` ``GPIOError/Code/noChips``, ``GPIOError/Code/chipNotFound``,
    ///   ``GPIOError/Code/lineNotFound``, ``GPIOError/Code/notConfigured`` or a failed system call.
    public func find(chip chipLabel: String?, line: LineSelector) throws(GPIOError) -> FoundLine {
        let all = try chips()
        var candidates = all
        if let chipLabel {
            candidates = all.filter { $0.info.label == chipLabel }
            guard !candidates.isEmpty else { throw GPIOError.chipNotFound(label: chipLabel, found: all.map(\.info)) }
        } else if all.isEmpty {
            throw GPIOError.noChips(directory: (device as? LinuxGPIODevice)?.directory ?? "/dev")
        }
        switch line {
        case .offset(let offset):
            // An offset only means something on one chip.
            guard candidates.count == 1 else {
                let list = candidates.map { "\($0.info.name) '\($0.info.label)'" }.joined(separator: ", ")
                throw GPIOError(.notConfigured, "line \(offset) needs a chip label (found: \(list))")
            }
            let chip = candidates[0]
            guard offset < chip.info.lines else { throw GPIOError.offsetOutOfRange(offset, chip: chip.info) }
            let fd = try device.open(chip.path)
            defer { device.close(fd) }
            let info = try device.lineInfo(fd, offset: offset, chip: chip.info.name)
            return FoundLine(chipPath: chip.path, chip: chip.info, offset: offset, name: info.name)
        case .name(let name):
            for chip in candidates {
                let fd = try device.open(chip.path)
                defer { device.close(fd) }
                for offset in 0..<chip.info.lines {
                    let info = try device.lineInfo(fd, offset: offset, chip: chip.info.name)
                    if info.name == name {
                        return FoundLine(chipPath: chip.path, chip: chip.info, offset: offset, name: name)
                    }
                }
            }
            throw GPIOError.lineNotFound(name: name, chips: candidates.map(\.info))
        }
    }

    /// Requests one line with `config`; returns the request's file descriptor, which holds the line until
    /// it is closed.
    ///
    /// - Throws: ``GPIOError/Code/lineBusy`` when another consumer holds it.
    func request(_ line: FoundLine, config: LineConfig, consumer: String) throws(GPIOError) -> Int32 {
        let fd = try device.open(line.chipPath)
        // The request's descriptor stays valid after the chip's is closed.
        defer { device.close(fd) }
        let info = try device.lineInfo(fd, offset: line.offset, chip: line.chip.name)
        if info.flags.contains(.used) { throw GPIOError.lineBusy(line.displayName, consumer: info.consumer) }
        let request = LineRequest(offsets: [line.offset], consumer: consumer, config: config)
        do {
            return try device.requestLines(fd, request, context: "\(line.displayName) on \(line.chip.name)")
        } catch where error.errno == EBUSY {
            // Taken between the check and the request.
            let now = try device.lineInfo(fd, offset: line.offset, chip: line.chip.name)
            throw GPIOError.lineBusy(line.displayName, consumer: now.consumer)
        }
    }
}
