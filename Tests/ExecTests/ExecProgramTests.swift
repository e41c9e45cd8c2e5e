import Foundation
import PluginKit
import TestSupport
import Testing

@testable import Exec

@Suite struct ExecProgramTests {
    static var user: String { String(cString: getpwuid(getuid())!.pointee.pw_name) }

    /// `$D` is a folder holding an executable `run`, a `plain` file and a folder `sub`; the search path is
    /// `$D/sub:$D`.
    @Test(arguments: [
        ("$D/run", nil),
        ("run", nil),
        ("$D/missing", "the program $D/missing does not exist"),
        ("$D/run/x", "the program $D/run/x does not exist"),
        ("$D/sub", "$D/sub is a directory, not a program"),
        ("/dev/null", "/dev/null is a character device, not a program"),
        ("$D/plain", "\(user) may not run $D/plain: Permission denied (EACCES); make it executable (chmod +x)"),
        ("plain", "\(user) may not run $D/plain: Permission denied (EACCES); make it executable (chmod +x)"),
        ("missing", "the program \"missing\" is not found in PATH ($D/sub:$D); give its full path"),
        ("sub", "$D/sub/sub is a directory, not a program"),
    ] as [(String, String?)])
    func problem(_ program: String, _ expected: String?) throws {
        let directory = try TemporaryDirectory()
        _ = try directory.script("run", "exit 0")
        _ = try directory.script("plain", "exit 0", executable: false)
        try FileManager.default.createDirectory(atPath: directory.path("sub/sub"), withIntermediateDirectories: true)
        let root = directory.url.path
        let problem = ExecProgram.problem(program.replacing("$D", with: root), searchPath: "\(root)/sub:\(root)")
        #expect(problem == expected?.replacing("$D", with: root))
    }

    @Test func withoutPATHTheSystemFoldersAreSearched() {
        #expect(ExecProgram.problem("sh", searchPath: nil) == nil)
    }

    @Test func preflightNamesTheCommandKey() throws {
        let settings = PluginSettings(
            file: "board.toml", table: "main_relay", values: ["command": .array([.string("/nonexistent/relay"), .string("1")])],
            sourceMap: TOMLSourceMap(lines: ["main_relay": 4, "main_relay.command": 6]))
        #expect(ExecPlugin.preflight(for: .mainRelay, settings: settings).map(\.description) == [
            "board.toml:6: main_relay.command: the program /nonexistent/relay does not exist"
        ])
    }
}
