import TestSupport
import Logging
import SocketCore
import Testing
@testable import OneWire

private let good20 = w1Slave("40 01 4b 46 7f ff 10 10 1d", t: 20000)
private let good25 = w1Slave("91 01 4b 46 7f ff 0f 10 25", t: 25062)
private let badCRC = w1Slave("40 01 4b 46 7f ff 10 10 1d", "NO", t: 20000)
private let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

private func thermometer(
    _ root: String, _ selection: OneWireThermometer.Selection = .firstFound, retries: Int = 3,
    sleep: SleepRecorder = SleepRecorder()
) -> OneWireThermometer {
    OneWireThermometer(bus: W1Bus(root: root), selection: selection, retries: retries, logger: quiet, sleep: sleep.sleep)
}

@Suite struct OneWireThermometerReadTests {
    @Test func firstFoundIsTheLowestId() throws {
        let tree = try SysfsTree()
        try tree.sensor("28-0316a2795eff", w1Slave: good20)
        try tree.sensor("22-0000003c6b1a", w1Slave: good25)
        #expect(thermometer(tree.root).read() == .celsius(25.062))
    }

    @Test func chosenByIdReadsThatSensor() throws {
        let tree = try SysfsTree()
        try tree.sensor("28-0316a2795eff", w1Slave: good20)
        try tree.sensor("22-0000003c6b1a", w1Slave: good25)
        #expect(thermometer(tree.root, .id(id("28-0316a2795eff"))).read() == .celsius(20))
    }

    @Test func firstFoundFollowsSensorsThatVanishAndComeBack() throws {
        let tree = try SysfsTree()
        try tree.sensor("28-0316a2795eff", w1Slave: good20)
        try tree.sensor("22-0000003c6b1a", w1Slave: good25)
        let port = thermometer(tree.root)
        #expect(port.read() == .celsius(25.062))
        try tree.remove("22-0000003c6b1a")
        #expect(port.read() == .celsius(20))
        try tree.remove("28-0316a2795eff")
        #expect(port.read() == .missing)
        try tree.sensor("22-0000003c6b1a", w1Slave: good25)
        #expect(port.read() == .celsius(25.062))
    }

    @Test func chosenByIdIsMissingUntilItComesBack() throws {
        let tree = try SysfsTree()
        try tree.sensor("28-0316a2795eff", w1Slave: good20)
        try tree.sensor("22-0000003c6b1a", w1Slave: good25)
        let port = thermometer(tree.root, .id(id("28-0316a2795eff")))
        try tree.remove("28-0316a2795eff")
        // Another thermometer is there, but it is not the one chosen.
        #expect(port.read() == .missing)
        try tree.sensor("28-0316a2795eff", w1Slave: good20)
        #expect(port.read() == .celsius(20))
    }

    @Test("Missing versus faulty", arguments: [
        ("the bus directory is gone", TemperatureReading.missing),
        ("no thermometer on the bus", .missing),
        ("a sensor answering NO", .faulty),
        ("a sensor giving empty reads", .faulty),
        ("a sensor giving the power-on value", .faulty),
        ("a sensor giving all zeros", .faulty),
    ])
    func missingVersusFaulty(situation: String, expected: TemperatureReading) throws {
        let tree = try SysfsTree()
        switch situation {
        case "the bus directory is gone": try tree.removeBus()
        case "no thermometer on the bus": break
        case "a sensor answering NO": try tree.sensor("28-0316a2795eff", w1Slave: badCRC)
        case "a sensor giving empty reads": try tree.sensor("28-0316a2795eff", w1Slave: "")
        case "a sensor giving the power-on value": try tree.sensor("28-0316a2795eff", w1Slave: w1Slave("50 05 4b 46 7f ff 0c 10 1c", t: 85000))
        default: try tree.sensor("28-0316a2795eff", w1Slave: w1Slave("00 00 00 00 00 00 00 00 00", t: 0))
        }
        #expect(thermometer(tree.root).read() == expected)
    }

    @Test("Retries until a good reading", arguments: [1, 2, 3])
    func retriesUntilGood(badReads: Int) {
        let files = ScriptedFiles(
            listing: .success(["28-0316a2795eff"]),
            reads: Array(repeating: .success(badCRC), count: badReads) + [.success(good20)]
        )
        let sleep = SleepRecorder()
        let port = OneWireThermometer(
            bus: W1Bus(root: "/w1", files: files), retries: badReads + 1, retryDelay: .milliseconds(700), logger: quiet,
            sleep: sleep.sleep
        )
        #expect(port.read() == .celsius(20))
        #expect(files.readCount == badReads + 1)
        #expect(sleep.recorded == Array(repeating: .milliseconds(700), count: badReads))
    }

    @Test("Faulty after exactly `retries` tries", arguments: [1, 3, 10])
    func faultyAfterRetries(retries: Int) {
        let files = ScriptedFiles(
            listing: .success(["28-0316a2795eff"]), reads: [.failure(.systemCall("read", path: "/w1/x", errno: 5))]
        )
        let sleep = SleepRecorder()
        let port = OneWireThermometer(bus: W1Bus(root: "/w1", files: files), retries: retries, logger: quiet, sleep: sleep.sleep)
        #expect(port.read() == .faulty)
        #expect(files.readCount == retries)
        #expect(sleep.recorded == Array(repeating: .seconds(1), count: retries - 1))
    }

    @Test func aMissingSensorIsReportedWithoutRetrying() {
        let files = ScriptedFiles(listing: .success(["w1_bus_master1"]), reads: [.success(good20)])
        let sleep = SleepRecorder()
        let port = OneWireThermometer(bus: W1Bus(root: "/w1", files: files), logger: quiet, sleep: sleep.sleep)
        #expect(port.read() == .missing)
        #expect(files.listCount == 1)
        #expect(files.readCount == 0)
        #expect(sleep.recorded.isEmpty)
    }

