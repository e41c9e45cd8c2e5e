import CLuaShim

/// The byte form in which values travel from Swift into a Lua state (tags in CLuaShim.h); the C side
/// decodes it inside a protected call, so building the values may fail with a Lua error but never unwinds
/// through Swift.
struct ValueEncoding {
    private(set) var bytes: [UInt8] = []

    mutating func append(_ value: LuaValue) {
        switch value {
        case .nil: tag(LUASHIM_NIL)
        case .boolean(let flag): tag(flag ? LUASHIM_TRUE : LUASHIM_FALSE)
        case .integer(let number):
            tag(LUASHIM_INTEGER)
            word(UInt64(bitPattern: number), bytes: 8)
        case .number(let number):
            tag(LUASHIM_FLOAT)
            word(number.bitPattern, bytes: 8)
        case .string(let text):
            tag(LUASHIM_STRING)
            word(UInt64(text.utf8.count), bytes: 4)
            bytes.append(contentsOf: text.utf8)
        case .table(let fields):
            if let elements = value.elements, elements.count == fields.count, !elements.isEmpty {
                tag(LUASHIM_LIST)
                word(UInt64(elements.count), bytes: 4)
                for element in elements { append(element) }
            } else {
                tag(LUASHIM_TABLE)
                word(UInt64(fields.count), bytes: 4)
                for (key, field) in fields {
                    append(key)
                    append(field)
                }
            }
        }
    }

    /// Raw text (the message of `LUASHIM_RAISE`).
    mutating func append(text: String) { bytes.append(contentsOf: text.utf8) }

    private mutating func tag(_ tag: luashim_tag) { bytes.append(UInt8(tag.rawValue)) }

    private mutating func word(_ value: UInt64, bytes count: Int) {
        for shift in 0..<count { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(shift)))) }
    }
}
