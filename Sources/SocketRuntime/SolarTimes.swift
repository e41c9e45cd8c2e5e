import SocketCore

/// The core's sun times (NOAA), named apart from `LuaRules.SunTimes`, the table a rule's `sun()` returns.
typealias SolarTimes = SunTimes
