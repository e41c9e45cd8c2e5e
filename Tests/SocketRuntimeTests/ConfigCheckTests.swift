import Foundation
import PluginKit
import SocketCore
import TestSupport
import Testing

@testable import SocketRuntime

@Suite("smsocket check")
struct ConfigCheckTests {
    /// A folder with what configurations point at: `state/` and `rules/` folders, an executable `relay`,
    /// a `plain` file that is not executable; `$D` in texts stands for it.
    final class Machine {
        let directory: TemporaryDirectory
        var root: String { directory.url.path }

        init() throws {
            directory = try TemporaryDirectory()
            for folder in ["state", "rules"] {
                try FileManager.default.createDirectory(atPath: directory.path(folder), withIntermediateDirectories: true)
            }
            _ = try directory.script("relay", "exit 0")
            _ = try directory.script("plain", "exit 0", executable: false)
        }

        func expand(_ text: String) -> String { text.replacing("$D", with: root) }

        /// `text` written as `$D/board.toml`, checked.
        func check(_ text: String) throws -> ConfigCheck.Report {
            let path = directory.path("board.toml")
            try expand(text).write(toFile: path, atomically: true, encoding: .utf8)
            return ConfigCheck.check(path: path)
        }
    }

    static let allFeatures = """
        state = "$D/state/state.sqlite"
        rules = "$D/rules"
        [modem]
        kind = "simulated"
        [main_relay]
        kind = "exec"
        command = ["$D/relay"]
        [thermometer]
        kind = "simulated"
        [alarm_input]
        kind = "simulated"
        [micro_relay]
        kind = "simulated"
        [mains_sense]
        kind = "simulated"

        """

    static let bare = """
        state = "$D/state/state.sqlite"
        [modem]
        kind = "simulated"
        [main_relay]
        kind = "simulated"

        """

    static let warnings707 = [
        "warning: $D/board.toml: thermometer: model 707 has a thermometer but there is no [thermometer] table; THERMOSTAT, TEMPOFF, THERMALERT, TRISEALERT, TFALLALERT and TEMPCAL commands will answer Execute error! and TEMPERATURE will say No sensor",
        "warning: $D/board.toml: alarm_input: model 707 has an alarm input but there is no [alarm_input] table; ALARMON, SENSORTYPE and ALERT commands will answer Execute error! and ALARM? will say Sensor(s): Not connected",
        "warning: $D/board.toml: micro_relay: model 707 has a micro-relay but there is no [micro_relay] table; ONM, OFFM, RESTARTM, ONALL, OFFALL and MICRORELAYTIME commands will answer Execute error!",
        "warning: $D/board.toml: mains_sense: model 707 reports a loss of mains power but there is no [mains_sense] table; a loss of mains power will go unnoticed",
    ]

