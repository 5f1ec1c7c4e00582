/// An item location box (`iloc`, versions 0–2): where the items of a `meta` box are stored.
public struct ItemLocationTable: Sendable, Hashable {
    /// One extent of an item.
    public struct Extent: Sendable, Hashable {
        /// Offset (relative to the item's base offset).
        public var offset: UInt64
        /// Length in bytes (0 = to the end of the file or data).
        public var length: UInt64
    }

    /// One item.
    public struct Item: Sendable, Hashable {
        /// The item ID.
        public var itemID: UInt32
        /// 0 = file offset, 1 = `idat` offset, 2 = item offset.
        public var constructionMethod: UInt8
        /// The data reference index (0 = this file).
        public var dataReferenceIndex: UInt16
        /// The base offset.
        public var baseOffset: UInt64
        /// The extents.
        public var extents: [Extent]
    }

    /// The box version.
    public var version: UInt8
    /// The items, in order.
    public var items: [Item]
    let fields: OffsetFields

    /// Parses an `iloc` payload; `base` is the absolute offset of `payload[0]`.
    /// - Throws: ``BMFFError/Code/invalidTable`` for a bad version, field size or count.
    public init(payload: [UInt8], base: Int64, sourceName: String? = nil) throws {
        var c = ByteCursor(payload, base: base, sourceName: sourceName)
        version = try c.u8("version")
        try c.skip(3, "flags")
        guard version <= 2 else { throw BMFFError.invalidTable("'iloc' version \(version)", at: c.location(0)) }
        let s1 = try c.u8("offset_size/length_size")
        let s2 = try c.u8("base_offset_size/index_size")
        let offsetSize = Int(s1 >> 4)
        let lengthSize = Int(s1 & 0xF)
        let baseSize = Int(s2 >> 4)
        let indexSize = version >= 1 ? Int(s2 & 0xF) : 0
        for (name, v) in [
            ("offset_size", offsetSize), ("length_size", lengthSize), ("base_offset_size", baseSize),
            ("index_size", indexSize),
        ] where ![0, 4, 8].contains(v) {
            throw BMFFError.invalidTable("'iloc' \(name) \(v) is not 0, 4 or 8", at: c.location(4))
        }
        let count = Int(version < 2 ? UInt32(try c.u16("item_count")) : try c.u32("item_count"))
        let minItem = (version < 2 ? 2 : 4) + (version >= 1 ? 2 : 0) + 2 + baseSize + 2
        guard count <= c.remaining / minItem else {
            throw BMFFError.invalidTable("'iloc' item_count \(count) exceeds the box", at: c.location())
        }
        let extentSize = indexSize + offsetSize + lengthSize
        var items: [Item] = []
        var fields = OffsetFields()
        for _ in 0..<count {
            let id = version < 2 ? UInt32(try c.u16("item_ID")) : try c.u32("item_ID")
            let method = version >= 1 ? UInt8(try c.u16("construction_method") & 0xF) : 0
            let dri = try c.u16("data_reference_index")
            let basePos = c.position
            let baseOffset = try c.uint(width: baseSize, "base_offset")
            let extentCount = Int(try c.u16("extent_count"))
            if extentSize > 0 {
                guard extentCount <= c.remaining / extentSize else {
                    throw BMFFError.invalidTable("'iloc' extent_count \(extentCount) exceeds the box", at: c.location())
                }
            }
            var extents: [Extent] = []
            var extentFields: [OffsetFields.Field] = []
            // With zero-width extents nothing is stored; do not loop over a count that consumes no bytes.
            for _ in 0..<(extentSize > 0 ? extentCount : 0) {
                try c.skip(indexSize, "extent_index")
                let pos = c.position
                let off = try c.uint(width: offsetSize, "extent_offset")
                let len = try c.uint(width: lengthSize, "extent_length")
                extents.append(Extent(offset: off, length: len))
                if offsetSize > 0 { extentFields.append(.init(position: pos, width: offsetSize, value: off)) }
            }
            items.append(
                Item(
                    itemID: id, constructionMethod: method, dataReferenceIndex: dri,
                    baseOffset: baseOffset, extents: extents))
            // Only file offsets in this file (method 0, data reference 0) are absolute.
            guard method == 0, dri == 0 else { continue }
            if baseSize > 0 {
                fields.groups.append(
                    .init(
                        base: .init(position: basePos, width: baseSize, value: baseOffset),
                        extents: extentFields))
            } else {
                fields.absolute += extentFields
            }
        }
        self.items = items
        self.fields = fields
    }

    /// Reads `box` (an `iloc`) from `source`.
    public init(box: Box, in source: any ByteSource) throws {
        try self.init(
            payload: try TableReader.payload(of: box, in: source), base: box.payloadOffset, sourceName: source.name)
    }
}
