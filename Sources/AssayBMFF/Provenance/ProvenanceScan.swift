/// What provenance markers a file carries, read in one pass over its box tree (for `assay info`
/// and the first step of `assay verify`).
public struct ProvenanceScan: Sendable, Hashable {
    /// The C2PA manifest box, if present.
    public var manifestBox: C2PAManifestBox?
    /// Every top-level C2PA `uuid` box (manifest, update and Merkle boxes), in order.
    public var c2paBoxes: [C2PAManifestBox]
    /// The GB 45438 `AIGC` metadata entry (`moov/udta/meta` `mdta` key `AIGC`), if present.
    public var aigcMetadata: String?
    /// XMP packets (top-level XMP `uuid` box, `moov/udta/XMP_`).
    public var xmpPackets: [XMPPacket]

    /// `true` if an XMP packet mentions the TC260 `AIGC` property.
    public var xmpHasTC260Label: Bool { xmpPackets.contains { $0.text.contains("TC260:AIGC") } }

    /// Scans `source`.
    /// - Throws: ``BMFFError`` for a malformed C2PA box, two manifest boxes, malformed metadata.
    public static func scan(_ source: any ByteSource, tree: BoxTree) throws -> ProvenanceScan {
        let c2pa = try C2PAManifestBox.all(in: tree, source: source)
        let manifests = c2pa.filter { $0.purpose == "manifest" }
        guard manifests.count <= 1 else {
            throw BMFFError.duplicateManifest(
                "\(manifests.count) C2PA manifest boxes", at: source.location(manifests[1].box.offset))
        }
        let metadata = try MP4Metadata.read(from: source, tree: tree)
        return ProvenanceScan(
            manifestBox: manifests.first, c2paBoxes: c2pa, aigcMetadata: metadata["AIGC"],
            xmpPackets: try XMPPacket.all(in: tree, source: source))
    }
}