    /// Configurations and every finding, in file order; `passes`: no errors.
    static let cases: [(name: String, text: String, findings: [String], passes: Bool)] = [
        ("a complete 707 board", allFeatures, [], true),
        ("a 707 board without its optional parts warns for each feature", bare, warnings707, true),
        ("a 706 has no battery to report a loss of mains", "model = \"706\"\n" + bare, warnings707.dropLast().map { $0.replacing("707", with: "706") }, true),
        ("Light models lack the other features", "model = \"707L\"\n" + bare, [warnings707[3].replacing("model 707", with: "model 707L")], true),
        ("a 706 Light needs nothing more", "model = \"706L\"\n" + bare, [], true),
        (
            "every problem at once, in file order",
            """
            model = "708"
            state = "$D/nostate/state.sqlite"
            rules = "$D/norules"
            colour = "red"
            [main_relay]
            kind = "exec"
            command = ["$D/missing", "1"]
            [micro_relay]
            kind = "exec"
            command = ["$D/plain"]
            [button]
            kind = "gpio"
            line = "GPIO17"
            [alarm_input]
            kind = "gpio"
            line = "GPIO17"
            [led_out]
            kind = "exec"
            command = ["$D"]
            colour = 1
            [thermometer]
            kind = "thermocouple"

            """,
            [
                #"error: $D/board.toml:1: model: expected one of "706", "707", "706L", "707L", not "708""#,
                "error: $D/board.toml:2: state: the state folder $D/nostate does not exist; create it, writable by the user the controller runs as",
                "error: $D/board.toml:3: rules: the rules folder $D/norules does not exist; create it, or leave `rules` out",
                "error: $D/board.toml:4: colour: unknown key; known keys and tables: model, state, rules, control_socket, log_level, serial, rule_memory_kib, [location], [modem], [thermometer], [alarm_input], [button], [main_relay], [micro_relay], [mains_sense], [led_power], [led_gsm], [led_mic], [led_out], [modem_power_key]",
                "error: $D/board.toml:7: main_relay.command: the program $D/missing does not exist",
                "error: $D/board.toml:10: micro_relay.command: \(currentUser) may not run $D/plain: Permission denied (EACCES); make it executable (chmod +x)",
                #"error: $D/board.toml:16: alarm_input.line: "GPIO17" is already taken by [button] ($D/board.toml:11); each role needs a GPIO line of its own"#,
                "error: $D/board.toml:19: led_out.command: $D is a directory, not a program",
                "error: $D/board.toml:20: led_out.colour: unknown key; this plugin knows command, timeout_ms",
                #"error: $D/board.toml:22: thermometer.kind: unknown plugin kind "thermocouple"; known kinds: atmodem, exec, gpio, onewire, simulated"#,
                "error: $D/board.toml: modem: missing; every board needs a [modem] table",
                warnings707[3],
            ],
            false
        ),
        (
            "a state path that is a folder, and rules that are a file",
            "state = \"$D/state\"\nrules = \"$D/relay\"\n[modem]\nkind = \"simulated\"\n[main_relay]\nkind = \"simulated\"\n",
            [
                "error: $D/board.toml:1: state: the state database $D/state is a directory, not a database file",
                "error: $D/board.toml:2: rules: the rules folder $D/relay is a file, not a folder",
            ] + warnings707,
            false
        ),
        (
            "a state folder that is a file",
            "state = \"$D/relay/state.sqlite\"\n[modem]\nkind = \"simulated\"\n[main_relay]\nkind = \"simulated\"\n",
            ["error: $D/board.toml:1: state: the state folder $D/relay is a file, not a folder"] + warnings707,
            false
        ),
        (
            "an empty state path",
            "state = \"\"\n[modem]\nkind = \"simulated\"\n[main_relay]\nkind = \"simulated\"\n",
            [#"error: $D/board.toml:1: state: expected the database file's path, e.g. "/var/lib/smsocket/state.sqlite""#] + warnings707,
            false
        ),
        (
            "two roles on one GPIO offset of one chip, and one name on any chip",
            """
            state = "$D/state/state.sqlite"
            [modem]
            kind = "simulated"
            [main_relay]
            kind = "gpio"
            chip = "pinctrl-bcm2711"
            line = 17
            [micro_relay]
            kind = "gpio"
            chip = "pinctrl-bcm2711"
            line = 17
            [led_power]
            kind = "gpio"
            chip = "pinctrl-rp1"
            line = 17
            [button]
            kind = "gpio"
            chip = "pinctrl-rp1"
            line = "GPIO5"
            [led_out]
            kind = "gpio"
            line = "GPIO5"

            """,
            [
                "error: $D/board.toml:11: micro_relay.line: offset 17 on pinctrl-bcm2711 is already taken by [main_relay] ($D/board.toml:4); each role needs a GPIO line of its own",
                #"error: $D/board.toml:22: led_out.line: "GPIO5" is already taken by [button] ($D/board.toml:16); each role needs a GPIO line of its own"#,
            ] + warnings707.filter { !$0.contains("micro_relay") },
            false
        ),
        ("a control socket in the state folder", "control_socket = \"state/control.sock\"\n" + bare, warnings707, true),
        (
            "a control socket's folder must exist",
            "control_socket = \"$D/run/control.sock\"\n" + bare,
            ["error: $D/board.toml:1: control_socket: the control socket's folder $D/run does not exist; create it, writable by the user the controller runs as"] + warnings707,
            false
        ),
        (
            "a control socket's path must fit a socket address",
            "control_socket = \"/run/\(String(repeating: "x", count: 110))\"\n" + bare,
            ["error: $D/board.toml:1: control_socket: /run/\(String(repeating: "x", count: 110)) is too long: a socket's path has at most 107 bytes"] + warnings707,
            false
        ),
        (
            "what is at the control socket's path must be a socket, which `run` replaces",
            "control_socket = \"board.toml\"\n" + bare,
            ["error: $D/board.toml:1: control_socket: the control socket $D/board.toml cannot be made: a file is there; remove it or choose another control_socket"] + warnings707,
            false
        ),
        ("a file that is not TOML stops at its first error", "[modem\nkind = 1\n[[[", ["error: $D/board.toml:1: not valid TOML: expected ] to close the header [modem], found the end of the line"], false),
    ]

    static var currentUser: String { String(cString: getpwuid(getuid())!.pointee.pw_name) }

    @Test("findings", arguments: cases.indices)
    func findings(_ index: Int) throws {
        let (_, text, expected, passes) = Self.cases[index]
        let machine = try Machine()
        let report = try machine.check(text)
        #expect(report.findings.map(\.description) == expected.map(machine.expand))
        #expect(report.passed == passes)
    }

    @Test func aPassingCheckSummarisesTheBoardInFileOrder() throws {
        let report = try Machine().check(Self.allFeatures)
        #expect(report.summary == [
            "modem: simulated", "main_relay: exec", "thermometer: simulated", "alarm_input: simulated", "micro_relay: simulated",
            "mains_sense: simulated",
        ])
        #expect(report.config?.model == .gsm707)
    }

    @Test func aRuleThatFailsToLoadIsAnErrorAtItsLine() throws {
        let machine = try Machine()
        try "-- a sunset needs [location]\nat(\"sunset\", function() end)\n"
            .write(toFile: machine.directory.path("rules/lamp.lua"), atomically: true, encoding: .utf8)
        try "command(\"PUMP\", function() return \"OK\" end)\n"
            .write(toFile: machine.directory.path("rules/pump.lua"), atomically: true, encoding: .utf8)
        let report = try machine.check(Self.allFeatures)
        #expect(report.findings.map(\.description) == [
            machine.expand("error: $D/rules/lamp.lua:2: bad argument #1 to 'at' (\"sunset\" needs [location] in the config)")
        ])
    }

    /// The demo board runs every example rule of rules/ at once: none clashes with another (an SMS keyword, a
    /// scheduler action, the alarm response) and the night light finds its [location].
    @Test func theDemoBoardLoadsEveryExampleRule() {
        let root = String(#filePath[..<#filePath.range(of: "/Tests/")!.lowerBound])
        let report = ConfigCheck.check(path: root + "/etc/demo.toml")
        #expect(report.findings.isEmpty, "\(report.findings)")
        #expect(report.passed)
    }

    @Test func aFolderGivenAsTheConfigurationIsNamedAsSuch() throws {
        let machine = try Machine()
        let report = ConfigCheck.check(path: machine.root)
        #expect(report.findings.map(\.description) == ["error: \(machine.root): is a directory, not a configuration file"])
        #expect(report.config == nil)
    }

    @Test func theSystemdStateFolderMayBeMissing() throws {
        let machine = try Machine()
        let folder = machine.directory.path("var-lib-smsocket")
        let config = try ControllerConfig.parse("state = \"\(folder)/state.sqlite\"\n", file: "board.toml")
        #expect(ConfigCheck.stateFolder(config, systemdFolder: folder).map(\.description) == [
            "note: board.toml:1: state: the state folder \(folder) does not exist yet: the systemd unit smsocket.service creates it (StateDirectory=smsocket); create it yourself to run the controller without systemd"
        ])
        #expect(ConfigCheck.stateFolder(config, systemdFolder: "/elsewhere").first?.severity == .error)
    }

    @Test func aTemporaryStateNeedsNoFolderAndAnEmptyStateFileIsAnError() throws {
        let machine = try Machine()
        let temporary = try ControllerConfig.parse("state = \"temporary\"\n", file: "board.toml")
        #expect(ConfigCheck.stateFolder(temporary).isEmpty)
        let empty = machine.directory.path("state.sqlite")
        #expect(FileManager.default.createFile(atPath: empty, contents: Data()))
        let config = try ControllerConfig.parse("state = \"\(empty)\"\n", file: "board.toml")
        let findings = ConfigCheck.stateFolder(config).map(\.description)
        #expect(findings.count == 1)
        #expect(findings.first?.hasPrefix("error: board.toml:1: state: the state database \(empty) is an empty file (0 bytes)") == true, "\(findings)")
    }

    /// The note above is true of the unit the project ships, and the default state lives in that folder.
    @Test func theUnitMakesTheDefaultStateFolder() throws {
        let root = String(#filePath[..<#filePath.range(of: "/Tests/")!.lowerBound])
        let unit = try String(contentsOfFile: root + "/etc/smsocket.service", encoding: .utf8)
        #expect(unit.split(separator: "\n").contains("StateDirectory=smsocket"))
        #expect(ConfigCheck.parentFolder(of: ControllerConfig.defaultStatePath) == ConfigCheck.systemdStateDirectory)
    }

    @Test(arguments: [("/var/lib/smsocket/state.sqlite", "/var/lib/smsocket"), ("state.sqlite", "."), ("/state.sqlite", "/"), ("a/b", "a")])
    func parentFolder(_ path: String, _ folder: String) {
        #expect(ConfigCheck.parentFolder(of: path) == folder)
    }
}
