import InMemoryLogging
import Logging
import SocketCore
import Testing

@testable import ATModem
import ModemSimulator

/// `[modem] trace`: what each line to and from the modem looks like in the log.
@Suite("The AT trace")
struct ATTraceTests {
    static let stamp = NetworkTimestamp(local: CivilTime(year: 2026, month: 1, day: 5, hour: 8, minute: 0, second: 0), zoneQuarterHours: 8)
    static let owner = "+3589123456789"

    static func deliver(_ text: String, reference: UInt16 = 0) throws -> [String] {
        try DeliverPDU.encode(text: text, from: PDUAddress(number: owner), timestamp: stamp, reference: reference).map(\.hex)
    }

    /// The trace of `lines`, in order, with `passwords` stored and `pin` configured.
    static func trace(_ lines: [ATTraceLine], passwords: Redaction.Passwords = .init(), pin: String? = nil) -> [String] {
        var state = ATTrace.State(passwords: passwords, pin: pin)
        return lines.flatMap { ATTrace.texts(of: $0, &state) }
    }

    @Test(arguments: [
        ("AT+CSQ", "AT+CSQ"),
        ("AT+CPIN?", "AT+CPIN?"),
        ("AT+CPIN=\"1234\"", "AT+CPIN=\"****\""),
        ("AT+CPIN=12345678", "AT+CPIN=****"),
        ("AT+CPIN=\"12345678\",\"1234\"", "AT+CPIN=\"****\",\"****\""),
        ("at+cpin=\"1234\"", "at+cpin=\"****\""),
        ("AT+CPIN2=\"1234\"", "AT+CPIN2=\"****\""),
        ("AT+CLCK=\"SC\",0,\"1234\"", "AT+CLCK=\"****\",****,\"****\""),
        ("AT+CPWD=\"SC\",\"1234\",\"5678\"", "AT+CPWD=\"****\",\"****\",\"****\""),
        ("AT+CPINR=\"SIM PIN\"", "AT+CPINR=\"SIM PIN\""),
    ])
    func commandsGoOutAsWrittenPINsMasked(_ command: String, _ shown: String) {
        #expect(Self.trace([.sent(command)]) == ["> " + shown])
    }