    @Test func aSensorVanishingBetweenListingAndReadingIsMissing() {
        let files = ScriptedFiles(
            listing: .success(["28-0316a2795eff"]), reads: [.failure(.systemCall("open", path: "/w1/x", errno: 2))]
        )
        let port = OneWireThermometer(bus: W1Bus(root: "/w1", files: files), logger: quiet, sleep: SleepRecorder().sleep)
        #expect(port.read() == .missing)
    }

    @Test func anUnreadableBusIsFaultyNotMissing() {
        let files = ScriptedFiles(listing: .failure(.systemCall("opendir", path: "/w1", errno: 13)), reads: [.success(good20)])
        let port = OneWireThermometer(bus: W1Bus(root: "/w1", files: files), retries: 2, logger: quiet, sleep: SleepRecorder().sleep)
        #expect(port.read() == .faulty)
        #expect(files.listCount == 2)
    }

    @Test func aMissingOrFaultySensorIsLoggedOncePerChange() throws {
        let tree = try SysfsTree()
        let (logger, log) = RecordingLogHandler.logger()
        let port = OneWireThermometer(bus: W1Bus(root: tree.root), logger: logger, sleep: SleepRecorder().sleep)
        func warnings() -> [String] { log.recorded.filter { $0.0 == .warning }.map(\.1) }

        _ = port.read()
        _ = port.read()
        #expect(warnings() == ["no thermometer (the first thermometer found): no thermometer directory under \(tree.root)"])

        try tree.sensor("28-0316a2795eff", w1Slave: "")
        _ = port.read()
        _ = port.read()
        #expect(warnings().count == 2)
        #expect(
            warnings().last == "the first thermometer found gave no trusted reading in 3 tries: "
                + Array(repeating: "parse \(tree.root)/28-0316a2795eff/w1_slave: empty read [invalidReading]", count: 3)
                .joined(separator: "; ")
        )

        try tree.sensor("28-0316a2795eff", w1Slave: good20)
        _ = port.read()
        _ = port.read()
        #expect(log.recorded.filter { $0.0 == .notice }.map(\.1) == ["reading 28-0316a2795eff again: 20000 m°C"])
        #expect(warnings().count == 2)
    }

    @Test func retriesBelowOneMeanOneTry() {
        #expect(OneWireThermometer(retries: 0).retries == 1)
    }
}

@Suite(.timeLimit(.minutes(1))) struct OneWireThermometerPortTests {
    @Test func postsTheReadingItWasAskedFor() async throws {
        let tree = try SysfsTree()
        try tree.sensor("28-0316a2795eff", w1Slave: good20)
        let port = thermometer(tree.root)
        let sink = EventRecorder()
        var events = sink.events.makeAsyncIterator()
        try await port.start(events: sink)
        port.requestReading()
        #expect(await events.next() == .temperature(.celsius(20)))
        try tree.remove("28-0316a2795eff")
        port.requestReading()
        #expect(await events.next() == .temperature(.missing))
        try tree.sensor("28-0316a2795eff", w1Slave: badCRC)
        port.requestReading()
        #expect(await events.next() == .temperature(.faulty))
        await port.stop()
    }

    @Test func requestsReturnAtOnceAndReadOnTheReaderQueue() async throws {
        let files = ScriptedFiles(listing: .success(["28-0316a2795eff"]), reads: [.success(good20)], gated: true)
        let port = OneWireThermometer(bus: W1Bus(root: "/w1", files: files), logger: quiet, sleep: SleepRecorder().sleep)
        let sink = EventRecorder()
        var events = sink.events.makeAsyncIterator()
        try await port.start(events: sink)
        // The read is held at the gate, yet requestReading has returned: it never waits for the bus.
        port.requestReading()
        #expect(sink.posted.isEmpty)
        files.open()
        #expect(await events.next() == .temperature(.celsius(20)))
        #expect(files.readsOnReaderQueue == [true])
        await port.stop()
    }

    @Test func overlappingRequestsCoalesce() async throws {
        let files = ScriptedFiles(listing: .success(["28-0316a2795eff"]), reads: [.success(good20)], gated: true)
        let port = OneWireThermometer(bus: W1Bus(root: "/w1", files: files), logger: quiet, sleep: SleepRecorder().sleep)
        let sink = EventRecorder()
        var events = sink.events.makeAsyncIterator()
        try await port.start(events: sink)
        for _ in 0..<5 { port.requestReading() }
        files.open()
        #expect(await events.next() == .temperature(.celsius(20)))
        // Once the read is over, a new request reads again.
        port.requestReading()
        #expect(await events.next() == .temperature(.celsius(20)))
        await port.stop()
        #expect(files.readCount == 2)
        #expect(sink.posted.count == 2)
    }

    @Test func nothingIsReadBeforeStartOrPostedAfterStop() async throws {
        let files = ScriptedFiles(listing: .success(["28-0316a2795eff"]), reads: [.success(good20)], gated: true)
        let port = OneWireThermometer(bus: W1Bus(root: "/w1", files: files), logger: quiet, sleep: SleepRecorder().sleep)
        let sink = EventRecorder()
        port.requestReading()
        try await port.start(events: sink)
        port.requestReading()
        // Stop while the read is held at the gate: stop waits for it, and its result is dropped.
        let stopping = Task { await port.stop() }
        while !port.isStopped { await Task.yield() }
        files.open()
        await stopping.value
        port.requestReading()
        #expect(files.readCount == 1)
        #expect(sink.posted.isEmpty)
    }
}
