/// A top-level C2PA `uuid` box (ContentProvenanceBox, user type D8FEC3D6-1B0E-483C-9297-5828877EC481).
///
/// Layout: FullBox version/flags, a NUL-terminated purpose (`manifest`, `original`, `update`,
/// `merkle`), then for manifest-type purposes a big-endian u64 offset to the first auxiliary box,
/// then the data (a JUMBF manifest store; CBOR for `merkle`).
public struct C2PAManifestBox: Sendable, Hashable {
    /// The box.
    public var box: Box
    /// The FullBox version.
    public var version: UInt8
    /// The purpose string.
    public var purpose: String
    /// The u64 after the purpose (for `manifest`, `original`, `update`); `nil` for other purposes.
    public var auxiliaryOffset: UInt64?
    /// The bytes after the header fields: the JUMBF manifest store (or the Merkle CBOR).
    public var dataRange: Range<Int64>

    /// The longest purpose string accepted.
    static let maxPurposeLength = 64

    /// Purposes followed by the u64 auxiliary offset.
    static let manifestPurposes: Set<String> = ["manifest", "original", "update"]

    /// Parses `box` (a C2PA `uuid` box) from `source`.
    /// - Throws: ``BMFFError/Code/invalidManifestBox`` when the purpose or offset field is missing.
    public init(box: Box, in source: any ByteSource) throws {
        guard box.type == "uuid", box.userType == KnownBoxes.c2paUUID else {
            throw BMFFError.invalidManifestBox("not a C2PA uuid box", at: source.location(box.offset))
        }
        let start = box.payloadOffset
        let peek = try source.read(at: start, count: Int(min(box.payloadSize, Int64(4 + Self.maxPurposeLength + 1))))
        guard peek.count >= 5 else {
            throw BMFFError.invalidManifestBox(
                "C2PA box too short for version/flags and purpose", at: source.location(start))
        }
        version = peek[0]
        guard let nul = peek[4...].firstIndex(of: 0) else {
            throw BMFFError.invalidManifestBox(
                "C2PA purpose is not NUL-terminated within \(Self.maxPurposeLength) bytes",
                at: source.location(start + 4))
        }
        purpose = String(decoding: peek[4..<nul], as: UTF8.self)
        var dataStart = start + Int64(nul) + 1
        if Self.manifestPurposes.contains(purpose) {
            guard box.end - dataStart >= 8 else {
                throw BMFFError.invalidManifestBox(
                    "C2PA '\(purpose)' box lacks its 8-byte offset field", at: source.location(dataStart))
            }
            auxiliaryOffset = UInt64(bigEndian: try source.read(at: dataStart, count: 8), at: 0)
            dataStart += 8
        }
        self.box = box
        self.dataRange = dataStart..<box.end
    }

    /// All top-level C2PA `uuid` boxes of a file, in order.
    public static func all(in tree: BoxTree, source: any ByteSource) throws -> [C2PAManifestBox] {
        try tree.boxes.filter { $0.type == "uuid" && $0.userType == KnownBoxes.c2paUUID }
            .map { try C2PAManifestBox(box: $0, in: source) }
    }

    /// The one top-level box with purpose `manifest`, or `nil` if there is none.
    /// - Throws: ``BMFFError/Code/duplicateManifest`` if there are several (as c2pa-rs).
    public static func find(in tree: BoxTree, source: any ByteSource) throws -> C2PAManifestBox? {
        let manifests = try all(in: tree, source: source).filter { $0.purpose == "manifest" }
        guard manifests.count <= 1 else {
            throw BMFFError.duplicateManifest(
                "\(manifests.count) C2PA manifest boxes", at: source.location(manifests[1].box.offset))
        }
        return manifests.first
    }

    /// Serialises a C2PA box: `uuid` header, version/flags 0, purpose, u64 `auxiliaryOffset`
    /// (for manifest-type purposes) and `data` — the layout c2pa-rs writes.
    public static func build(purpose: String = "manifest", auxiliaryOffset: UInt64 = 0, data: [UInt8]) -> [UInt8] {
        var payload: [UInt8] = [0, 0, 0, 0] + Array(purpose.utf8) + [0]
        if manifestPurposes.contains(purpose) { payload += BE.u64(auxiliaryOffset) }
        return BoxBuilder.uuidBox(userType: KnownBoxes.c2paUUID, payload + data)
    }
}
