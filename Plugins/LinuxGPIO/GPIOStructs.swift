// The uAPI v2 structs of <linux/gpio.h>, encoded and decoded byte for byte over [UInt8] so that the
// layout is testable without hardware. Integers are in the host's byte order, as the kernel reads them;
// the header's explicit padding and __aligned_u64 make the layout the same on armhf and arm64.

/// `enum gpio_v2_line_flag`.
public struct LineFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    public static let used = LineFlags(rawValue: 1 << 0)
    public static let activeLow = LineFlags(rawValue: 1 << 1)
    public static let input = LineFlags(rawValue: 1 << 2)
    public static let output = LineFlags(rawValue: 1 << 3)
    public static let edgeRising = LineFlags(rawValue: 1 << 4)
    public static let edgeFalling = LineFlags(rawValue: 1 << 5)
    public static let openDrain = LineFlags(rawValue: 1 << 6)
    public static let openSource = LineFlags(rawValue: 1 << 7)
    public static let biasPullUp = LineFlags(rawValue: 1 << 8)
    public static let biasPullDown = LineFlags(rawValue: 1 << 9)
    public static let biasDisabled = LineFlags(rawValue: 1 << 10)
    public static let eventClockRealtime = LineFlags(rawValue: 1 << 11)
    public static let eventClockHTE = LineFlags(rawValue: 1 << 12)
}

/// Sizes and offsets from the header (checked against the compiled header in the tests).
enum Layout {
    static let nameSize = 32
    static let linesMax = 64
    static let attrsMax = 10

    static let chipInfoSize = 68
    static let lineValuesSize = 16
    static let lineAttributeSize = 16
    static let configAttributeSize = 24
    static let lineConfigSize = 272
    static let lineConfigAttrs = 32
    static let lineRequestSize = 592
    static let lineRequestConsumer = 256
    static let lineRequestConfig = 288
    static let lineRequestNumLines = 560
    static let lineRequestEventBufferSize = 564
    static let lineRequestFD = 588
    static let lineInfoSize = 256
    static let lineInfoAttrs = 80
    static let lineEventSize = 48
}

/// The ioctl request numbers (`_IOR`/`_IOWR` of the header, the same on armhf and arm64).
enum GPIOIoctl {
    static let getChipInfo: UInt = 0x8044_B401
    static let getLineInfo: UInt = 0xC100_B405
    static let getLine: UInt = 0xC250_B407
    static let lineSetConfig: UInt = 0xC110_B40D
    static let lineGetValues: UInt = 0xC010_B40E
    static let lineSetValues: UInt = 0xC010_B40F
}

// MARK: - Byte helpers

extension Array where Element == UInt8 {
    mutating func put<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        Swift.withUnsafeBytes(of: value) { raw in
            for (i, byte) in raw.enumerated() { self[offset + i] = byte }
        }
    }

    func get<T: FixedWidthInteger>(_: T.Type = T.self, at offset: Int) -> T {
        var value = T.zero
        Swift.withUnsafeMutableBytes(of: &value) { raw in
            for i in 0..<raw.count { raw[i] = self[offset + i] }
        }
        return value
    }

    /// Writes `string` as a NUL-terminated C string into a `size`-byte field, truncated to fit.
    mutating func putString(_ string: String, at offset: Int, size: Int) {
        for (i, byte) in string.utf8.prefix(size - 1).enumerated() { self[offset + i] = byte }
    }

    /// Reads a NUL-terminated C string from a `size`-byte field.
    func getString(at offset: Int, size: Int) -> String {
        let field = self[offset..<(offset + size)]
        return String(decoding: field.prefix(while: { $0 != 0 }), as: UTF8.self)
    }
}

// MARK: - Structs

/// `struct gpiochip_info`: what GET_CHIPINFO returns.
public struct ChipInfo: Sendable, Equatable {
    /// The kernel's name, `gpiochip0`.
    public var name: String
    /// The driver's label, `pinctrl-bcm2711`.
    public var label: String
    public var lines: UInt32

    public init(name: String, label: String, lines: UInt32) {
        self.name = name
        self.label = label
        self.lines = lines
    }

    public init(decoding bytes: [UInt8]) {
        name = bytes.getString(at: 0, size: Layout.nameSize)
        label = bytes.getString(at: 32, size: Layout.nameSize)
        lines = bytes.get(at: 64)
    }

    public var encoded: [UInt8] {
        var bytes = [UInt8](repeating: 0, count: Layout.chipInfoSize)
        bytes.putString(name, at: 0, size: Layout.nameSize)
        bytes.putString(label, at: 32, size: Layout.nameSize)
        bytes.put(lines, at: 64)
        return bytes
    }
}

/// `struct gpio_v2_line_attribute`: one attribute of a line's configuration.
public enum LineAttribute: Sendable, Equatable {
    /// Id 1: flags that differ from the config's.
    case flags(LineFlags)
    /// Id 2: output values, a bitmap over the request's lines.
    case outputValues(UInt64)
    /// Id 3: the kernel's debounce period.
    case debounce(microseconds: UInt32)

