import Foundation

/// The command line: which sections run, and the knobs of the process-level ones.
struct BenchOptions {
    /// The sections, in the order they run.
    static let sections = ["core", "simulate", "pdu", "pty", "rules", "memory", "idle", "startup"]

    static let usage = """
        usage: socket-bench [--only SECTION,...] [--smsocket PATH] [--rate N] [--idle-seconds N] [--no-warm-up]
          --only          run only these sections: \(sections.joined(separator: ", ")) (default: all)
          --smsocket      the smsocket executable for memory, idle and startup (default: the one beside
                          socket-bench, i.e. .build/release/smsocket)
          --rate          SMS commands a second in the memory section, 1 to 100000 (default 50); a
                          faster rate keeps more work in flight, and more of Dispatch's worker threads
          --idle-seconds  the idle window, 1 to 3600 (default 60)
          --no-warm-up    start the idle window without waiting for the thermometer's 10-minute warm-up
                          (quicker, but the minute's temperature reading is then left out)
        """

    var selected = Set(sections)
    var smsocket: String
    var idleSeconds = 60
    var commandsPerSecond = 50
    var waitForWarmUp = true

    /// Reads `arguments` (without the program name); throws the usage text on anything unknown.
    init(_ arguments: [String]) throws {
        smsocket = Self.executableFolder() + "/smsocket"
        var rest = arguments[...]
        while let option = rest.popFirst() {
            switch option {
            case "--only":
                let names = (rest.popFirst() ?? "").split(separator: ",").map(String.init)
                guard !names.isEmpty, names.allSatisfy(Self.sections.contains) else { throw BenchFailure(Self.usage) }
                selected = Set(names)
            case "--smsocket":
                guard let path = rest.popFirst(), !path.isEmpty else { throw BenchFailure(Self.usage) }
                smsocket = path
            case "--idle-seconds":
                guard let value = rest.popFirst().flatMap({ Int($0) }), (1...3600).contains(value) else { throw BenchFailure(Self.usage) }
                idleSeconds = value
            case "--rate":
                guard let value = rest.popFirst().flatMap({ Int($0) }), (1...100_000).contains(value) else { throw BenchFailure(Self.usage) }
                commandsPerSecond = value
            case "--no-warm-up":
                waitForWarmUp = false
            default:
                throw BenchFailure(Self.usage)
            }
        }
    }

    func runs(_ section: String) -> Bool { selected.contains(section) }

    /// The folder of the running executable (`/proc/self/exe`).
    private static func executableFolder() -> String {
        let path = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: path).deletingLastPathComponent().path
    }
}
