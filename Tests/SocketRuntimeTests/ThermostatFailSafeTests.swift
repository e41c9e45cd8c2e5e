import Foundation
import Simulated
import SocketCore
import Testing

@testable import SocketRuntime

/// The fail-safe where no transcript reaches: a board with no thermometer at all (the simulator always has
/// one). THERMOSTATON is refused there, but a thermostat enabled in the stored state must still fail safe.
@Suite("The thermostat's fail-safe on a board without a thermometer (§4.6, §5 A68)")
struct ThermostatFailSafeTests {
    let path = NSTemporaryDirectory() + "smsocket-failsafe-\(UUID().uuidString).sqlite"
    let start = Instant(seconds: CivilTime(year: 2026, month: 1, day: 5, hour: 8, minute: 0, second: 0).epochSeconds)

    /// Runs every timer due up to `target`, each at its own time, as `smsocket simulate` does.
    func advance(_ controller: Controller, _ clock: VirtualClock, to target: Instant) async {
        while let next = await controller.nextDeadline, next <= target {
            clock.set(next)
            await controller.fireDueTimers()
        }
        clock.set(target)
    }

    @Test func aStoredEnabledThermostatSwitchesOffFifteenMinutesAfterPowerUpAndSaysSoOnce() async throws {
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        var state = PersistentState()
        state.thermostatEnabled = true
        state.mainRelayOn = true
        state.alertNumbers = ["358912345678"]
        let store = try Store(path: path)
        var change = Store.Change(at: start)
        change.state = (PersistentState(), state)
        try store.commit(change)

        let modem = RecordingModem(databasePath: path)
        let relay = SimulatedRelay(name: "main", log: NullLog())
        let clock = VirtualClock(start: start)
        let board = Board(modem: modem, thermometer: nil, mainRelay: relay, microRelay: nil, inputs: [])
        let controller = try Controller(
            model: .gsm707, identity: DeviceIdentity(serialNumber: "1"), store: store, board: board, clock: clock,
            delivery: .inline)
        try await controller.start()
        #expect(relay.on, "POWERSTATE=REMEMBER brings the socket up on")

        // Readings are first expected after the 10-minute warm-up; the fail-safe waits 5 minutes more.
        await advance(controller, clock, to: start.adding(seconds: 15 * 60 - 1))
        #expect(relay.on)
        await advance(controller, clock, to: start.adding(minutes: 15))
        #expect(!relay.on)
        #expect(modem.sent.map(\.to) == ["+358912345678"])
        #expect(modem.sent.map(\.text) == [ReplyText.thermostatSensorFault])
        #expect(await controller.persistentState.mainRelayOn == false, "the switch-off is committed")

        await advance(controller, clock, to: start.adding(minutes: 120))
        #expect(modem.sent.count == 1, "one SMS per fault")
        await controller.stop()
    }
}
