import SystemCalls
import ATModem
import Glibc

/// A pseudo-terminal pair for the simulator: the master side it reads and writes, and the slave path the
/// code under test opens like a serial port.
///
/// `posix_openpt`, `grantpt`, `unlockpt` and `ptsname_r` are in glibc but the Glibc module does not import
/// them (they need `_XOPEN_SOURCE`), so they are looked up at run time, as Exec does for
/// `posix_spawn_file_actions_addclosefrom_np`.
package struct PseudoTerminal {
    package let master: Int32
    /// Kept open by the simulator so the master does not see a hang-up each time the tested code closes
    /// the port, and set to raw mode before the tested code opens it.
    package let slave: Int32
    package let slavePath: String

    struct Failure: Error, CustomStringConvertible {
        var call: String
        var errno: Int32
        var description: String { "\(call) failed: \(errnoText(errno))" }
    }

    package static func open() throws -> PseudoTerminal {
        let master = openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)
        guard master >= 0 else { throw Failure(call: "posix_openpt", errno: errno) }
        var name = [CChar](repeating: 0, count: 256)
        guard grantpt(master) == 0, unlockpt(master) == 0, ptsname_r(master, &name, name.count) == 0 else {
            let code = errno
            Glibc.close(master)
            throw Failure(call: "grantpt/unlockpt/ptsname_r", errno: code)
        }
        let path = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let slave = Glibc.open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)
        guard slave >= 0 else {
            let code = errno
            Glibc.close(master)
            throw Failure(call: "open \(path)", errno: code)
        }
        if case .failure(let error) = system_makeRaw(slave, speed: speed_t(B115200)) {
            Glibc.close(slave)
            Glibc.close(master)
            throw Failure(call: error.call, errno: error.errno)
        }
        return PseudoTerminal(master: master, slave: slave, slavePath: path)
    }

    package func close() {
        Glibc.close(master)
        Glibc.close(slave)
    }
}

private typealias OpenPT = @convention(c) (Int32) -> Int32
private typealias OnMaster = @convention(c) (Int32) -> Int32
private typealias PtsNameR = @convention(c) (Int32, UnsafeMutablePointer<CChar>?, Int) -> Int32

private let openpt = unsafeBitCast(dlsym(nil, "posix_openpt")!, to: OpenPT.self)
private let grantpt = unsafeBitCast(dlsym(nil, "grantpt")!, to: OnMaster.self)
private let unlockpt = unsafeBitCast(dlsym(nil, "unlockpt")!, to: OnMaster.self)
private let ptsname_r = unsafeBitCast(dlsym(nil, "ptsname_r")!, to: PtsNameR.self)
