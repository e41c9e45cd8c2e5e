import SocketCore

/// TP-UD decoding and encoding shared by DELIVER and SUBMIT.
enum UserData {
    struct Decoded {
        var header: UserDataHeader?
        var text: String
        /// The octets after the header, for 8-bit data; nil for text alphabets.
        var data: [UInt8]?
        /// Octets TP-UDL announced that the PDU does not hold (0 when the user data is complete).
        var missingOctets = 0
    }

    /// Reads TP-UDL and TP-UD. `dcsOffset` is where the DCS octet was, for the compressed-data error.
    ///
    /// When the reader's bytes are the whole TPDU (``ByteReader/isComplete``), user data shorter than TP-UDL
    /// announces is decoded as far as it goes, provided the header (when TP-UDHI says there is one) is
    /// whole: every whole character present is read, and a character cut off at the end is dropped — the
    /// bits of a septet not all there, an escape whose second septet is missing, the odd octet of a UTF-16
    /// unit, a lead surrogate without its trail. 8-bit data keeps every octet present.
    /// ``Decoded/missingOctets`` tells how much was missing.
    /// - Throws: ``PDUError``: `.invalidUserData` for a TP-UDL beyond what an SMS carries (160 septets,
    ///   140 octets) or complete UCS2 data of an odd length; `.invalidUserDataHeader` for a header that overruns
    ///   TP-UDL; `.lengthBeyondData` (at TP-UDL) for user data cut short when the bytes are not known to be
    ///   complete, and for a header cut off by the end of the PDU.
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
        let missing = max(0, octets - reader.remaining)
        guard missing == 0 || reader.isComplete else {
            throw PDUError(.lengthBeyondData, at: udlOffset, "user data of \(octets) octets, \(reader.remaining) left")
        }
        let ud = try reader.take(octets - missing)
        var header: UserDataHeader? = nil
        var headerOctets = 0
        if hasHeader {
            guard octets >= 1 else {
                throw PDUError(.invalidUserDataHeader, at: udlOffset, "header indicated but user data is empty")
            }
            guard !ud.isEmpty else {
                throw PDUError(.lengthBeyondData, at: udlOffset, "user data of \(octets) octets, none left")
            }
            headerOctets = Int(ud[ud.startIndex]) + 1
            guard headerOctets <= octets, !isGSM7 || (headerOctets * 8 + 6) / 7 <= udl else {
                throw PDUError(.invalidUserDataHeader, at: udlOffset + 1, "header of \(headerOctets) octets overruns the user data")
            }
            guard headerOctets <= ud.count else {
                throw PDUError(.lengthBeyondData, at: udlOffset, "header of \(headerOctets) octets, \(ud.count) left")
            }
            header = try UserDataHeader.decode(ud.prefix(headerOctets), base: udlOffset + 1)
        }
        switch dcs.alphabet {
        case .gsm7:
            let headerSeptets = (headerOctets * 8 + 6) / 7
            let septetsPresent = min(udl, ud.count * 8 / 7)
            let septets = GSM7.unpack(ud, bitOffset: headerSeptets * 7, count: max(0, septetsPresent - headerSeptets))
            return Decoded(header: header, text: GSM7.string(septets), missingOctets: missing)
        case .ucs2:
            var body = ud.dropFirst(headerOctets)
            if missing > 0 {
                body = body.prefix(body.count & ~1)
                if body.count >= 2, UTF16.isLeadSurrogate(UInt16(body[body.endIndex - 2]) << 8 | UInt16(body[body.endIndex - 1])) {
                    body = body.dropLast(2)
                }
            }
            guard body.count % 2 == 0 else {
                throw PDUError(.invalidUserData, at: udlOffset, "UCS2 user data of \(body.count) octets (odd)")
            }
            return Decoded(header: header, text: ucs2String(body), missingOctets: missing)
        case .eightBit:
            let body = Array(ud.dropFirst(headerOctets))
            var utf8: [UInt8] = []
            utf8.reserveCapacity(body.count * 2)
            for byte in body { GSM7.appendUTF8(Unicode.Scalar(byte), to: &utf8) }  // ISO 8859-1, lossless
            return Decoded(header: header, text: String(decoding: utf8, as: UTF8.self), data: body, missingOctets: missing)
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

    /// Ranges of the parts: one when the text fits 160 septets / 70 units, else parts that never split an escape
    /// pair or a surrogate pair and fill what the 140 octets of user data leave beside a concatenation header
    /// of `headerOctets` (UDHL included): 153 septets / 67 units with the 6-octet header of an 8-bit
    /// reference, 152 / 66 with the 7 octets of a 16-bit one (TS 23.040 §9.2.3.24.1, §9.2.3.24.8).
    func partRanges(headerOctets: Int) -> [Range<Int>] {
        switch self {
        case .gsm7(let septets):
            if septets.count <= 160 { return [0..<septets.count] }
            let size = 160 - (headerOctets * 8 + 6) / 7
            return Self.split(count: septets.count, size: size) { septets[$0 - 1] == GSM7.escape }
        case .ucs2(let units):
            if units.count <= 70 { return [0..<units.count] }
            return Self.split(count: units.count, size: (140 - headerOctets) / 2) { UTF16.isLeadSurrogate(units[$0 - 1]) }
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

/// TP-SCTS (and absolute validity periods, discharge times): seven swapped-BCD octets YY MM DD hh mm ss TZ
/// (TS 23.040 §9.2.3.11).
///
/// The year has two digits; the century pivot is 70: `yy < 70` is 20yy, otherwise 19yy. (python-gsmmodem reads
/// `98` as 1998, smspdudecoder as 2098; SMS predates 2000, so 1970–2069 is the useful window.) TZ counts quarter
/// hours, bit 3 of the octet is the sign.
enum SCTS {
    /// Takes the seven octets and reads them. The result is a failure (with the offset of the first bad octet)
    /// when a date or time octet is not two decimal digits or a field is out of range; a zone octet that is not
    /// two decimal digits, or a zone beyond −48…+56 quarter hours, gives a time stamp whose zone is nil
    /// (live networks send zone octets such as `C2`).
    /// - Throws: ``PDUError`` `.truncated` when fewer than seven octets are left.
    static func decode(_ reader: inout ByteReader) throws(PDUError) -> Result<NetworkTimestamp, PDUError> {
        let start = reader.offset
        let octets = try reader.take(7)
        var values = [Int](repeating: 0, count: 6)
        for k in 0..<6 {
            let octet = octets[start + k]
            let tens = octet & 0x0F
            let units = octet >> 4
            guard tens <= 9, units <= 9 else {
                return .failure(
                    PDUError(.invalidTimestamp, at: start + k, "time stamp octet \(Hex.string([octet])) is not BCD"))
            }
            values[k] = Int(tens) * 10 + Int(units)
        }
        let year = values[0] < 70 ? 2000 + values[0] : 1900 + values[0]
        let (month, day, hour, minute, second) = (values[1], values[2], values[3], values[4], values[5])
        guard (1...12).contains(month) else {
            return .failure(PDUError(.invalidTimestamp, at: start + 1, "month \(month)"))
        }
        guard day >= 1, day <= CivilTime.daysInMonth(year: year, month: month) else {
            return .failure(PDUError(.invalidTimestamp, at: start + 2, "day \(day)"))
        }
        guard hour < 24, minute < 60, second < 60 else {
            return .failure(PDUError(.invalidTimestamp, at: start + 3, "time \(hour):\(minute):\(second)"))
        }
        return .success(
            NetworkTimestamp(
                local: CivilTime(year: year, month: month, day: day, hour: hour, minute: minute, second: second),
                zoneQuarterHours: zone(octets[start + 6])))
    }

    /// Signed quarter hours of a zone octet, or nil when it is not decimal or beyond −48…+56.
    static func zone(_ octet: UInt8) -> Int? {
        guard octet >> 4 <= 9 else { return nil }
        let quarters = Int(octet & 0x07) * 10 + Int(octet >> 4)
        let signed = octet & 0x08 != 0 ? -quarters : quarters
        return (-48...56).contains(signed) ? signed : nil
    }

    /// Appends the seven octets; an unknown zone is written as 0, a zone beyond ±79 quarter hours (the most
    /// the octet holds) as ±79.
    static func encode(_ timestamp: NetworkTimestamp, into out: inout [UInt8]) {
        let t = timestamp.local
        out.append(swapped(((t.year % 100) + 100) % 100))
        for value in [t.month, t.day, t.hour, t.minute, t.second] { out.append(swapped(value)) }
        let zone = min(max(timestamp.zoneQuarterHours ?? 0, -79), 79)
        out.append(swapped(abs(zone)) | (zone < 0 ? 0x08 : 0))
    }

    @inline(__always) static func swapped(_ value: Int) -> UInt8 {
        let v = max(0, min(value, 99))
        return UInt8((v % 10) << 4 | v / 10)
    }
}

extension Result {
    /// The value, or nil for a failure.
    var success: Success? {
        guard case .success(let value) = self else { return nil }
        return value
    }
}
