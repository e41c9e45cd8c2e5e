import PluginKit
import SocketCore
import Testing

@testable import SocketRuntime

@Suite("[location] in the configuration")
struct LocationConfigTests {
    static func parse(_ location: String) throws(ConfigError) -> ControllerConfig {
        try ControllerConfig.parse(ConfigTests.minimal + "\n\n[location]\n" + location, file: "board.toml")
    }

    @Test func aPlaceAndItsZone() throws {
        let config = try Self.parse("latitude = 60.17\nlongitude = 24.94\ntimezone = \"Europe/Helsinki\"\n")
        let location = try #require(config.location)
        #expect(location.coordinates == Coordinates(latitude: 60.17, longitude: 24.94))
        #expect(location.timezone == "Europe/Helsinki")
        #expect(location.zone.identifier == "Europe/Helsinki")
        #expect(location.summary(at: ISO8601.parse("2026-07-01T12:00:00Z")!)
            == "location: 60.17, 24.94, time zone Europe/Helsinki (UTC+03:00 at 2026-07-01T12:00:00Z)")
    }

    @Test func aZoneWithoutAPlaceAndWholeDegrees() throws {
        let zoneOnly = try #require(try Self.parse("timezone = \"America/St_Johns\"\n").location)
        #expect(zoneOnly.coordinates == nil)
        #expect(zoneOnly.summary(at: ISO8601.parse("2026-01-05T08:00:00Z")!)
            == "location: time zone America/St_Johns (UTC-03:30 at 2026-01-05T08:00:00Z)")
        let whole = try #require(try Self.parse("latitude = -34\nlongitude = 151\ntimezone = \"Australia/Sydney\"\n").location)
        #expect(whole.coordinates == Coordinates(latitude: -34, longitude: 151))
        #expect(try ControllerConfig.parse(ConfigTests.minimal, file: "board.toml").location == nil)
    }

    @Test(arguments: [
        ("latitude = 90.5\nlongitude = 24.94\ntimezone = \"Europe/Helsinki\"\n",
         "board.toml:8: location.latitude: expected a number from -90.0 to 90.0, not 90.5"),
        ("latitude = 60.17\nlongitude = -181\ntimezone = \"Europe/Helsinki\"\n",
         "board.toml:9: location.longitude: expected a number from -180.0 to 180.0, not -181.0"),
        ("latitude = \"60N\"\nlongitude = 24.94\ntimezone = \"Europe/Helsinki\"\n",
         "board.toml:8: location.latitude: expected a number, found a string"),
        ("latitude = 60.17\ntimezone = \"Europe/Helsinki\"\n",
         "board.toml:7: location.longitude: missing; latitude needs it (degrees, east positive, e.g. 24.94)"),
        ("latitude = 60.17\nlongitude = 24.94\n",
         "board.toml:7: location.timezone: missing; expected the time zone's IANA name, e.g. \"Europe/Helsinki\""),
        ("timezone = \"Europe/Helsinky\"\n",
         "board.toml:8: location.timezone: unknown time zone \"Europe/Helsinky\": the system's tz database (/usr/share/zoneinfo) has no such zone; names are like \"Europe/Helsinki\", \"America/New_York\", \"UTC\""),
        ("timezone = \"../../etc/passwd\"\n",
         "board.toml:8: location.timezone: \"../../etc/passwd\" is not a time zone name; expected an IANA name such as \"Europe/Helsinki\" or \"UTC\""),
        ("timezone = \"Europe/Helsinki\"\naltitude = 20\n",
         "board.toml:9: location.altitude: unknown key; [location] knows latitude, longitude, timezone"),
    ])
    func errors(_ location: String, _ message: String) {
        #expect {
            try Self.parse(location)
        } throws: { error in
            "\(error)" == message
        }
    }

    @Test func notATable() {
        #expect {
            try ControllerConfig.parse("location = \"Helsinki\"\n", file: "board.toml")
        } throws: { error in
            "\(error)" == "board.toml:1: location: expected a table [location], found a string"
        }
    }

    @Test("check notes a zone without a place")
    func checkNote() {
        let config = try? Self.parse("timezone = \"UTC\"\n")
        #expect(config.map { ConfigCheck.placeless($0).map(\.description) } == [
            "note: board.toml:7: location: no latitude and longitude: the clock follows UTC, but rules cannot use sunrise or sunset"
        ])
    }
}
