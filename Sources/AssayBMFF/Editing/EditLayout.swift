/// The top-level layout of a file produced by ``BoxEditor``, and the map from input offsets to output offsets.
public struct EditLayout: Sendable, Hashable {
    /// Where a top-level box of the output came from.
    public enum Origin: Sendable, Hashable {
        /// Copied (with patched offset tables) from this offset of the input.
        case copied(from: Int64)
        /// Written by the edit with this index in the `edits` array.
        case edit(Int)
    }

    /// One top-level box of the output.
    public struct Entry: Sendable, Hashable {
        /// The box type.
        public var type: FourCC
        /// The `uuid` user type, if any.
        public var userType: [UInt8]?
        /// Offset in the output.
        public var offset: Int64
        /// Size in bytes.
        public var size: Int64
        /// Where it came from.
        public var origin: Origin
        /// The bytes of the box in the output.
        public var range: Range<Int64> { offset..<offset + size }
    }

    /// The top-level boxes of the output, in order.
    public var entries: [Entry]
    /// The size of the input the layout was planned for.
    public var inputSize: Int64
    /// The output size.
    public var size: Int64 {
        entries.last.map { $0.offset + $0.size } ?? 0
    }

    /// The output ranges written by edit number `index` (one per box in the edit's bytes).
    public func ranges(ofEdit index: Int) -> [Range<Int64>] {
        entries.filter { $0.origin == .edit(index) }.map(\.range)
    }

    /// Where the input byte at `offset` is in the output, if its box was kept.
    ///
    /// The end of the input maps to the end of the last box's copy if that box was kept (an empty
    /// chunk at the very end); the start of a removed box maps to `nil`.
    public func outputOffset(forInputOffset offset: Int64) -> Int64? {
        OffsetMap(layout: self).map(offset)
    }
}
