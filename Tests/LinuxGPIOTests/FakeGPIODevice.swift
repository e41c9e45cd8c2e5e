import Synchronization
import Testing

@testable import LinuxGPIO

#if canImport(Glibc)
    import Glibc
#endif

/// A hand-written GPIO character device: chips with named lines, requests that hold lines, edge
/// events queued like the kernel's (with sequence numbers), and active-low applied to values and edges.
final class FakeGPIODevice: GPIOCharacterDevice {
    struct Line {
        var name: String
        var consumer = ""
        var used = false
        /// The electrical level.
        var physical = false
    }

    struct Chip {
        var name: String
        var label: String
        var lines: [Line]
        /// Unbound (``setChip(_:gone:rename:)``): gone from the directory, its requests fail with ENODEV.
        var gone = false
    }

    struct Request {
        var chip: Int
        var request: LineRequest
        var queued: [UInt8] = []
        var seqno: UInt32 = 0
        /// Its chip was unbound: it fails with ENODEV, and its line is not its any more.
        var dead = false
        var offset: UInt32 { request.offsets[0] }
        var activeLow: Bool { request.config.flags.contains(.activeLow) }
    }

    enum Open {
        case chip(Int)
        case request(Int32)
    }

    struct State {
        var chips: [Chip]
        var open: [Int32: Open] = [:]
        var requests: [Int32: Request] = [:]
        /// Far above any real descriptor, so that the pipes the reader polls beside them are never taken for the fake's.
        var nextFD: Int32 = 1 << 28
        /// Every request the adapter made, in order.
        var made: [LineRequest] = []
        /// Every SET_VALUES, as (offset, bits).
        var setValues: [(UInt32, UInt64)] = []
        var closed: [Int32] = []
        /// The write ends of the chip watches handed out (real pipes, so that the reader's poll can block on them).
        var watches: [Int32: Int32] = [:]
        /// watchChips fails, as inotify_init1 does at its per-user limit.
        var watchesRefused = false
        /// A request whose chip went away is ready for poll; false as with a kernel that does not wake it,
        /// where only the chip watch tells.
        var removalWakesRequests = true
    }

    let state: Mutex<State>

    init(_ chips: [Chip]) { state = Mutex(State(chips: chips)) }

    /// A Pi 4: gpiochip0 `pinctrl-bcm2711` with GPIO0…GPIO57, gpiochip1 `raspberrypi-exp-gpio` with 8 lines.
    static func pi4() -> FakeGPIODevice {
        FakeGPIODevice([
            Chip(name: "gpiochip0", label: "pinctrl-bcm2711", lines: (0..<58).map { Line(name: "GPIO\($0)") }),
            Chip(
                name: "gpiochip1", label: "raspberrypi-exp-gpio",
                lines: ["BT_ON", "WL_ON", "PWR_LED_OFF", "GLOBAL_RESET", "VDD_SD_IO_SEL", "CAM_GPIO", "SD_PWR_ON", ""]
                    .map { Line(name: $0) }),
        ])
    }

    private func fail(_ call: String, _ errno: Int32) -> GPIOError { GPIOError.syscall(call, "fake", errno: errno) }

    // MARK: GPIOCharacterDevice

    func chipPaths() throws(GPIOError) -> [String] { state.withLock { $0.chips.filter { !$0.gone }.map { "/dev/" + $0.name } } }

    func open(_ path: String) throws(GPIOError) -> Int32 {
        try state.withLock { (s) throws(GPIOError) -> Int32 in
            guard let index = s.chips.firstIndex(where: { "/dev/" + $0.name == path && !$0.gone }) else { throw fail("open", ENOENT) }
            let fd = s.nextFD
            s.nextFD += 1
            s.open[fd] = .chip(index)
            return fd
        }
    }

    func close(_ fd: Int32) {
        state.withLock { s in
            s.closed.append(fd)
            if let writer = s.watches.removeValue(forKey: fd) {
                Glibc.close(fd)
                Glibc.close(writer)
            }
            if case .request = s.open[fd], let req = s.requests.removeValue(forKey: fd), !req.dead {
                s.chips[req.chip].lines[Int(req.offset)].used = false
                s.chips[req.chip].lines[Int(req.offset)].consumer = ""
            }
            s.open[fd] = nil
        }
    }

