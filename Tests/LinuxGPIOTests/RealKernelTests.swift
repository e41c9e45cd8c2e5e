import Testing

@testable import LinuxGPIO

#if canImport(Glibc)
    import Glibc
#endif

/// Against the real kernel: read-only on whatever chips the machine has, and requests on a gpio-sim chip
/// made for the test. Skipped, with the reason, where neither exists (as in most containers); in
/// scripts/kernel-test's guest they always run, and fail there when what they need is missing.
@Suite(.serialized) struct RealKernelTests {
    /// `SMSOCKET_KERNEL_TEST=1`: this process runs in scripts/kernel-test's guest, whose kernel has gpio-sim.
    static let inKernelTestGuest = getenv("SMSOCKET_KERNEL_TEST").map { String(cString: $0) } == "1"
    static var hasChips: Bool { inKernelTestGuest || ((try? LinuxGPIODevice().chipPaths()) ?? []).isEmpty == false }
    static let simRoot = "/sys/kernel/config/gpio-sim"
    static var hasGPIOSim: Bool { inKernelTestGuest || access(simRoot, W_OK) == 0 }
    /// How long a glitch lasts: well under the 50 ms debounce, yet long enough for a line without debounce
    /// to report it. With both edges requested the kernel reads the level when its interrupt thread runs,
    /// so a glitch over before that (2 ms was, once in 40 tries, under qemu's emulation) is no change at all.
    static let glitchMicroseconds: UInt32 = 10_000

    @Test(
        .enabled(if: hasChips, "no /dev/gpiochip* on this machine (a container or a board without GPIO)"))
    func everyChipHasALabelAndNamedLinesAreFound() throws {
        // The guest has no GPIO hardware: a gpio-sim chip is the one there is.
        let sim = Self.inKernelTestGuest ? try GPIOSim(lines: 4, names: [1: "SMSOCKET_NAMED1"], label: "smsocket-scan") : nil
        defer { sim?.remove() }
        let device = LinuxGPIODevice()
        #expect(try device.chipPaths().isEmpty == false)
        let chips = GPIOChips(device: device)
        for chip in try chips.chips() {
            #expect(chip.info.name.hasPrefix("gpiochip"))
            #expect(chip.info.lines > 0)
            // Look the first named line up by name on that chip's label: found at the same offset.
            let fd = try device.open(chip.path)
            defer { device.close(fd) }
            for offset in 0..<chip.info.lines {
                let info = try device.lineInfo(fd, offset: offset, chip: chip.info.name)
                #expect(info.offset == offset)
                guard !info.name.isEmpty else { continue }
                let found = try chips.find(chip: chip.info.label, line: .name(info.name))
                #expect(found.chip.label == chip.info.label)
                break
            }
        }
    }

    @Test(
        .enabled(if: hasGPIOSim, "no writable /sys/kernel/config/gpio-sim (needs root, configfs and the gpio-sim module)"))
    func inputsAndOutputsOnAGPIOSimChip() async throws {
        let sim = try GPIOSim(lines: 8, names: [3: "SMSOCKET_OUT3"], label: "smsocket-test")
        defer { sim.remove() }
        let chips = GPIOChips()
        let log = LogRecorder()

        // Output, by name on any chip: requested on, with the level in the request.
        let output = GPIOOutput(GPIOOutputConfiguration(line: .name("SMSOCKET_OUT3"), initial: true), chips: chips, logger: log.logger)
        try await output.start(events: NoEvents())
        #expect(try sim.read("sim_gpio3/value") == "1")
        try await output.set(on: false)
        #expect(try sim.read("sim_gpio3/value") == "0")
        await output.stop()

        // Input, by offset on the chip's label: the initial level, then an edge when the sim's pull changes.
        try sim.write("sim_gpio4/pull", "pull-down")
        let input = GPIOInput(
            GPIOInputConfiguration(chip: "smsocket-test", line: .offset(4), debounceMilliseconds: 0), chips: chips, logger: log.logger)
        let levels = Levels()
        try await input.start(onChange: levels.append)
        try sim.write("sim_gpio4/pull", "pull-up")
        #expect(try await levels.wait(for: 2) == [false, true])
        try sim.write("sim_gpio4/pull", "pull-down")
        #expect(try await levels.wait(for: 3) == [false, true, false])
        await input.stop()
        #expect(log.warnings.isEmpty)
    }

