/// JUMBF (ISO 19566-5) boxes as C2PA uses them: superboxes (`jumb`) with a description (`jumd`)
/// and content boxes (`cbor`, `json`, `bfdb`, `bidb`, …).
public enum JUMBF {
    /// Maximum superbox nesting accepted by the reader.
    public static let maxDepth = 16

    /// Appends a plain box (32-bit size) to `out`.
    public static func box(_ type: String, _ payload: [UInt8], into out: inout [UInt8]) {
        let size = UInt32(8 + payload.count)
        appendBE32(size, into: &out)
        out.append(contentsOf: Array(type.utf8.prefix(4)))
        out.append(contentsOf: payload)
    }

    static func appendBE32(_ v: UInt32, into out: inout [UInt8]) {
        out.append(UInt8(v >> 24)); out.append(UInt8((v >> 16) & 0xff))
        out.append(UInt8((v >> 8) & 0xff)); out.append(UInt8(v & 0xff))
    }

    /// The C2PA type UUIDs of `jumd` boxes (four ASCII bytes + `0011 0010 8000 00AA 0038 9B71`).
    public static func c2paUUID(_ fourcc: String) -> [UInt8] {
        Array(fourcc.utf8.prefix(4)) + [0x00, 0x11, 0x00, 0x10, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71]
    }

    /// Type UUID of an embedded-file superbox.
    public static let embeddedFileUUID: [UInt8] = [
        0x40, 0xCB, 0x0C, 0x32, 0xBB, 0x8A, 0x48, 0x9D, 0xA7, 0x0B, 0x2A, 0xD6, 0xF4, 0x7F, 0x43, 0x69,
    ]
}

/// A `jumd` description box.
public struct JUMBFDescription: Sendable, Hashable {
    /// The 16-byte type UUID.
    public var type: [UInt8]
    /// The label, if the label toggle is set.
    public var label: String?
    /// The toggles byte as read.
    public var toggles: UInt8
    /// The box ID (toggle 0x04), if present.
    public var id: UInt32?
    /// The 32-byte signature field (toggle 0x08), if present.
    public var signature: [UInt8]?
    /// The 16-byte `c2sh` salt from the private box (toggle 0x10), if present.
    public var salt: [UInt8]?
    /// Type of the private box, if present.
    public var privateBoxType: String?

    /// Creates a description as c2pa-rs writes it: toggles 0x03, or 0x13 with a `c2sh` salt.
    public init(type: [UInt8], label: String, salt: [UInt8]? = nil) {
        self.type = type
        self.label = label
        self.salt = salt
        self.toggles = salt == nil ? 0x03 : 0x13
        self.privateBoxType = salt == nil ? nil : "c2sh"
    }

    init(
        type: [UInt8], label: String?, toggles: UInt8, id: UInt32?, signature: [UInt8]?, salt: [UInt8]?,
        privateBoxType: String?
    ) {
        self.type = type
        self.label = label
        self.toggles = toggles
        self.id = id
        self.signature = signature
        self.salt = salt
        self.privateBoxType = privateBoxType
    }

    /// The `jumd` box in c2pa-rs's canonical form (toggles 0x03/0x13, label, optional `c2sh`).
    public func canonicalBytes() -> [UInt8] {
        var payload = type
        payload.append(salt == nil ? 0x03 : 0x13)
        payload.append(contentsOf: Array((label ?? "").utf8))
        payload.append(0)
        if let salt { JUMBF.box("c2sh", salt, into: &payload) }
        var out = [UInt8]()
        JUMBF.box("jumd", payload, into: &out)
        return out
    }
}

/// One child of a superbox.
public enum JUMBFNode: Sendable, Hashable {
    /// A nested superbox.
    case superbox(JUMBFSuperbox)
    /// A content box: its type and payload.
    case content(type: String, payload: [UInt8])

    /// The bytes of this node with its box header.
    public func bytes() -> [UInt8] {
        switch self {
        case .superbox(let s): return s.bytes()
        case .content(let t, let p):
            var out = [UInt8]()
            JUMBF.box(t, p, into: &out)
            return out
        }
    }
}

/// A `jumb` superbox: description plus children.
public struct JUMBFSuperbox: Sendable, Hashable {
    /// The description box.
    public var description: JUMBFDescription
    /// The children in order.
    public var children: [JUMBFNode]
    /// Offset of the superbox within the buffer it was parsed from (0 for built boxes).
    public var offset: Int = 0

    /// Creates a superbox.
    public init(description: JUMBFDescription, children: [JUMBFNode]) {
        self.description = description
        self.children = children
    }

    /// The label from the description.
    public var label: String? { description.label }

    /// Child superboxes.
    public var superboxes: [JUMBFSuperbox] {
        children.compactMap { if case .superbox(let s) = $0 { return s } else { return nil } }
    }

    /// The first child superbox with this label.
    public func child(labeled label: String) -> JUMBFSuperbox? { superboxes.first { $0.label == label } }

    /// Content boxes of a given type.
    public func contents(ofType type: String) -> [[UInt8]] {
        children.compactMap { if case .content(type, let p) = $0 { return p } else { return nil } }
    }

    /// The serialised superbox (canonical description, children verbatim).
    public func bytes() -> [UInt8] {
        var body = description.canonicalBytes()
        for c in children { body.append(contentsOf: c.bytes()) }
        var out = [UInt8]()
        out.reserveCapacity(body.count + 8)
        JUMBF.box("jumb", body, into: &out)
        return out
    }

