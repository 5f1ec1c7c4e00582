/// A sample auxiliary information offsets box (`saio`).
///
/// Under `stbl` the offsets are absolute file offsets; under `traf` they are relative to the
/// fragment's base data offset (the patcher only rewrites the absolute ones).
public struct SampleAuxiliaryOffsets: Sendable, Hashable {
    /// The offsets, in order.
    public var offsets: [UInt64]
    let fields: OffsetFields

    /// Parses a `saio` payload (versions 0 and 1); `base` is the absolute offset of `payload[0]`.
    /// - Throws: ``BMFFError/Code/invalidTable`` if the entries do not fit the box.
    public init(payload: [UInt8], base: Int64, sourceName: String? = nil) throws {
        var c = ByteCursor(payload, base: base, sourceName: sourceName)
        let version = try c.u8("version")
        let flags = try c.u24("flags")
        guard version <= 1 else { throw BMFFError.invalidTable("'saio' version \(version)", at: c.location(0)) }
        if flags & 1 != 0 { try c.skip(8, "aux_info_type and parameter") }
        let count = Int(try c.u32("entry_count"))
        let width = version == 1 ? 8 : 4
        guard count <= c.remaining / width else {
            throw BMFFError.invalidTable(
                "'saio' entry_count \(count) needs \(count * width) bytes, box has \(c.remaining)", at: c.location())
        }
        var fields = OffsetFields()
        var offsets: [UInt64] = []
        offsets.reserveCapacity(count)
        for _ in 0..<count {
            let pos = c.position
            let v = try c.uint(width: width, "offset")
            offsets.append(v)
            fields.absolute.append(.init(position: pos, width: width, value: v))
        }
        self.offsets = offsets
        self.fields = fields
    }

    /// Reads `box` (a `saio`) from `source`.
    public init(box: Box, in source: any ByteSource) throws {
        try self.init(
            payload: try TableReader.payload(of: box, in: source), base: box.payloadOffset, sourceName: source.name)
    }
}