    var id: UInt32 {
        switch self {
        case .flags: 1
        case .outputValues: 2
        case .debounce: 3
        }
    }

    /// Writes the 16-byte attribute at `offset`.
    func encode(into bytes: inout [UInt8], at offset: Int) {
        bytes.put(id, at: offset)
        switch self {
        case .flags(let flags): bytes.put(flags.rawValue, at: offset + 8)
        case .outputValues(let values): bytes.put(values, at: offset + 8)
        case .debounce(let us): bytes.put(us, at: offset + 8)
        }
    }

    /// Reads the attribute at `offset`; nil for an id this code does not know.
    static func decode(_ bytes: [UInt8], at offset: Int) -> LineAttribute? {
        switch bytes.get(UInt32.self, at: offset) {
        case 1: .flags(LineFlags(rawValue: bytes.get(at: offset + 8)))
        case 2: .outputValues(bytes.get(at: offset + 8))
        case 3: .debounce(microseconds: bytes.get(at: offset + 8))
        default: nil
        }
    }
}

/// `struct gpio_v2_line_config_attribute`: an attribute and the lines (indexes into the request's
/// offsets) it applies to.
public struct ConfigAttribute: Sendable, Equatable {
    public var attribute: LineAttribute
    public var mask: UInt64

    public init(_ attribute: LineAttribute, mask: UInt64) {
        self.attribute = attribute
        self.mask = mask
    }
}

/// `struct gpio_v2_line_config` (272 bytes).
public struct LineConfig: Sendable, Equatable {
    public var flags: LineFlags
    /// At most 10.
    public var attributes: [ConfigAttribute]

    public init(flags: LineFlags, attributes: [ConfigAttribute] = []) {
        self.flags = flags
        self.attributes = attributes
    }

    func encode(into bytes: inout [UInt8], at offset: Int) {
        precondition(attributes.count <= Layout.attrsMax, "at most \(Layout.attrsMax) attributes")
        bytes.put(flags.rawValue, at: offset)
        bytes.put(UInt32(attributes.count), at: offset + 8)
        for (i, attr) in attributes.enumerated() {
            let at = offset + Layout.lineConfigAttrs + i * Layout.configAttributeSize
            attr.attribute.encode(into: &bytes, at: at)
            bytes.put(attr.mask, at: at + 16)
        }
    }

    static func decode(_ bytes: [UInt8], at offset: Int) -> LineConfig {
        let count = min(Int(bytes.get(UInt32.self, at: offset + 8)), Layout.attrsMax)
        var attributes: [ConfigAttribute] = []
        for i in 0..<count {
            let at = offset + Layout.lineConfigAttrs + i * Layout.configAttributeSize
            if let attr = LineAttribute.decode(bytes, at: at) {
                attributes.append(ConfigAttribute(attr, mask: bytes.get(at: at + 16)))
            }
        }
        return LineConfig(flags: LineFlags(rawValue: bytes.get(at: offset)), attributes: attributes)
    }

    public var encoded: [UInt8] {
        var bytes = [UInt8](repeating: 0, count: Layout.lineConfigSize)
        encode(into: &bytes, at: 0)
        return bytes
    }

    public init(decoding bytes: [UInt8]) { self = Self.decode(bytes, at: 0) }
}

/// `struct gpio_v2_line_request` (592 bytes): what V2_GET_LINE takes; the kernel writes the new
/// request's file descriptor into `fd`.
public struct LineRequest: Sendable, Equatable {
    public var offsets: [UInt32]
    public var consumer: String
    public var config: LineConfig
    /// 0 lets the kernel choose (16 events per line).
    public var eventBufferSize: UInt32
    /// Set by the kernel.
    public var fd: Int32

    public init(offsets: [UInt32], consumer: String, config: LineConfig, eventBufferSize: UInt32 = 0, fd: Int32 = 0) {
        self.offsets = offsets
        self.consumer = consumer
        self.config = config
        self.eventBufferSize = eventBufferSize
        self.fd = fd
    }

    public init(decoding bytes: [UInt8]) {
        let count = min(Int(bytes.get(UInt32.self, at: Layout.lineRequestNumLines)), Layout.linesMax)
        offsets = (0..<count).map { bytes.get(at: $0 * 4) }
        consumer = bytes.getString(at: Layout.lineRequestConsumer, size: Layout.nameSize)
        config = LineConfig.decode(bytes, at: Layout.lineRequestConfig)
        eventBufferSize = bytes.get(at: Layout.lineRequestEventBufferSize)
        fd = bytes.get(at: Layout.lineRequestFD)
    }

