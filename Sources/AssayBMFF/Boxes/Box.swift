/// One node of an ISO BMFF box tree: where a box lies in its file, and its children if it is a container.
public struct Box: Sendable, Hashable {
    /// The box type.
    public var type: FourCC
    /// Absolute offset of the box's first byte (its size field).
    public var offset: Int64
    /// Total size in bytes, header included (a size-0 box is resolved to the end of its parent).
    public var size: Int64
    /// Header length: 8, 16 with `largesize`, plus 16 for a `uuid` box's user type.
    public var headerSize: Int
    /// The 16-byte extended type of a `uuid` box; `nil` for other boxes.
    public var userType: [UInt8]?
    /// Child boxes, for container types the walker descends into; empty otherwise.
    public var children: [Box]
    /// Where the children start (after the header, and after version/flags for a FullBox
    /// container such as ISO `meta`); `nil` for boxes the walker does not descend into.
    public var childrenOffset: Int64?

    /// Creates a node.
    public init(
        type: FourCC, offset: Int64, size: Int64, headerSize: Int, userType: [UInt8]? = nil,
        children: [Box] = [], childrenOffset: Int64? = nil
    ) {
        self.type = type
        self.offset = offset
        self.size = size
        self.headerSize = headerSize
        self.userType = userType
        self.children = children
        self.childrenOffset = childrenOffset
    }

    /// The first byte after the header.
    public var payloadOffset: Int64 { offset + Int64(headerSize) }
    /// The payload length.
    public var payloadSize: Int64 { size - Int64(headerSize) }
    /// One past the last byte.
    public var end: Int64 { offset + size }
    /// The bytes of the whole box.
    public var range: Range<Int64> { offset..<end }
    /// The bytes of the payload.
    public var payloadRange: Range<Int64> { payloadOffset..<end }

    /// The first direct child of `type`.
    public func child(_ type: FourCC) -> Box? { children.first { $0.type == type } }

    /// Direct children of `type`, in order.
    public func children(_ type: FourCC) -> [Box] { children.filter { $0.type == type } }

    /// Descendants reached by following `path` from this box (`path` excludes this box's own type).
    public func descendants(atPath path: [FourCC]) -> [Box] {
        guard let first = path.first else { return [self] }
        let rest = Array(path.dropFirst())
        return children.filter { $0.type == first }.flatMap { $0.descendants(atPath: rest) }
    }

    /// A 16-byte UUID as `XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX` (upper case).
    public static func uuidString(_ bytes: [UInt8]) -> String {
        let hex = bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16, uppercase: true) }
        guard hex.count == 16 else { return hex.joined() }
        return [hex[0..<4], hex[4..<6], hex[6..<8], hex[8..<10], hex[10..<16]].map { $0.joined() }.joined(
            separator: "-")
    }
}
