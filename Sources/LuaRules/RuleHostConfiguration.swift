import SocketCore

/// The limits and facts a ``RuleHost`` applies to every rule it loads.
public struct RuleHostConfiguration: Sendable {
    /// The most memory one rule's Lua state may hold, in bytes (`rule_memory_kib` × 1024; default 1 MiB; the
    /// KiB are clamped to 64…1,048,576, since a state needs about 20 KiB for itself). An allocation beyond it
    /// fails and stops the run (``RuleFailure/Code/memoryLimit``); ``RuleHost/memoryInUse(by:)`` tells the
    /// count.
    public var memoryLimit: Int
    /// How long a run may compute without waiting before it is stopped (``RuleFailure/Code/timeLimit``);
    /// default 100 ms of the monotonic clock. Loading a rule and the host's own work are held to it too.
    public var computeLimit: Duration
    /// Whether sun times exist (`[location]` is configured); without them `at("sunrise", …)` and
    /// `at("sunset…", …)` are load errors.
    public var hasLocation: Bool
    /// Whether an SMS command KEYWORD (upper case, letters only) would clash with the command language; a
    /// rule registering it fails to load. The default refuses a built-in keyword, a prefix of one (`STAT`),
    /// and what the parser reads as RENEWINTERVAL followed by a password (`RENEWINTERVALX`).
    public var isReservedKeyword: @Sendable (String) -> Bool

    public init(
        memoryLimitKiB: Int = 1024, computeLimit: Duration = .milliseconds(100), hasLocation: Bool = false,
        isReservedKeyword: @escaping @Sendable (String) -> Bool = RuleHostConfiguration.clashesWithCommandLanguage
    ) {
        // Clamped so that the byte count cannot overflow and a state can at least open its libraries.
        self.memoryLimit = min(max(memoryLimitKiB, 64), 1 << 30) * 1024
        self.computeLimit = computeLimit
        self.hasLocation = hasLocation
        self.isReservedKeyword = isReservedKeyword
    }

    /// The default of ``isReservedKeyword``, from SocketCore's command parser.
    @Sendable public static func clashesWithCommandLanguage(_ keyword: String) -> Bool {
        keyword.hasPrefix(Keyword.renewInterval.rawValue)
            || CommandParser.keywords.keys.contains { $0.hasPrefix(keyword) }
    }
}
