import Foundation
import PluginKit
import TestSupport
import Testing

@testable import SocketRuntime

/// Configuration files that once crashed or hung `check`, `run` and `simulate`, and others like them: each
/// is a ``ConfigError`` naming the file, read in bounded time and memory.
@Suite("Hostile configuration files")
struct HostileConfigTests {
    static let folder = String(#filePath[..<#filePath.lastIndex(of: "/")!]) + "/HostileConfigs"

    static var corpus: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".toml") }.sorted()
    }

    @Test func theCorpusIsThere() {
        #expect(Self.corpus.count >= 20)
    }

    @Test("a file of the corpus is an error on a line of it", arguments: corpus)
    func corpusFile(_ name: String) {
        let path = Self.folder + "/" + name
        let error = #expect(throws: ConfigError.self) { try ControllerConfig.load(path: path) }
        #expect(error?.file == path)
        #expect(error?.line != nil)
        #expect(error?.description.hasPrefix(path + ":") == true)
    }

    /// Files too big or too deep to keep in the repository, made by the test.
    static let generated: [(name: String, text: @Sendable () -> String, message: String)] = [
        (
            "deep-header.toml", { "[" + Array(repeating: "a", count: 50_000).joined(separator: ".") + "]\n" },
            "deep-header.toml:1: not valid TOML: tables and arrays nested more than 32 levels deep"
        ),
        (
            "deep-key.toml", { Array(repeating: "a", count: 50_000).joined(separator: ".") + " = 1\n" },
            "deep-key.toml:1: not valid TOML: tables and arrays nested more than 32 levels deep"
        ),
        (
            "deep-array.toml", { "serial = " + String(repeating: "[", count: 50_000) + String(repeating: "]", count: 50_000) },
            "deep-array.toml:1: not valid TOML: tables and arrays nested more than 32 levels deep"
        ),
        (
            "deep-inline-table.toml", { "serial = " + String(repeating: "{a=", count: 50_000) },
            "deep-inline-table.toml:1: not valid TOML: tables and arrays nested more than 32 levels deep"
        ),
        (
            "huge-array.toml", { "serial = [" + String(repeating: "1,", count: 5_000_000) + "]\n" },
            "huge-array.toml: is larger than 1 MiB; a configuration file is a few kilobytes"
        ),
        (
            "one-byte-too-big.toml", { "#" + String(repeating: " ", count: ConfigFile.maxSize) },
            "one-byte-too-big.toml: is larger than 1 MiB; a configuration file is a few kilobytes"
        ),
    ]

    @Test("a generated file is an error naming it", arguments: generated.indices)
    func generatedFile(_ index: Int) throws {
        let (name, text, message) = Self.generated[index]
        let directory = try TemporaryDirectory()
        let path = directory.path(name)
        try text().write(toFile: path, atomically: false, encoding: .utf8)
        let error = #expect(throws: ConfigError.self) { try ControllerConfig.load(path: path) }
        #expect(error?.description == directory.path(message))
    }

    @Test func aFileOfExactlyTheLimitIsRead() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("limit.toml")
        let text = "model = \"706\"\n#" + String(repeating: " ", count: ConfigFile.maxSize - 15)
        #expect(text.utf8.count == ConfigFile.maxSize)
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        #expect(try ControllerConfig.load(path: path).model == .gsm706)
    }

    @Test(arguments: [
        ("/dev/zero", "/dev/zero: is a character device, not a configuration file"),
        ("/dev/null", "/dev/null: is a character device, not a configuration file"),
        ("/", "/: is a directory, not a configuration file"),
    ])
    func notARegularFile(_ path: String, _ message: String) {
        let error = #expect(throws: ConfigError.self) { try ControllerConfig.load(path: path) }
        #expect(error?.description == message)
    }

    @Test func aNamedPipeIsRefusedWithoutWaitingForAWriter() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("fifo.toml")
        #expect(mkfifo(path, 0o600) == 0)
        let error = #expect(throws: ConfigError.self) { try ControllerConfig.load(path: path) }
        #expect(error?.description == path + ": is a named pipe (FIFO), not a configuration file")
    }
}
