/// The parts of a track fragment header (`tfhd`) that locate data.
public struct TrackFragmentHeader: Sendable, Hashable {
    /// The tf_flags field.
    public var flags: UInt32
    /// The track this fragment belongs to.
    public var trackID: UInt32
    /// The absolute `base_data_offset`, present when flag 0x000001 is set.
    public var baseDataOffset: UInt64?
    /// `true` when flag 0x020000 (default-base-is-moof) is set.
    public var defaultBaseIsMoof: Bool { flags & 0x02_0000 != 0 }
    let fields: OffsetFields

    /// Parses a `tfhd` payload; `base` is the absolute offset of `payload[0]`.
    /// - Throws: ``BMFFError/Code/invalidTable`` if the box is too short for its flags.
    public init(payload: [UInt8], base: Int64, sourceName: String? = nil) throws {
        var c = ByteCursor(payload, base: base, sourceName: sourceName)
        let vf = try c.u32("version/flags")
        flags = vf & 0xFF_FFFF
        trackID = try c.u32("track_ID")
        var fields = OffsetFields()
        if flags & 1 != 0 {
            let pos = c.position
            let v = try c.u64("base_data_offset")
            baseDataOffset = v
            fields.absolute.append(.init(position: pos, width: 8, value: v))
        }
        self.fields = fields
    }

    /// Reads `box` (a `tfhd`) from `source`.
    public init(box: Box, in source: any ByteSource) throws {
        try self.init(
            payload: try TableReader.payload(of: box, in: source), base: box.payloadOffset, sourceName: source.name)
    }
}
