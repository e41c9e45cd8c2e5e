import SocketCore

/// TP-UD decoding and encoding shared by DELIVER and SUBMIT.
enum UserData {
    struct Decoded {
        var header: UserDataHeader?
        var text: String
        /// The octets after the header, for 8-bit data; nil for text alphabets.
        var data: [UInt8]?
    }

    /// Reads TP-UDL and TP-UD. `dcsOffset` is where the DCS octet was, for the compressed-data error.
    static func decode(
        _ reader: inout ByteReader, dcs: DataCodingScheme, dcsOffset: Int, hasHeader: Bool
    ) throws(PDUError) -> Decoded {
        if dcs.isCompressed {
            throw PDUError(.unsupportedDataCoding, at: dcsOffset, "compressed user data (DCS \(dcs.rawValue))")
        }
        let udlOffset = reader.offset
        let udl = Int(try reader.byte())
        let isGSM7 = dcs.alphabet == .gsm7
        guard udl <= (isGSM7 ? 160 : 140) else {
            throw PDUError(.invalidUserData, at: udlOffset, "user data length \(udl) is more than an SMS carries")
        }
        let octets = isGSM7 ? (udl * 7 + 7) / 8 : udl
        guard reader.remaining >= octets else {
            throw PDUError(.lengthBeyondData, at: udlOffset, "user data of \(octets) octets, \(reader.remaining) left")
        }
        let ud = try reader.take(octets)
        var header: UserDataHeader? = nil
        var headerOctets = 0
        if hasHeader {
            guard octets >= 1 else {
                throw PDUError(.invalidUserDataHeader, at: udlOffset, "header indicated but user data is empty")
            }
            headerOctets = Int(ud[ud.startIndex]) + 1
            guard headerOctets <= octets, !isGSM7 || (headerOctets * 8 + 6) / 7 <= udl else {
                throw PDUError(.invalidUserDataHeader, at: udlOffset + 1, "header of \(headerOctets) octets overruns the user data")
            }
            header = try UserDataHeader.decode(ud.prefix(headerOctets), base: udlOffset + 1)
        }
        switch dcs.alphabet {
        case .gsm7:
            let headerSeptets = (headerOctets * 8 + 6) / 7
            let septets = GSM7.unpack(ud, bitOffset: headerSeptets * 7, count: udl - headerSeptets)
            return Decoded(header: header, text: GSM7.string(septets))
        case .ucs2:
            let body = ud.dropFirst(headerOctets)
            guard body.count % 2 == 0 else {
                throw PDUError(.invalidUserData, at: udlOffset, "UCS2 user data of \(body.count) octets (odd)")
            }
            return Decoded(header: header, text: ucs2String(body))
        case .eightBit:
            let body = Array(ud.dropFirst(headerOctets))
            var utf8: [UInt8] = []
            utf8.reserveCapacity(body.count * 2)
            for byte in body { GSM7.appendUTF8(Unicode.Scalar(byte), to: &utf8) }  // ISO 8859-1, lossless
            return Decoded(header: header, text: String(decoding: utf8, as: UTF8.self), data: body)
        }
    }

    /// UTF-16BE octets as a String; lone surrogates become U+FFFD.
    static func ucs2String(_ bytes: ArraySlice<UInt8>) -> String {
        var units = [UInt16](repeating: 0, count: bytes.count / 2)
        var i = bytes.startIndex
        for k in 0..<units.count {
            units[k] = UInt16(bytes[i]) << 8 | UInt16(bytes[i + 1])
            i += 2
        }
        return String(decoding: units, as: UTF16.self)
    }

    /// Appends TP-UDL and TP-UD for GSM 7-bit septets behind an optional header (UDHL first), with fill bits.
    static func encodeGSM7(_ septets: ArraySlice<UInt8>, header: [UInt8]?, into out: inout [UInt8]) {
        guard let header else {
            out.append(UInt8(septets.count))
            GSM7.pack(septets, into: &out)
            return
        }
        let headerSeptets = (header.count * 8 + 6) / 7
        out.append(UInt8(headerSeptets + septets.count))
        out.append(contentsOf: header)
        GSM7.pack(septets, fillBits: headerSeptets * 7 - header.count * 8, into: &out)
    }

    /// Appends TP-UDL and TP-UD for UTF-16 units (big-endian) behind an optional header.
    static func encodeUCS2(_ units: ArraySlice<UInt16>, header: [UInt8]?, into out: inout [UInt8]) {
        out.append(UInt8((header?.count ?? 0) + units.count * 2))
        if let header { out.append(contentsOf: header) }
        for unit in units {
            out.append(UInt8(unit >> 8))
            out.append(UInt8(unit & 0xFF))
        }
    }
}

/// A text ready to be cut into SMS parts: GSM 7-bit septets when every character fits, else UTF-16 units.
enum PreparedText {
    case gsm7([UInt8])
    case ucs2([UInt16])

