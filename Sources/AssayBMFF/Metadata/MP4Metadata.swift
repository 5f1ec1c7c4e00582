import AssayCore

/// Key/value metadata in `moov/udta/meta` (and `moov/meta`): QuickTime `mdta` entries (`hdlr`
/// `mdta` + `keys` + `ilst`, as `ffmpeg -movflags use_metadata_tags` writes them) and iTunes-style
/// `mdir` items (`©too` and friends). The GB 45438 `AIGC` label is an `mdta` entry.
public struct MP4Metadata: Sendable, Hashable {
    /// One metadata entry.
    public struct Entry: Sendable, Hashable {
        /// The key: the `keys` string for `mdta` entries, the item's four-character code for `mdir` items.
        public var key: String
        /// The key namespace (`mdta`) for keyed entries; `nil` for `mdir` items.
        public var namespace: FourCC?
        /// The handler of the `meta` box it came from (`mdta`, `mdir`).
        public var handler: FourCC
        /// The well-known data type of the `data` box (1 = UTF-8).
        public var dataType: UInt32
        /// The raw value bytes.
        public var value: [UInt8]
        /// The value as text when the data type is UTF-8 (1).
        public var stringValue: String? { dataType == 1 ? String(decoding: value, as: UTF8.self) : nil }
    }

    /// The entries in file order.
    public var entries: [Entry]

    /// The first UTF-8 value of `key` (from any handler).
    public subscript(key: String) -> String? {
        entries.first { $0.key == key && $0.stringValue != nil }?.stringValue
    }

    /// Largest `meta`/`moov` loaded into memory (64 MiB for `meta`, 256 MiB for `moov`).
    static let maxMetaSize: Int64 = 64 << 20
    static let maxMoovSize: Int64 = 256 << 20

    /// Reads every entry of every `meta` under `moov/udta` and `moov`.
    /// - Throws: ``BMFFError/Code/invalidMetadata`` for malformed `hdlr`, `keys`, `ilst` or `data` boxes.
    public static func read(from source: any ByteSource, tree: BoxTree) throws -> MP4Metadata {
        var entries: [Entry] = []
        for meta in tree.boxes(atPath: ["moov", "udta", "meta"]) + tree.boxes(atPath: ["moov", "meta"]) {
            guard meta.payloadSize <= maxMetaSize else {
                throw BMFFError.tooLarge("'meta' of \(meta.payloadSize) bytes", at: source.location(meta.offset))
            }
            let bytes = try source.read(at: meta.offset, count: Int(meta.size))
            let parsed = try ParsedMeta(bytes: bytes, box: meta, base: meta.offset, sourceName: source.name)
            entries += try parsed.entries(sourceName: source.name)
        }
        return MP4Metadata(entries: entries)
    }

    /// An edit that sets the UTF-8 `mdta` entry `key` to `value`, replacing its old value and keeping
    /// every other entry. Creates `udta`, `meta` (`hdlr` `mdta`), `keys` and `ilst` when missing. If
    /// `udta` holds only an iTunes (`mdir`) `meta`, that box is kept and an `mdta` `meta` is added after it.
    ///
    /// The edit replaces `moov`; apply it with ``BoxEditor``, which patches the chunk offsets of the
    /// rebuilt `moov` and shifts whatever follows it.
    /// - Throws: ``BMFFError/Code/invalidMetadata`` if there is no `moov` or its metadata is malformed.
    public static func settingEntry(
        _ key: String, to value: String, source: any ByteSource, tree: BoxTree
    ) throws -> BoxEdit {
        guard let moov = tree.first("moov") else {
            throw BMFFError.invalidMetadata("no top-level 'moov' box", at: source.location(0))
        }
        guard moov.size <= maxMoovSize else {
            throw BMFFError.tooLarge("'moov' of \(moov.size) bytes", at: source.location(moov.offset))
        }
        let moovBytes = try source.read(at: moov.offset, count: Int(moov.size))
        func slice(_ b: Box) -> [UInt8] { Array(moovBytes[Int(b.offset - moov.offset)..<Int(b.end - moov.offset)]) }

        let newMetaFor: (Box?) throws -> [UInt8] = { existing in
            guard let existing else { return ParsedMeta.build(entries: [(key, Array(value.utf8))]) }
            let parsed = try ParsedMeta(
                bytes: slice(existing), box: existing, base: existing.offset,
                sourceName: source.name)
            return try parsed.setting(key, Array(value.utf8), sourceName: source.name)
        }
        var children: [[UInt8]] = []
        var done = false
        for child in moov.children {
            guard child.type == "udta", !done else {
                children.append(slice(child))
                continue
            }
            done = true
            var udtaChildren: [[UInt8]] = []
            var metaDone = false
            for u in child.children {
                if u.type == "meta", !metaDone, try handler(of: u, in: source) == "mdta" {
                    udtaChildren.append(try newMetaFor(u))
                    metaDone = true
                } else {
                    udtaChildren.append(slice(u))
                }
            }
            if !metaDone { udtaChildren.append(try newMetaFor(nil)) }
            children.append(BoxBuilder.container("udta", udtaChildren))
        }
        if !done { children.append(BoxBuilder.container("udta", [try newMetaFor(nil)])) }
        return .replace(moov, with: BoxBuilder.container("moov", children))
    }

