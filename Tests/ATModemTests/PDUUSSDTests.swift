import Testing
@testable import ATModem

@Suite struct PDUUSSDTests {
    @Test(arguments: [
        ("AA514C361B01", 15, "*#123#"),
        ("AA182C3602", 15, "*101#"),
        ("AA58ACA6AA8D1A", 15, "*115*5#"),
        ("0414043B044F00200441043F044004300432043A0438", 72, "Для справки"),
        ("0414043B044F", 0x48, "Для"),
        ("00410076006100690020003100300025", 15, "Avai 10%"),  // AT+CSCS="UCS2"
        ("Available Balance: R 96.45 .", 15, "Available Balance: R 96.45 ."),
        ("12345", 15, "12345"),
        ("1234", 15, "1234"),
        ("", 15, ""),
    ] as [(String, Int, String)])
    func automatic(string: String, dcs: Int, expected: String) {
        #expect(USSDText.decode(string, dcs: dcs) == expected)
    }

    @Test func explicitForms() {
        #expect(USSDText.decode("AA182C3602", dcs: 15, form: .plain) == "AA182C3602")
        #expect(USSDText.decode("AA182C3602", dcs: nil, form: .packedGSM7Hex) == "*101#")
        #expect(USSDText.decode("00410042", dcs: nil, form: .ucs2Hex) == "AB")
        #expect(USSDText.decode("0041004", dcs: nil, form: .ucs2Hex) == "0041004")
    }

    /// `AT+CSCS="GSM"`: one GSM 7-bit code point per character (TS 23.038 §6.2.1).
    @Test(arguments: [
        ("{", "ä"), ("Saldo: 5{ ~", "Saldo: 5ä ü"), ("|}[\\]^_`", "öñÄÖÑÜ§¿"), ("$@\u{7F}", "¤¡à"),
        ("\u{0}\u{2}\u{1}\u{11}", "@$£_"), ("\u{1B}\u{65} 5", "€ 5"), ("\u{1B}(x\u{1B})", "{x}"), ("a\u{1B}", "a"),
        ("1. Balance\n2. Exit", "1. Balance\n2. Exit"), ("Balance 10.00", "Balance 10.00"), ("", ""),
    ] as [(String, String)])
    func gsmCharacterSet(string: String, expected: String) {
        #expect(USSDText.decode(string, dcs: 15, form: .gsmCharacterSet) == expected)
        #expect(USSDText.decode(string, dcs: nil, form: .gsmCharacterSet) == expected)
    }

    /// A character above U+007F cannot come from the GSM set: the modem sent plain text, kept as it is.
    @Test(arguments: ["Café {ok}", "Saldo 5€ {x}", "bad byte \u{FFFD} {", "Для {"])
    func plainTextBetraysItself(string: String) {
        #expect(USSDText.decode(string, dcs: 15, form: .gsmCharacterSet) == string)
    }

    @Test func gsmCharacterSetStillReadsUCS2Hex() {
        #expect(USSDText.decode("0414043B044F", dcs: 72, form: .gsmCharacterSet) == "Для")
        // Hex with a GSM dcs is GSM text: digits and A–F are the same in both sets.
        #expect(USSDText.decode("0414043B044F", dcs: 15, form: .gsmCharacterSet) == "0414043B044F")
    }

    @Test(arguments: [(15, DataCodingScheme.Alphabet.gsm7), (72, .ucs2), (0x44, .eightBit), (0x11, .ucs2), (0xF4, .eightBit), (0x10, .gsm7)])
    func alphabets(dcs: Int, alphabet: DataCodingScheme.Alphabet) {
        #expect(USSDText.alphabet(dcs: dcs) == alphabet)
    }
}
