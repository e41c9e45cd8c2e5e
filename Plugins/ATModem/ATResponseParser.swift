import SocketCore

/// Pure parsers for the information lines the modem plugin reads (27.007 / 27.005 and vendor forms).
public enum ATResponseParser {
    /// Splits `a,"b,c",,d` into `["a", "b,c", "", "d"]`, unquoting quoted fields.
    public static func fields(_ text: String) -> [String] {
        var fields: [String] = []
        var current = ""
        var quoted = false
        for character in text {
            switch character {
            case "\"": quoted.toggle()
            case "," where !quoted:
                fields.append(current.trimmingSpaces)
                current = ""
            default: current.append(character)
            }
        }
        fields.append(current.trimmingSpaces)
        return fields
    }

    /// `+CSQ: 17,0` → −79 dBm; 99 (unknown) → nil.
    public static func signal(csq value: String) -> Int? {
        guard let rssi = Int(fields(value).first ?? ""), (0...31).contains(rssi) else { return nil }
        return -113 + 2 * rssi
    }

    /// Registration from `+CREG:` — the URC form `<stat>[,…]` or the answer form `<n>,<stat>[,…]`.
    /// True for home (1) and roaming (5).
    public static func registered(creg value: String, isAnswer: Bool) -> Bool? {
        registration(creg: value, isAnswer: isAnswer).map { $0 == .home || $0 == .roaming }
    }

    /// The `<stat>` of a `+CREG:` line (27.007 §7.2): 0 not registered, 1 home, 2 searching, 3 denied,
    /// 4 unknown, 5 roaming; nil for anything else.
    public static func registration(creg value: String, isAnswer: Bool) -> NetworkStatus.Registration? {
        let parts = fields(value)
        let index = isAnswer ? 1 : 0
        guard parts.count > index, let stat = Int(parts[index]) else { return nil }
        let states: [NetworkStatus.Registration] = [.notRegistered, .home, .searching, .denied, .unknown, .roaming]
        return states.indices.contains(stat) ? states[stat] : nil
    }

    /// The operator of an `AT+COPS?` answer `<mode>[,<format>,"<oper>"[,<AcT>]]` (27.007 §7.3), as the modem
    /// names it (long or short name, or the numeric code); nil when it names none.
    public static func operatorName(cops value: String) -> String? {
        let parts = fields(value)
        guard parts.count >= 3, !parts[2].isEmpty else { return nil }
        return parts[2]
    }

    /// The caller of `+CLIP: "+358…",145,,,,0`; nil when withheld, unavailable or empty.
    public static func caller(clip value: String) -> String? {
        let parts = fields(value)
        guard let number = parts.first, !number.isEmpty else { return nil }
        if parts.count >= 6, let validity = Int(parts[5]), validity != 0 { return nil }
        return number
    }

    /// A line of `+CLCC: id,dir,stat,mode,mpty,"number",type`.
    public struct CallState: Equatable, Sendable {
        public var id: Int
        public var outgoing: Bool
        /// 0 active, 1 held, 2 dialling, 3 alerting, 4 incoming, 5 waiting, 6 disconnected (SIMCom).
        public var stat: Int
        public var voice: Bool
        public var number: String
    }

    public static func call(clcc value: String) -> CallState? {
        let parts = fields(value)
        guard parts.count >= 4, let id = Int(parts[0]), let dir = Int(parts[1]), let stat = Int(parts[2]),
            let mode = Int(parts[3])
        else { return nil }
        return CallState(id: id, outgoing: dir == 0, stat: stat, voice: mode == 0, number: parts.count > 5 ? parts[5] : "")
    }

    /// `+CUSD: m[,"text"[,dcs]]`.
    public struct USSDAnswer: Equatable, Sendable {
        /// 0 done, 1 further action required, 2 ended by the network, 3 other client, 4 not supported, 5 timeout.
        public var status: Int
        public var text: String?
        public var dcs: Int?
    }

