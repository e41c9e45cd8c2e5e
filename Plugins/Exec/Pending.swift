import PluginKit

/// The Exec plugin (being built).
public enum ExecPluginPending {}
