import PluginKit

/// The AT modem plugin (being built).
enum ATModemPending {}