    init(_ text: String) {
        if let septets = GSM7.septets(text) {
            self = .gsm7(septets)
        } else {
            self = .ucs2(Array(text.utf16))
        }
    }

    /// Ranges of the parts: one when the text fits 160 septets / 70 units, else parts of at most 153 septets /
    /// 67 units that never split an escape pair or a surrogate pair.
    func partRanges() -> [Range<Int>] {
        switch self {
        case .gsm7(let septets):
            if septets.count <= 160 { return [0..<septets.count] }
            return Self.split(count: septets.count, size: 153) { septets[$0 - 1] == GSM7.escape }
        case .ucs2(let units):
            if units.count <= 70 { return [0..<units.count] }
            return Self.split(count: units.count, size: 67) { UTF16.isLeadSurrogate(units[$0 - 1]) }
        }
    }

    /// `splitsPair(end)` tells whether ending a part before index `end` would cut a pair.
    private static func split(count: Int, size: Int, splitsPair: (Int) -> Bool) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        while start < count {
            var end = min(start + size, count)
            if end < count && splitsPair(end) { end -= 1 }
            ranges.append(start..<end)
            start = end
        }
        return ranges
    }

    var alphabet: DataCodingScheme.Alphabet {
        if case .gsm7 = self { return .gsm7 }
        return .ucs2
    }

    /// Appends UDL and UD of the part `range`, with `header` (UDHL first) when given.
    func encodePart(_ range: Range<Int>, header: [UInt8]?, into out: inout [UInt8]) {
        switch self {
        case .gsm7(let septets): UserData.encodeGSM7(septets[range], header: header, into: &out)
        case .ucs2(let units): UserData.encodeUCS2(units[range], header: header, into: &out)
        }
    }
}

/// TP-SCTS (and absolute validity periods, discharge times): seven swapped-BCD octets YY MM DD hh mm ss TZ.
///
/// The year has two digits; the century pivot is 70: `yy < 70` is 20yy, otherwise 19yy. (python-gsmmodem reads
/// `98` as 1998, smspdudecoder as 2098; SMS predates 2000, so 1970–2069 is the useful window.) TZ counts quarter
/// hours, bit 3 of the octet is the sign.
enum SCTS {
    static func decode(_ reader: inout ByteReader) throws(PDUError) -> NetworkTimestamp {
        let start = reader.offset
        let octets = try reader.take(7)
        var values = [Int](repeating: 0, count: 6)
        for k in 0..<6 {
            let octet = octets[start + k]
            let tens = octet & 0x0F
            let units = octet >> 4
            guard tens <= 9, units <= 9 else {
                throw PDUError(.invalidTimestamp, at: start + k, "time stamp octet \(Hex.string([octet])) is not BCD")
            }
            values[k] = Int(tens) * 10 + Int(units)
        }
        let zoneOctet = octets[start + 6]
        guard zoneOctet >> 4 <= 9 else {
            throw PDUError(.invalidTimestamp, at: start + 6, "time zone octet \(Hex.string([zoneOctet])) is not BCD")
        }
        let quarters = Int(zoneOctet & 0x07) * 10 + Int(zoneOctet >> 4)
        let year = values[0] < 70 ? 2000 + values[0] : 1900 + values[0]
        let (month, day, hour, minute, second) = (values[1], values[2], values[3], values[4], values[5])
        guard (1...12).contains(month) else {
            throw PDUError(.invalidTimestamp, at: start + 1, "month \(month)")
        }
        guard day >= 1, day <= CivilTime.daysInMonth(year: year, month: month) else {
            throw PDUError(.invalidTimestamp, at: start + 2, "day \(day)")
        }
        guard hour < 24, minute < 60, second < 60 else {
            throw PDUError(.invalidTimestamp, at: start + 3, "time \(hour):\(minute):\(second)")
        }
        return NetworkTimestamp(
            local: CivilTime(year: year, month: month, day: day, hour: hour, minute: minute, second: second),
            zoneQuarterHours: zoneOctet & 0x08 != 0 ? -quarters : quarters)
    }

    static func encode(_ timestamp: NetworkTimestamp, into out: inout [UInt8]) {
        let t = timestamp.local
        out.append(swapped(((t.year % 100) + 100) % 100))
        for value in [t.month, t.day, t.hour, t.minute, t.second] { out.append(swapped(value)) }
        let quarters = min(abs(timestamp.zoneQuarterHours), 79)
        out.append(swapped(quarters) | (timestamp.zoneQuarterHours < 0 ? 0x08 : 0))
    }

    @inline(__always) static func swapped(_ value: Int) -> UInt8 {
        let v = max(0, min(value, 99))
        return UInt8((v % 10) << 4 | v / 10)
    }
}