    public static func ussd(cusd value: String) -> USSDAnswer? {
        let parts = fields(value)
        guard let status = Int(parts.first ?? "") else { return nil }
        return USSDAnswer(
            status: status, text: parts.count > 1 ? parts[1] : nil, dcs: parts.count > 2 ? Int(parts[2]) : nil)
    }

    /// Where `+CMTI: "ME",3` / `+CDSI: "SR",2` says the new message is (27.005 §3.4.1); a notice without
    /// a storage name (`+CMTI: 3`, some old firmware) gives nil for the storage. nil for a malformed notice.
    public static func location(cmti value: String) -> (storage: String?, index: Int)? {
        let parts = fields(value)
        guard let index = Int(parts.last ?? ""), index >= 0 else { return nil }
        let storage = parts.count >= 2 ? parts[parts.count - 2].uppercased() : nil
        return (storage?.isEmpty == false ? storage : nil, index)
    }

    /// The storages `AT+CPMS=?` offers for reading (its first list): `("SM","ME","SR"),(…),(…)` gives
    /// `["SM", "ME", "SR"]`; the unbracketed form `"SM","ME"` some firmware sends gives each name, and so
    /// does Wavecom's doubly bracketed `(("SM","BM","SR"),("SM"))`.
    public static func storages(cpmsTest value: String) -> [String] {
        // Wavecom nests the lists once more: `(("SM","BM","SR"),("SM"))`.
        let opened = value.drop { $0 == "(" || $0 == " " }
        let first = value.hasPrefix("(") ? String(opened.prefix { $0 != ")" }) : value
        return fields(first).map { $0.uppercased() }.filter { !$0.isEmpty && $0.allSatisfy { $0.isLetter } }
    }

    /// The receiving storage (mem3) of an `AT+CPMS?` answer: `"SM",1,30,"SM",1,30,"ME",0,50` gives "ME".
    public static func receivingStorage(cpms value: String) -> String? {
        let parts = fields(value)
        guard parts.count >= 7 else { return nil }
        return parts[6].uppercased()
    }

    /// A stored message as `AT+CMGR`/`AT+CMGL` list it in PDU mode (27.005 §3.4.3, §3.4.2).
    public struct StoredPDU: Equatable, Sendable {
        /// The storage index (`AT+CMGL` only).
        public var index: Int?
        /// `<length>`: octets of the TPDU, after the service-centre part; nil when unreadable.
        public var tpduLength: Int?
        /// The PDU line as it came (hex, possibly with stray characters).
        public var pdu: String

        /// Whether the line has fewer characters than its service-centre octet and `<length>` name: a copy
        /// cut on its way from the modem, which lists what it stores whole. False when there is no length.
        public var isCutShort: Bool {
            guard let tpduLength, let serviceCentre = Int(pdu.prefix(2), radix: 16) else { return false }
            return pdu.count / 2 - 1 - serviceCentre < tpduLength
        }
    }

    /// What a `+CMGR: <stat>,[<alpha>],<length>` / `+CMGL: <index>,<stat>,[<alpha>],<length>` header says
    /// about the mode: a quoted status (`"REC UNREAD"`) is text mode, which the port never sets.
    public static func isTextMode(header line: String) -> Bool {
        guard let value = atNameValue(line).value else { return false }
        let parts = fields(value)
        let statusField = line.hasPrefix("+CMGL") ? 1 : 0
        guard parts.count > statusField else { return false }
        return Int(parts[statusField]) == nil && !parts[statusField].isEmpty
    }

    /// `+CMGL: i,stat,[alpha],len` / PDU line pairs of an `AT+CMGL=4` answer.
    public static func listing(_ lines: [String]) -> [StoredPDU] {
        var out: [StoredPDU] = []
        var pending: (index: Int, length: Int?)?
        for line in lines {
            if line.hasPrefix("+CMGL:") {
                let parts = fields(String(line.dropFirst(6)))
                pending = Int(parts.first ?? "").map { ($0, Int(parts.last ?? "")) }
            } else if let header = pending {
                out.append(StoredPDU(index: header.index, tpduLength: header.length, pdu: line.trimmingSpaces))
                pending = nil
            }
        }
        return out
    }

