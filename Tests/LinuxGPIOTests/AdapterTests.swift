import SocketCore
import Testing

@testable import LinuxGPIO

@Suite struct ChipLookupTests {
    struct Lookup: Sendable, CustomTestStringConvertible {
        var chip: String?
        var line: LineSelector
        var chipName: String
        var offset: UInt32
        var testDescription: String { "\(chip ?? "any chip") \(line)" }
    }

    static let found: [Lookup] = [
        Lookup(chip: nil, line: .name("GPIO17"), chipName: "gpiochip0", offset: 17),
        Lookup(chip: "pinctrl-bcm2711", line: .name("GPIO4"), chipName: "gpiochip0", offset: 4),
        Lookup(chip: nil, line: .name("PWR_LED_OFF"), chipName: "gpiochip1", offset: 2),
        Lookup(chip: "raspberrypi-exp-gpio", line: .name("CAM_GPIO"), chipName: "gpiochip1", offset: 5),
        Lookup(chip: "raspberrypi-exp-gpio", line: .offset(7), chipName: "gpiochip1", offset: 7),
        Lookup(chip: "pinctrl-bcm2711", line: .offset(57), chipName: "gpiochip0", offset: 57),
    ]

    @Test("line is found by label and name or offset", arguments: found)
    func lookup(_ c: Lookup) throws {
        let device = FakeGPIODevice.pi4()
        let line = try GPIOChips(device: device).find(chip: c.chip, line: c.line)
        #expect(line.chip.name == c.chipName)
        #expect(line.chipPath == "/dev/" + c.chipName)
        #expect(line.offset == c.offset)
        #expect(device.openDescriptors == 0)
    }

    static let notFound: [(String?, LineSelector, GPIOError.Code, String)] = [
        (
            "pinctrl-rp1", .name("GPIO17"), .chipNotFound,
            "no GPIO chip labelled 'pinctrl-rp1' (found: gpiochip0 'pinctrl-bcm2711', gpiochip1 'raspberrypi-exp-gpio')"
        ),
        ("pinctrl-bcm2711", .name("GPIO99"), .lineNotFound, "no line named GPIO99 on gpiochip0"),
        (nil, .name("GPIO99"), .lineNotFound, "no line named GPIO99 on gpiochip0, gpiochip1"),
        ("pinctrl-bcm2711", .name("gpio17"), .lineNotFound, "no line named gpio17 on gpiochip0"),
        ("pinctrl-bcm2711", .offset(58), .lineNotFound, "no line 58 on gpiochip0 (it has 58 lines)"),
        (
            nil, .offset(3), .notConfigured,
            "line 3 needs a chip label (found: gpiochip0 'pinctrl-bcm2711', gpiochip1 'raspberrypi-exp-gpio')"
        ),
    ]

    @Test("not found errors say what was there", arguments: notFound.indices)
    func notFoundError(_ index: Int) {
        let (chip, line, code, message) = Self.notFound[index]
        let device = FakeGPIODevice.pi4()
        let error = #expect(throws: GPIOError.self) { try GPIOChips(device: device).find(chip: chip, line: line) }
        #expect(error?.code == code)
        #expect(error?.description == message)
        #expect(device.openDescriptors == 0)
    }

    @Test func anOffsetWithoutALabelIsFineWithOneChip() throws {
        let device = FakeGPIODevice([.init(name: "gpiochip0", label: "pinctrl-rp1", lines: (0..<54).map { .init(name: "GPIO\($0)") })])
        let line = try GPIOChips(device: device).find(chip: nil, line: .offset(17))
        #expect(line.displayName == "GPIO17")
    }

