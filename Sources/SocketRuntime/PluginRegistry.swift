import ATModem
import Exec
import LinuxGPIO
import OneWire
import PluginKit
import Simulated

/// Every hardware plugin, keyed by the `kind` a configuration names. Adding a plugin is a folder under
/// Plugins/ and one line here.
public enum PluginRegistry {
    public static let plugins: [any Plugin.Type] = [
        SimulatedPlugin.self,
        OneWirePlugin.self,
        LinuxGPIOPlugin.self,
        ExecPlugin.self,
        ATModemPlugin.self,
    ]

    public static var kinds: [String] { plugins.map { $0.kind }.sorted() }

    public static func plugin(kind: String) -> (any Plugin.Type)? {
        plugins.first { $0.kind == kind }
    }
}
