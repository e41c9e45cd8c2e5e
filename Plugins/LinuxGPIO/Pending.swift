import PluginKit

/// The LinuxGPIO plugin (being built).
public enum LinuxGPIOPluginPending {}
