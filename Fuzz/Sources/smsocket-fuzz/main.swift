import FuzzTargets

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// `smsocket-fuzz TARGET [libFuzzer options] [corpus folders]`: libFuzzer on one of the FuzzTargets.
//
// SwiftPM names this file's entry `smsocket_fuzz_main` and links it as the program's `main` (it renames
// `main` so that tests can link an executable's module): it picks the target from the first argument and
// hands libFuzzer the rest through LLVMFuzzerRunDriver. libFuzzer's own `main`, which the linker still pulls
// in, wants LLVMFuzzerTestOneInput; it is the same callback.

/// libFuzzer's entry for a program with its own `main`: parses the libFuzzer options in `argv` and runs
/// `callback` on each input.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// The target this process fuzzes; set once before libFuzzer starts.
nonisolated(unsafe) var target = FuzzTarget.smsCommand

/// Where the target's name waits for the copies of this program that libFuzzer starts itself (`-merge=1`,
/// `-fork`, `-jobs`): it starts them with its own options only.
let targetVariable = "SMSOCKET_FUZZ_TARGET"
let argv = CommandLine.unsafeArgv
var count = CommandLine.argc
var libFuzzerArguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
if count > 1, let name = argv[1].map({ String(cString: $0) }), let chosen = FuzzTarget(rawValue: name) {
    target = chosen
    setenv(targetVariable, name, 1)
    // libFuzzer sees the program name and the options after the target's name.
    argv[1] = argv[0]
    count -= 1
    libFuzzerArguments = argv + 1
} else if let name = getenv(targetVariable).map({ String(cString: $0) }), let chosen = FuzzTarget(rawValue: name) {
    target = chosen
} else {
    print("usage: smsocket-fuzz \(FuzzTarget.allCases.map(\.rawValue).joined(separator: "|")) [libFuzzer options] [corpus folders]")
    exit(2)
}
exit(LLVMFuzzerRunDriver(&count, &libFuzzerArguments, fuzzOneInput))

/// Runs the target on one input. A broken invariant is a crash to libFuzzer: it saves the input and stops.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let problems = target.run(input)
    if !problems.isEmpty { fatalError("\(target.rawValue): " + problems.joined(separator: "; ")) }
    return 0
}