    @Test(
        "a glitch shorter than the debounce is ignored; with debounce 0 it is two edges",
        .enabled(if: hasGPIOSim, "no writable /sys/kernel/config/gpio-sim (needs root, configfs and the gpio-sim module)"),
        arguments: [(50, [false]), (0, [false, true, false])])
    func debounce(_ milliseconds: Int, _ expected: [Bool]) async throws {
        let sim = try GPIOSim(lines: 1, names: [0: "SMSOCKET_GLITCH"], label: "smsocket-debounce")
        defer { sim.remove() }
        let input = GPIOInput(
            GPIOInputConfiguration(line: .name("SMSOCKET_GLITCH"), bias: .pullDown, debounceMilliseconds: milliseconds),
            chips: GPIOChips(), logger: LogRecorder().logger)
        let levels = Levels()
        try await input.start(onChange: levels.append)
        try sim.write("sim_gpio0/pull", "pull-up")
        usleep(Self.glitchMicroseconds)
        try sim.write("sim_gpio0/pull", "pull-down")
        // Longer than the debounce period, for the debouncer to have settled.
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await levels.wait(for: expected.count) == expected)
        await input.stop()
    }

    @Test(
        "edges at 1 kHz for 3 s: no crash, the final level right",
        .enabled(if: hasGPIOSim, "no writable /sys/kernel/config/gpio-sim (needs root, configfs and the gpio-sim module)"))
    func edgesAt1kHz() async throws {
        let sim = try GPIOSim(lines: 1, names: [0: "SMSOCKET_FLOOD"], label: "smsocket-flood")
        defer { sim.remove() }
        let log = LogRecorder()
        let input = GPIOInput(
            GPIOInputConfiguration(line: .name("SMSOCKET_FLOOD"), bias: .pullDown, debounceMilliseconds: 0),
            chips: GPIOChips(), logger: log.logger)
        let levels = Levels()
        try await input.start(onChange: levels.append)
        // End high: the last level the input reports must be it, whatever the kernel's buffer dropped.
        let writes = try sim.toggle(offset: 0, seconds: 3, endingUp: true)
        #expect(writes >= 1000, "only \(writes) writes in 3 s")
        for _ in 0..<400 where levels.all.last != true { try await Task.sleep(for: .milliseconds(5)) }
        #expect(levels.all.last == true)
        #expect(levels.all.count > 1)
        await input.stop()
        print("1 kHz: \(writes) pull writes, \(levels.all.count) levels reported, \(log.warnings.count) overflow warnings")
    }
}

/// A gpio-sim device made through configfs (Documentation/admin-guide/gpio/gpio-sim.rst).
struct GPIOSim {
    let dir: String
    let lineNames: [Int]
    /// `/sys/devices/platform/<dev_name>/<chip_name>`, where the sim_gpioN attributes are.
    var sysfs = ""

    init(lines: Int, names: [Int: String], label: String) throws {
        dir = RealKernelTests.simRoot + "/\(label)-\(getpid())"
        lineNames = names.keys.sorted()
        try Self.mkdir(dir)
        try Self.mkdir(dir + "/bank0")
        try Self.write(dir + "/bank0/num_lines", "\(lines)")
        try Self.write(dir + "/bank0/label", label)
        for (offset, name) in names {
            try Self.mkdir(dir + "/bank0/line\(offset)")
            try Self.write(dir + "/bank0/line\(offset)/name", name)
        }
        try setLive(true)
    }

    func read(_ attribute: String) throws -> String { try Self.read(sysfs + "/" + attribute) }
    func write(_ attribute: String, _ value: String) throws { try Self.write(sysfs + "/" + attribute, value) }

    /// Pulls the line at `offset` up and down, one edge a millisecond, for `seconds`, then leaves it up or
    /// down; returns how many times it wrote the pull. Paced by the clock, so that a slow write is caught up.
    func toggle(offset: Int, seconds: Int, endingUp: Bool) throws -> Int {
        func microseconds() -> Int {
            var now = timespec()
            clock_gettime(CLOCK_MONOTONIC, &now)
            return Int(now.tv_sec) * 1_000_000 + Int(now.tv_nsec) / 1000
        }
        let start = microseconds()
        var writes = 0
        // The whole duration, to the microsecond: whole seconds of the clock would cut it by up to one.
        while microseconds() - start < seconds * 1_000_000 {
            try write("sim_gpio\(offset)/pull", writes % 2 == 0 ? "pull-up" : "pull-down")
            writes += 1
            let early = start + writes * 1000 - microseconds()
            if early > 0 { usleep(UInt32(early)) }
        }
        try write("sim_gpio\(offset)/pull", endingUp ? "pull-up" : "pull-down")
        return writes + 1
    }

    /// Takes the chip away (false, as unbinding its driver would) or brings it back (true); its chip and
    /// device names may change.
    mutating func setLive(_ live: Bool) throws {
        try Self.write(dir + "/live", live ? "1" : "0")
        if live {
            sysfs = "/sys/devices/platform/\(try Self.read(dir + "/dev_name"))/\(try Self.read(dir + "/bank0/chip_name"))"
        }
    }

    func remove() {
        try? Self.write(dir + "/live", "0")
        for offset in lineNames { rmdir(dir + "/bank0/line\(offset)") }
        rmdir(dir + "/bank0")
        rmdir(dir)
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func mkdir(_ path: String) throws {
        guard Glibc.mkdir(path, 0o755) == 0 else { throw Failure(description: "mkdir \(path): errno \(errno)") }
    }

    static func write(_ path: String, _ value: String) throws {
        let fd = open(path, O_WRONLY)
        guard fd >= 0 else { throw Failure(description: "open \(path): errno \(errno)") }
        defer { close(fd) }
        let bytes = Array(value.utf8)
        guard Glibc.write(fd, bytes, bytes.count) == bytes.count else { throw Failure(description: "write \(path): errno \(errno)") }
    }

    static func read(_ path: String) throws -> String {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw Failure(description: "open \(path): errno \(errno)") }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = Glibc.read(fd, &buffer, buffer.count)
        guard n >= 0 else { throw Failure(description: "read \(path): errno \(errno)") }
        return String(decoding: buffer.prefix(n), as: UTF8.self).trimmingCharacters()
    }
}

extension String {
    fileprivate func trimmingCharacters() -> String {
        var s = Substring(self)
        while let c = s.last, c == "\n" || c == " " { s = s.dropLast() }
        return String(s)
    }
}