    @Test func onlyOneChipOnAPi3() {
        let device = FakeGPIODevice([.init(name: "gpiochip0", label: "pinctrl-bcm2835", lines: [.init(name: "GPIO17")])])
        let error = #expect(throws: GPIOError.self) {
            try GPIOChips(device: device).find(chip: "pinctrl-bcm2711", line: .name("GPIO17"))
        }
        #expect(error?.description == "no GPIO chip labelled 'pinctrl-bcm2711' (found: gpiochip0 'pinctrl-bcm2835')")
    }

    @Test func noChipsAtAll() {
        let error = #expect(throws: GPIOError.self) { try GPIOChips(device: FakeGPIODevice([])).find(chip: nil, line: .name("GPIO17")) }
        #expect(error?.code == .noChips)
        #expect(error?.description == "no GPIO chips (no gpiochip* in /dev)")
        let labelled = #expect(throws: GPIOError.self) {
            try GPIOChips(device: FakeGPIODevice([])).find(chip: "pinctrl-rp1", line: .name("GPIO17"))
        }
        #expect(labelled?.description == "no GPIO chip labelled 'pinctrl-rp1' (found: none)")
    }

    @Test func busyLineNamesItsConsumer() async {
        let device = FakeGPIODevice.pi4()
        device.hold(offset: 17, consumer: "other")
        let input = GPIOInput(GPIOInputConfiguration(line: .name("GPIO17")), chips: GPIOChips(device: device), logger: LogRecorder().logger)
        let error = await #expect(throws: GPIOError.self) { try await input.start { _ in } }
        #expect(error?.code == .lineBusy)
        #expect(error?.description == "line GPIO17 is busy (used by 'other')")
        #expect(device.openDescriptors == 0)
    }

    @Test func unnamedBusyLineIsNamedByOffsetAndChip() async {
        let device = FakeGPIODevice.pi4()
        device.hold(chip: 1, offset: 7, consumer: "")
        let output = GPIOOutput(
            GPIOOutputConfiguration(chip: "raspberrypi-exp-gpio", line: .offset(7)), chips: GPIOChips(device: device),
            logger: LogRecorder().logger)
        let error = await #expect(throws: GPIOError.self) { try await output.start(events: NoEvents()) }
        #expect(error?.description == "line 7 on gpiochip1 is busy (used by an unnamed consumer)")
    }

    @Test func syscallErrorsNameTheCallAndErrno() {
        let error = GPIOError.syscall("open", "/dev/gpiochip0", errno: 13)
        #expect(error.code == .syscall)
        #expect(error.errno == 13)
        #expect(error.description == "open /dev/gpiochip0: Permission denied (errno 13)")
    }

    @Test func chipsAreScannedOnceForEveryLine() throws {
        let device = FakeGPIODevice.pi4()
        let chips = GPIOChips(device: device)
        _ = try chips.find(chip: "pinctrl-bcm2711", line: .name("GPIO17"))
        device.state.withLock { $0.chips[0].label = "renamed" }
        // The scan is cached: the label found first is still used.
        _ = try chips.find(chip: "pinctrl-bcm2711", line: .name("GPIO27"))
    }

    @Test("chip device names sort by number", arguments: [("gpiochip10", 10), ("gpiochip0", 0), ("gpiochip", nil), ("gpiochipx", nil), ("tty0", nil)])
    func chipNumbers(_ name: String, _ number: Int?) {
        #expect(chipNumber(name) == number)
    }
}

struct NoEvents: EventSink {
    func post(_ event: Event) {}
    func post(_ sms: IncomingSMS, receipt: MessageReceipt) {}
}

@Suite struct InputTests {
    @Test("input is requested with edges, bias, active-low and debounce", arguments: [
        (Bias.pullUp, true, 10, LineFlags([.input, .edgeRising, .edgeFalling, .biasPullUp, .activeLow]), UInt32(10_000)),
        (Bias.pullDown, false, 0, LineFlags([.input, .edgeRising, .edgeFalling, .biasPullDown]), UInt32(0)),
        (Bias.disabled, false, 1000, LineFlags([.input, .edgeRising, .edgeFalling, .biasDisabled]), UInt32(1_000_000)),
        (Bias.asIs, true, 25, LineFlags([.input, .edgeRising, .edgeFalling, .activeLow]), UInt32(25_000)),
    ])
    func request(_ bias: Bias, _ activeLow: Bool, _ debounceMs: Int, _ flags: LineFlags, _ debounceUs: UInt32) async throws {
        let device = FakeGPIODevice.pi4()
        let config = GPIOInputConfiguration(
            chip: "pinctrl-bcm2711", line: .name("GPIO17"), activeLow: activeLow, bias: bias, debounceMilliseconds: debounceMs,
            consumer: "smsocket button")
        let input = GPIOInput(config, chips: GPIOChips(device: device), logger: LogRecorder().logger)
        try await input.start { _ in }
        let made = try #require(device.made.first)
        #expect(made.offsets == [17])
        #expect(made.consumer == "smsocket button")
        #expect(made.config.flags == flags)
        #expect(made.config.attributes == (debounceUs > 0 ? [ConfigAttribute(.debounce(microseconds: debounceUs), mask: 1)] : []))
        await input.stop()
    }

