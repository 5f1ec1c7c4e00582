/// Serialises boxes: header (32-bit size, or `largesize` when needed) plus payload.
public enum BoxBuilder {
    /// A plain box.
    public static func box(_ type: FourCC, _ payload: [UInt8]) -> [UInt8] {
        header(type, payloadCount: payload.count, extra: 0) + payload
    }

    /// A FullBox: version and 24-bit flags before `payload`.
    public static func fullBox(_ type: FourCC, version: UInt8, flags: UInt32, _ payload: [UInt8]) -> [UInt8] {
        box(type, [version, UInt8((flags >> 16) & 0xFF), UInt8((flags >> 8) & 0xFF), UInt8(flags & 0xFF)] + payload)
    }

    /// A `uuid` box with a 16-byte user type.
    /// - Precondition: `userType.count == 16`.
    public static func uuidBox(userType: [UInt8], _ payload: [UInt8]) -> [UInt8] {
        precondition(userType.count == 16, "a uuid user type is 16 bytes")
        return header("uuid", payloadCount: payload.count, extra: 16) + userType + payload
    }

    /// A container box holding `children` (already serialised boxes).
    public static func container(_ type: FourCC, _ children: [[UInt8]]) -> [UInt8] {
        box(type, children.flatMap { $0 })
    }

    private static func header(_ type: FourCC, payloadCount: Int, extra: Int) -> [UInt8] {
        let small = 8 + extra + payloadCount
        if small <= Int(UInt32.max) { return BE.u32(UInt32(small)) + type.bytes }
        return BE.u32(1) + type.bytes + BE.u64(UInt64(16 + extra + payloadCount))
    }
}
