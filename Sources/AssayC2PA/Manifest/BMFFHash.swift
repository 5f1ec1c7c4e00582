public import AssayBMFF

/// The `c2pa.hash.bmff` hard binding (v1, v2, v3): exclusions, algorithm, hash.
public struct BMFFHashAssertion: Sendable, Hashable {
    /// One exclusion rule.
    public struct Exclusion: Sendable, Hashable {
        /// Box path such as `/uuid` or `/moov/trak/mdia/minf/stbl/stco`.
        public var xpath: String
        /// Required box size, if any.
        public var length: UInt64?
        /// Byte predicates `(offset from box start, value)`.
        public var data: [DataMatch]
        /// Sub-ranges to exclude (`length` 0 = to the end of the box); empty = whole box.
        public var subset: [Subset]
        /// Required FullBox version.
        public var version: UInt8?
        /// Required FullBox flags (3 bytes).
        public var flags: [UInt8]?
        /// Whether the flags must match exactly (default true) or as a mask.
        public var exact: Bool?

        /// A byte predicate.
        public struct DataMatch: Sendable, Hashable {
            /// Offset from the start of the box.
            public var offset: UInt64
            /// Expected bytes.
            public var value: [UInt8]
        }

        /// A byte range within the box.
        public struct Subset: Sendable, Hashable {
            /// Offset from the start of the box.
            public var offset: UInt64
            /// Length (0 = to the end).
            public var length: UInt64
        }

        /// An exclusion of every box at `xpath`.
        public init(xpath: String, data: [DataMatch] = []) {
            self.xpath = xpath
            self.data = data
            self.subset = []
        }
    }

    /// The exclusions.
    public var exclusions: [Exclusion]
    /// Hash algorithm (`sha256`, …); nil = the claim's.
    public var alg: String?
    /// The hash value.
    public var hash: [UInt8]
    /// `name` field.
    public var name: String?
    /// True when the assertion carries a Merkle tree (fragmented/DASH form).
    public var hasMerkle: Bool = false

    /// The spec-mandated exclusions: the C2PA `uuid` box, `ftyp`, `mfra`.
    public static let mandatoryExclusions: [Exclusion] = [
        Exclusion(xpath: "/uuid", data: [.init(offset: 8, value: KnownBoxes.c2paUUID)]),
        Exclusion(xpath: "/ftyp"),
        Exclusion(xpath: "/mfra"),
    ]

    /// Creates an assertion.
    public init(
        exclusions: [Exclusion] = BMFFHashAssertion.mandatoryExclusions, alg: String? = "sha256",
        hash: [UInt8], name: String? = "jumbf manifest"
    ) {
        self.exclusions = exclusions
        self.alg = alg
        self.hash = hash
        self.name = name
    }

    /// Reads the assertion content. Throws a message suitable for `assertion.bmffHash.malformed`.
    public init(cbor: CBOR) throws {
        guard cbor.mapValue != nil else { throw C2PAError.malformedManifest("bmff hash is not a map") }
        if cbor["url"] != nil { throw C2PAError.malformedManifest("bmff hash 'url' is not supported") }
        var ex = [Exclusion]()
        for e in cbor["exclusions"]?.arrayValue ?? [] {
            guard let xp = e["xpath"]?.textValue else {
                throw C2PAError.malformedManifest("bmff exclusion without xpath")
            }
            var x = Exclusion(xpath: xp)
            if let l = e["length"] { x.length = try Self.uint(l, "length") }
            for d in e["data"]?.arrayValue ?? [] {
                guard let o = d["offset"], let v = d["value"]?.bytesValue else {
                    throw C2PAError.malformedManifest("bmff exclusion data entry malformed")
                }
                x.data.append(.init(offset: try Self.uint(o, "offset"), value: v))
            }
            for s in e["subset"]?.arrayValue ?? [] {
                guard let o = s["offset"], let l = s["length"] else {
                    throw C2PAError.malformedManifest("bmff exclusion subset entry malformed")
                }
                x.subset.append(.init(offset: try Self.uint(o, "offset"), length: try Self.uint(l, "length")))
            }
            if let v = e["version"] { x.version = UInt8(truncatingIfNeeded: try Self.uint(v, "version")) }
            if let f = e["flags"] {
                guard let b = f.bytesValue, b.count == 3 else {
                    throw C2PAError.malformedManifest("bmff exclusion flags must be 3 bytes")
                }
                x.flags = b
            }
            if case .bool(let b)? = e["exact"] { x.exact = b }
            ex.append(x)
        }
        exclusions = ex
        alg = cbor["alg"]?.textValue
        name = cbor["name"]?.textValue
        hasMerkle = cbor["merkle"] != nil
        guard let h = cbor["hash"]?.bytesValue else {
            if hasMerkle { hash = []; return }
            throw C2PAError.malformedManifest("bmff hash has no hash value")
        }
        hash = h
    }