    /// The handler type of a `meta` box, or `nil` if it has no `hdlr`.
    static func handler(of meta: Box, in source: any ByteSource) throws -> FourCC? {
        guard let hdlr = meta.child("hdlr"), hdlr.payloadSize >= 12 else { return nil }
        return FourCC(rawValue: UInt32(bigEndian: try source.read(at: hdlr.payloadOffset + 8, count: 4), at: 0))
    }
}

/// A `meta` box held in memory, split into its children.
struct ParsedMeta {
    let bytes: [UInt8]
    let box: Box  // offsets relative to `base`
    let base: Int64
    /// The box relative to `bytes`.
    let local: Box

    init(bytes: [UInt8], box: Box, base: Int64, sourceName: String?) throws {
        self.bytes = bytes
        self.box = box
        self.base = base
        let tree = try BoxTree.parse(MemoryByteSource(bytes, name: sourceName))
        guard let local = tree.boxes.first, local.type == "meta" else {
            throw BMFFError.invalidMetadata("not a 'meta' box", at: .init(path: sourceName, offset: base))
        }
        self.local = local
    }

    func slice(_ b: Box) -> [UInt8] { Array(bytes[Int(b.offset)..<Int(b.end)]) }
    func loc(_ offset: Int64, _ sourceName: String?) -> InputLocation { .init(path: sourceName, offset: base + offset) }

    var handler: FourCC? {
        guard let hdlr = local.child("hdlr"), hdlr.payloadSize >= 12 else { return nil }
        return FourCC(rawValue: UInt32(bigEndian: bytes, at: Int(hdlr.payloadOffset) + 8))
    }

    /// (namespace, key bytes) in index order (index 1 first).
    func keys(sourceName: String?) throws -> [(FourCC, [UInt8])] {
        guard let keys = local.child("keys") else { return [] }
        var c = ByteCursor(slice(keys), base: base + keys.offset, sourceName: sourceName)
        try c.skip(keys.headerSize + 4, "keys header and version/flags")
        let count = Int(try c.u32("entry_count"))
        guard count <= c.remaining / 8 else {
            throw BMFFError.invalidMetadata("'keys' entry_count \(count) exceeds the box", at: c.location())
        }
        var out: [(FourCC, [UInt8])] = []
        for _ in 0..<count {
            let at = c.position
            let size = Int(try c.u32("key_size"))
            guard size >= 8, size - 4 <= c.remaining else {
                throw BMFFError.invalidMetadata("'keys' key_size \(size) is invalid", at: c.location(at))
            }
            let ns = FourCC(rawValue: try c.u32("key_namespace"))
            out.append((ns, try c.take(size - 8, "key_value")))
        }
        return out
    }

    /// (item type, first `data` box's type and value) for each `ilst` item.
    func items(sourceName: String?) throws -> [(item: Box, type: UInt32, value: [UInt8])] {
        guard let ilst = local.child("ilst") else { return [] }
        var out: [(item: Box, type: UInt32, value: [UInt8])] = []
        for item in ilst.children {
            guard let data = item.child("data") else { continue }
            guard data.payloadSize >= 8 else {
                throw BMFFError.invalidMetadata(
                    "'data' box shorter than its 8-byte prefix", at: loc(data.offset, sourceName))
            }
            let p = Int(data.payloadOffset)
            let type = UInt32(bigEndian: bytes, at: p) & 0xFF_FFFF
            out.append((item, type, Array(bytes[(p + 8)..<Int(data.end)])))
        }
        return out
    }

