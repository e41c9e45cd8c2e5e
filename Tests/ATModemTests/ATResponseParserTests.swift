import SocketCore
import Testing

@testable import ATModem

@Suite("Parsing the modem's information lines")
struct ATResponseParserTests {
    @Test(arguments: [
        (#"1,"a,b",,"c d""#, ["1", "a,b", "", "c d"]),
        ("", [""]),
        (#""+358912345678",145,,,,0"#, ["+358912345678", "145", "", "", "", "0"]),
    ])
    func fields(_ text: String, _ expected: [String]) {
        #expect(ATResponseParser.fields(text) == expected)
    }

    @Test(arguments: [("17,0", -79), ("0,0", -113), ("31,99", -51), ("99,99", nil), ("x", nil)] as [(String, Int?)])
    func signal(_ csq: String, _ dBm: Int?) {
        #expect(ATResponseParser.signal(csq: csq) == dBm)
    }

    @Test(arguments: [
        ("1", false, true), ("5,\"00C3\",\"1234\"", false, true), ("2", false, false),
        ("2,1,\"00C3\",\"1234\"", true, true), ("2,3", true, false), ("0,5", true, true),
    ])
    func registration(_ value: String, _ isAnswer: Bool, _ registered: Bool) {
        #expect(ATResponseParser.registered(creg: value, isAnswer: isAnswer) == registered)
    }

    @Test(arguments: [
        ("1,1", true, NetworkStatus.Registration.home), ("2,5,\"1A2B\",\"00C1\"", true, .roaming), ("0,2", true, .searching),
        ("3", false, .denied), ("0", false, .notRegistered), ("4", false, .unknown), ("1,9", true, nil), ("", false, nil),
    ] as [(String, Bool, NetworkStatus.Registration?)])
    func registrationStates(_ value: String, _ isAnswer: Bool, _ state: NetworkStatus.Registration?) {
        #expect(ATResponseParser.registration(creg: value, isAnswer: isAnswer) == state)
    }

    @Test(arguments: [
        ("0,0,\"Elisa\",7", "Elisa"), ("0,2,\"24405\",2", "24405"), ("1,1,\"DNA\"", "DNA"), ("0", nil), ("2,0,\"\"", nil),
    ] as [(String, String?)])
    func operators(_ value: String, _ name: String?) {
        #expect(ATResponseParser.operatorName(cops: value) == name)
    }

    @Test(arguments: [
        (#""+358912345678",145,,,,0"#, "+358912345678"),
        (#""+358912345678",145"#, "+358912345678"),
        (#""",128,,,,1"#, nil),
        (#""+358912345678",145,,,,1"#, nil),
    ] as [(String, String?)])
    func caller(_ clip: String, _ expected: String?) {
        #expect(ATResponseParser.caller(clip: clip) == expected)
    }

    @Test func callStates() {
        let state = ATResponseParser.call(clcc: #"1,0,3,0,0,"+358912345678",145"#)
        #expect(state == .init(id: 1, outgoing: true, stat: 3, voice: true, number: "+358912345678"))
        #expect(ATResponseParser.call(clcc: "garbage") == nil)
    }

    @Test func ussdAnswers() {
        #expect(ATResponseParser.ussd(cusd: #"0,"Available Balance: R 96.45 .",15"#) == .init(status: 0, text: "Available Balance: R 96.45 .", dcs: 15))
        #expect(ATResponseParser.ussd(cusd: "2") == .init(status: 2, text: nil, dcs: nil))
        #expect(ATResponseParser.ussd(cusd: "") == nil)
    }

    @Test func storageListings() {
        let lines = ["+CMGL: 1,0,,23", "0791ABCD", "+CMGL: 4,1,,10", "0011FF"]
        #expect(ATResponseParser.listing(lines).map { "\($0.index!)=\($0.pdu)" } == ["1=0791ABCD", "4=0011FF"])
        #expect(ATResponseParser.message(cmgr: ["+CMGR: 0,,23", "0791ABCD"]) == .init(index: nil, tpduLength: 23, pdu: "0791ABCD"))
        #expect(ATResponseParser.message(cmgr: ["+CMGR: 0,,0"]) == nil)
        #expect(ATResponseParser.location(cmti: #""SM",3"#)! == ("SM", 3))
        #expect(ATResponseParser.location(cmti: #""me",12"#)! == ("ME", 12))
        #expect(ATResponseParser.location(cmti: "7")! == (nil, 7))
        #expect(ATResponseParser.location(cmti: #""SM",x"#) == nil)
    }

    @Test(arguments: [
        (#"("SM","ME","SR"),("SM","ME"),("SM","ME")"#, ["SM", "ME", "SR"]),
        (#"("ME","MT","SM","SR"),("ME","MT","SM"),("ME","MT","SM")"#, ["ME", "MT", "SM", "SR"]),
        (#""SM","ME""#, ["SM", "ME"]),
        (#"(("SM","BM","SR"),("SM"))"#, ["SM", "BM", "SR"]),
        ("", []),
    ])
    func storagesOffered(_ answer: String, _ storages: [String]) {
        #expect(ATResponseParser.storages(cpmsTest: answer) == storages)
    }

    @Test func storageAndModeHeaders() {
        #expect(ATResponseParser.receivingStorage(cpms: #""SM",1,30,"SM",1,30,"ME",0,50"#) == "ME")
        #expect(ATResponseParser.receivingStorage(cpms: #""SM",1,30"#) == nil)
        #expect(ATResponseParser.isTextMode(header: #"+CMGR: "REC UNREAD","+3589123456789",,"26/01/05,08:00:00+08""#))
        #expect(ATResponseParser.isTextMode(header: #"+CMGL: 1,"REC READ","+3581",,"""#))
        #expect(!ATResponseParser.isTextMode(header: "+CMGR: 0,,23"))
        #expect(!ATResponseParser.isTextMode(header: "+CMGL: 2,1,,23"))
        #expect(ATResponseParser.tpduLength(direct: ",26") == 26)
        #expect(ATResponseParser.tpduLength(direct: #""Alice",26"#) == 26)
        #expect(ATResponseParser.tpduLength(direct: "25") == 25)
    }

    @Test func networkTime() {
        let simcom = ATResponseParser.networkTime(name: "*PSUTTZ", value: #"2017,11,28,15,35,58,"+12",0"#)
        #expect(simcom == NetworkTimestamp(local: CivilTime(year: 2017, month: 11, day: 28, hour: 18, minute: 35, second: 58), zoneQuarterHours: 12))
        let quectel = ATResponseParser.networkTime(name: "+QLTS", value: #""2019/01/13,03:40:48+32,0""#)
        #expect(quectel == NetworkTimestamp(local: CivilTime(year: 2019, month: 1, day: 13, hour: 11, minute: 40, second: 48), zoneQuarterHours: 32))
        #expect(ATResponseParser.networkTime(name: "*PSUTTZ", value: "nonsense") == nil)
        let zoneReport = NetworkTimestamp(local: CivilTime(year: 2019, month: 1, day: 13, hour: 11, minute: 40, second: 48), zoneQuarterHours: 32)
        #expect(ATResponseParser.networkTime(name: "+CTZE", value: #""+32",0,"2019/01/13,11:40:48""#) == zoneReport)
        #expect(ATResponseParser.networkTime(name: "+CTZE", value: #""+32",0,"19/01/13,11:40:48""#) == zoneReport)
        #expect(ATResponseParser.networkTime(name: "+CTZE", value: #""+32",0"#) == nil)
    }

    @Test(arguments: [
        ("SIMCOM_Ltd SIMCOM_SIM800L", ModemVendor.simcom), ("Quectel EC25", .quectel), ("huawei", .huawei), ("u-blox", .generic),
    ])
    func vendors(_ identification: String, _ vendor: ModemVendor) {
        #expect(ModemVendor.detect(identification) == vendor)
    }
}
