@testable import ATModem
import Testing
import TestSupport

/// A stretch of modem output, the command in flight when it starts (and the PDU sent at the prompt), and
/// the events it must give however it is chunked.
struct Transcript: CustomTestStringConvertible, Sendable {
    var name: String
    var command: String?
    var body: String?
    var bytes: [UInt8]
    var expected: [ATEvent]

    init(_ name: String, command: String? = nil, body: String? = nil, _ text: String, _ expected: [ATEvent]) {
        self.name = name
        self.command = command
        self.body = body
        self.bytes = Array(text.utf8)
        self.expected = expected
    }

    var testDescription: String { name }

    /// Runs the decoder over `chunks`.
    func decode(_ chunks: [ArraySlice<UInt8>]) -> [ATEvent] {
        var decoder = ATDecoder(lineLimit: 96)
        if let command { decoder.commandSent(command, body: body) }
        var events: [ATEvent] = []
        for chunk in chunks {
            events += decoder.decode(chunk)
        }
        return events
    }

    /// Cuts the bytes into random pieces of 1…max bytes.
    func randomChunks(seed: UInt64, max: Int) -> [ArraySlice<UInt8>] {
        var generator = SplitMix64(seed: seed)
        var chunks: [ArraySlice<UInt8>] = []
        var start = 0
        while start < bytes.count {
            let size = Int.random(in: 1...max, using: &generator)
            chunks.append(bytes[start..<min(start + size, bytes.count)])
            start += size
        }
        return chunks
    }
}

private func urc(_ line: String, pdu: String? = nil) -> ATEvent {
    var u = ATUnsolicited(line: line)
    u.pdu = pdu
    return .unsolicited(u)
}

let sampleDeliverPDU = "07917238010010F5040BC87238880900F10000993092516195800AE8329BFD4697D9EC37"

