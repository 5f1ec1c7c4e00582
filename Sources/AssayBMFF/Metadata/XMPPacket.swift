/// An XMP packet found in an ISO BMFF file, as raw text.
public struct XMPPacket: Sendable, Hashable {
    /// Where a packet was stored.
    public enum Container: Sendable, Hashable {
        /// A top-level `uuid` box with the XMP user type BE7ACFCB-97A9-42E8-9C71-999491E3AFAC.
        case uuidBox
        /// `moov/udta/XMP_` (QuickTime).
        case udtaXMP
    }

    /// Where it was stored.
    public var container: Container
    /// The box holding it.
    public var box: Box
    /// The packet as text (invalid UTF-8 is replaced, never fatal).
    public var text: String

    /// Largest XMP payload read (16 MiB).
    public static let maxSize: Int64 = 16 << 20

    /// Every XMP packet in the file: top-level XMP `uuid` boxes and `moov/udta/XMP_`.
    /// - Throws: ``BMFFError/Code/tooLarge`` for a packet over ``maxSize``, or a read error.
    public static func all(in tree: BoxTree, source: any ByteSource) throws -> [XMPPacket] {
        var found: [(Container, Box)] = tree.boxes.filter { $0.type == "uuid" && $0.userType == KnownBoxes.xmpUUID }
            .map { (.uuidBox, $0) }
        found += tree.boxes(atPath: ["moov", "udta", "XMP_"]).map { (.udtaXMP, $0) }
        return try found.map { container, box in
            guard box.payloadSize <= maxSize else {
                throw BMFFError.tooLarge("XMP packet of \(box.payloadSize) bytes", at: source.location(box.offset))
            }
            let bytes = try source.read(at: box.payloadOffset, count: Int(box.payloadSize))
            return XMPPacket(container: container, box: box, text: String(decoding: bytes, as: UTF8.self))
        }
    }
}