    @Test func answersComeInAsTheModemSentThem() {
        #expect(
            Self.trace([.sent("AT+CSQ"), .received(.response("+CSQ: 20,0")), .received(.final(.ok)), .received(.unsolicited(ATUnsolicited(line: "RING")))])
                == ["> AT+CSQ", "< +CSQ: 20,0", "< OK", "< RING"])
        #expect(Self.trace([.received(.stray("+CSQ: 20,0"))]) == ["< +CSQ: 20,0  (belongs to no command)"])
        #expect(Self.trace([.received(.overlongLine(head: "0791" + String(repeating: "A", count: 60), length: 5000))]) == [
            "< a line of 5000 bytes, longer than the channel keeps; not shown"
        ])
        #expect(Self.trace([.sentEscape, .received(.prompt)]) == ["> <ESC>", "< > "])
    }

    @Test func aStoredMessageIsShownDecodedNeverAsHex() throws {
        let pdu = try Self.deliver("STATUS")[0]
        let lines = Self.trace([.sent("AT+CMGR=3"), .received(.response("+CMGR: 0,,\(tpduLength(pdu))")), .received(.response(pdu)), .received(.final(.ok))])
        #expect(lines == ["> AT+CMGR=3", "< +CMGR: 0,,\(tpduLength(pdu))", "< [PDU] SMS-DELIVER from +3589123456789, sent 26/01/05,08:00:00+08: \"STATUS\"", "< OK"])
    }

    @Test(arguments: [
        // No access password: PASSWORD commands masked as the activity log masks them.
        ("PASSWORD=12ab", Redaction.Passwords(), "\"PASSWORD=****\""),
        // The access password begins the text: masked; the stored renew password masked wherever it stands.
        ("12abSTATUS", Redaction.Passwords(access: "12ab"), "\"****STATUS\""),
        ("12abRENEWINTERVALPW=zz99", Redaction.Passwords(access: "12ab", renew: "zz99"), "\"****RENEWINTERVALPW=****\""),
        // A text that does not begin with it may hold a mistyped one: not shown.
        ("12aSTATUS", Redaction.Passwords(access: "12ab"), "text not shown (9 characters that do not begin with the access password may hold a mistyped one)"),
        ("ON", Redaction.Passwords(), "\"ON\""),
    ])
    func incomingTextsAreMaskedAsTheActivityLogMasksThem(_ text: String, _ passwords: Redaction.Passwords, _ shown: String) throws {
        let pdu = try Self.deliver(text)[0]
        let lines = Self.trace([.received(.unsolicited(ATUnsolicited(name: "+CMT", value: ",\(tpduLength(pdu))", pdu: pdu)))], passwords: passwords)
        #expect(lines == ["< +CMT: ,\(tpduLength(pdu))", "< [PDU] SMS-DELIVER from +3589123456789, sent 26/01/05,08:00:00+08: \(shown)"])
    }

    @Test func thePartsOfALongMessageSayWhichPartTheyAre() throws {
        let parts = try Self.deliver(String(repeating: "long text ", count: 20), reference: 7)
        #expect(parts.count == 2)
        let lines = Self.trace(parts.flatMap { [ATTraceLine.received(.response("+CMGL: 1,0,,\(tpduLength($0))")), .received(.response($0))] })
        #expect(lines[1].hasPrefix("< [PDU] SMS-DELIVER from +3589123456789, sent 26/01/05,08:00:00+08, part 1/2 of message 7: \"long text long"))
        #expect(lines[3].hasPrefix("< [PDU] SMS-DELIVER from +3589123456789, sent 26/01/05,08:00:00+08, part 2/2 of message 7: \""))
    }

    @Test func anOutgoingMessageIsShownDecodedWithEveryPasswordMasked() throws {
        let passwords = Redaction.Passwords(access: "12ab")
        let reply = try SubmitPDU.encode(text: "PASSWORD 9x - Error!", to: Self.owner)[0]
        let secret = try SubmitPDU.encode(text: "the code is 12ab", to: Self.owner)[0]
        let lines = Self.trace([.sent("AT+CMGS=\(reply.tpduLength)"), .received(.prompt), .sentBody(reply.hex), .sentBody(secret.hex)], passwords: passwords)
        #expect(lines == [
            "> AT+CMGS=\(reply.tpduLength)", "< > ", "> [PDU] SMS-SUBMIT to +3589123456789: \"PASSWORD ** - Error!\"",
            "> [PDU] SMS-SUBMIT to +3589123456789: \"the code is ****\"",
        ])
    }

    @Test func hexThatDoesNotDecodeOrComesAloneIsNeverShownRaw() throws {
        let pdu = try Self.deliver("12abON")[0]
        let garbage = "07911326040000F0" + String(repeating: "FF", count: 20)
        let lines = Self.trace(
            [.received(.stray(pdu)), .received(.response("+CMGR: 0,,30")), .received(.response(garbage)), .received(.response(pdu + "0K"))],
            passwords: Redaction.Passwords(access: "12ab"))
        #expect(lines[0] == "< [PDU] SMS-DELIVER from +3589123456789, sent 26/01/05,08:00:00+08: \"****ON\"", "a late stored message")
        #expect(lines[2].hasPrefix("< [PDU] 28 octets that do not decode ("))
        #expect(lines[2].hasSuffix("); not shown"))
        #expect(lines[3] == "< [PDU] SMS-DELIVER from +3589123456789, sent 26/01/05,08:00:00+08: \"****ON\"", "noise run into its end")
        for line in lines { #expect(!line.contains("0791"), "raw hex: \(line)") }
    }

    @Test func aTextModeMessageLineIsMaskedToo() {
        let lines = Self.trace(
            [.received(.response("+CMGR: \"REC READ\",\"+3589123456789\",,\"26/01/05,08:00:00+08\"")), .received(.response("12xyON"))],
            passwords: Redaction.Passwords(access: "12ab"))
        #expect(lines[1] == "< [text] text not shown (6 characters that do not begin with the access password may hold a mistyped one)")
    }

    @Test func theConfiguredPINIsMaskedInWhatTheModemSendsBack() {
        // A garbled echo of AT+CPIN="1234" is no echo to the decoder: a line like any other.
        #expect(Self.trace([.received(.response("AT+CPIN=\"1234\"x"))], pin: "1234") == ["< AT+CPIN=\"****\"x"])
    }

    @Test(arguments: [(Logger.Level.debug, Logger.Level.info), (.info, .info), (.notice, .notice), (.warning, .warning)])
    func traceLinesShowWhateverTheLogLevel(_ configured: Logger.Level, _ logged: Logger.Level) {
        let handler = InMemoryLogHandler()
        var logger = Logger(label: "test") { _ in handler }
        logger.logLevel = configured
        ATTrace(logger: logger, pin: nil).record(.sent("AT"))
        #expect(handler.entries.map(\.level) == [logged])
        #expect(handler.entries.map { "\($0.message)" } == ["> AT"])
    }
}

