/// A chunk offset table: `stco` (32-bit) or `co64` (64-bit) absolute file offsets of media chunks.
public struct ChunkOffsetTable: Sendable, Hashable {
    /// `true` for `co64`.
    public var is64Bit: Bool
    /// The absolute offsets, in chunk order.
    public var offsets: [UInt64]
    let fields: OffsetFields

    /// Parses an `stco` or `co64` payload.
    /// - Parameters:
    ///   - payload: The box payload (after the 8/16-byte header).
    ///   - type: `stco` or `co64`.
    ///   - base: Absolute offset of `payload[0]`, for error locations.
    ///   - sourceName: The file, for error locations.
    /// - Throws: ``BMFFError/Code/invalidTable`` when the entry count does not fit the box.
    public init(payload: [UInt8], type: FourCC, base: Int64, sourceName: String? = nil) throws {
        var c = ByteCursor(payload, base: base, sourceName: sourceName)
        let width = type == "co64" ? 8 : 4
        _ = try c.u32("version/flags")
        let count = Int(try c.u32("entry_count"))
        guard count <= c.remaining / width else {
            throw BMFFError.invalidTable(
                "'\(type)' entry_count \(count) needs \(count * width) bytes, box has \(c.remaining)", at: c.location())
        }
        var fields = OffsetFields()
        var offsets: [UInt64] = []
        offsets.reserveCapacity(count)
        fields.absolute.reserveCapacity(count)
        for _ in 0..<count {
            let pos = c.position
            let v = try c.uint(width: width, "chunk offset")
            offsets.append(v)
            fields.absolute.append(.init(position: pos, width: width, value: v))
        }
        self.is64Bit = width == 8
        self.offsets = offsets
        self.fields = fields
    }

    /// Reads the table of `box` (an `stco` or `co64`) from `source`.
    public init(box: Box, in source: any ByteSource) throws {
        try self.init(
            payload: try TableReader.payload(of: box, in: source), type: box.type, base: box.payloadOffset,
            sourceName: source.name)
    }
}

/// Loads table payloads with a size cap.
enum TableReader {
    /// Largest table payload loaded into memory (256 MiB).
    static let maxTableSize: Int64 = 256 << 20

    static func payload(of box: Box, in source: any ByteSource) throws -> [UInt8] {
        guard box.payloadSize <= maxTableSize else {
            throw BMFFError.tooLarge(
                "'\(box.type)' payload of \(box.payloadSize) bytes exceeds the \(maxTableSize)-byte cap",
                at: source.location(box.offset))
        }
        return try source.read(at: box.payloadOffset, count: Int(box.payloadSize))
    }
}
