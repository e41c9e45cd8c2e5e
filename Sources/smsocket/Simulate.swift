import ArgumentParser
import SocketCore
import Simulated
import SocketRuntime

#if canImport(Glibc)
    import Glibc
#endif

/// `smsocket simulate`: the controller on a simulated board and a virtual clock, driven from stdin.
struct Simulate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the controller on simulated hardware and a virtual clock, line by line from standard input.",
        discussion: "Type 'help' for the input lines. The protocol is described in the README.")

    @Option(help: "A configuration file (TOML) for the model, rules and [location] (the board is always simulated, and its state file is never opened: the state is temporary unless --state names one); --model and --rules override it.")
    var config: String?

    @Option(help: "706, 707, 706L or 707L (default 707).")
    var model: String?

    @Option(help: "Virtual start time, ISO 8601 in UTC (default 2026-01-05T08:00:00Z, a Monday).")
    var start: String?

    @Option(help: "State database; without it the state lives in a fresh temporary database. Refused while a running controller or another simulator holds it.")
    var state: String?

    @Option(help: "Folder of Lua rules.")
    var rules: String?

    @Flag(help: "Print the controller's notes (power up, factory reset, ...) as # lines.")
    var verbose = false

    func run() async throws {
        var options = Simulation.Options()
        if let config {
            options.take(try ControllerConfig.load(path: config))
        }
        if let model {
            guard let m = Model(rawValue: model.uppercased()) else {
                throw ValidationError("--model must be 706, 707, 706L or 707L, not '\(model)'")
            }
            options.model = m
        }
        if let start {
            guard let instant = ISO8601.parse(start) else {
                throw ValidationError("--start must look like 2026-01-05T08:00:00Z, not '\(start)'")
            }
            options.start = instant
        }
        if let state { options.statePath = state }
        if let rules { options.rulesPath = rules }
        let interactive = isatty(0) == 1
        options.verbose = verbose || interactive

        let simulation = try Simulation(options: options, write: Self.writeLine)
        if interactive {
            Self.writeLine("# SMSocket \(SocketCore.version) simulator: model \(options.model.rawValue), type 'help' for the input lines, Ctrl-D to end")
        }
        try await simulation.start()
        while true {
            if interactive { Self.prompt() }
            guard let line = readLine(strippingNewline: true) else { break }
            await simulation.process(line: line)
        }
        await simulation.finish()
    }

    /// One output line, written at once so that a reader on a pipe sees it as soon as it happened.
    @Sendable static func writeLine(_ line: String) { writeToStandardOutput(line + "\n") }

    static func prompt() { writeToStandardOutput("smsocket> ") }
}