    /// What a hashed URI to this superbox hashes: the superbox without its 8-byte header,
    /// re-serialised as c2pa-rs does (description canonical, content verbatim).
    public func hashedBytes() -> [UInt8] { Array(bytes().dropFirst(8)) }

    /// Parses one `jumb` superbox that fills `bytes` (`base` is added to error offsets).
    /// - Throws: ``C2PAError`` with code ``C2PAError/Code/malformedJUMBF``.
    public static func parse(_ bytes: [UInt8], base: Int = 0) throws -> JUMBFSuperbox {
        var reader = JUMBFReader(bytes: bytes, base: base)
        let (type, start, end) = try reader.header(at: 0, limit: bytes.count)
        guard type == "jumb" else {
            throw C2PAError.malformedJUMBF("expected a jumb box, found \(type)", offset: base)
        }
        guard end == bytes.count else {
            throw C2PAError.malformedJUMBF("\(bytes.count - end) trailing bytes after the superbox", offset: base + end)
        }
        return try reader.superbox(from: start, to: end, boxOffset: 0, depth: 0)
    }
}

struct JUMBFReader {
    let bytes: [UInt8]
    let base: Int

    func be32(_ at: Int) -> UInt32 {
        UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3])
    }

    /// Reads a box header at `at`; returns type, payload start, box end (all checked against `limit`).
    func header(at: Int, limit: Int) throws -> (String, Int, Int) {
        guard limit - at >= 8 else { throw C2PAError.malformedJUMBF("truncated box header", offset: base + at) }
        let size32 = be32(at)
        let typeBytes = bytes[(at + 4)..<(at + 8)]
        let type = String(decoding: typeBytes, as: UTF8.self)
        var start = at + 8
        var size: UInt64 = UInt64(size32)
        if size32 == 1 {
            guard limit - at >= 16 else { throw C2PAError.malformedJUMBF("truncated XLBox", offset: base + at) }
            size = UInt64(be32(at + 8)) << 32 | UInt64(be32(at + 12))
            start = at + 16
        } else if size32 == 0 {
            size = UInt64(limit - at)
        }
        guard size >= UInt64(start - at), size <= UInt64(limit - at) else {
            throw C2PAError.malformedJUMBF(
                "box '\(type)' of size \(size) does not fit in \(limit - at) bytes",
                offset: base + at)
        }
        return (type, start, at + Int(size))
    }

    func superbox(from: Int, to end: Int, boxOffset: Int, depth: Int) throws -> JUMBFSuperbox {
        guard depth < JUMBF.maxDepth else {
            throw C2PAError.malformedJUMBF("superboxes nested deeper than \(JUMBF.maxDepth)", offset: base + boxOffset)
        }
        let (dtype, dstart, dend) = try header(at: from, limit: end)
        guard dtype == "jumd" else {
            throw C2PAError.malformedJUMBF("superbox does not start with jumd (found \(dtype))", offset: base + from)
        }
        let desc = try description(from: dstart, to: dend)
        var children = [JUMBFNode]()
        var pos = dend
        while pos < end {
            let (t, s, e) = try header(at: pos, limit: end)
            if t == "jumb" {
                children.append(.superbox(try superbox(from: s, to: e, boxOffset: pos, depth: depth + 1)))
            } else {
                children.append(.content(type: t, payload: Array(bytes[s..<e])))
            }
            pos = e
        }
        var sb = JUMBFSuperbox(description: desc, children: children)
        sb.offset = base + boxOffset
        return sb
    }

    func description(from: Int, to end: Int) throws -> JUMBFDescription {
        guard end - from >= 17 else {
            throw C2PAError.malformedJUMBF("jumd shorter than 17 bytes", offset: base + from)
        }
        let type = Array(bytes[from..<(from + 16)])
        let toggles = bytes[from + 16]
        var pos = from + 17
        var label: String?
        if toggles & 0x02 != 0 {
            guard let nul = bytes[pos..<end].firstIndex(of: 0) else {
                throw C2PAError.malformedJUMBF("jumd label is not NUL-terminated", offset: base + pos)
            }
            guard let s = String(validating: bytes[pos..<nul], as: UTF8.self) else {
                throw C2PAError.malformedJUMBF("jumd label is not UTF-8", offset: base + pos)
            }
            label = s
            pos = nul + 1
        }
        var id: UInt32?
        if toggles & 0x04 != 0 {
            guard end - pos >= 4 else { throw C2PAError.malformedJUMBF("truncated jumd ID", offset: base + pos) }
            id = be32(pos)
            pos += 4
        }
        var signature: [UInt8]?
        if toggles & 0x08 != 0 {
            guard end - pos >= 32 else {
                throw C2PAError.malformedJUMBF("truncated jumd signature", offset: base + pos)
            }
            signature = Array(bytes[pos..<(pos + 32)])
            pos += 32
        }
        var salt: [UInt8]?
        var privType: String?
        if toggles & 0x10 != 0 {
            let (t, s, e) = try header(at: pos, limit: end)
            privType = t
            if t == "c2sh" { salt = Array(bytes[s..<e]) }
            pos = e
        }
        return JUMBFDescription(
            type: type, label: label, toggles: toggles, id: id, signature: signature, salt: salt,
            privateBoxType: privType)
    }
}
