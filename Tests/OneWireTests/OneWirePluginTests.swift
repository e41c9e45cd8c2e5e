import Logging
import PluginKit
import SocketCore
import Testing
@testable import OneWire

@Suite struct OneWirePluginTests {
    private static let context = PluginContext(logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }, model: .gsm707)

    /// Settings as the runtime builds them, with the lines of `text` and `values` standing for the table's keys.
    private static func settings(_ values: [String: ConfigValue], _ text: String) throws(ConfigError) -> PluginSettings {
        let document = try TOMLDocument(parsing: Array(text.utf8), file: "smsocket.toml")
        return PluginSettings(file: "smsocket.toml", table: "thermometer", values: values, sourceMap: document.sourceMap)
    }

    private static func make(_ values: [String: ConfigValue], _ text: String) throws(ConfigError) -> OneWireThermometer {
        var s = try settings(values, text)
        guard case .thermometer(let port) = try OneWirePlugin.make(for: .thermometer, settings: &s, context: context),
            let thermometer = port as? OneWireThermometer
        else { preconditionFailure("not a OneWireThermometer") }
        return thermometer
    }

    @Test func kindAndRoles() {
        #expect(OneWirePlugin.kind == "onewire")
        #expect(OneWirePlugin.roles == [.thermometer])
    }

    @Test func defaults() throws {
        let port = try Self.make(["kind": .string("onewire")], "[thermometer]\nkind = \"onewire\"\n")
        #expect(port.bus.root == "/sys/bus/w1/devices")
        #expect(port.selection == .firstFound)
        #expect(port.retries == 3)
        #expect(port.retryDelay == .seconds(1))
    }

    @Test func everySetting() throws {
        let port = try Self.make(
            [
                "kind": .string("onewire"), "root": .string("/tmp/w1/devices"), "sensor": .string("28-0316a2795eff"),
                "retries": .int(5),
            ],
            "[thermometer]\nkind = \"onewire\"\nroot = \"/tmp/w1/devices\"\nsensor = \"28-0316a2795eff\"\nretries = 5\n"
        )
        #expect(port.bus.root == "/tmp/w1/devices")
        #expect(port.selection == .id(id("28-0316a2795eff")))
        #expect(port.retries == 5)
    }

    @Test("Settings errors", arguments: [
        (
            ["sensor": ConfigValue.string("28-0316A2795EFF")],
            "smsocket.toml:3: thermometer.sensor: expected a sensor id like \"28-0316a2795eff\" (family 10, 22, 28, 3b or 42, "
                + "a dash, then 12 lowercase hex digits), not \"28-0316A2795EFF\""
        ),
        (
            ["sensor": .string("3a-00000012d0a5")],
            "smsocket.toml:3: thermometer.sensor: expected a sensor id like \"28-0316a2795eff\" (family 10, 22, 28, 3b or 42, "
                + "a dash, then 12 lowercase hex digits), not \"3a-00000012d0a5\""
        ),
        (["sensor": .int(28)], "smsocket.toml:3: thermometer.sensor: expected a string, found a whole number"),
        (["retries": .int(0)], "smsocket.toml:4: thermometer.retries: expected a whole number from 1 to 10, not 0"),
        (["retries": .int(11)], "smsocket.toml:4: thermometer.retries: expected a whole number from 1 to 10, not 11"),
        (["retries": .string("3")], "smsocket.toml:4: thermometer.retries: expected a whole number, found a string"),
        (
            ["root": .string("sys/bus/w1/devices")],
            "smsocket.toml:5: thermometer.root: expected an absolute path such as \"/sys/bus/w1/devices\", not \"sys/bus/w1/devices\""
        ),
    ])
    func settingsErrors(values: [String: ConfigValue], message: String) {
        let text = "[thermometer]\nkind = \"onewire\"\nsensor = 1\nretries = 1\nroot = 1\n"
        #expect(throws: ConfigError.self) { try Self.make(values.merging(["kind": .string("onewire")]) { a, _ in a }, text) }
        do {
            _ = try Self.make(values, text)
        } catch {
            #expect(error.description == message)
        }
    }

    @Test func aMisspeltKeyIsLeftForTheRuntimeToReject() throws {
        var s = try Self.settings(["kind": .string("onewire"), "retry": .int(2)], "[thermometer]\nkind = \"onewire\"\nretry = 2\n")
        _ = try OneWirePlugin.make(for: .thermometer, settings: &s, context: Self.context)
        let error = #expect(throws: ConfigError.self) { try s.rejectUnknownKeys() }
        #expect(error?.description == "smsocket.toml:3: thermometer.retry: unknown key; this plugin knows retries, root, sensor")
    }

    @Test func anotherRoleIsRefused() throws {
        var s = try Self.settings(["kind": .string("onewire")], "[main_relay]\nkind = \"onewire\"\n")
        let error = #expect(throws: ConfigError.self) { try OneWirePlugin.make(for: .mainRelay, settings: &s, context: Self.context) }
        #expect(error?.message == "the onewire plugin fills only the thermometer role, not main_relay")
    }
}
