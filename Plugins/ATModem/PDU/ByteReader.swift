/// A cursor over PDU bytes whose failures carry the byte offset.
struct ByteReader {
    let bytes: [UInt8]
    private(set) var offset: Int
    /// The bytes are the whole TPDU, as the `<length>` of a `+CMGR`/`+CMGL`/`+CMT` header vouches: user data
    /// shorter than TP-UDL was sent so, not cut on the way from the modem.
    let isComplete: Bool

    init(_ bytes: [UInt8], offset: Int = 0, isComplete: Bool = false) {
        self.bytes = bytes
        self.offset = offset
        self.isComplete = isComplete
    }

    var remaining: Int { bytes.count - offset }

    mutating func byte() throws(PDUError) -> UInt8 {
        guard offset < bytes.count else { throw PDUError(.truncated, at: offset, "PDU ends at octet \(offset)") }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func take(_ count: Int) throws(PDUError) -> ArraySlice<UInt8> {
        guard count <= remaining else {
            throw PDUError(.truncated, at: offset, "needs \(count) octets at \(offset), \(remaining) left")
        }
        defer { offset += count }
        return bytes[offset..<offset + count]
    }
}
