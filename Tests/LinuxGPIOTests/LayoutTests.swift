import CGPIO
import Testing

@testable import LinuxGPIO

/// The Swift encoders against <linux/gpio.h> as the C compiler lays it out on this machine.
@Suite struct LayoutTests {
    static let layout: [(String, cgpio_layout_item, Int)] = [
        ("sizeof gpiochip_info", CGPIO_SIZEOF_CHIPINFO, Layout.chipInfoSize),
        ("gpiochip_info.label", CGPIO_OFFSETOF_CHIPINFO_LABEL, 32),
        ("gpiochip_info.lines", CGPIO_OFFSETOF_CHIPINFO_LINES, 64),
        ("sizeof gpio_v2_line_values", CGPIO_SIZEOF_LINE_VALUES, Layout.lineValuesSize),
        ("gpio_v2_line_values.mask", CGPIO_OFFSETOF_LINE_VALUES_MASK, 8),
        ("sizeof gpio_v2_line_attribute", CGPIO_SIZEOF_LINE_ATTRIBUTE, Layout.lineAttributeSize),
        ("gpio_v2_line_attribute.values", CGPIO_OFFSETOF_LINE_ATTRIBUTE_VALUES, 8),
        ("sizeof gpio_v2_line_config_attribute", CGPIO_SIZEOF_LINE_CONFIG_ATTRIBUTE, Layout.configAttributeSize),
        ("gpio_v2_line_config_attribute.mask", CGPIO_OFFSETOF_LINE_CONFIG_ATTRIBUTE_MASK, 16),
        ("sizeof gpio_v2_line_config", CGPIO_SIZEOF_LINE_CONFIG, Layout.lineConfigSize),
        ("gpio_v2_line_config.num_attrs", CGPIO_OFFSETOF_LINE_CONFIG_NUM_ATTRS, 8),
        ("gpio_v2_line_config.attrs", CGPIO_OFFSETOF_LINE_CONFIG_ATTRS, Layout.lineConfigAttrs),
        ("sizeof gpio_v2_line_request", CGPIO_SIZEOF_LINE_REQUEST, Layout.lineRequestSize),
        ("gpio_v2_line_request.consumer", CGPIO_OFFSETOF_LINE_REQUEST_CONSUMER, Layout.lineRequestConsumer),
        ("gpio_v2_line_request.config", CGPIO_OFFSETOF_LINE_REQUEST_CONFIG, Layout.lineRequestConfig),
        ("gpio_v2_line_request.num_lines", CGPIO_OFFSETOF_LINE_REQUEST_NUM_LINES, Layout.lineRequestNumLines),
        (
            "gpio_v2_line_request.event_buffer_size", CGPIO_OFFSETOF_LINE_REQUEST_EVENT_BUFFER_SIZE,
            Layout.lineRequestEventBufferSize
        ),
        ("gpio_v2_line_request.fd", CGPIO_OFFSETOF_LINE_REQUEST_FD, Layout.lineRequestFD),
        ("sizeof gpio_v2_line_info", CGPIO_SIZEOF_LINE_INFO, Layout.lineInfoSize),
        ("gpio_v2_line_info.consumer", CGPIO_OFFSETOF_LINE_INFO_CONSUMER, 32),
        ("gpio_v2_line_info.offset", CGPIO_OFFSETOF_LINE_INFO_OFFSET, 64),
        ("gpio_v2_line_info.num_attrs", CGPIO_OFFSETOF_LINE_INFO_NUM_ATTRS, 68),
        ("gpio_v2_line_info.flags", CGPIO_OFFSETOF_LINE_INFO_FLAGS, 72),
        ("gpio_v2_line_info.attrs", CGPIO_OFFSETOF_LINE_INFO_ATTRS, Layout.lineInfoAttrs),
        ("sizeof gpio_v2_line_event", CGPIO_SIZEOF_LINE_EVENT, Layout.lineEventSize),
        ("gpio_v2_line_event.id", CGPIO_OFFSETOF_LINE_EVENT_ID, 8),
        ("gpio_v2_line_event.offset", CGPIO_OFFSETOF_LINE_EVENT_OFFSET, 12),
        ("gpio_v2_line_event.seqno", CGPIO_OFFSETOF_LINE_EVENT_SEQNO, 16),
        ("gpio_v2_line_event.line_seqno", CGPIO_OFFSETOF_LINE_EVENT_LINE_SEQNO, 20),
    ]

    @Test("size or offset matches the header", arguments: layout.indices)
    func sizeOrOffset(_ index: Int) {
        let (name, item, swift) = Self.layout[index]
        #expect(cgpio_layout(item) == swift, "\(name)")
    }

