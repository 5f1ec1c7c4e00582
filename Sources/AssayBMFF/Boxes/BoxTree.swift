/// The box structure of an ISO BMFF file (MP4, MOV, M4A, fragmented MP4, HEIF): a bounded walk
/// that reads box headers only.
///
/// The walker descends into the types in ``KnownBoxes/containers`` (ISO `meta` with its 4 bytes
/// of version/flags, QuickTime `meta` without them, and the items of `ilst`). It never allocates
/// from a size read from the file: it reads at most 32 header bytes per box, and payloads are left
/// to the caller.
public struct BoxTree: Sendable {
    /// Top-level boxes in file order.
    public var boxes: [Box]
    /// The name of the source (file path), for error locations.
    public var sourceName: String?
    /// The size of the source when it was parsed.
    public var sourceSize: Int64

    /// The largest `maxDepth` accepted; deeper limits are clamped to it.
    public static let depthCeiling = 256

    /// Walks the whole of `source`.
    /// - Parameters:
    ///   - source: The bytes to walk.
    ///   - maxDepth: Deepest nesting allowed (top-level boxes are depth 1); 32 as c2pa-rs.
    ///   - maxBoxes: Cap on the total number of boxes.
    /// - Throws: ``BMFFError`` naming the file and offset: ``BMFFError/Code/truncated`` (also for empty input),
    ///   ``BMFFError/Code/invalidBoxSize``, ``BMFFError/Code/boxExceedsParent``,
    ///   ``BMFFError/Code/nestingTooDeep``, ``BMFFError/Code/tooManyBoxes``.
    public static func parse(_ source: any ByteSource, maxDepth: Int = 32, maxBoxes: Int = 250_000) throws -> BoxTree {
        guard source.size > 0 else { throw BMFFError.truncated("empty input", at: source.location(0)) }
        var walker = Walker(source: source, maxDepth: min(max(maxDepth, 1), depthCeiling), maxBoxes: maxBoxes)
        let boxes = try walker.walk(from: 0, to: source.size, depth: 1, parent: nil)
        return BoxTree(boxes: boxes, sourceName: source.name, sourceSize: source.size)
    }

    /// Creates a tree from already-parsed boxes.
    public init(boxes: [Box], sourceName: String? = nil, sourceSize: Int64) {
        self.boxes = boxes
        self.sourceName = sourceName
        self.sourceSize = sourceSize
    }

    /// Boxes reached by following `path` from the top level, e.g.
    /// `["moov", "trak", "mdia", "minf", "stbl", "stco"]` (every `trak` is followed).
    public func boxes(atPath path: [FourCC]) -> [Box] {
        guard let first = path.first else { return [] }
        let rest = Array(path.dropFirst())
        return boxes.filter { $0.type == first }.flatMap { $0.descendants(atPath: rest) }
    }

    /// The first top-level box of `type`.
    public func first(_ type: FourCC) -> Box? { boxes.first { $0.type == type } }

    /// Checks that every absolute offset in the offset tables (`stco`, `co64`, `saio` under `stbl`,
    /// `tfhd` base offsets, `tfra` moof offsets, `iloc` file extents) lies inside the source.
    /// - Throws: ``BMFFError/Code/offsetOutOfRange`` naming the table entry, or
    ///   ``BMFFError/Code/invalidTable`` for a malformed table.
    public func checkOffsetTables(in source: any ByteSource) throws {
        for top in boxes {
            for table in BoxEditor.offsetTables(in: top, parent: nil) {
                let payload = try TableReader.payload(of: table.box, in: source)
                var copy = payload
                let fields = try BoxEditor.fields(of: table.box, payload: payload, source: source)
                try fields.patch(&copy, base: table.box.payloadOffset, sourceName: source.name) { value, at in
                    guard value <= UInt64(source.size) else {
                        throw BMFFError.offsetOutOfRange(
                            "'\(table.box.type)' offset \(value) points past the end (\(source.size) bytes)",
                            at: source.location(at))
                    }
                    return value
                }
            }
        }
    }

    /// The tree as indented text, one box a line: `type @offset size` (plus the user type of `uuid`
    /// boxes), down to `maxDepth` levels.
    public func outline(maxDepth: Int = 32) -> String {
        var lines: [String] = []
        func visit(_ box: Box, _ depth: Int) {
            guard depth <= maxDepth else { return }
            var line = String(repeating: "  ", count: depth - 1) + "\(box.type) @\(box.offset) size \(box.size)"
            if let u = box.userType { line += " " + Box.uuidString(u) }
            lines.append(line)
            for c in box.children { visit(c, depth + 1) }
        }
        for b in boxes { visit(b, 1) }
        return lines.joined(separator: "\n")
    }