    private static func uint(_ v: CBOR, _ what: String) throws -> UInt64 {
        guard case .unsigned(let u) = v else { throw C2PAError.malformedManifest("bmff exclusion \(what) is not uint") }
        return u
    }

    /// The CBOR content as c2pa-rs writes it (`exclusions`, `alg`, `hash`, `name`).
    public var cbor: CBOR {
        let ex: [CBOR] = exclusions.map { x in
            var p: [(String, CBOR)] = [("xpath", .text(x.xpath))]
            if let l = x.length { p.append(("length", .unsigned(l))) }
            if !x.data.isEmpty {
                p.append(
                    (
                        "data",
                        .array(
                            x.data.map { .textMap([("offset", .unsigned($0.offset)), ("value", .bytes($0.value))]) })
                    ))
            }
            if !x.subset.isEmpty {
                p.append(
                    (
                        "subset",
                        .array(
                            x.subset.map {
                                .textMap([("offset", .unsigned($0.offset)), ("length", .unsigned($0.length))])
                            })
                    ))
            }
            if let v = x.version { p.append(("version", .unsigned(UInt64(v)))) }
            if let f = x.flags { p.append(("flags", .bytes(f))) }
            if let e = x.exact { p.append(("exact", .bool(e))) }
            return .textMap(p)
        }
        var pairs: [(String, CBOR)] = [("exclusions", .array(ex))]
        if let alg { pairs.append(("alg", .text(alg))) }
        pairs.append(("hash", .bytes(hash)))
        if let name { pairs.append(("name", .text(name))) }
        return .textMap(pairs)
    }

    /// True when exclusions go beyond the mandatory three (c2pa-rs's informational code).
    public var hasAdditionalExclusions: Bool {
        let mandatory = Set(["/uuid", "/ftyp", "/mfra"])
        return exclusions.contains { !mandatory.contains($0.xpath) }
    }

    /// Computes the hash of `source` under these exclusions (one streamed pass).
    /// `withOffsets` feeds each non-excluded top-level box's BE64 offset first (v2/v3).
    public func computeHash(source: any ByteSource, tree: BoxTree, withOffsets: Bool) throws -> [UInt8] {
        guard (alg ?? "sha256") == "sha256" else {
            throw C2PAError.unsupportedAlgorithm("bmff hash algorithm \(alg ?? "")")
        }
        // Excluded byte ranges (absolute), and top-level boxes excluded whole.
        var ranges = [Range<Int64>]()
        var wholeTopLevel = Set<Int64>()
        for (path, box) in tree.allBoxes() {
            let xpath = "/" + path.map(\.description).joined(separator: "/")
            for x in exclusions where x.xpath == xpath {
                guard try matches(x, box: box, source: source) else { continue }
                if x.subset.isEmpty {
                    ranges.append(box.range)
                    if path.count == 1 { wholeTopLevel.insert(box.offset) }
                } else {
                    for s in x.subset {
                        let start = box.offset + Int64(clamping: s.offset)
                        guard start < box.end else { continue }
                        let end = s.length == 0 ? box.end : min(box.end, start + Int64(clamping: s.length))
                        ranges.append(start..<end)
                    }
                }
            }
        }
        ranges.sort { $0.lowerBound < $1.lowerBound }
        var hasher = SHA256Hasher()
        for box in tree.boxes {
            if withOffsets && !wholeTopLevel.contains(box.offset) {
                var be = [UInt8](repeating: 0, count: 8)
                for i in 0..<8 { be[i] = UInt8(truncatingIfNeeded: UInt64(box.offset) >> (56 - 8 * UInt64(i))) }
                hasher.update(be)
            }
            var pos = box.offset
            for r in ranges where r.upperBound > pos && r.lowerBound < box.end {
                if r.lowerBound > pos { try hasher.update(source: source, range: pos..<r.lowerBound) }
                pos = max(pos, r.upperBound)
            }
            if pos < box.end { try hasher.update(source: source, range: pos..<box.end) }
        }
        // Bytes after the last box (not a box) are hashed too.
        if let last = tree.boxes.last, last.end < source.size {
            try hasher.update(source: source, range: last.end..<source.size)
        }
        return hasher.finalize()
    }

    private func matches(_ x: Exclusion, box: Box, source: any ByteSource) throws -> Bool {
        if let l = x.length, UInt64(box.size) != l { return false }
        for d in x.data {
            let at = box.offset + Int64(clamping: d.offset)
            guard at >= box.offset, at + Int64(d.value.count) <= box.end else { return false }
            if try source.read(at: at, count: d.value.count) != d.value { return false }
        }
        if x.version != nil || x.flags != nil {
            let at = box.payloadOffset
            guard at + 4 <= box.end else { return false }
            let vf = try source.read(at: at, count: 4)
            if let v = x.version, vf[0] != v { return false }
            if let f = x.flags {
                let actual = Array(vf[1...3])
                if x.exact ?? true {
                    if actual != f { return false }
                } else {
                    for i in 0..<3 where actual[i] & f[i] != f[i] { return false }
                }
            }
        }
        return true
    }
}