    /// The numbers hardware-notes.md gives, which the Swift side uses, are the header's.
    static let ioctls: [(String, UInt, UInt)] = [
        ("GPIO_GET_CHIPINFO_IOCTL", GPIOIoctl.getChipInfo, cgpio_get_chipinfo_ioctl()),
        ("GPIO_V2_GET_LINEINFO_IOCTL", GPIOIoctl.getLineInfo, cgpio_v2_get_lineinfo_ioctl()),
        ("GPIO_V2_GET_LINE_IOCTL", GPIOIoctl.getLine, cgpio_v2_get_line_ioctl()),
        ("GPIO_V2_LINE_SET_CONFIG_IOCTL", GPIOIoctl.lineSetConfig, cgpio_v2_line_set_config_ioctl()),
        ("GPIO_V2_LINE_GET_VALUES_IOCTL", GPIOIoctl.lineGetValues, cgpio_v2_line_get_values_ioctl()),
        ("GPIO_V2_LINE_SET_VALUES_IOCTL", GPIOIoctl.lineSetValues, cgpio_v2_line_set_values_ioctl()),
    ]

    @Test("ioctl number matches the header", arguments: ioctls.indices)
    func ioctlNumber(_ index: Int) {
        let (name, swift, header) = Self.ioctls[index]
        #expect(swift == header, "\(name)")
    }

    struct RequestCase: Sendable, CustomTestStringConvertible {
        var offset: UInt32
        var flags: LineFlags
        var debounceMicroseconds: UInt32
        /// -1 for no output-values attribute.
        var outputValue: Int32
        var eventBufferSize: UInt32
        var testDescription: String {
            "offset \(offset) flags 0x\(String(flags.rawValue, radix: 16)) debounce \(debounceMicroseconds) out \(outputValue)"
        }

        var request: LineRequest {
            var attrs: [ConfigAttribute] = []
            if debounceMicroseconds > 0 { attrs.append(ConfigAttribute(.debounce(microseconds: debounceMicroseconds), mask: 1)) }
            if outputValue >= 0 { attrs.append(ConfigAttribute(.outputValues(UInt64(outputValue)), mask: 1)) }
            return LineRequest(
                offsets: [offset], consumer: "smsocket", config: LineConfig(flags: flags, attributes: attrs),
                eventBufferSize: eventBufferSize)
        }
    }

    static let requests: [RequestCase] = [
        RequestCase(offset: 17, flags: [.input, .edgeRising, .edgeFalling, .biasPullUp, .activeLow], debounceMicroseconds: 10_000, outputValue: -1, eventBufferSize: 0),
        RequestCase(offset: 4, flags: [.input, .edgeRising, .edgeFalling], debounceMicroseconds: 0, outputValue: -1, eventBufferSize: 64),
        RequestCase(offset: 27, flags: [.output, .activeLow], debounceMicroseconds: 0, outputValue: 0, eventBufferSize: 0),
        RequestCase(offset: 57, flags: [.output], debounceMicroseconds: 0, outputValue: 1, eventBufferSize: 0),
        RequestCase(offset: 0, flags: [.input, .biasDisabled, .eventClockRealtime], debounceMicroseconds: 1_000_000, outputValue: 1, eventBufferSize: 0),
    ]

    @Test("line request is encoded as the C compiler lays it out", arguments: requests)
    func requestEncoding(_ c: RequestCase) {
        var expected = [UInt8](repeating: 0xAA, count: Int(cgpio_layout(CGPIO_SIZEOF_LINE_REQUEST)))
        cgpio_example_request(&expected, c.offset, c.flags.rawValue, c.debounceMicroseconds, c.outputValue, c.eventBufferSize)
        let encoded = c.request.encoded
        #expect(encoded.count == 592)
        #expect(encoded == expected)
        #expect(LineRequest(decoding: encoded) == c.request)
    }

    @Test func requestFieldsAtTheirOffsets() {
        var request = RequestCase(offset: 17, flags: [.input, .edgeRising], debounceMicroseconds: 10_000, outputValue: -1, eventBufferSize: 32).request
        request.fd = 42
        let bytes = request.encoded
        #expect(bytes.get(UInt32.self, at: 0) == 17)
        #expect(bytes.getString(at: 256, size: 32) == "smsocket")
        #expect(bytes.get(UInt64.self, at: 288) == (1 << 2) | (1 << 4))  // config.flags
        #expect(bytes.get(UInt32.self, at: 296) == 1)  // config.num_attrs
        #expect(bytes.get(UInt32.self, at: 320) == 3)  // attrs[0].attr.id: debounce
        #expect(bytes.get(UInt32.self, at: 328) == 10_000)  // attrs[0].attr.debounce_period_us
        #expect(bytes.get(UInt64.self, at: 336) == 1)  // attrs[0].mask
        #expect(bytes.get(UInt32.self, at: 560) == 1)  // num_lines
        #expect(bytes.get(UInt32.self, at: 564) == 32)  // event_buffer_size
        #expect(bytes.get(Int32.self, at: 588) == 42)  // fd
        #expect(LineRequest(decoding: bytes).fd == 42)
    }

