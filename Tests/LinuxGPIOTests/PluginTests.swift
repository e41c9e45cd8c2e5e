import PluginKit
import SocketCore
import Testing

@testable import LinuxGPIO

@Suite struct PluginTests {
    /// Builds the role's port from a `[role]` table written as TOML lines (for the line numbers).
    func make(_ role: Role, _ values: [String: ConfigValue], device: FakeGPIODevice = .pi4()) throws(ConfigError) -> PluginPort {
        var lines = [role.rawValue: 1, "\(role.rawValue).kind": 2]
        for (index, key) in values.keys.sorted().enumerated() { lines["\(role.rawValue).\(key)"] = index + 3 }
        var settings = PluginSettings(
            file: "smsocket.toml", table: role.rawValue, values: values.merging(["kind": .string("gpio")]) { a, _ in a },
            sourceMap: TOMLSourceMap(lines: lines))
        let context = PluginContext(logger: LogRecorder().logger, model: Model.allCases[0])
        let port = try LinuxGPIOPlugin.make(for: role, settings: &settings, context: context, chips: GPIOChips(device: device))
        try settings.rejectUnknownKeys()
        return port
    }

    @Test func kindAndRoles() {
        #expect(LinuxGPIOPlugin.kind == "gpio")
        #expect(LinuxGPIOPlugin.roles == Set(Role.allCases.filter { $0.portKind == .input || $0.portKind == .output }))
    }

