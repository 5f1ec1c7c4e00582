/// A track fragment random access table (`tfra` in `mfra`): sync samples and the absolute offsets
/// of the `moof` boxes that hold them.
public struct TrackFragmentRandomAccess: Sendable, Hashable {
    /// One entry.
    public struct Entry: Sendable, Hashable {
        /// Presentation time of the sync sample.
        public var time: UInt64
        /// Absolute offset of the `moof` box.
        public var moofOffset: UInt64
    }

    /// The track.
    public var trackID: UInt32
    /// The entries, in order.
    public var entries: [Entry]
    let fields: OffsetFields

    /// Parses a `tfra` payload (versions 0 and 1); `base` is the absolute offset of `payload[0]`.
    /// - Throws: ``BMFFError/Code/invalidTable`` if the entries do not fit the box.
    public init(payload: [UInt8], base: Int64, sourceName: String? = nil) throws {
        var c = ByteCursor(payload, base: base, sourceName: sourceName)
        let version = try c.u8("version")
        try c.skip(3, "flags")
        guard version <= 1 else { throw BMFFError.invalidTable("'tfra' version \(version)", at: c.location(0)) }
        trackID = try c.u32("track_ID")
        let sizes = try c.u32("length sizes")
        let trafWidth = Int((sizes >> 4) & 3) + 1
        let trunWidth = Int((sizes >> 2) & 3) + 1
        let sampleWidth = Int(sizes & 3) + 1
        let count = Int(try c.u32("number_of_entry"))
        let timeWidth = version == 1 ? 8 : 4
        let entrySize = 2 * timeWidth + trafWidth + trunWidth + sampleWidth
        guard count <= c.remaining / entrySize else {
            throw BMFFError.invalidTable(
                "'tfra' number_of_entry \(count) × \(entrySize) bytes exceeds the box (\(c.remaining) left)",
                at: c.location())
        }
        var fields = OffsetFields()
        var entries: [Entry] = []
        entries.reserveCapacity(count)
        for _ in 0..<count {
            let time = try c.uint(width: timeWidth, "time")
            let pos = c.position
            let moof = try c.uint(width: timeWidth, "moof_offset")
            try c.skip(trafWidth + trunWidth + sampleWidth, "traf/trun/sample numbers")
            entries.append(Entry(time: time, moofOffset: moof))
            fields.absolute.append(.init(position: pos, width: timeWidth, value: moof))
        }
        self.entries = entries
        self.fields = fields
    }

    /// Reads `box` (a `tfra`) from `source`.
    public init(box: Box, in source: any ByteSource) throws {
        try self.init(
            payload: try TableReader.payload(of: box, in: source), base: box.payloadOffset, sourceName: source.name)
    }
}