    func ioctl(_ fd: Int32, _ request: UInt, _ buffer: inout [UInt8], context: String) throws(GPIOError) {
        buffer = try state.withLock { (s) throws(GPIOError) -> [UInt8] in
            if case .request(let r)? = s.open[fd], s.requests[r]?.dead == true { throw fail("ioctl", ENODEV) }
            switch (s.open[fd], request) {
            case (.chip(let c)?, GPIOIoctl.getChipInfo):
                #expect(buffer.count == 68)
                let chip = s.chips[c]
                return ChipInfo(name: chip.name, label: chip.label, lines: UInt32(chip.lines.count)).encoded
            case (.chip(let c)?, GPIOIoctl.getLineInfo):
                #expect(buffer.count == 256)
                let offset = LineInfo(decoding: buffer).offset
                guard offset < s.chips[c].lines.count else { throw fail("ioctl", EINVAL) }
                let line = s.chips[c].lines[Int(offset)]
                return LineInfo(name: line.name, consumer: line.consumer, offset: offset, flags: line.used ? [.used] : [])
                    .encoded
            case (.chip(let c)?, GPIOIoctl.getLine):
                #expect(buffer.count == 592)
                var req = LineRequest(decoding: buffer)
                let offset = Int(req.offsets[0])
                guard offset < s.chips[c].lines.count else { throw fail("ioctl", EINVAL) }
                guard !s.chips[c].lines[offset].used else { throw fail("ioctl", EBUSY) }
                s.chips[c].lines[offset].used = true
                s.chips[c].lines[offset].consumer = req.consumer
                let activeLow = req.config.flags.contains(.activeLow)
                for attr in req.config.attributes {
                    if case .outputValues(let bits) = attr.attribute, attr.mask & 1 != 0 {
                        s.chips[c].lines[offset].physical = (bits & 1 != 0) != activeLow
                    }
                }
                s.made.append(req)
                let newFD = s.nextFD
                s.nextFD += 1
                s.open[newFD] = .request(newFD)
                s.requests[newFD] = Request(chip: c, request: req)
                req.fd = newFD
                return req.encoded
            case (.request(let r)?, GPIOIoctl.lineGetValues):
                #expect(buffer.count == 16)
                let req = s.requests[r]!
                let logical = s.chips[req.chip].lines[Int(req.offset)].physical != req.activeLow
                let mask = LineValues(decoding: buffer).mask
                return LineValues(bits: logical ? 1 & mask : 0, mask: mask).encoded
            case (.request(let r)?, GPIOIoctl.lineSetValues):
                let req = s.requests[r]!
                guard req.request.config.flags.contains(.output) else { throw fail("ioctl", EPERM) }
                let values = LineValues(decoding: buffer)
                if values.mask & 1 != 0 {
                    s.chips[req.chip].lines[Int(req.offset)].physical = (values.bits & 1 != 0) != req.activeLow
                    s.setValues.append((req.offset, values.bits))
                }
                return buffer
            default:
                throw fail("ioctl", ENOTTY)
            }
        }
    }

    /// Returns at once when a request has events queued or its chip is gone; otherwise polls the other
    /// descriptors (the wake pipe, chip watches) for up to 2 ms and says what is ready, so the reader looks
    /// again (the fake's requests have no descriptor of their own to block on).
    func poll(_ fds: [Int32]) throws(GPIOError) -> [Bool] {
        var ready = try state.withLock { (s) throws(GPIOError) -> [Bool] in
            try fds.map { (fd) throws(GPIOError) -> Bool in
                guard case .request? = s.open[fd] else { return false }
                guard let req = s.requests[fd] else { throw fail("poll", EBADF) }
                return !req.queued.isEmpty || (req.dead && s.removalWakesRequests)
            }
        }
        let others = fds.indices.filter { index in !ready[index] && state.withLock { s in s.open[fds[index]] == nil } }
        var polled = others.map { pollfd(fd: fds[$0], events: Int16(POLLIN), revents: 0) }
        _ = Glibc.poll(&polled, nfds_t(polled.count), ready.contains(true) ? 0 : 2)
        for (i, index) in others.enumerated() { ready[index] = polled[i].revents != 0 }
        return ready
    }