let atTranscripts: [Transcript] = [
    Transcript("AT OK", command: "AT", "\r\nOK\r\n", [.final(.ok)]),
    Transcript("CSQ", command: "AT+CSQ", "\r\n+CSQ: 17,0\r\n\r\nOK\r\n", [.response("+CSQ: 17,0"), .final(.ok)]),
    Transcript(
        "echo dropped", command: "AT+CSQ", "AT+CSQ\r\r\n+CSQ: 17,0\r\n\r\nOK\r\n",
        [.response("+CSQ: 17,0"), .final(.ok)]),
    Transcript(
        "Huawei CR CR LF", command: "AT+CSQ", "\r\r\n+CSQ: 17,99\r\r\n\r\r\nOK\r\r\n",
        [.response("+CSQ: 17,99"), .final(.ok)]),
    Transcript("lone LF", command: "ATI", "\nSIM800 R14.18\n\nOK\n", [.response("SIM800 R14.18"), .final(.ok)]),
    Transcript(
        "CMGS prompt, echo and URC inside", command: "AT+CMGS=23", body: "0011000B916407281553F80000AA0AE8329BFD4697D9EC37",
        "AT+CMGS=23\r\r\n> 0011000B916407281553F80000AA0AE8329BFD4697D9EC37\u{1A}\r\n\r\n+CMTI: \"SM\",3\r\n\r\n+CMGS: 12\r\n\r\nOK\r\n",
        [.prompt, urc("+CMTI: \"SM\",3"), .response("+CMGS: 12"), .final(.ok)]),
    Transcript(
        "ZTE URCs before +CMGS", command: "AT+CMGS=23", body: "00",
        "\r\n> \r\n+ZDONR: \"X\",1\r\n+ZPASR: \"UMTS\"\r\n+CMGS: 4\r\nOK\r\n",
        [.prompt, urc("+ZDONR: \"X\",1"), urc("+ZPASR: \"UMTS\""), .response("+CMGS: 4"), .final(.ok)]),
    Transcript(
        "CMGR with RING inside", command: "AT+CMGR=3", "\r\n+CMGR: 0,,35\r\n\r\nRING\r\n\r\n\(sampleDeliverPDU)\r\n\r\nOK\r\n",
        [.response("+CMGR: 0,,35"), urc("RING"), .response(sampleDeliverPDU), .final(.ok)]),
    Transcript(
        "CMGL pairs", command: "AT+CMGL=4", "\r\n+CMGL: 1,0,,35\r\n\(sampleDeliverPDU)\r\n+CMGL: 2,1,,35\r\n\(sampleDeliverPDU)\r\n\r\nOK\r\n",
        [.response("+CMGL: 1,0,,35"), .response(sampleDeliverPDU), .response("+CMGL: 2,1,,35"), .response(sampleDeliverPDU), .final(.ok)]),
    Transcript(
        "CUSD is a URC during AT+CUSD", command: "AT+CUSD=1,\"*101#\",15",
        "\r\n+CUSD: 0,\"Available Balance: R 96.45 .\",15\r\n\r\nOK\r\n\r\n+CUSD: 2,\"Initiating Release\"\r\n",
        [urc("+CUSD: 0,\"Available Balance: R 96.45 .\",15"), .final(.ok), urc("+CUSD: 2,\"Initiating Release\"")]),
    Transcript(
        "CUSD over several lines", "\r\n+CUSD: 1,\"1. Balance\r\n2. Bundles\r\n3. Exit\",15\r\n",
        [.unsolicited(ATUnsolicited(name: "+CUSD", value: "1,\"1. Balance\n2. Bundles\n3. Exit\",15"))]),
    Transcript(
        "CREG query answer vs URC", command: "AT+CREG?", "\r\n+CREG: 2,1,\"00C3\",\"1234\"\r\n\r\nOK\r\n\r\n+CREG: 5\r\n",
        [.response("+CREG: 2,1,\"00C3\",\"1234\""), .final(.ok), urc("+CREG: 5")]),
    Transcript(
        "CLCC answer vs URC", command: "AT+CLCC", "\r\n+CLCC: 1,0,3,0,0,\"+27821231234\",145\r\nOK\r\n+CLCC: 1,0,0,0,0,\"+27821231234\",145\r\n",
        [.response("+CLCC: 1,0,3,0,0,\"+27821231234\",145"), .final(.ok), urc("+CLCC: 1,0,0,0,0,\"+27821231234\",145")]),
    Transcript(
        "incoming call", "\r\nRING\r\n\r\n+CLIP: \"+27821231234\",145,,,,0\r\n\r\n+CRING: VOICE\r\n",
        [urc("RING"), urc("+CLIP: \"+27821231234\",145,,,,0"), urc("+CRING: VOICE")]),
    Transcript(
        "boot and time URCs",
        "\r\nRDY\r\n\r\n+CFUN: 1\r\n\r\n+CPIN: READY\r\n\r\nCall Ready\r\n\r\nSMS Ready\r\n\r\n*PSUTTZ: 2017,11,28,15,35,58,\"+12\",0\r\n\r\n+CTZV: +12\r\n\r\nDST: 0\r\n+QLTS: \"2019/01/13,03:40:48+32,0\"\r\n",
        [
            urc("RDY"), urc("+CFUN: 1"), urc("+CPIN: READY"), urc("Call Ready"), urc("SMS Ready"),
            urc("*PSUTTZ: 2017,11,28,15,35,58,\"+12\",0"), urc("+CTZV: +12"), urc("DST: 0"),
            urc("+QLTS: \"2019/01/13,03:40:48+32,0\""),
        ]),
    Transcript(
        "Huawei call and memory URCs", "\r\r\n^ORIG:1,0\r\r\n^CONF:1\r\r\n^CONN:1,0\r\r\n^CEND:1,5,29,16\r\r\n^SMMEMFULL: \"SM\"\r\r\n",
        [urc("^ORIG:1,0"), urc("^CONF:1"), urc("^CONN:1,0"), urc("^CEND:1,5,29,16"), urc("^SMMEMFULL: \"SM\"")]),
    Transcript(
        "SIMCom call URCs and status reports", "\r\nMO RING\r\n\r\nMO CONNECTED\r\n\r\n+CDSI: \"SM\",4\r\n\r\nNO CARRIER\r\n",
        [urc("MO RING"), urc("MO CONNECTED"), urc("+CDSI: \"SM\",4"), urc("NO CARRIER")]),
    Transcript(
        "+CMT with its PDU line", "\r\n+CMT: ,35\r\n\(sampleDeliverPDU)\r\n",
        [.unsolicited(ATUnsolicited(name: "+CMT", value: ",35", pdu: sampleDeliverPDU))]),
    Transcript(
        "NO CARRIER ends a dial", command: "ATD+27821231234;", "\r\nNO CARRIER\r\n", [.final(.noCarrier)]),
    Transcript(
        "NO CARRIER during CLCC is a URC", command: "AT+CLCC", "\r\nNO CARRIER\r\n\r\nOK\r\n",
        [urc("NO CARRIER"), .final(.ok)]),
    Transcript("late OK without a command", "\r\nOK\r\n", [.stray("OK")]),
    Transcript(
        "garbage and NUL", command: "AT", "\u{0}\u{0}\u{7}\r\n\u{0}O\u{0}K\r\n",
        [.final(.ok)]),
    Transcript(
        "overlong line cut", command: "AT+CMGL=4", "\r\n" + String(repeating: "A", count: 100) + "\r\n+CMGL: 1,0,,23\r\nOK\r\n",
        [.overlongLine(head: String(repeating: "A", count: 96), length: 100), .response("+CMGL: 1,0,,23"), .final(.ok)]),
    Transcript(
        "a line with '>' is not a prompt", command: "ATI", "\r\n>>\r\nOK\r\n", [.response(">>"), .final(.ok)]),
]

