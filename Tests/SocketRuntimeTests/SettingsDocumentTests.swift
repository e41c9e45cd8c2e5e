import Foundation
import SocketCore
import Testing

@testable import SocketRuntime

/// The settings document of `smsocket export` / `import`: what it holds, that it reads back as itself, and
/// that every field is checked, with the JSON path named.
@Suite("The settings document")
struct SettingsDocumentTests {
    @Test func aDocumentReadsBackAsItselfWithoutTheDeviceState() throws {
        let document = SettingsDocument(settingsOf: PersistentState.everyFieldChanged)
        for pretty in [false, true] {
            #expect(try SettingsDocument.parse(Data(document.json(pretty: pretty).utf8)) == document)
        }
        var expected = PersistentState.everyFieldChanged
        expected.ruleLastFired = [:]
        expected.mainRelayOn = false
        expected.mainTimer = nil
        expected.alarmLog = []
        expected.clock = nil
        expected.restoreNoticePending = false
        #expect(document.settings == expected)
        let json = document.json(pretty: false)
        #expect(!json.contains("main_relay") && !json.contains("clock") && !json.contains("alarm_event"))
    }

    @Test func keysComeInAStableSortedOrder() throws {
        let json = SettingsDocument(settingsOf: PersistentState.everyFieldChanged).json(pretty: false)
        #expect(json.hasPrefix(#"{"format":"smsocket-settings","settings":{"alarm_armed":true,"alert_mode":"SMSCHANGE","alert_numbers":["3589223456789"],"#))
        #expect(json.hasSuffix(#""trisealert":30},"version":1}"#))
        #expect(json.contains(#""scheduler":["08:30,*,ON","22:00,5,AOF","06:15,1,BOOST"]"#))
        #expect(json == SettingsDocument(settingsOf: PersistentState.everyFieldChanged).json(pretty: false), "the same every time")
    }

    /// A valid document with `change` applied to its one-line JSON.
    static func document(_ change: (String) -> String) -> Data {
        Data(change(SettingsDocument(settingsOf: .everyFieldChanged).json(pretty: false)).utf8)
    }

    struct BadCase: CustomStringConvertible, Sendable {
        var name: String
        var change: @Sendable (String) -> String
        var path: String
        var problem: String
        var description: String { name }

        init(_ name: String, _ from: String, _ to: String, _ path: String, _ problem: String) {
            self.name = name
            change = { $0.replacingOccurrences(of: from, with: to) }
            self.path = path
            self.problem = problem
        }
    }

    static let badCases: [BadCase] = [
        BadCase("out of range", #""tempcal":7"#, #""tempcal":12"#, "settings.tempcal", "expected a whole number in 1...9"),
        BadCase("number as text", #""tempcal":7"#, #""tempcal":"7""#, "settings.tempcal", "expected a whole number"),
        BadCase("fraction", #""tempcal":7"#, #""tempcal":7.5"#, "settings.tempcal", "expected a whole number"),
        BadCase("flag as number", #""seclist":true"#, #""seclist":1"#, "settings.seclist", "expected true or false"),
        BadCase("flag as null", #""seclist":true"#, #""seclist":null"#, "settings.seclist", "expected true or false"),
        BadCase("unknown choice", #""ring":"SWITCH""#, #""ring":"RING""#, "settings.ring", "expected NOACTION, RESTART, SWITCH"),
        BadCase("short password", #""password":"12abc""#, #""password":"12ab""#, "settings.password", "a value of 4 characters (expected 5 letters or digits)"),
        BadCase("bad renew password", #""renew_password":"abc123xyz""#, #""renew_password":"abc-23xyz""#, "settings.renew_password", "expected 9 letters or digits"),
        BadCase("bad USSD code", #""saldo_code":"*100#""#, #""saldo_code":"100""#, "settings.saldo_code", "expected a USSD code"),
        BadCase("bad number", #""sec_numbers":["3589123456789","#, #""sec_numbers":["3589123456789","12ab","#, "settings.sec_numbers[1]", "expected 1 to 15 digits"),
        BadCase("number listed twice", #""alert_numbers":["3589223456789"]"#, #""alert_numbers":["3589223456789","3589223456789"]"#, "settings.alert_numbers[1]", "listed twice"),
        BadCase("too many numbers", #""alert_numbers":["3589223456789"]"#, #""alert_numbers":["1","2","3","4","5","6","7","8","9","10","11"]"#, "settings.alert_numbers", "11 entries (expected at most 10)"),
        BadCase("number list as text", #""alert_numbers":["3589223456789"]"#, #""alert_numbers":"3589223456789""#, "settings.alert_numbers", "expected a list"),
        BadCase("bad rule", #""08:30,*,ON""#, #""25:00,*,ON""#, "settings.scheduler[0]", "expected a rule such as 08:30,*,ON"),
        BadCase("rule weekday", #""22:00,5,AOF""#, #""22:00,8,AOF""#, "settings.scheduler[1]", "expected a rule such as"),
        BadCase("missing setting", #""tempoff":20,"#, "", "settings.tempoff", "missing"),
        BadCase("missing list", #""sec_numbers":["3589123456789","3584000000001"],"#, "", "settings.sec_numbers", "missing"),
        BadCase("unknown setting", #""settings":{"#, #""settings":{"colour":"red","#, "settings.colour", "no such setting"),
        BadCase("unknown field", #""version":1"#, #""version":1,"owner":"me""#, "owner", "no such field"),
        BadCase("newer version", #""version":1"#, #""version":2"#, "version", "2 (written by a newer SMSocket; this one reads version 1)"),
        BadCase("version as text", #""version":1"#, #""version":"1""#, "version", "expected a whole number"),
        BadCase("other format", #""format":"smsocket-settings""#, #""format":"isocket""#, "format", #""isocket" (expected "smsocket-settings")"#),
        BadCase("no settings", #""settings":{"#, #""other":{"#, "other", "no such field"),
        BadCase("not JSON", #"{"format""#, #"hello{"format""#, "", "not a JSON document"),
        BadCase("SECLIST=ON with no number", #""sec_numbers":["3589123456789","3584000000001"]"#, #""sec_numbers":[]"#, "settings.seclist", "sec_numbers is empty"),
        BadCase("THERMALERT with no number", #""alert_numbers":["3589223456789"]"#, #""alert_numbers":[]"#, "settings.thermalert", "alert_numbers is empty"),
        BadCase("RING without SECLIST", #""seclist":true"#, #""seclist":false"#, "settings.ring", "SWITCH needs seclist true"),
    ]

    @Test(arguments: badCases)
    func aBadDocumentIsRefusedNamingItsPath(_ bad: BadCase) throws {
        let data = Self.document(bad.change)
        #expect(data != Self.document { $0 }, "the case changes the document")
        do {
            _ = try SettingsDocument.parse(data)
            Issue.record("\(bad.name) was taken")
        } catch {
            #expect(error.path == bad.path, "\(error)")
            #expect(error.problem.contains(bad.problem), "\(error)")
            if bad.name.contains("password") { #expect(!error.description.contains("12ab"), "no password shown: \(error)") }
        }
    }

    @Test func aDocumentThatIsNotAnObjectIsRefused() {
        for text in ["", "[]", "42", #"{"format":"smsocket-settings","settings":[],"version":1}"#] {
            #expect(throws: SettingsDocument.Invalid.self) { try SettingsDocument.parse(Data(text.utf8)) }
        }
    }
}