    func entries(sourceName: String?) throws -> [MP4Metadata.Entry] {
        guard let handler else { return [] }
        let items = try items(sourceName: sourceName)
        if handler == "mdta" {
            let keys = try keys(sourceName: sourceName)
            return items.compactMap { item in
                let index = Int(item.item.type.rawValue)
                guard index >= 1, index <= keys.count else { return nil }  // item without a key: ignored
                let (ns, key) = keys[index - 1]
                return .init(
                    key: String(decoding: key, as: UTF8.self), namespace: ns, handler: handler,
                    dataType: item.type, value: item.value)
            }
        }
        return items.map {
            .init(key: $0.item.type.description, namespace: nil, handler: handler, dataType: $0.type, value: $0.value)
        }
    }

    /// This `meta` with `key` set to `value` (UTF-8), other keys and items kept.
    func setting(_ key: String, _ value: [UInt8], sourceName: String?) throws -> [UInt8] {
        var keys = try keys(sourceName: sourceName)
        let keyBytes = Array(key.utf8)
        let index: Int
        if let i = keys.firstIndex(where: { $0.0 == "mdta" && $0.1 == keyBytes }) {
            index = i + 1
        } else {
            keys.append(("mdta", keyBytes))
            index = keys.count
        }
        let newItem = Self.item(index: index, value: value)
        var itemBytes: [[UInt8]] = []
        var placed = false
        for item in local.child("ilst")?.children ?? [] {
            if item.type.rawValue == UInt32(index) {
                if !placed { itemBytes.append(newItem) }
                placed = true
            } else {
                itemBytes.append(slice(item))
            }
        }
        if !placed { itemBytes.append(newItem) }
        let newKeys = Self.keysBox(keys)
        let newIlst = BoxBuilder.container("ilst", itemBytes)
        var children: [[UInt8]] = []
        var sawKeys = false
        var sawIlst = false
        for c in local.children {
            switch c.type {
            case "keys":
                children.append(newKeys)
                sawKeys = true
            case "ilst":
                children.append(newIlst)
                sawIlst = true
            default: children.append(slice(c))
            }
        }
        if !sawKeys {
            let at = (children.isEmpty || local.children.first?.type != "hdlr") ? children.count : 1
            children.insert(newKeys, at: at)
        }
        if !sawIlst { children.append(newIlst) }
        let prefix = Array(bytes[Int(local.payloadOffset)..<Int(local.childrenOffset ?? local.payloadOffset)])
        return BoxBuilder.box("meta", prefix + children.flatMap { $0 })
    }

    static func item(index: Int, value: [UInt8]) -> [UInt8] {
        BoxBuilder.box(FourCC(rawValue: UInt32(index)), BoxBuilder.box("data", BE.u32(1) + BE.u32(0) + value))
    }

    static func keysBox(_ keys: [(FourCC, [UInt8])]) -> [UInt8] {
        var payload = BE.u32(UInt32(keys.count))
        for (ns, k) in keys { payload += BE.u32(UInt32(8 + k.count)) + ns.bytes + k }
        return BoxBuilder.fullBox("keys", version: 0, flags: 0, payload)
    }

    /// A new FullBox `meta` with an `mdta` handler (the layout ffmpeg writes).
    static func build(entries: [(String, [UInt8])]) -> [UInt8] {
        let hdlr = BoxBuilder.fullBox(
            "hdlr", version: 0, flags: 0, BE.u32(0) + Array("mdta".utf8) + [UInt8](repeating: 0, count: 12) + [0])
        let keys = keysBox(entries.map { ("mdta", Array($0.0.utf8)) })
        let ilst = BoxBuilder.container(
            "ilst", entries.enumerated().map { item(index: $0.offset + 1, value: $0.element.1) })
        return BoxBuilder.fullBox("meta", version: 0, flags: 0, hdlr + keys + ilst)
    }
}
