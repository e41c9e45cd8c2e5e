import Foundation
@testable import SocketRuntime
import Testing

/// `smsocket status`'s modem line: an offline modem that waits for a person says what the person must do,
/// one being recovered says so, and `--json` carries the reason.
@Suite struct ControlStatusTests {
    static func status(modem: ControlStatus.Modem) -> ControlStatus {
        ControlStatus(
            version: "0.1.0", model: "707", uptimeSeconds: 60, relays: .init(main: false, micro: nil), temperature: nil,
            alarm: .init(armed: false, phase: "idle", triggered: false, activity: false, sensorActive: false), modem: modem,
            mainsPresent: true, outbox: .init(pending: 0, failed: 0), rules: nil, faults: [])
    }

    @Test(
        arguments: [
            (ControlStatus.Modem(online: false, signal: "modem offline"), "modem: offline (being recovered)"),
            (
                ControlStatus.Modem(online: false, signal: "modem offline", waitingForAPerson: "the SIM is locked (PUK needed)"),
                "modem: offline until a person acts: the SIM is locked (PUK needed)"
            ),
            (
                ControlStatus.Modem(online: true, signalDbm: -67, signal: "Good", registration: "home", operatorName: "Elisa"),
                "modem: signal Good (-67 dBm), registration home, operator Elisa"
            ),
        ])
    func modemLine(modem: ControlStatus.Modem, expected: String) throws {
        let status = Self.status(modem: modem)
        #expect(status.lines.contains(expected), "\(status.lines)")
        let json = String(decoding: try JSONEncoder().encode(status), as: UTF8.self)
        #expect(json.contains("waiting_for_a_person") == (modem.waitingForAPerson != nil), "\(json)")
        #expect(try JSONDecoder().decode(ControlStatus.self, from: Data(json.utf8)) == status)
    }
}