    @Test("initial level is read at start", arguments: [(false, false, false), (true, false, true), (false, true, true), (true, true, false)])
    func initialLevel(_ physical: Bool, _ activeLow: Bool, _ logical: Bool) async throws {
        let device = FakeGPIODevice.pi4()
        device.drive(offset: 17, physical: physical)
        let input = GPIOInput(
            GPIOInputConfiguration(line: .name("GPIO17"), activeLow: activeLow), chips: GPIOChips(device: device), logger: LogRecorder().logger)
        let levels = Levels()
        try await input.start(onChange: levels.append)
        #expect(levels.all == [logical])
        await input.stop()
    }

    @Test func edgesAreReportedAsChanges() async throws {
        let device = FakeGPIODevice.pi4()
        let log = LogRecorder()
        let input = GPIOInput(GPIOInputConfiguration(line: .name("GPIO4")), chips: GPIOChips(device: device), logger: log.logger)
        let levels = Levels()
        try await input.start(onChange: levels.append)
        device.drive(offset: 4, physical: true)
        #expect(try await levels.wait(for: 2) == [false, true])
        device.drive(offset: 4, physical: false)
        device.drive(offset: 4, physical: true)
        #expect(try await levels.wait(for: 4) == [false, true, false, true])
        #expect(log.warnings.isEmpty)
        await input.stop()
        #expect(device.openDescriptors == 0)
        #expect(device.openRequests == 0)
    }

    @Test func activeLowContactClosedToGroundIsOn() async throws {
        let device = FakeGPIODevice.pi4()
        device.drive(offset: 17, physical: true)  // pulled up, contact open
        let input = GPIOInput(
            GPIOInputConfiguration(line: .name("GPIO17"), activeLow: true, bias: .pullUp), chips: GPIOChips(device: device),
            logger: LogRecorder().logger)
        let levels = Levels()
        try await input.start(onChange: levels.append)
        device.drive(offset: 17, physical: false)  // closed to ground
        #expect(try await levels.wait(for: 2) == [false, true])
        device.drive(offset: 17, physical: true)
        #expect(try await levels.wait(for: 3) == [false, true, false])
        await input.stop()
    }

    @Test func aGapInSequenceNumbersIsAWarning() async throws {
        let device = FakeGPIODevice.pi4()
        let log = LogRecorder()
        let input = GPIOInput(GPIOInputConfiguration(line: .name("GPIO4")), chips: GPIOChips(device: device), logger: log.logger)
        let levels = Levels()
        try await input.start(onChange: levels.append)
        device.drive(offset: 4, physical: true)  // seqno 1
        #expect(try await levels.wait(for: 2) == [false, true])
        device.drive(offset: 4, physical: false, drop: 3)  // seqno 5: 2, 3 and 4 were dropped
        #expect(try await levels.wait(for: 3) == [false, true, false])
        let warnings = log.warnings
        #expect(warnings.count == 1)
        #expect(warnings.first?.message == "GPIO events lost: the kernel's buffer overflowed")
        #expect(warnings.first?.metadata["lost"] == "3")
        #expect(warnings.first?.metadata["line"] == "GPIO4")
        await input.stop()
    }

    @Test func stopReleasesTheLineSoItCanBeRequestedAgain() async throws {
        let device = FakeGPIODevice.pi4()
        let chips = GPIOChips(device: device)
        let input = GPIOInput(GPIOInputConfiguration(line: .name("GPIO4")), chips: chips, logger: LogRecorder().logger)
        try await input.start { _ in }
        try await input.start { _ in }  // already started: nothing more is requested
        #expect(device.made.count == 1)
        await input.stop()
        await input.stop()
        try await input.start { _ in }
        #expect(device.openRequests == 1)
        await input.stop()
        #expect(device.openRequests == 0)
    }

