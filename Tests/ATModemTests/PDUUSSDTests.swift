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

    @Test(arguments: [(15, DataCodingScheme.Alphabet.gsm7), (72, .ucs2), (0x44, .eightBit), (0x11, .ucs2), (0xF4, .eightBit), (0x10, .gsm7)])
    func alphabets(dcs: Int, alphabet: DataCodingScheme.Alphabet) {
        #expect(USSDText.alphabet(dcs: dcs) == alphabet)
    }
}
