import Glibc
import SystemCalls
import Testing

/// The code ranges that ``StartUpCode`` unmaps once the controller has started: read from proc(5)'s maps
/// format, and unmapped from a running process that then goes on running them.
@Suite struct ResidentCodeTests {
    @Test(
        "only code mapped from a file by path counts",
        arguments: [
            ("55d0c0a00000-55d0c1e00000 r-xp 00200000 fe:01 1234                       /usr/bin/smsocket", [(0x55d0_c0a0_0000, 0x55d0_c1e0_0000)]),
            ("7f00a0000000-7f00a0100000 r-xp 00000000 fe:01 99 /usr/lib/x86_64-linux-gnu/lib c.so.6", [(0x7f00_a000_0000, 0x7f00_a010_0000)]),
            ("55d0c1e00000-55d0c2000000 r--p 01600000 fe:01 1234 /usr/bin/smsocket", []),
            ("55d0c2000000-55d0c2100000 rw-p 01800000 fe:01 1234 /usr/bin/smsocket", []),
            ("7ffd3a1f0000-7ffd3a1f2000 r-xp 00000000 00:00 0                          [vdso]", []),
            ("7f00b0000000-7f00b0001000 r-xp 00000000 00:00 0", []),
            ("garbage", []),
            ("zz-10 r-xp 0 0 0 /x", []),
            ("2000-1000 r-xp 0 0 0 /x", []),
        ] as [(String, [(UInt, UInt)])])
    func parsing(line: String, expected: [(UInt, UInt)]) {
        let ranges = parseExecutableFileMappings(Array((line + "\n").utf8))
        #expect(ranges.map { [$0.start, $0.end] } == expected.map { [$0.0, $0.1] })
    }

    @Test func codeUnmappedFromThisProcessStillRuns() throws {
        #expect(try !isTraced().get())
        // The code that strlen runs, in libc's code range (dlsym gives the implementation, not a stub).
        let strlenAddress = UInt(bitPattern: try #require(dlsym(UnsafeMutableRawPointer(bitPattern: 0), "strlen")))
        let ranges = try executableFileMappings().get()
        let libc = try #require(ranges.first { $0.start <= strlenAddress && strlenAddress < $0.end })
        try system_dropResidentPages(libc).get()
        #expect(strlen("mapped again") == 12)
    }
}