    @Test func configIs272BytesWithAttributesAt32() {
        let config = LineConfig(
            flags: [.output], attributes: [ConfigAttribute(.outputValues(1), mask: 1), ConfigAttribute(.flags([.activeLow]), mask: 2)])
        let bytes = config.encoded
        #expect(bytes.count == 272)
        #expect(Array(bytes[0..<8]) == [8, 0, 0, 0, 0, 0, 0, 0])
        #expect(Array(bytes[8..<12]) == [2, 0, 0, 0])
        // attrs[0]: id 2, padding, values 1, mask 1
        #expect(Array(bytes[32..<56]) == [2, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0])
        // attrs[1]: id 1, padding, flags ACTIVE_LOW, mask 2
        #expect(Array(bytes[56..<80]) == [1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0])
        #expect(bytes[80...].allSatisfy { $0 == 0 })
        #expect(LineConfig(decoding: bytes) == config)
    }

    static let events: [(UInt64, UInt32, UInt32, UInt32, UInt32)] = [
        (123_456_789_012, 1, 17, 1, 1),
        (0xFFFF_FFFF_FFFF_FFFF, 2, 4, 0xFFFF_FFFF, 7),
        (5, 1, 0, 100, 50),
    ]

    @Test("event is decoded from the C struct", arguments: events.indices)
    func eventDecoding(_ index: Int) {
        let (ts, id, offset, seqno, lineSeqno) = Self.events[index]
        var bytes = [UInt8](repeating: 0xAA, count: 48)
        cgpio_example_event(&bytes, ts, id, offset, seqno, lineSeqno)
        let event = LineEvent(decoding: bytes)
        #expect(event.timestampNanoseconds == ts)
        #expect(event.edge == LineEvent.Edge(rawValue: id))
        #expect(event.offset == offset)
        #expect(event.seqno == seqno)
        #expect(event.lineSeqno == lineSeqno)
        #expect(event.encoded == bytes)
    }

    @Test func severalEventsInOneRead() {
        let events = [
            LineEvent(timestampNanoseconds: 1, edge: .rising, offset: 17, seqno: 1, lineSeqno: 1),
            LineEvent(timestampNanoseconds: 2, edge: .falling, offset: 17, seqno: 2, lineSeqno: 2),
            LineEvent(timestampNanoseconds: 3, edge: .rising, offset: 17, seqno: 3, lineSeqno: 3),
        ]
        let bytes = events.flatMap { $0.encoded }
        #expect(bytes.count == 144)
        #expect(LineEvent.decodeAll(bytes) == events)
        // A partial event at the end is not decoded.
        #expect(LineEvent.decodeAll(bytes + [1, 2, 3]) == events)
    }

    @Test func valuesAreBitsThenMask() {
        let values = LineValues(bits: 1, mask: 3)
        #expect(values.encoded == [1, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0])
        #expect(LineValues(decoding: values.encoded) == values)
    }

    @Test func chipAndLineInfoRoundTrip() {
        let chip = ChipInfo(name: "gpiochip0", label: "pinctrl-bcm2711", lines: 58)
        let chipBytes = chip.encoded
        #expect(chipBytes.count == 68)
        #expect(chipBytes.get(UInt32.self, at: 64) == 58)
        #expect(ChipInfo(decoding: chipBytes) == chip)

        let line = LineInfo(
            name: "GPIO17", consumer: "smsocket button", offset: 17, flags: [.used, .input, .activeLow],
            attributes: [.debounce(microseconds: 10_000)])
        let lineBytes = line.encoded
        #expect(lineBytes.count == 256)
        #expect(lineBytes.get(UInt64.self, at: 72) == 0b111)
        #expect(lineBytes.get(UInt32.self, at: 80) == 3)
        #expect(LineInfo(decoding: lineBytes) == line)
    }

    @Test func longNamesAreTruncatedToFitWithTheirNUL() {
        let request = LineRequest(offsets: [1], consumer: String(repeating: "x", count: 40), config: LineConfig(flags: [.input]))
        let bytes = request.encoded
        #expect(bytes.getString(at: 256, size: 32) == String(repeating: "x", count: 31))
        #expect(bytes[287] == 0)
    }
}