@Suite("ATDecoder")
struct DecoderTests {
    @Test("whole input", arguments: atTranscripts)
    func whole(_ transcript: Transcript) {
        #expect(transcript.decode([transcript.bytes[...]]) == transcript.expected)
    }

    @Test("one byte at a time", arguments: atTranscripts)
    func byteByByte(_ transcript: Transcript) {
        let chunks = transcript.bytes.indices.map { transcript.bytes[$0...$0] }
        #expect(transcript.decode(chunks) == transcript.expected)
    }

    @Test("random chunkings (seeded)", arguments: atTranscripts)
    func randomChunkings(_ transcript: Transcript) {
        for seed in UInt64(1)...25 {
            let chunks = transcript.randomChunks(seed: seed, max: 1 + Int(seed % 9))
            #expect(transcript.decode(chunks) == transcript.expected, "seed \(seed)")
        }
    }

    @Test(
        "final results",
        arguments: [
            ("OK", ATFinalResult.ok), ("ERROR", .error), ("+CME ERROR: 10", .cmeError(10)),
            ("+CME ERROR: 515", .cmeError(515)), ("+CME ERROR: SIM not inserted", .cmeErrorText("SIM not inserted")),
            ("+CMS ERROR: 322", .cmsError(322)), ("+CMS ERROR: 500", .cmsError(500)),
            ("+CMS ERROR: memory full", .cmsErrorText("memory full")), ("COMMAND NOT SUPPORT", .commandNotSupported),
            ("NO CARRIER", .noCarrier), ("BUSY", .busy), ("NO ANSWER", .noAnswer), ("NO DIALTONE", .noDialtone),
        ])
    func finalResults(line: String, result: ATFinalResult) {
        var decoder = ATDecoder()
        decoder.commandSent("ATD+27821231234;")
        #expect(decoder.decode(Array("\r\n\(line)\r\n".utf8)) == [.final(result)])
        #expect(decoder.commandInFlight == nil)
        #expect(result.description == line)
    }

    @Test("call progress words are URCs outside a dial", arguments: ["NO CARRIER", "BUSY", "NO ANSWER", "NO DIALTONE"])
    func callProgressOutsideDial(line: String) {
        var decoder = ATDecoder()
        #expect(decoder.decode(Array("\r\n\(line)\r\n".utf8)) == [.unsolicited(ATUnsolicited(name: line))])
        decoder.commandSent("AT+CSQ")
        #expect(decoder.decode(Array("\(line)\r\nOK\r\n".utf8)) == [.unsolicited(ATUnsolicited(name: line)), .final(.ok)])
    }

    @Test("the prompt needs no line end")
    func promptWithoutEOL() {
        var decoder = ATDecoder()
        decoder.commandSent("AT+CMGS=23")
        #expect(decoder.decode(Array("\r\n>".utf8)) == [])
        #expect(decoder.decode(UInt8(ascii: " ")) == .prompt)
        #expect(decoder.commandInFlight == "AT+CMGS=23")
    }

    @Test("garbage never crashes", arguments: UInt64(1)...20)
    func garbage(seed: UInt64) {
        var generator = SplitMix64(seed: seed)
        var decoder = ATDecoder(lineLimit: 128)
        decoder.commandSent("AT")
        let noise = (0..<5000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        for event in decoder.decode(noise) {
            if case .overlongLine(let head, _) = event { #expect(head.utf8.count <= 3 * 128) }
        }
        // Whatever state the noise left, a clean line ending recovers the next command.
        _ = decoder.decode(Array("\r\n".utf8))
        decoder.commandSent("AT+CSQ")
        #expect(decoder.decode(Array("\r\n+CSQ: 9,0\r\nOK\r\n".utf8)).suffix(2) == [.response("+CSQ: 9,0"), .final(.ok)])
    }

    @Test("bytes that are not UTF-8 become U+FFFD")
    func invalidUTF8() {
        var decoder = ATDecoder()
        #expect(decoder.decode([0xFF, 0xFE, 0x41, 0x0D]) == [.stray("\u{FFFD}\u{FFFD}A")])
    }

    @Test(
        "command names",
        arguments: [
            ("AT+CMGR=3", "+CMGR"), ("AT+CREG?", "+CREG"), ("at+csq", "+CSQ"), ("AT^SYSINFO", "^SYSINFO"),
            ("ATD+27821231234;", "D"), ("ATE0", "E"), ("AT", ""), ("AT+CLTS=1;&W", "+CLTS"),
        ])
    func names(command: String, name: String) {
        #expect(commandName(command) == name)
    }

    @Test("response values by name")
    func values() {
        let response = ATResponse(lines: ["+CPMS: 3,30,3,30,3,30", "junk"], final: .ok)
        #expect(response.values(of: "+CPMS") == ["3,30,3,30,3,30"])
        #expect(response.isOK)
    }
}