    public var encoded: [UInt8] {
        precondition(offsets.count <= Layout.linesMax, "at most \(Layout.linesMax) lines")
        var bytes = [UInt8](repeating: 0, count: Layout.lineRequestSize)
        for (i, offset) in offsets.enumerated() { bytes.put(offset, at: i * 4) }
        bytes.putString(consumer, at: Layout.lineRequestConsumer, size: Layout.nameSize)
        config.encode(into: &bytes, at: Layout.lineRequestConfig)
        bytes.put(UInt32(offsets.count), at: Layout.lineRequestNumLines)
        bytes.put(eventBufferSize, at: Layout.lineRequestEventBufferSize)
        bytes.put(fd, at: Layout.lineRequestFD)
        return bytes
    }
}

/// `struct gpio_v2_line_info` (256 bytes): what V2_GET_LINEINFO returns for one offset.
public struct LineInfo: Sendable, Equatable {
    public var name: String
    /// Who holds the line, when it is in use.
    public var consumer: String
    public var offset: UInt32
    public var flags: LineFlags
    public var attributes: [LineAttribute]

    public init(name: String, consumer: String = "", offset: UInt32, flags: LineFlags = [], attributes: [LineAttribute] = []) {
        self.name = name
        self.consumer = consumer
        self.offset = offset
        self.flags = flags
        self.attributes = attributes
    }

    public init(decoding bytes: [UInt8]) {
        name = bytes.getString(at: 0, size: Layout.nameSize)
        consumer = bytes.getString(at: 32, size: Layout.nameSize)
        offset = bytes.get(at: 64)
        let count = min(Int(bytes.get(UInt32.self, at: 68)), Layout.attrsMax)
        flags = LineFlags(rawValue: bytes.get(at: 72))
        attributes = (0..<count).compactMap {
            LineAttribute.decode(bytes, at: Layout.lineInfoAttrs + $0 * Layout.lineAttributeSize)
        }
    }

    public var encoded: [UInt8] {
        var bytes = [UInt8](repeating: 0, count: Layout.lineInfoSize)
        bytes.putString(name, at: 0, size: Layout.nameSize)
        bytes.putString(consumer, at: 32, size: Layout.nameSize)
        bytes.put(offset, at: 64)
        bytes.put(UInt32(attributes.count), at: 68)
        bytes.put(flags.rawValue, at: 72)
        for (i, attr) in attributes.prefix(Layout.attrsMax).enumerated() {
            attr.encode(into: &bytes, at: Layout.lineInfoAttrs + i * Layout.lineAttributeSize)
        }
        return bytes
    }
}

/// `struct gpio_v2_line_values` (16 bytes): bitmaps over the request's lines.
public struct LineValues: Sendable, Equatable {
    public var bits: UInt64
    public var mask: UInt64

    public init(bits: UInt64, mask: UInt64) {
        self.bits = bits
        self.mask = mask
    }

    public init(decoding bytes: [UInt8]) {
        bits = bytes.get(at: 0)
        mask = bytes.get(at: 8)
    }

    public var encoded: [UInt8] {
        var bytes = [UInt8](repeating: 0, count: Layout.lineValuesSize)
        bytes.put(bits, at: 0)
        bytes.put(mask, at: 8)
        return bytes
    }
}

/// `struct gpio_v2_line_event` (48 bytes), read from a request's file descriptor.
public struct LineEvent: Sendable, Equatable {
    public enum Edge: UInt32, Sendable {
        case rising = 1
        case falling = 2
    }

    /// CLOCK_MONOTONIC unless the request asked for another clock.
    public var timestampNanoseconds: UInt64
    /// Nil for an id this code does not know.
    public var edge: Edge?
    public var offset: UInt32
    /// Sequence number over all the request's lines; a gap means the kernel dropped events.
    public var seqno: UInt32
    public var lineSeqno: UInt32

    public init(timestampNanoseconds: UInt64, edge: Edge?, offset: UInt32, seqno: UInt32, lineSeqno: UInt32) {
        self.timestampNanoseconds = timestampNanoseconds
        self.edge = edge
        self.offset = offset
        self.seqno = seqno
        self.lineSeqno = lineSeqno
    }

    public init(decoding bytes: [UInt8], at offset: Int = 0) {
        timestampNanoseconds = bytes.get(at: offset)
        edge = Edge(rawValue: bytes.get(at: offset + 8))
        self.offset = bytes.get(at: offset + 12)
        seqno = bytes.get(at: offset + 16)
        lineSeqno = bytes.get(at: offset + 20)
    }

    /// Every whole event in `bytes` (a read returns a multiple of 48 bytes).
    public static func decodeAll(_ bytes: [UInt8]) -> [LineEvent] {
        stride(from: 0, to: bytes.count - Layout.lineEventSize + 1, by: Layout.lineEventSize).map {
            LineEvent(decoding: bytes, at: $0)
        }
    }

    public var encoded: [UInt8] {
        var bytes = [UInt8](repeating: 0, count: Layout.lineEventSize)
        bytes.put(timestampNanoseconds, at: 0)
        bytes.put(edge?.rawValue ?? 0, at: 8)
        bytes.put(offset, at: 12)
        bytes.put(seqno, at: 16)
        bytes.put(lineSeqno, at: 20)
        return bytes
    }
}
