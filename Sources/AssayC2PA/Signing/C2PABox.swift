public import AssayBMFF

/// The C2PA `uuid` box (ContentProvenanceBox): FullBox v0, purpose, aux offset, JUMBF store.
public enum C2PABox {
    /// Wraps a JUMBF store in a `manifest` box exactly as c2pa-rs writes it (AssayBMFF builds the box).
    public static func wrap(jumbf: [UInt8], purpose: String = "manifest") -> [UInt8] {
        C2PAManifestBox.build(purpose: purpose, data: jumbf)
    }

    /// A top-level C2PA box found in a file.
    public struct Found: Sendable {
        /// The box.
        public let box: Box
        /// Its purpose (`manifest`, `original`, `update`, `merkle`).
        public let purpose: String
        /// File offset of the JUMBF store, for `manifest`-like purposes.
        public let jumbfOffset: Int64?
    }

    /// Finds the top-level C2PA boxes (AssayBMFF's reader). Throws if more than one holds a manifest.
    public static func find(in tree: BoxTree, source: any ByteSource) throws -> [Found] {
        let out = try C2PAManifestBox.all(in: tree, source: source).map {
            Found(
                box: $0.box, purpose: $0.purpose, jumbfOffset: $0.auxiliaryOffset == nil ? nil : $0.dataRange.lowerBound
            )
        }
        let manifests = out.filter { $0.jumbfOffset != nil }
        if manifests.count > 1 {
            throw C2PAError.malformedBMFF(
                "more than one C2PA manifest box",
                location: source.location(manifests[1].box.offset))
        }
        return out
    }

    /// Reads and parses the manifest store of a file, or nil if it has none.
    public static func readStore(tree: BoxTree, source: any ByteSource, maxSize: Int64 = 64 << 20) throws
        -> (store: ManifestStore, box: Box)?
    {
        guard let f = try find(in: tree, source: source).first(where: { $0.jumbfOffset != nil }),
            let j = f.jumbfOffset
        else { return nil }
        let n = f.box.end - j
        guard n <= maxSize else {
            throw C2PAError.malformedBMFF(
                "manifest store of \(n) bytes exceeds \(maxSize)", location: source.location(j))
        }
        let bytes = try source.read(at: j, count: Int(n))
        do {
            return (try ManifestStore(jumbf: bytes, base: Int(j)), f.box)
        } catch let e as C2PAError {
            throw C2PAError(
                code: e.code, reason: e.reason,
                location: InputLocation(path: source.name, offset: e.location?.offset))
        }
    }
}

import AssayCore