    /// Every box in depth-first file order, with its path from the top (including its own type).
    public func allBoxes() -> [(path: [FourCC], box: Box)] {
        var out: [(path: [FourCC], box: Box)] = []
        func visit(_ box: Box, _ prefix: [FourCC]) {
            let path = prefix + [box.type]
            out.append((path, box))
            for c in box.children { visit(c, path) }
        }
        for b in boxes { visit(b, []) }
        return out
    }
}

/// Reads one box header at a time, with every bound checked before use.
struct Walker {
    let source: any ByteSource
    let maxDepth: Int
    let maxBoxes: Int
    var count = 0

    init(source: any ByteSource, maxDepth: Int, maxBoxes: Int) {
        self.source = source
        self.maxDepth = maxDepth
        self.maxBoxes = maxBoxes
    }

    mutating func walk(from start: Int64, to end: Int64, depth: Int, parent: FourCC?) throws -> [Box] {
        var boxes: [Box] = []
        var offset = start
        while offset < end {
            let left = end - offset
            if left < 8 {
                // QuickTime ends some `udta` lists with a 32-bit zero terminator.
                if depth > 1, left == 4, try source.read(at: offset, count: 4) == [0, 0, 0, 0] { break }
                throw BMFFError.truncated(
                    "\(left) trailing bytes cannot hold a box header", at: source.location(offset))
            }
            var box = try header(at: offset, end: end, depth: depth)
            count += 1
            guard count <= maxBoxes else {
                throw BMFFError.tooManyBoxes("more than \(maxBoxes) boxes", at: source.location(offset))
            }
            if let childStart = try childrenStart(of: box, parent: parent) {
                guard depth < maxDepth else {
                    throw BMFFError.nestingTooDeep(
                        "boxes nested deeper than \(maxDepth) levels", at: source.location(childStart))
                }
                box.childrenOffset = childStart
                box.children = try walk(from: childStart, to: box.end, depth: depth + 1, parent: box.type)
            }
            boxes.append(box)
            offset = box.end
        }
        return boxes
    }

    /// Parses the header at `offset`; the box must end by `end`.
    func header(at offset: Int64, end: Int64, depth: Int) throws -> Box {
        let left = end - offset
        let head = try source.read(at: offset, count: 8)
        let size32 = UInt32(bigEndian: head, at: 0)
        let type = FourCC(rawValue: UInt32(bigEndian: head, at: 4))
        var headerSize = 8
        var size: Int64
        switch size32 {
        case 1:
            guard left >= 16 else {
                throw BMFFError.truncated("largesize field of '\(type)' passes the end", at: source.location(offset))
            }
            let large = UInt64(bigEndian: try source.read(at: offset + 8, count: 8), at: 0)
            guard large <= UInt64(Int64.max) else {
                throw BMFFError.invalidBoxSize("'\(type)' claims \(large) bytes", at: source.location(offset))
            }
            size = Int64(large)
            headerSize = 16
        case 0:
            size = left
        default:
            size = Int64(size32)
        }
        var userType: [UInt8]?
        if type == "uuid" {
            guard left >= Int64(headerSize + 16) else {
                throw BMFFError.truncated("'uuid' user type passes the end", at: source.location(offset))
            }
            userType = try source.read(at: offset + Int64(headerSize), count: 16)
            headerSize += 16
        }
        guard size >= Int64(headerSize) else {
            throw BMFFError.invalidBoxSize(
                "'\(type)' size \(size) is smaller than its \(headerSize)-byte header", at: source.location(offset))
        }
        guard size <= left else {
            if depth == 1 {
                throw BMFFError.truncated(
                    "'\(type)' claims \(size) bytes but only \(left) remain in the file", at: source.location(offset))
            }
            throw BMFFError.boxExceedsParent(
                "'\(type)' claims \(size) bytes but only \(left) remain in its parent", at: source.location(offset))
        }
        return Box(type: type, offset: offset, size: size, headerSize: headerSize, userType: userType)
    }

    /// Where a container's children start, or `nil` for a leaf.
    func childrenStart(of box: Box, parent: FourCC?) throws -> Int64? {
        if parent == "ilst" { return box.payloadOffset }  // metadata items hold `data`/`mean`/`name` boxes
        guard KnownBoxes.containers.contains(box.type) else { return nil }
        guard box.type == "meta" else { return box.payloadOffset }
        // ISO `meta` is a FullBox (4 bytes version/flags before the children); QuickTime `meta` is not.
        // A QuickTime `meta` starts with a box, so its second word is a type such as `hdlr`.
        guard box.payloadSize >= 8 else { return box.payloadSize >= 4 ? box.payloadOffset + 4 : box.payloadOffset }
        let peek = try source.read(at: box.payloadOffset, count: 8)
        let second = FourCC(rawValue: UInt32(bigEndian: peek, at: 4))
        let firstWord = UInt32(bigEndian: peek, at: 0)
        if firstWord >= 8, second == "hdlr" || second == "keys" || second == "ilst" { return box.payloadOffset }
        return box.payloadOffset + 4
    }
}