    /// The PDU of an `AT+CMGR=i` answer (`+CMGR: stat,[alpha],len` then the PDU); nil for an empty slot.
    public static func message(cmgr lines: [String]) -> StoredPDU? {
        guard let header = lines.firstIndex(where: { $0.hasPrefix("+CMGR:") }), header + 1 < lines.count else { return nil }
        let pdu = lines[header + 1].trimmingSpaces
        let length = Int(fields(String(lines[header].dropFirst(6))).last ?? "")
        return pdu.isEmpty ? nil : StoredPDU(index: nil, tpduLength: length, pdu: pdu)
    }

    /// The `<length>` of a `+CMT: [<alpha>],<length>` or `+CDS: <length>` header (27.005 §3.4.1).
    public static func tpduLength(direct value: String) -> Int? {
        Int(fields(value).last ?? "")
    }

    /// Network time from SIMCom `*PSUTTZ: 2017,11,28,15,35,58,"+12",0` (UTC and the zone in quarter hours),
    /// Quectel `+QLTS: "2019/01/13,03:40:48+32,0"` (UTC and zone), or 27.007 §8.41 `+CTZE: "+32",0,"2019/01/13,11:40:48"`
    /// (zone, daylight saving, local time; with `AT+CTZR=2`), as the local time the zone gives.
    ///
    /// Every number is checked before any arithmetic: the year is 2000…2099 (NITZ carries two digits, TS 24.008
    /// §10.5.3.9, so that is all a modem can mean), month, day, hour, minute and second are those of a real
    /// date and time (no leap second), the zone is −48…+56 quarter hours; otherwise nil.
    public static func networkTime(name: String, value: String) -> NetworkTimestamp? {
        let numbers: [Substring]
        let zone: Substring
        var isLocal = false
        switch name {
        case "*PSUTTZ":
            let p = fields(value)
            guard p.count >= 7 else { return nil }
            numbers = p[0..<6].map { Substring($0) }
            zone = Substring(p[6])
        case "+QLTS":
            let text = fields(value).first ?? ""
            let parts = text.split(whereSeparator: { "/,:".contains($0) })
            guard parts.count >= 6, let signIndex = parts[5].firstIndex(where: { $0 == "+" || $0 == "-" }) else {
                return nil
            }
            numbers = Array(parts[0..<5]) + [parts[5][..<signIndex]]
            zone = parts[5][signIndex...]
        case "+CTZE":
            let p = fields(value)
            guard p.count >= 3 else { return nil }
            numbers = p[2].split(whereSeparator: { "/,:".contains($0) })
            zone = Substring(p[0])
            isLocal = true
        default:
            return nil
        }
        let values = numbers.compactMap { Int($0) }
        guard values.count == 6, let quarters = Int(String(zone).replacingPlus) else { return nil }
        // 27.007 writes +CTZE's year with two digits (`yy/MM/dd`); Quectel with four.
        let year = isLocal && (0..<100).contains(values[0]) ? values[0] + 2000 : values[0]
        let (y, mo, d, h, mi, s) = (year, values[1], values[2], values[3], values[4], values[5])
        guard (2000...2099).contains(y), (1...12).contains(mo), (1...CivilTime.daysInMonth(year: y, month: mo)).contains(d),
            (0...23).contains(h), (0...59).contains(mi), (0...59).contains(s), (-48...56).contains(quarters)
        else { return nil }
        let given = CivilTime(year: y, month: mo, day: d, hour: h, minute: mi, second: s)
        let local = isLocal ? given : CivilTime(epochSeconds: given.epochSeconds + Int64(quarters) * 900)
        return NetworkTimestamp(local: local, zoneQuarterHours: quarters)
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" || c == "\r" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\t" || c == "\r" { s = s.dropLast() }
        return String(s)
    }

    var replacingPlus: String { hasPrefix("+") ? String(dropFirst()) : self }
}