    @Test("input roles make inputs with the defaults", arguments: [Role.alarmInput, .button, .mainsSense])
    func inputDefaults(_ role: Role) throws {
        guard case .input(let port) = try make(role, ["line": .string("GPIO17")]) else {
            Issue.record("not an input")
            return
        }
        let input = try #require(port as? GPIOInput)
        #expect(input.configuration == GPIOInputConfiguration(
            chip: nil, line: .name("GPIO17"), activeLow: false, bias: .asIs, debounceMilliseconds: 10,
            consumer: "smsocket \(role.rawValue)"))
    }

    @Test("output roles make outputs with the defaults", arguments: [Role.mainRelay, .microRelay, .ledPower, .ledGSM, .ledMic, .ledOut])
    func outputDefaults(_ role: Role) throws {
        guard case .output(let port) = try make(role, ["line": .int(5), "chip": .string("pinctrl-rp1")]) else {
            Issue.record("not an output")
            return
        }
        let output = try #require(port as? GPIOOutput)
        #expect(output.configuration == GPIOOutputConfiguration(
            chip: "pinctrl-rp1", line: .offset(5), activeLow: false, initial: false, consumer: "smsocket \(role.rawValue)"))
    }

    @Test func everyInputSetting() throws {
        let port = try make(.alarmInput, [
            "chip": .string("pinctrl-bcm2711"), "line": .string("GPIO4"), "active_low": .bool(true), "bias": .string("pull-up"),
            "debounce_ms": .int(50),
        ])
        guard case .input(let input as GPIOInput) = port else { Issue.record("not a GPIO input"); return }
        #expect(input.configuration == GPIOInputConfiguration(
            chip: "pinctrl-bcm2711", line: .name("GPIO4"), activeLow: true, bias: .pullUp, debounceMilliseconds: 50,
            consumer: "smsocket alarm_input"))
    }

    @Test func everyOutputSetting() throws {
        let port = try make(.mainRelay, ["line": .string("GPIO27"), "active_low": .bool(true), "initial": .bool(true)])
        guard case .output(let output as GPIOOutput) = port else { Issue.record("not a GPIO output"); return }
        #expect(output.configuration == GPIOOutputConfiguration(
            chip: nil, line: .name("GPIO27"), activeLow: true, initial: true, consumer: "smsocket main_relay"))
    }

    static let errors: [(Role, [String: ConfigValue], String)] = [
        (.button, [:], "smsocket.toml:1: button.line: missing; expected a line name like \"GPIO17\" or an offset on `chip` (a whole number)"),
        (.button, ["line": .bool(true)], "smsocket.toml:3: button.line: expected a line name like \"GPIO17\" or an offset on `chip` (a whole number)"),
        (.button, ["line": .string("")], "smsocket.toml:3: button.line: expected a line name like \"GPIO17\" or an offset on `chip` (a whole number)"),
        (
            .mainRelay, ["line": .int(17)],
            "smsocket.toml:3: main_relay.line: an offset needs `chip` (the chip's label, e.g. \"pinctrl-bcm2711\"); or give the line's name, e.g. \"GPIO17\""
        ),
        (.mainRelay, ["line": .int(-1), "chip": .string("pinctrl-rp1")], "smsocket.toml:4: main_relay.line: expected a line offset from 0 to 65535, not -1"),
        (.button, ["line": .string("GPIO17"), "chip": .int(0)], "smsocket.toml:3: button.chip: expected a string, found a whole number"),
        (
            .button, ["line": .string("GPIO17"), "chip": .string("")],
            "smsocket.toml:3: button.chip: expected a chip's label, e.g. \"pinctrl-bcm2711\"; leave it out to search every chip"
        ),
        (.button, ["line": .string("GPIO17"), "active_low": .string("yes")], "smsocket.toml:3: button.active_low: expected true or false, found a string"),
        (
            .alarmInput, ["line": .string("GPIO17"), "bias": .string("up")],
            "smsocket.toml:3: alarm_input.bias: expected one of \"pull-up\", \"pull-down\", \"disabled\", \"as-is\", not \"up\""
        ),
        (
            .alarmInput, ["line": .string("GPIO17"), "debounce_ms": .int(1001)],
            "smsocket.toml:3: alarm_input.debounce_ms: expected a whole number from 0 to 1000, not 1001"
        ),
        (.mainsSense, ["line": .string("GPIO17"), "debounce_ms": .double(2.5)], "smsocket.toml:3: mains_sense.debounce_ms: expected a whole number, found a number"),
        (.mainRelay, ["line": .string("GPIO27"), "initial": .int(1)], "smsocket.toml:3: main_relay.initial: expected true or false, found a whole number"),
        // Input-only keys on outputs and output-only keys on inputs are unknown keys.
        (
            .mainRelay, ["line": .string("GPIO27"), "bias": .string("pull-up")],
            "smsocket.toml:3: main_relay.bias: unknown key; this plugin knows active_low, chip, initial, line"
        ),
        (
            .ledGSM, ["line": .string("GPIO5"), "debounce_ms": .int(10)],
            "smsocket.toml:3: led_gsm.debounce_ms: unknown key; this plugin knows active_low, chip, initial, line"
        ),
        (
            .button, ["line": .string("GPIO17"), "initial": .bool(true)],
            "smsocket.toml:3: button.initial: unknown key; this plugin knows active_low, bias, chip, debounce_ms, line"
        ),
        (
            .button, ["line": .string("GPIO17"), "pin": .int(17)],
            "smsocket.toml:4: button.pin: unknown key; this plugin knows active_low, bias, chip, debounce_ms, line"
        ),
    ]

    @Test("settings errors name the file, line and key", arguments: errors.indices)
    func settingsError(_ index: Int) {
        let (role, values, message) = Self.errors[index]
        let error = #expect(throws: ConfigError.self) { try make(role, values) }
        #expect(error?.description == message)
    }

    @Test func theBoardsRolesShareOneChipScan() throws {
        let shared = SharedObjects()
        let context = PluginContext(logger: LogRecorder().logger, model: Model.allCases[0], shared: shared)
        var a = PluginSettings(file: "f", table: "button", values: ["line": .string("GPIO17")], sourceMap: TOMLSourceMap())
        var b = PluginSettings(file: "f", table: "main_relay", values: ["line": .string("GPIO27")], sourceMap: TOMLSourceMap())
        _ = try LinuxGPIOPlugin.make(for: .button, settings: &a, context: context)
        _ = try LinuxGPIOPlugin.make(for: .mainRelay, settings: &b, context: context)
        let first = shared.object(LinuxGPIOPlugin.chipsKey) { GPIOChips(device: FakeGPIODevice([])) }
        let second = shared.object(LinuxGPIOPlugin.chipsKey) { GPIOChips(device: FakeGPIODevice([])) }
        #expect(first === second)
        #expect(first.device is LinuxGPIODevice)
    }
}