    static let tracker: [([(LineEvent.Edge, UInt32)], [Bool?], [UInt32?])] = [
        ([(.rising, 1), (.falling, 2), (.rising, 3)], [true, false, true], [nil, nil, nil]),
        // An edge repeating the level reported at start changes nothing.
        ([(.falling, 1), (.rising, 2)], [nil, true], [nil, nil]),
        ([(.rising, 2)], [true], [1]),
        ([(.rising, 1), (.falling, 10), (.falling, 11)], [true, false, nil], [nil, 8, nil]),
        ([(.rising, 0xFFFF_FFFF), (.falling, 0)], [true, false], [0xFFFF_FFFE, nil]),
    ]

    @Test("edge tracker", arguments: tracker.indices)
    func edgeTracker(_ index: Int) {
        let (events, changes, lost) = Self.tracker[index]
        var tracker = EdgeTracker(level: false)
        for (i, (edge, seqno)) in events.enumerated() {
            let step = tracker.handle(LineEvent(timestampNanoseconds: 0, edge: edge, offset: 0, seqno: seqno, lineSeqno: seqno))
            #expect(step.changed == changes[i], "event \(i)")
            #expect(step.lost == lost[i], "event \(i)")
        }
    }
}

@Suite struct OutputTests {
    @Test("the initial level is in the request itself", arguments: [(false, false, false), (true, false, true), (false, true, true), (true, true, false)])
    func initialLevelInRequest(_ initial: Bool, _ activeLow: Bool, _ physical: Bool) async throws {
        let device = FakeGPIODevice.pi4()
        device.drive(offset: 27, physical: !physical)
        let output = GPIOOutput(
            GPIOOutputConfiguration(chip: "pinctrl-bcm2711", line: .name("GPIO27"), activeLow: activeLow, initial: initial),
            chips: GPIOChips(device: device), logger: LogRecorder().logger)
        try await output.start(events: NoEvents())
        let made = try #require(device.made.first)
        #expect(made.config.flags == (activeLow ? [.output, .activeLow] : [.output]))
        #expect(made.config.attributes == [ConfigAttribute(.outputValues(initial ? 1 : 0), mask: 1)])
        #expect(device.physical(offset: 27) == physical)
        // Nothing was set after the request: no glitch.
        #expect(device.state.withLock { $0.setValues.isEmpty })
        await output.stop()
    }

    @Test func setDrivesTheLineThroughSetValues() async throws {
        let device = FakeGPIODevice.pi4()
        let output = GPIOOutput(
            GPIOOutputConfiguration(line: .name("GPIO27"), activeLow: true), chips: GPIOChips(device: device), logger: LogRecorder().logger)
        try await output.start(events: NoEvents())
        #expect(device.physical(offset: 27) == true)  // active-low relay off
        try await output.set(on: true)
        #expect(device.physical(offset: 27) == false)
        #expect(output.isOn)
        try await output.set(on: false)
        #expect(device.physical(offset: 27) == true)
        #expect(device.state.withLock { $0.setValues.map { "\($0.0):\($0.1)" } } == ["27:1", "27:0"])
        // The descriptor stays open between sets, and is closed at stop.
        #expect(device.openRequests == 1)
        await output.stop()
        #expect(device.openRequests == 0)
        #expect(device.openDescriptors == 0)
    }

    @Test func aLevelSetBeforeStartIsTheRequestedLevel() async throws {
        let device = FakeGPIODevice.pi4()
        let output = GPIOOutput(GPIOOutputConfiguration(line: .name("GPIO22")), chips: GPIOChips(device: device), logger: LogRecorder().logger)
        try await output.set(on: true)
        try await output.start(events: NoEvents())
        #expect(device.made.first?.config.attributes == [ConfigAttribute(.outputValues(1), mask: 1)])
        #expect(device.physical(offset: 22))
        await output.stop()
    }

    @Test func twoPortsShareTheChipsButNotALine() async throws {
        let device = FakeGPIODevice.pi4()
        let chips = GPIOChips(device: device)
        let a = GPIOOutput(GPIOOutputConfiguration(line: .name("GPIO22"), consumer: "smsocket main_relay"), chips: chips, logger: LogRecorder().logger)
        let b = GPIOOutput(GPIOOutputConfiguration(line: .name("GPIO22"), consumer: "smsocket led_out"), chips: chips, logger: LogRecorder().logger)
        try await a.start(events: NoEvents())
        let error = await #expect(throws: GPIOError.self) { try await b.start(events: NoEvents()) }
        #expect(error?.description == "line GPIO22 is busy (used by 'smsocket main_relay')")
        await a.stop()
    }
}
