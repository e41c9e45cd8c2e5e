import Logging
import PluginKit
import SocketCore
import Testing
import TestSupport

@testable import SocketRuntime

@Suite("The configuration file")
struct ConfigTests {
    static let minimal = """
        [modem]
        kind = "simulated"

        [main_relay]
        kind = "simulated"
        """

    func ports(_ text: String) throws(ConfigError) -> BoardBuilder.Ports {
        let config = try ControllerConfig.parse(text, file: "board.toml")
        return try BoardBuilder.ports(for: config, context: PluginContext(logger: Logger(label: "test"), model: config.model))
    }

    @Test func aMinimalBoardIsAccepted() throws {
        let config = try ControllerConfig.parse("model = \"706L\"\nlog_level = \"debug\"\n" + Self.minimal, file: "board.toml")
        #expect(config.model == .gsm706Light)
        #expect(config.logLevel == .debug)
        #expect(config.statePath == nil)
        #expect(try ports(Self.minimal).summary == ["modem: simulated", "main_relay: simulated"])
    }

    @Test(arguments: [
        ("model = 707\n", "board.toml:1: model: expected a string, found a whole number"),
        ("model = \"708\"\n", #"board.toml:1: model: expected one of "706", "707", "706L", "707L", not "708""#),
        ("\n\nlog_level = \"loud\"\n", #"board.toml:3: log_level: expected one of trace, debug, info, notice, warning, error, critical, not "loud""#),
        ("colour = \"red\"\n", "board.toml:1: colour: unknown key; known keys and tables: model, state, rules, control_socket, log_level, serial, rule_memory_kib, [location], [modem], [thermometer], [alarm_input], [button], [main_relay], [micro_relay], [mains_sense], [led_power], [led_gsm], [led_mic], [led_out], [modem_power_key]"),
        ("state = [\"a\"]\n", "board.toml:1: state: expected a string, found a list"),
        ("model = \"707\n", "board.toml:1: not valid TOML: "),
        ("modem = \"sim\"\n", "board.toml:1: modem: expected a table [modem], found a string"),
        ("[thermometer]\nsensor = \"x\"\n", "board.toml:1: thermometer: missing kind; known kinds: atmodem, exec, gpio, onewire, simulated"),
    ])
    func fileErrors(_ text: String, _ message: String) {
        #expect {
            try ControllerConfig.parse(text, file: "board.toml")
        } throws: { error in
            "\(error)".hasPrefix(message) && (message.hasSuffix(": ") || "\(error)" == message)
        }
    }

    @Test(arguments: [
        ("[main_relay]\nkind = \"simulated\"\n", "board.toml: modem: missing; every board needs a [modem] table"),
        (minimal + "\n[thermometer]\nkind = \"thermocouple\"\n", #"board.toml:7: thermometer.kind: unknown plugin kind "thermocouple"; known kinds: atmodem, exec, gpio, onewire, simulated"#),
        (minimal + "\n[led_power]\nkind = \"simulated\"\n", "board.toml:7: led_power.kind: the simulated plugin cannot be the led_power; it fills alarm_input, button, main_relay, mains_sense, micro_relay, modem, thermometer"),
        (minimal + "\n[thermometer]\nkind = \"onewire\"\nsensr = \"28-0316a2795eff\"\n", "board.toml:8: thermometer.sensr: unknown key; this plugin knows retries, root, sensor"),
        (minimal + "\n[thermometer]\nkind = \"onewire\"\nretries = 0\n", "board.toml:8: thermometer.retries: expected a whole number from 1 to 10, not 0"),
        ("model = \"706L\"\n" + minimal + "\n[thermometer]\nkind = \"simulated\"\n", "board.toml:7: thermometer: model 706L has no thermometer; remove the table"),
        (minimal + "\n[button]\nkind = \"exec\"\n", "board.toml:6: button.command: missing; expected the command as a list of strings, e.g. [\"/usr/local/bin/read-temp\", \"--probe\", \"2\"]"),
        (minimal + "\n[alarm_input]\nkind = \"gpio\"\nline = \"GPIO22\"\nbias = \"up\"\n", #"board.toml:9: alarm_input.bias: expected one of "pull-up", "pull-down", "disabled", "as-is", not "up""#),
        (minimal + "\n[main_relay]\nkind = \"gpio\"\n", ""),
    ])
    func boardErrors(_ text: String, _ message: String) {
        do {
            _ = try ports(text)
            Issue.record("accepted: \(text)")
        } catch {
            if !message.isEmpty { #expect(error.description == message) }
        }
    }

    static let modem = "[main_relay]\nkind = \"simulated\"\n[modem]\nkind = \"atmodem\"\ndevice = \"/dev/ttyUSB2\"\n"

    /// `[modem] pin`: 4 to 8 digits in quotes, refused at its line without ever repeating what was written.
    @Test(arguments: [
        ("pin = \"12a4\"", "12a4"), ("pin = \"123\"", "123"), ("pin = \"123456789\"", "123456789"), ("pin = \" 1234\"", " 1234"),
        ("pin = \"１２３４\"", "１２３４"), ("pin = 1234", "1234"),
        // Not even TOML: a PIN written without quotes that starts with 0, or too long for a number.
        ("pin = 0123", "0123"), ("pin = 00001234", "00001234"), ("pin = 98765432109876543210", "98765432109876543210"),
        ("pin = 1234-5678", "1234"), ("pin = 12_34", "12_34"),
    ])
    func aPINThatIsNoPINIsRefusedWithoutBeingShown(_ line: String, _ written: String) {
        do {
            _ = try ports(Self.modem + line + "\n")
            Issue.record("accepted: \(line)")
        } catch {
            #expect(error.description.hasPrefix("board.toml:6: modem.pin: "), "\(error)")
            #expect(!error.description.contains(written), "\(error)")
        }
    }

    @Test func aPINAndTheTraceAreAccepted() throws {
        #expect(try ports(Self.modem + "pin = \"0000\"\ntrace = true\n").summary == ["main_relay: simulated", "modem: atmodem"])
        #expect(try ports(Self.modem + "pin = \"12345678\"\ntrace = false\n").summary.count == 2)
        #expect(throws: ConfigError.self) { try ports(Self.modem + "trace = \"yes\"\n") }
    }

    static let tooLongSocket = "/run/" + String(repeating: "x", count: 110)

    /// `control_socket` names a path a socket can be made at, or is refused at its line: by `run` and `check`
    /// (``ControllerConfig/parse(_:file:zones:)``) and by the control commands, which read that key alone.
    @Test(arguments: [
        ("control_socket = \"\"\n", "board.toml:1: control_socket: expected the socket's path, e.g. \"/run/smsocket/control.sock\""),
        ("\ncontrol_socket = \"/run/smsocket/\"\n", "board.toml:2: control_socket: expected the socket's path, e.g. \"/run/smsocket/control.sock\""),
        ("control_socket = \"/run/a\\u0000b\"\n", "board.toml:1: control_socket: expected the socket's path, e.g. \"/run/smsocket/control.sock\""),
        ("control_socket = \"\(tooLongSocket)\"\n", "board.toml:1: control_socket: \(tooLongSocket) is too long: a socket's path has at most 107 bytes"),
    ])
    func aControlSocketThatCannotBeMadeIsRefusedAtItsLine(_ line: String, _ message: String) throws {
        #expect(throws: ConfigError.self) { try ControllerConfig.parse(line + Self.minimal, file: "board.toml") }
        let (_, problems) = ControllerConfig.read(try TOMLDocument(parsing: Array((line + Self.minimal).utf8), file: "board.toml"), file: "board.toml")
        #expect(problems.map(\.description) == [message])
        let folder = try TemporaryDirectory()
        let file = folder.path("board.toml")
        try (line + Self.minimal).write(toFile: file, atomically: true, encoding: .utf8)
        let error = #expect(throws: ConfigError.self) { try ControllerConfig.controlSocket(inConfigFile: file) }
        #expect(error?.description == folder.path(message))
    }

    /// `temporary` is a word of `state` alone: `rules` and `control_socket` of that name are paths beside the file.
    @Test func temporaryIsAPathButForTheState() throws {
        let config = try ControllerConfig.parse(
            "state = \"temporary\"\nrules = \"temporary\"\ncontrol_socket = \"temporary\"\n" + Self.minimal, file: "/etc/smsocket/board.toml")
        #expect(config.statePath == TemporaryState.configValue)
        #expect(config.rulesPath == "/etc/smsocket/temporary")
        #expect(config.controlSocketPath == "/etc/smsocket/temporary")
    }

    @Test func theSampleConfigurationsParse() throws {
        let root = String(#filePath[..<#filePath.range(of: "/Tests/")!.lowerBound])
        for name in ["demo.toml", "raspberry-pi.toml", "smsocket.toml"] {
            _ = try ControllerConfig.load(path: root + "/etc/" + name)
        }
        let demo = try ControllerConfig.load(path: root + "/etc/demo.toml")
        let ports = try BoardBuilder.ports(for: demo, context: PluginContext(logger: Logger(label: "test"), model: demo.model))
        #expect(ports.byRole.count == 7)
    }

    @Test func aMissingFileIsNamed() {
        #expect(throws: ConfigError(file: "/nonexistent/smsocket.toml", line: nil, key: nil, message: "cannot read the file: No such file or directory")) {
            try ControllerConfig.load(path: "/nonexistent/smsocket.toml")
        }
    }
}
