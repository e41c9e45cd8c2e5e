import SocketCore
import Synchronization
import Testing

@testable import LinuxGPIO

#if canImport(Glibc)
    import Glibc
#endif

/// A chip unbound while its lines are held (a USB GPIO board pulled, gpio-sim's `live` set to 0), and bound
/// again under another number: the port goes out of service and comes back (issue 11).
@Suite struct ChipRemovalTests {
    /// Collects what an input reports: levels as "on"/"off", service changes as "lost"/"back".
    final class Reports: Sendable {
        private let values = Mutex<[String]>([])
        var all: [String] { values.withLock { $0 } }
        func level(_ on: Bool) { values.withLock { $0.append(on ? "on" : "off") } }
        func service(_ working: Bool) { values.withLock { $0.append(working ? "back" : "lost") } }

        /// Waits (up to 2 s) until `count` reports came.
        func wait(for count: Int) async throws -> [String] {
            for _ in 0..<400 where all.count < count { try await Task.sleep(for: .milliseconds(5)) }
            return all
        }
    }

    /// An input on GPIO4 of `device`, started, and what it reports.
    func started(on device: FakeGPIODevice, log: LogRecorder) async throws -> (GPIOInput, Reports) {
        let input = GPIOInput(GPIOInputConfiguration(line: .name("GPIO4")), chips: GPIOChips(device: device), logger: log.logger)
        let reports = Reports()
        try await input.start(onChange: reports.level, onService: reports.service)
        return (input, reports)
    }

    @Test func anInputIsOutOfServiceWhileItsChipIsGoneAndComesBackUnderANewNumber() async throws {
        let device = FakeGPIODevice.pi4()
        let log = LogRecorder()
        let (input, reports) = try await started(on: device, log: log)
        device.setChip(0, gone: true)
        #expect(try await reports.wait(for: 2) == ["off", "lost"])
        #expect(device.openRequests == 0)
        #expect(log.entries.withLock { $0.contains { $0.level == .error && $0.message.contains("No such device (errno 19)") } })
        // Another chip coming and going does not bring it back.
        device.setChip(1, gone: true)
        device.setChip(1, gone: false)
        // Back as gpiochip5, its contact closed meanwhile: the level follows the return.
        device.drive(offset: 4, physical: true)
        device.setChip(0, gone: false, rename: "gpiochip5")
        #expect(try await reports.wait(for: 4) == ["off", "lost", "back", "on"])
        #expect(device.made.count == 2)
        // Edges are read from the new request.
        device.drive(offset: 4, physical: false)
        #expect(try await reports.wait(for: 5) == ["off", "lost", "back", "on", "off"])
        await input.stop()
        #expect(device.openDescriptors == 0)
    }

    @Test func aRemovalTheRequestDoesNotShowIsSeenThroughTheChipWatch() async throws {
        let device = FakeGPIODevice.pi4()
        device.state.withLock { $0.removalWakesRequests = false }
        let log = LogRecorder()
        let (input, reports) = try await started(on: device, log: log)
        device.setChip(0, gone: true)
        #expect(try await reports.wait(for: 2) == ["off", "lost"])
        // Found by the GET_VALUES the watch prompts, not by reading the request.
        #expect(log.entries.withLock { $0.contains { $0.level == .error && $0.message.contains("ioctl fake: No such device") } })
        #expect(device.openRequests == 0)
        await input.stop()
        #expect(device.openDescriptors == 0)
    }

    @Test func aLevelUnchangedOverTheGapIsNotReportedAgain() async throws {
        let device = FakeGPIODevice.pi4()
        let (input, reports) = try await started(on: device, log: LogRecorder())
        device.setChip(0, gone: true)
        #expect(try await reports.wait(for: 2) == ["off", "lost"])
        device.setChip(0, gone: false)
        #expect(try await reports.wait(for: 3) == ["off", "lost", "back"])
        await input.stop()
        #expect(reports.all == ["off", "lost", "back"])
    }

    @Test func aLineTakenByAnotherConsumerMeanwhileStaysOutUntilTheNextChange() async throws {
        let device = FakeGPIODevice.pi4()
        let log = LogRecorder()
        let (input, reports) = try await started(on: device, log: log)
        device.setChip(0, gone: true)
        #expect(try await reports.wait(for: 2) == ["off", "lost"])
        device.state.withLock { $0.chips[0].gone = false }
        device.hold(offset: 4, consumer: "other")
        device.setChip(1, gone: false)  // a change in the directory: the line is looked for, and busy
        try await Task.sleep(for: .milliseconds(20))
        #expect(reports.all == ["off", "lost"])
        // Why it stays out is said, once however often the directory changes.
        device.setChip(1, gone: false)
        try await Task.sleep(for: .milliseconds(20))
        let busy = log.warnings.map(\.message).filter { $0.contains("GPIO4 is busy (used by 'other')") }
        #expect(busy == ["GPIO input still out of service: line GPIO4 is busy (used by 'other')"])
        device.state.withLock { $0.chips[0].lines[4].used = false }
        device.setChip(1, gone: false)
        #expect(try await reports.wait(for: 3) == ["off", "lost", "back"])
        await input.stop()
        #expect(device.openDescriptors == 0)
    }

    @Test func withoutAWatchAnInputWorksAndALostLineStaysLost() async throws {
        let device = FakeGPIODevice.pi4()
        device.state.withLock { $0.watchesRefused = true }
        let log = LogRecorder()
        let (input, reports) = try await started(on: device, log: log)
        #expect(log.warnings.map(\.message) == ["GPIO input: chips coming and going are not watched: inotify_init1 fake: Too many open files (errno 24)"])
        device.drive(offset: 4, physical: true)
        #expect(try await reports.wait(for: 2) == ["off", "on"])
        device.setChip(0, gone: true)
        #expect(try await reports.wait(for: 3) == ["off", "on", "lost"])
        device.setChip(0, gone: false)
        try await Task.sleep(for: .milliseconds(20))
        #expect(reports.all == ["off", "on", "lost"])
        await input.stop()
        #expect(device.openDescriptors == 0)
    }

    @Test func anOutputFailsWhileItsChipIsGoneAndIsRequestedAgainWithTheNewLevel() async throws {
        let device = FakeGPIODevice.pi4()
        let log = LogRecorder()
        let output = GPIOOutput(
            GPIOOutputConfiguration(line: .name("GPIO27"), activeLow: true), chips: GPIOChips(device: device), logger: log.logger)
        try await output.start(events: NoEvents())
        device.setChip(0, gone: true)
        let lost = await #expect(throws: GPIOError.self) { try await output.set(on: true) }
        #expect(lost?.errno == ENODEV)
        #expect(device.openRequests == 0)
        // Still gone: the line is not found.
        let missing = await #expect(throws: GPIOError.self) { try await output.set(on: true) }
        #expect(missing?.code == .lineNotFound)
        #expect(output.isOn == false)
        device.setChip(0, gone: false, rename: "gpiochip7")
        try await output.set(on: true)
        #expect(output.isOn)
        #expect(device.made.last?.config.attributes == [ConfigAttribute(.outputValues(1), mask: 1)])
        #expect(device.physical(offset: 27) == false)  // active low: on
        try await output.set(on: false)
        #expect(device.physical(offset: 27) == true)
        await output.stop()
        #expect(device.openDescriptors == 0)
    }
}