    func watchChips() throws(GPIOError) -> Int32 {
        if state.withLock({ $0.watchesRefused }) { throw fail("inotify_init1", EMFILE) }
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw fail("pipe", errno) }
        state.withLock { $0.watches[fds[0]] = fds[1] }
        return fds[0]
    }

    func read(_ fd: Int32, maxBytes: Int) throws(GPIOError) -> [UInt8] {
        if state.withLock({ $0.watches[fd] != nil }) {
            var buffer = [UInt8](repeating: 0, count: maxBytes)
            let n = Glibc.read(fd, &buffer, maxBytes)
            guard n >= 0 else { throw fail("read", errno) }
            return Array(buffer.prefix(n))
        }
        return try state.withLock { (s) throws(GPIOError) -> [UInt8] in
            guard var req = s.requests[fd] else { throw fail("read", EBADF) }
            guard !req.dead else { throw fail("read", ENODEV) }
            let n = min(req.queued.count, maxBytes / 48 * 48)
            let out = Array(req.queued.prefix(n))
            req.queued.removeFirst(n)
            s.requests[fd] = req
            return out
        }
    }

    // MARK: Driving the fake

    /// Sets the electrical level of a line; a request watching its edges gets an event.
    /// `drop` events are lost before it (the kernel's buffer overflowed), which shows as a seqno gap.
    func drive(chip: Int = 0, offset: UInt32, physical: Bool, drop: UInt32 = 0) {
        state.withLock { s in
            let was = s.chips[chip].lines[Int(offset)].physical
            s.chips[chip].lines[Int(offset)].physical = physical
            guard was != physical,
                let (fd, req) = s.requests.first(where: { $0.value.chip == chip && $0.value.offset == offset && !$0.value.dead })
            else { return }
            let logical = physical != req.activeLow
            let flags = req.request.config.flags
            guard logical ? flags.contains(.edgeRising) : flags.contains(.edgeFalling) else { return }
            var updated = req
            updated.seqno += 1 + drop
            let event = LineEvent(
                timestampNanoseconds: 1_000_000 * UInt64(updated.seqno), edge: logical ? .rising : .falling, offset: offset,
                seqno: updated.seqno, lineSeqno: updated.seqno)
            updated.queued += event.encoded
            s.requests[fd] = updated
        }
    }

    func physical(chip: Int = 0, offset: UInt32) -> Bool { state.withLock { $0.chips[chip].lines[Int(offset)].physical } }

    /// Marks a line as held by another consumer.
    func hold(chip: Int = 0, offset: UInt32, consumer: String) {
        state.withLock { s in
            s.chips[chip].lines[Int(offset)].used = true
            s.chips[chip].lines[Int(offset)].consumer = consumer
        }
    }

    /// Unbinds the chip (gone from the directory; its requests fail with ENODEV), or binds it again under
    /// `rename` (a new chip number), with its lines free; every chip watch hears of it.
    func setChip(_ chip: Int, gone: Bool, rename: String? = nil) {
        state.withLock { s in
            s.chips[chip].gone = gone
            if let rename { s.chips[chip].name = rename }
            if gone {
                for (fd, req) in s.requests where req.chip == chip { s.requests[fd]?.dead = true }
                for i in s.chips[chip].lines.indices {
                    s.chips[chip].lines[i].used = false
                    s.chips[chip].lines[i].consumer = ""
                }
            }
            var byte: UInt8 = 1
            for writer in s.watches.values { _ = Glibc.write(writer, &byte, 1) }
        }
    }

    var made: [LineRequest] { state.withLock { $0.made } }
    var openRequests: Int { state.withLock { $0.requests.count } }
    /// Descriptors still open (chips and requests).
    var openDescriptors: Int { state.withLock { $0.open.count + $0.watches.count } }
}
