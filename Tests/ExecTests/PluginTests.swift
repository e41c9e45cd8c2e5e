import Logging
import PluginKit
import SocketCore
import Testing

@testable import Exec

@Suite struct PluginTests {
    /// The settings of `[table]` as they would come from `board.toml`: the header on line 1, `kind` on line 2,
    /// then one line per setting.
    private func settings(_ table: String, _ values: [(String, ConfigValue)]) -> PluginSettings {
        var lines = [table: 1, "\(table).kind": 2]
        for (index, (key, _)) in values.enumerated() { lines["\(table).\(key)"] = index + 3 }
        return PluginSettings(
            file: "board.toml", table: table, values: Dictionary(uniqueKeysWithValues: values), sourceMap: TOMLSourceMap(lines: lines))
    }

    private func make(_ role: Role, _ values: [(String, ConfigValue)]) throws(ConfigError) -> PluginPort {
        var settings = settings(role.rawValue, values)
        let port = try ExecPlugin.make(
            for: role, settings: &settings, context: PluginContext(logger: recordingLogger().0, model: .gsm707))
        try settings.rejectUnknownKeys()
        return port
    }

    private static let readTemp: ConfigValue = .array([.string("/usr/local/bin/read-temp"), .string("--probe"), .string("2")])

    @Test func kindAndRoles() {
        #expect(ExecPlugin.kind == "exec")
        #expect(ExecPlugin.roles == [
            .thermometer, .alarmInput, .button, .mainsSense,
            .mainRelay, .microRelay, .ledPower, .ledGSM, .ledMic, .ledOut, .modemPowerKey,
        ])
    }

    @Test(arguments: Role.allCases.filter { $0 != .modem })
    func portKindFollowsTheRole(role: Role) throws {
        // Nothing is started: a program that does not exist is fine until the port starts.
        let port = try make(role, [("command", .array([.string("/nonexistent/program")]))])
        #expect(port.kind == role.portKind)
    }

    @Test func thermometerSettings() throws {
        guard case .thermometer(let port) = try make(.thermometer, [("command", Self.readTemp), ("timeout_ms", .int(250))]),
            let thermometer = port as? ExecThermometer
        else { Issue.record("not an exec thermometer"); return }
        #expect(thermometer.command == ["/usr/local/bin/read-temp", "--probe", "2"])
        #expect(thermometer.timeout == .milliseconds(250))
    }

    @Test func defaults() throws {
        let command: (String, ConfigValue) = ("command", .array([.string("x")]))
        guard case .thermometer(let t) = try make(.thermometer, [command]), case .output(let o) = try make(.ledGSM, [command]),
            case .input(let i) = try make(.button, [command])
        else { Issue.record("wrong port kinds"); return }
        #expect((t as? ExecThermometer)?.timeout == .seconds(5))
        #expect((o as? ExecOutput)?.timeout == .seconds(5))
        #expect((i as? ExecInput)?.restartDelay == .seconds(1))
    }

    @Test func inputAndOutputSettings() throws {
        guard case .input(let i) = try make(.alarmInput, [("command", Self.readTemp), ("restart_delay_ms", .int(100))]),
            case .output(let o) = try make(.mainRelay, [("command", Self.readTemp), ("timeout_ms", .int(600_000))])
        else { Issue.record("wrong port kinds"); return }
        #expect((i as? ExecInput)?.restartDelay == .milliseconds(100))
        #expect((o as? ExecOutput)?.timeout == .seconds(600))
        #expect((o as? ExecOutput)?.command == ["/usr/local/bin/read-temp", "--probe", "2"])
    }

    @Test(arguments: [
        (Role.thermometer, [(String, ConfigValue)](),
         #"board.toml:1: thermometer.command: missing; expected the command as a list of strings, e.g. ["/usr/local/bin/read-temp", "--probe", "2"]"#),
        (.thermometer, [("command", .string("/usr/local/bin/read-temp --probe 2"))],
         "board.toml:3: thermometer.command: expected a list of strings, found a string"),
        (.mainRelay, [("command", .array([.string("relay"), .int(1)]))],
         "board.toml:3: main_relay.command: expected a list of strings, found a whole number in it"),
        (.mainRelay, [("command", .array([]))],
         "board.toml:3: main_relay.command: expected at least the program to run, found an empty list"),
        (.button, [("command", .array([.string(""), .string("x")]))],
         "board.toml:3: button.command: the program (the first item) is empty"),
        (.ledOut, [("command", .array([.string("led"), .string("a\0b")]))],
         #"board.toml:3: led_out.command: the argument "a\0b" contains a NUL character"#),
        (.thermometer, [("command", Self.readTemp), ("timeout_ms", .int(9))],
         "board.toml:4: thermometer.timeout_ms: expected a whole number from 10 to 600000, not 9"),
        (.ledPower, [("command", Self.readTemp), ("timeout_ms", .int(600_001))],
         "board.toml:4: led_power.timeout_ms: expected a whole number from 10 to 600000, not 600001"),
        (.microRelay, [("command", Self.readTemp), ("timeout_ms", .string("5s"))],
         "board.toml:4: micro_relay.timeout_ms: expected a whole number, found a string"),
        (.mainsSense, [("command", Self.readTemp), ("restart_delay_ms", .int(99))],
         "board.toml:4: mains_sense.restart_delay_ms: expected a whole number from 100 to 600000, not 99"),
        (.mainsSense, [("command", Self.readTemp), ("timeout_ms", .int(1000))],
         "board.toml:4: mains_sense.timeout_ms: unknown key; this plugin knows command, restart_delay_ms"),
        (.ledMic, [("command", Self.readTemp), ("restart_delay_ms", .int(1000))],
         "board.toml:4: led_mic.restart_delay_ms: unknown key; this plugin knows command, timeout_ms"),
        (.thermometer, [("command", Self.readTemp), ("comand", Self.readTemp)],
         "board.toml:4: thermometer.comand: unknown key; this plugin knows command, timeout_ms"),
        (.modem, [("command", Self.readTemp)], "board.toml:1: modem: the exec plugin cannot be the modem"),
    ])
    func settingsErrors(role: Role, values: [(String, ConfigValue)], message: String) {
        let error = #expect(throws: ConfigError.self) { try make(role, values) }
        #expect(error?.description == message)
    }
}
