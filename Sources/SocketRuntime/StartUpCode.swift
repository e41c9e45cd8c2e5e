import Logging
import SystemCalls

/// The code that only starting runs, let go of once the controller has started.
///
/// Starting runs much code that a running controller never runs again: the argument parser, the
/// configuration reader, the database's migrations, the rules' compilation, each plugin's set-up. The
/// kernel maps code 64 KiB around each page that runs for the first time (its fault-around), so after the
/// start about 13 MiB of the program's 20 MiB of code is resident, most of it not to run again. Unmapping
/// the code ranges once leaves the resident memory to follow the code the controller does run, mapped
/// again from the page cache as it runs (README, Performance). Under a debugger nothing is unmapped: its
/// breakpoints live in those pages.
enum StartUpCode {
    /// Unmaps the code of the program and its libraries; a failure only costs memory, and is logged.
    static func release(logger: Logger) {
        do {
            guard try !isTraced().get() else { return }
            let ranges = try executableFileMappings().get()
            for range in ranges { try system_dropResidentPages(range).get() }
            logger.debug("Start-up code unmapped: \(ranges.count) code ranges, \(ranges.reduce(0) { $0 + $1.end - $1.start } / 1024) KiB")
        } catch {
            logger.debug("Start-up code stays mapped: \(error)")
        }
    }
}
