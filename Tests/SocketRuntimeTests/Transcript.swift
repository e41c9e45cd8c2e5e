import Foundation
import SocketCore
import SocketRuntime
import TestSupport
import Synchronization

/// A conversation with `smsocket simulate`, stored as the simulator's own output: lines starting with
/// `< ` are the input (echoed), every other line is expected output. An optional first line
/// `#! --model 706 --start 2026-01-05T08:00:00Z` gives the simulator's options (`--rules PATH`: a rules folder,
/// relative to the project's folder; `--rule FILE`: that one rule file alone, relative to the project's folder,
/// loaded from a folder of its own holding a link to it, so that an example rule is tested without the others
/// of its folder); `--without thermometer,micro_relay`
/// (role names) builds the simulated board without those parts, as `simulate --config` does for a file without
/// their tables; `--config helsinki.toml` (a file beside the transcripts) is `simulate --config`.
struct Transcript: CustomStringConvertible, Sendable {
    var name: String
    var options: Simulation.Options
    /// `--rule FILE`: the path of the one rule file to load.
    var ruleFile: String?
    var inputs: [String]
    var expected: [String]

    var description: String { name }

    /// The folder of this file's `Transcripts/`.
    static let directory: String = {
        let file = #filePath
        return String(file[..<file.lastIndex(of: "/")!]) + "/Transcripts"
    }()

    /// The project's folder, which `--rules PATH` is relative to (`--rules rules` runs the example rules).
    static let repositoryRoot: String = {
        var path = directory
        for _ in 0..<3 { path = String(path[..<path.lastIndex(of: "/")!]) }
        return path
    }()

    static func all() -> [Transcript] {
        TestFiles.list(directory, suffix: ".txt").map { name in
            // A transcript that cannot be read fails its own test through its `expected` lines.
            (try? Transcript(name: name, text: readTextFile(directory + "/" + name)))
                ?? Transcript(name: name, options: .init(), inputs: [], expected: ["unreadable transcript"])
        }
    }

    init(name: String, options: Simulation.Options, inputs: [String], expected: [String]) {
        self.name = name
        self.options = options
        self.inputs = inputs
        self.expected = expected
    }

    init(name: String, text: String) throws {
        self.name = name
        options = Simulation.Options()
        inputs = []
        expected = []
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        if let first = lines.first, first.hasPrefix("#!") {
            lines.removeFirst()
            let words = first.dropFirst(2).split(separator: " ").map(String.init)
            var i = 0
            while i + 1 < words.count {
                switch words[i] {
                case "--config": options.take(try ControllerConfig.load(path: Self.directory + "/" + words[i + 1]))
                case "--model": options.model = Model(rawValue: words[i + 1]) ?? .gsm707
                case "--start": options.start = ISO8601.parse(words[i + 1]) ?? options.start
                case "--rules": options.rulesPath = Self.repositoryRoot + "/" + words[i + 1]
                case "--rule": ruleFile = Self.repositoryRoot + "/" + words[i + 1]
                case "--without":
                    var parts = Equipment.complete(for: options.model)
                    for role in words[i + 1].split(separator: ",") {
                        switch role {
                        case "thermometer": parts.remove(.thermometer)
                        case "alarm_input": parts.remove(.alarmInput)
                        case "micro_relay": parts.remove(.microRelay)
                        default: throw TranscriptError(description: "--without: unknown part \(role)")
                        }
                    }
                    options.equipment = parts
                default: break
                }
                i += 2
            }
        }
        for line in lines {
            if line.hasPrefix("< ") || line == "<" { inputs.append(String(line.dropFirst(2))) }
            expected.append(line)
        }
    }

    /// Runs the inputs through a fresh simulation and returns every output line.
    func run() async throws -> [String] {
        var options = options
        let folder = try ruleFile.map { file in
            let folder = try TemporaryDirectory()
            let name = String(file[file.index(after: file.lastIndex(of: "/")!)...])
            try FileManager.default.createSymbolicLink(atPath: folder.path(name), withDestinationPath: file)
            return folder
        }
        if let folder { options.rulesPath = folder.url.path }
        let output = Mutex<[String]>([])
        let simulation = try Simulation(options: options) { line in output.withLock { $0.append(line) } }
        try await simulation.start()
        for line in inputs { await simulation.process(line: line) }
        await simulation.finish()
        withExtendedLifetime(folder) {}
        return output.withLock { $0 }
    }
}

struct TranscriptError: Error, CustomStringConvertible {
    var description: String
}

/// Listing a folder for tests, without Foundation.
enum TestFiles {
    static func list(_ directory: String, suffix: String) -> [String] {
        guard let dir = opendir(directory) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name.hasSuffix(suffix) { names.append(name) }
        }
        return names.sorted()
    }
}

#if canImport(Glibc)
    import Glibc
#endif
