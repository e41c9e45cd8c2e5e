@testable import SocketCore
import Testing

/// STATUS's `Fault:` line: parts that could not start and parts that went out of service while running.
@Suite struct HardwareFaultTests {
    static func faultLine(_ shell: inout TestShell) -> String? {
        shell.reply(to: "STATUS")?.split(separator: "\n").last { $0.hasPrefix("Fault:") }.map(String.init)
    }

    @Test(
        "the start-up report adds to what was lost meanwhile, whatever the order",
        arguments: [
            [Event.hardwareService(part: "alarm input", working: false), .hardwareFaults(["thermometer"])],
            [Event.hardwareFaults(["thermometer"]), .hardwareService(part: "alarm input", working: false)],
        ])
    func startUpReportAndLossMeanwhile(events: [Event]) {
        var shell = TestShell(model: .gsm707)
        for event in events { shell.handle(event) }
        let line = Self.faultLine(&shell)
        #expect(line?.contains("thermometer") == true && line?.contains("alarm input") == true, "\(line ?? "no Fault: line")")
    }

    @Test func aPartBackInServiceLeavesTheLine() {
        var shell = TestShell(model: .gsm707)
        shell.handle(.hardwareFaults(["thermometer"]))
        shell.handle(.hardwareService(part: "alarm input", working: false))
        shell.handle(.hardwareService(part: "alarm input", working: true))
        #expect(Self.faultLine(&shell) == "Fault: thermometer")
    }
}
