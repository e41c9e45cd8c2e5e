import Logging
import SocketCore
import Testing
import TestSupport

@testable import ATModem
import ModemSimulator

/// The recorded modem dialects in `Dialects/` beside this file (see ``Dialect`` for the format).
enum RecordedDialects {
    static let names = ["simcom-sim800l", "quectel-ec25", "huawei-e1752", "wavecom-fastrack"]

    static let directory: String = {
        let file = #filePath
        return String(file[..<file.lastIndex(of: "/")!]) + "/Dialects"
    }()

    static func load(_ name: String) throws -> Dialect {
        try Dialect(parsing: readTextFile(directory + "/" + name + ".txt"))
    }

    /// One recorded exchange of a dialect, as a test argument.
    struct Case<Recorded: Sendable>: Sendable, CustomTestStringConvertible {
        var dialect: String
        var number: Int
        var recorded: Recorded
        var summary: String
        var testDescription: String { "\(dialect) #\(number): \(summary)" }
    }

    /// Every dialect's network-time announcements (a file that does not load has none here and fails its own test).
    static let times: [Case<Dialect.TimeAnnouncement>] = names.flatMap { name in
        ((try? load(name))?.times ?? []).enumerated().map { number, time in
            Case(dialect: name, number: number + 1, recorded: time, summary: time.lines.joined(separator: " / "))
        }
    }
}

extension PseudoTerminalTests {
    /// The ATModem port against the simulator playing each recorded dialect: outcomes, not command sequences.
    @Suite("The AT modem port with recorded dialects", .serialized)
    struct DialectReplayTests {
        static let caller = "+3589123456789"

        static func port(_ simulator: ModemSimulator, sweepInterval: Duration) -> ATModem {
            ATModemPortTests.port(simulator) { $0.sweepInterval = sweepInterval }
        }

        struct Running {
            var dialect: Dialect
            var simulator: ModemSimulator
            var modem: ATModem
            var sink: RecordingSink

            func stop() async {
                await modem.stop()
                await simulator.stop()
            }

            /// Acknowledges every message handed over, as the controller does once it committed them.
            func acknowledgeAll() async throws {
                for receipt in sink.receipts { try await modem.acknowledge(receipt) }
            }

            func count(_ text: String) -> Int { sink.messages.filter { $0.text == text }.count }

            /// Lets the port work for `duration` (a sweep or a few polls) before checking that nothing more came.
            func settle(_ duration: Duration = .milliseconds(400)) async throws { try await Task.sleep(for: duration) }
        }

        /// The simulator playing `name` (prepared by `prepare` before the port opens it), and the port, online.
        func started(
            _ name: String, sweepInterval: Duration = .milliseconds(300), prepare: (ModemSimulator) throws -> Void = { _ in }
        ) async throws -> Running {
            let dialect = try RecordedDialects.load(name)
            let simulator = try ModemSimulator(dialect: dialect)
            try prepare(simulator)
            let modem = Self.port(simulator, sweepInterval: sweepInterval)
            let sink = RecordingSink()
            try await modem.start(events: sink)
            await eventually { sink.events.contains(.modemOnline(true)) }
            let running = Running(dialect: dialect, simulator: simulator, modem: modem, sink: sink)
            if !sink.events.contains(.modemOnline(true)) {
                await running.stop()
                try #require(Bool(false), "the port never came online with \(name)")
            }
            simulator.inject(lines: dialect.noise)
            return running
        }

        static func deliver(_ text: String) throws -> String { try ATModemPortTests.deliver(text, from: caller)[0] }

        @Test(arguments: RecordedDialects.names)
        func everyDialectFileLoads(_ name: String) throws {
            let dialect = try RecordedDialects.load(name)
            #expect(!dialect.sources.isEmpty)
            #expect(!dialect.messageStorages.isEmpty)
            #expect(dialect.ussd.count >= 7, "USSD for statuses 0 to 5 and UCS2")
        }

        @Test(arguments: RecordedDialects.names)
        func comesOnlineAndReportsTheSignal(_ name: String) async throws {
            let run = try await started(name)
            await eventually { run.sink.events.contains(.signal(dBm: -73)) }
            await run.stop()
        }

