import PluginKit

/// The OneWire plugin (being built).
public enum OneWirePluginPending {}
