import Testing
@testable import OneWire

@Suite struct W1SensorIDTests {
    @Test(arguments: ["10-000802b4b7a1", "22-0000003c6b1a", "28-0316a2795eff", "3b-0000001858e4", "42-00000021c3b9"])
    func thermometerFamiliesAreAccepted(name: String) throws {
        let sensor = try #require(W1SensorID(name))
        #expect(sensor.name == name)
        #expect(sensor.family == String(name.prefix(2)))
    }

    @Test(arguments: [
        "w1_bus_master1",
        "3a-00000012d0a5",   // a DS2413 switch, not a thermometer
        "28-0316A2795EFF",   // the kernel writes lower case
        "28-0316a2795ef",
        "28-0316a2795eff0",
        "28_0316a2795eff",
        "28-0316a2795efg",
        "",
    ])
    func everythingElseIsRefused(name: String) {
        #expect(W1SensorID(name) == nil)
    }

    @Test func sortsByName() {
        #expect([id("28-0316a2795eff"), id("10-000802b4b7a1")].sorted() == [id("10-000802b4b7a1"), id("28-0316a2795eff")])
    }
}
