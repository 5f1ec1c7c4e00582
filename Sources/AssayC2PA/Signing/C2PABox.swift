public import AssayBMFF

/// The C2PA `uuid` box (ContentProvenanceBox): FullBox v0, purpose, aux offset, JUMBF store.
public enum C2PABox {
    /// Wraps a JUMBF store in a `manifest` box exactly as c2pa-rs writes it.
    public static func wrap(jumbf: [UInt8], purpose: String = "manifest") -> [UInt8] {
        var payload = KnownBoxes.c2paUUID
        payload.append(contentsOf: [0, 0, 0, 0])
        payload.append(contentsOf: Array(purpose.utf8))
        payload.append(0)
        payload.append(contentsOf: [UInt8](repeating: 0, count: 8))
        payload.append(contentsOf: jumbf)
        var out = [UInt8]()
        out.reserveCapacity(payload.count + 8)
        JUMBF.box("uuid", payload, into: &out)
        return out
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

    /// Finds the top-level C2PA boxes. Throws if more than one holds a manifest.
    public static func find(in tree: BoxTree, source: any ByteSource) throws -> [Found] {
        var out = [Found]()
        for box in tree.boxes where box.type == "uuid" && box.userType == KnownBoxes.c2paUUID {
            let start = box.payloadOffset
            let avail = Int(min(box.end - start, 4 + 256))
            guard avail >= 5 else {
                throw C2PAError.malformedBMFF("C2PA box too short", location: source.location(box.offset))
            }
            let head = try source.read(at: start, count: avail)
            guard let nul = head[4...].firstIndex(of: 0) else {
                throw C2PAError.malformedBMFF("C2PA box purpose is not NUL-terminated", location: source.location(start))
            }
            let purpose = String(decoding: head[4..<nul], as: UTF8.self)
            var jumbfOffset: Int64?
            if purpose != "merkle" {
                let j = start + Int64(nul + 1) + 8
                guard j <= box.end else {
                    throw C2PAError.malformedBMFF("C2PA box ends inside its header", location: source.location(start))
                }
                jumbfOffset = j
            }
            out.append(Found(box: box, purpose: purpose, jumbfOffset: jumbfOffset))
        }
        let manifests = out.filter { $0.purpose != "merkle" }
        if manifests.count > 1 {
            throw C2PAError.malformedBMFF("more than one C2PA manifest box",
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
            throw C2PAError.malformedBMFF("manifest store of \(n) bytes exceeds \(maxSize)", location: source.location(j))
        }
        let bytes = try source.read(at: j, count: Int(n))
        do {
            return (try ManifestStore(jumbf: bytes, base: Int(j)), f.box)
        } catch let e as C2PAError {
            throw C2PAError(code: e.code, reason: e.reason,
                            location: InputLocation(path: source.name, offset: e.location?.offset))
        }
    }
}

import AssayCore