        @Test(arguments: RecordedDialects.names)
        func messagesInEveryStorageAreHandedOverOnceAndDeletedOnAcknowledgement(_ name: String) async throws {
            let storages = try RecordedDialects.load(name).messageStorages
            let run = try await started(name) { simulator in
                for storage in storages { simulator.store(pdu: try Self.deliver("kept in \(storage) while down"), in: storage) }
            }
            var texts = storages.map { "kept in \($0) while down" }
            for storage in storages {
                let text = "class 2 into \(storage)"
                let index = run.simulator.deliver(pdu: try Self.deliver(text), into: storage)
                run.simulator.inject(lines: run.dialect.noise)
                run.simulator.inject("+CMTI: \"\(storage)\",\(index)")  // announced twice
                texts.append(text)
            }
            run.simulator.receive(pdu: try Self.deliver("routed as the modem routes"))
            texts.append("routed as the modem routes")
            let expected = Set(texts)
            await eventually { Set(run.sink.messages.map(\.text)).isSuperset(of: expected) }
            try await run.settle()
            for text in texts { #expect(run.count(text) == 1, "\(text) handed over \(run.count(text)) times") }
            for storage in storages {
                #expect(run.simulator.storage(storage).count >= 2, "\(storage): messages are kept until acknowledged")
            }
            try await run.acknowledgeAll()
            await eventually { storages.allSatisfy { run.simulator.storage($0).isEmpty } }
            try await run.settle()
            for text in texts { #expect(run.count(text) == 1, "\(text) handed over again after its acknowledgement") }
            await run.stop()
        }

        @Test(arguments: RecordedDialects.names)
        func directDeliveriesAreHandedOverOnceAndAcknowledged(_ name: String) async throws {
            let run = try await started(name)
            run.simulator.receive(pdu: try Self.deliver("delivered directly"), direct: true)
            run.simulator.inject(lines: run.dialect.noise)
            await eventually { run.count("delivered directly") == 1 }
            try await run.acknowledgeAll()
            await eventually { run.simulator.script { $0.awaitingAcknowledgement } == 0 }
            try await run.settle()
            #expect(run.count("delivered directly") == 1)
            await run.stop()
        }

        @Test(arguments: RecordedDialects.names)
        func aStatusReportIsNotHandedOverAndIsCleared(_ name: String) async throws {
            let run = try await started(name)
            run.simulator.receiveStatusReport("0006D60B911326880736F4111011719551401110117195714000")
            await eventually {
                run.simulator.storage("SR").isEmpty && run.simulator.script { $0.awaitingAcknowledgement } == 0
            }
            try await run.settle()
            #expect(run.sink.messages.isEmpty)
            await run.stop()
        }

        @Test(arguments: RecordedDialects.names)
        func anSMSOutIsSubmittedOnce(_ name: String) async throws {
            let run = try await started(name)
            let long = String(repeating: "long ", count: 40)
            try await run.modem.sendSMS(OutgoingSMS(to: Self.caller, text: "Power socket ON"))
            try await run.modem.sendSMS(OutgoingSMS(to: Self.caller, text: long))
            let submitted = try run.simulator.submittedPDUs.map(ATModemPortTests.submitted).map(\.text)
            #expect(submitted == ["Power socket ON", String(long.prefix(153)), String(long.dropFirst(153))])
            await run.stop()
        }

        @Test(arguments: RecordedDialects.names)
        func anIncomingCallIsReportedWithItsNumber(_ name: String) async throws {
            let run = try await started(name)
            for _ in 0..<2 { run.simulator.ring(from: Self.caller) }
            await eventually { run.sink.events.contains(.incomingCall(from: Self.caller)) }
            try await run.settle(.milliseconds(100))
            #expect(run.sink.events.filter { if case .incomingCall = $0 { true } else { false } } == [.incomingCall(from: Self.caller)])
            await run.stop()
        }

        @Test(arguments: RecordedDialects.names, [CallOutcome.answered, .rejected, .noAnswer])
        func anOutgoingCallEndsAsTheFarEndDecides(_ name: String, _ outcome: CallOutcome) async throws {
            let run = try await started(name)
            let number = "+3581234567"
            run.simulator.script {
                $0.callProgress = [2, 3]
                $0.callEndsAfterProgress = false
            }
            let dialling = Task { try await run.modem.placeCall(to: number) }
            await eventually { run.simulator.script { $0.call != nil } }
            try await run.settle(.milliseconds(100))  // it rings for a few polls
            switch outcome {
            case .answered:
                run.simulator.answerCall()
                await eventually { run.sink.events.contains(.callAnswered(number)) }
                try await run.settle(.milliseconds(100))
                run.simulator.hangUpRemotely()
            case .rejected:
                run.simulator.rejectCall()
            case .noAnswer:
                // The controller gives up on a call that only rings.
                try await run.modem.endCall(to: number)
            }
            await eventually { run.sink.events.contains(.callEnded(number, outcome)) }
            #expect(run.sink.events.filter { if case .callEnded = $0 { true } else { false } } == [.callEnded(number, outcome)])
            // The outcome is reported before the hang-up goes (so the modem's own end notice cannot
            // contradict it); the call is then over in the modem too.
            await eventually { run.simulator.script { $0.call == nil } }
            await run.stop()
            _ = try? await dialling.value
        }

        /// Each recorded exchange in turn: one reply, the text for 0, 1 and 2 with text, nothing early for a
        /// 2 or 3 without text (the answer follows), nil for 4 and 5.
        @Test(arguments: RecordedDialects.names)
        func ussdGivesOneReplyForEveryStatus(_ name: String) async throws {
            let run = try await started(name)
            let isReply: @Sendable (Event) -> Bool = { if case .ussdReply = $0 { true } else { false } }
            for (number, exchange) in run.dialect.ussd.enumerated() {
                let before = run.sink.events.filter(isReply).count
                run.simulator.script { $0.ussdReplies = exchange.lines }
                try await run.modem.sendUSSD(code: "*100#")
                await eventually { run.sink.events.filter(isReply).count > before }
                try await run.settle(.milliseconds(150))
                let replies = Array(run.sink.events.filter(isReply).dropFirst(before))
                #expect(replies == [.ussdReply(exchange.reply)], "exchange \(number + 1): \(exchange.lines.joined(separator: " / "))")
            }
            await run.stop()
        }

        @Test(arguments: RecordedDialects.times)
        func networkTimeIsReported(_ time: RecordedDialects.Case<Dialect.TimeAnnouncement>) async throws {
            let run = try await started(time.dialect)
            let t = time.recorded
            let expected = NetworkTimestamp(
                local: CivilTime(year: t.year, month: t.month, day: t.day, hour: t.hour, minute: t.minute, second: t.second),
                zoneQuarterHours: t.zoneQuarterHours)
            run.simulator.inject(lines: t.lines)
            await eventually { run.sink.events.contains(.networkTime(expected)) }
            await run.stop()
        }

        /// A restart in the middle of a run (the boot notices, or nothing at all, and every setting back to the
        /// factory's) is followed by initialising again: the next call shows its caller, the next SMS is announced.
        @Test(arguments: RecordedDialects.names)
        func aRebootIsFollowedByInitialisingAgain(_ name: String) async throws {
            // Sweeps far apart: the SMS after the restart must come by its announcement.
            let run = try await started(name, sweepInterval: .seconds(60))
            let configured = run.simulator.script { $0.settings }
            run.simulator.reboot()
            await eventually(.seconds(10)) {
                let now = run.simulator.script { $0.settings }
                return now.callerID && now.cnmi.prefix(2) == configured.cnmi.prefix(2) && now.messageFormat == 0 && !now.echo
            }
            run.simulator.ring(from: Self.caller)
            await eventually { run.sink.events.contains(.incomingCall(from: Self.caller)) }
            run.simulator.receive(pdu: try Self.deliver("after the restart"))
            await eventually { run.count("after the restart") == 1 }
            await run.stop()
        }
    }
}