extension PseudoTerminalTests {
    /// The trace of a real exchange with the modem simulator on a pseudo-terminal.
    @Suite("The AT trace on the pty", .serialized)
    struct ATTracePortTests {
        @Test func everyLineIsTracedPDUsDecodedPasswordsMasked() async throws {
            let handler = InMemoryLogHandler()
            var logger = Logger(label: "test") { _ in handler }
            logger.logLevel = .info
            let simulator = try ModemSimulator()
            let modem = ATModemPortTests.port(simulator, logger: logger) { $0.trace = true }
            await modem.keepOutOfLogs(Redaction.Passwords(access: "12ab"))
            let sink = RecordingSink()
            try await modem.start(events: sink)
            await eventually { sink.events.contains(.modemOnline(true)) }

            let index = simulator.store(pdu: try ATTraceTests.deliver("12abSTATUS")[0])
            simulator.inject("+CMTI: \"SM\",\(index)")
            await eventually { sink.messages.count == 1 }
            try await modem.sendSMS(OutgoingSMS(to: ATTraceTests.owner, text: "Code: 12ab"))
            await modem.keepOutOfLogs(Redaction.Passwords(access: "99zz"))
            let later = simulator.store(pdu: try ATTraceTests.deliver("99zzON")[0])
            simulator.inject("+CMTI: \"SM\",\(later)")
            await eventually { sink.messages.count == 2 }
            await modem.stop()

            let lines = handler.entries.map { "\($0.message)" }
            for expected in [
                "> ATE0", "< OK", "> AT+CPIN?", "< +CPIN: READY", "< +CMTI: \"SM\",\(index)", "> AT+CPMS=\"SM\";+CMGR=\(index)",
                "< [PDU] SMS-DELIVER from +3589123456789, sent 26/01/05,08:00:00+08: \"****STATUS\"",
                "< > ", "> [PDU] SMS-SUBMIT to +3589123456789: \"Code: ****\"", "< +CMGS: 1",
                "< [PDU] SMS-DELIVER from +3589123456789, sent 26/01/05,08:00:00+08: \"****ON\"",
            ] {
                #expect(lines.contains(expected), "missing \(expected)")
            }
            #expect(lines.contains { $0.hasPrefix("> AT+CMGS=") })
            for line in lines {
                #expect(!line.contains("12ab") && !line.contains("99zz"), "a password in the trace: \(line)")
                #expect(!ATTrace.looksLikePDU(String(line.dropFirst(2))), "raw hex in the trace: \(line)")
            }
        }

        @Test func withoutTraceNoLineIsLogged() async throws {
            let handler = InMemoryLogHandler()
            var logger = Logger(label: "test") { _ in handler }
            logger.logLevel = .trace
            let simulator = try ModemSimulator()
            let modem = ATModemPortTests.port(simulator, logger: logger)
            try await modem.connect()
            await modem.stop()
            #expect(!handler.entries.contains { "\($0.message)".hasPrefix("> ") || "\($0.message)".hasPrefix("< ") })
        }
    }
}
