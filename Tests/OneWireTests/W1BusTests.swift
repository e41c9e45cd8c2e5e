import TestSupport
import Testing
@testable import OneWire

@Suite struct W1BusTests {
    @Test func listsThermometersSortedAndSkipsOtherDevices() throws {
        let tree = try SysfsTree()
        try tree.sensor("28-0316a2795eff", w1Slave: w1Slave("40 01 4b 46 7f ff 10 10 1d", t: 20000))
        try tree.sensor("10-000802b4b7a1", w1Slave: w1Slave("91 01 4b 46 7f ff 0f 10 25", t: 25062))
        let bus = W1Bus(root: tree.root)
        #expect(try bus.thermometers() == [id("10-000802b4b7a1"), id("28-0316a2795eff")])
    }

    @Test func readsW1SlaveFromTheRealFiles() throws {
        let tree = try SysfsTree()
        try tree.sensor("28-0316a2795eff", w1Slave: w1Slave("5e ff 4b 46 7f ff 02 10 b6", t: -10125))
        let measurement = try W1Bus(root: tree.root).read(id("28-0316a2795eff"))
        #expect(measurement.milliCelsius == -10125)
        #expect(measurement.scratchpad == [0x5E, 0xFF, 0x4B, 0x46, 0x7F, 0xFF, 0x02, 0x10, 0xB6])
    }

    @Test func prefersW1SlaveWhenBothFilesExist() throws {
        let tree = try SysfsTree()
        try tree.sensor("28-0316a2795eff", w1Slave: w1Slave("40 01 4b 46 7f ff 10 10 1d", t: 20000), temperature: "21437\n")
        #expect(try W1Bus(root: tree.root).read(id("28-0316a2795eff")).milliCelsius == 20000)
    }

    @Test func fallsBackToTheTemperatureFile() throws {
        let tree = try SysfsTree()
        try tree.sensor("28-0316a2795eff", temperature: "21437\n")
        let measurement = try W1Bus(root: tree.root).read(id("28-0316a2795eff"))
        #expect(measurement.milliCelsius == 21437)
        #expect(measurement.scratchpad == nil)
    }

    /// A rejected w1_slave is not second-guessed with the temperature file: that file has no CRC.
    @Test func aBadW1SlaveIsNotOverriddenByTheTemperatureFile() throws {
        let tree = try SysfsTree()
        try tree.sensor("28-0316a2795eff", w1Slave: "", temperature: "21437\n")
        let error = #expect(throws: OneWireError.self) { try W1Bus(root: tree.root).read(id("28-0316a2795eff")) }
        #expect(error?.code == .invalidReading)
        #expect(error?.rejection == .empty)
        #expect(error?.description == "parse \(tree.root)/28-0316a2795eff/w1_slave: empty read [invalidReading]")
    }

    @Test func aVanishedSensorIsNotFound() throws {
        let tree = try SysfsTree()
        let error = #expect(throws: OneWireError.self) { try W1Bus(root: tree.root).read(id("28-0316a2795eff")) }
        #expect(error?.code == .notFound)
        #expect(error?.errno == 2)
        #expect(
            error?.description == "open \(tree.root)/28-0316a2795eff/temperature: No such file or directory (errno 2) [notFound]"
        )
    }

    @Test func aMissingRootIsNotFound() throws {
        let tree = try SysfsTree()
        try tree.removeBus()
        let error = #expect(throws: OneWireError.self) { try W1Bus(root: tree.root).thermometers() }
        #expect(error?.code == .notFound)
        #expect(error?.operation == "opendir")
        #expect(error?.source.hasPrefix("OneWire/Syscalls.swift:") == true)
    }

    @Test func readingADirectoryAsAFileIsASystemCallError() throws {
        let tree = try SysfsTree()
        // w1_slave as a directory: open succeeds, read fails with EISDIR, which is not "gone".
        try tree.sensor("28-0316a2795eff/w1_slave")
        let error = #expect(throws: OneWireError.self) { try W1Bus(root: tree.root).read(id("28-0316a2795eff")) }
        #expect(error?.code == .systemCall)
        #expect(error?.operation == "read")
        #expect(error?.errno == 21)
    }

    @Test func errorsAreEqualByCode() {
        let a = OneWireError.systemCall("open", path: "/a", errno: 2)
        let b = OneWireError.systemCall("opendir", path: "/b", errno: 20)
        #expect(a == b)
        #expect(a != OneWireError.systemCall("read", path: "/a", errno: 5))
    }

    @Test func aTrailingSlashOnTheRootIsDropped() {
        #expect(W1Bus(root: "/tmp/devices/").directory(of: id("28-0316a2795eff")) == "/tmp/devices/28-0316a2795eff")
        #expect(W1Bus().root == "/sys/bus/w1/devices")
    }
}
