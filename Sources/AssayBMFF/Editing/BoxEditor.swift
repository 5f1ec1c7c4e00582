import AssayCore

/// Produces a new file from an input with top-level box edits, patching every absolute offset
/// that points into moved data. The input is never modified.
///
/// Patched tables: `stco`, `co64` and `saio` under `stbl`, `tfhd` `base_data_offset` under `traf`,
/// `tfra` `moof` offsets under `mfra`, and `iloc` file offsets under any `meta` — in copied boxes
/// and in the bytes of replacement boxes alike. Offsets are mapped piecewise (a `moov` that grows
/// before `mdat` shifts `mdat`; inserting before `moov` shifts both).
///
/// Two steps, so the caller can hash and patch the result before it becomes visible:
/// ```swift
/// let pending = try BoxEditor(source: input).apply([.insert(box)], to: "out.mp4")
/// let range = pending.layout.ranges(ofEdit: 0)[0]   // where the inserted box landed
/// try pending.writer.write(finalBox, at: range.lowerBound)  // same size as the placeholder
/// try pending.commit()
/// ```
public struct BoxEditor: Sendable {
    /// The input.
    public let source: any ByteSource
    /// The input's box tree.
    public let tree: BoxTree

    /// Prepares to edit `source`; parses its box tree unless `tree` is given.
    /// - Throws: ``BMFFError`` from ``BoxTree/parse(_:maxDepth:maxBoxes:)``.
    public init(source: any ByteSource, tree: BoxTree? = nil) throws {
        self.source = source
        self.tree = try tree ?? BoxTree.parse(source)
    }

    /// The output layout `edits` would produce, without writing anything.
    /// - Throws: ``BMFFError/Code/invalidEdit`` if an edit names a box that is not a top-level box
    ///   of the input, two edits touch one box, or new bytes are not complete boxes.
    public func layout(for edits: [BoxEdit]) throws -> EditLayout {
        try plan(edits).layout
    }

    /// Writes the edited file to a temp file beside `destinationPath` and returns it uncommitted.
    /// - Throws: ``BMFFError`` for invalid edits (including an output path that names the input
    ///   file, through any link), offsets pointing outside the kept data
    ///   (``BMFFError/Code/offsetOutOfRange``), offsets that no longer fit their fields
    ///   (``BMFFError/Code/offsetOverflow``), malformed tables and I/O failures; nothing is left behind.
    public func apply(_ edits: [BoxEdit], to destinationPath: String) throws -> PendingOutput {
        let plan = try plan(edits)
        if let file = source as? FileByteSource, Syscall.isSameFile(destinationPath, as: file.fd) {
            throw BMFFError.invalidEdit(
                "the output \(destinationPath) is the input file; inputs are never modified", at: location(nil))
        }
        let writer: AtomicFileWriter
        do {
            writer = try AtomicFileWriter(destinationPath: destinationPath)
        } catch let e as AssayCoreError {
            throw BMFFError.ioFailure(e.reason, at: InputLocation(path: destinationPath))
        }
        do {
            try write(plan, to: writer)
        } catch {
            writer.abort()
            throw error
        }
        return PendingOutput(writer: writer, layout: plan.layout)
    }

    // MARK: - Planning

    /// One piece of output: a kept input box or the boxes of an edit.
    enum Piece {
        case copy(Box)
        case new(editIndex: Int, boxes: [Box], bytes: [UInt8])
    }

    struct Plan {
        var pieces: [Piece]
        var layout: EditLayout
    }

    func plan(_ edits: [BoxEdit]) throws -> Plan {
        let top = tree.boxes
        var replaced: [Int: Int] = [:]  // top-level index → edit index (replace or remove)
        var inserted: [Int: [Int]] = [:]  // before top-level index → edit indices, in edit order
        for (i, edit) in edits.enumerated() {
            switch edit.kind {
            case .insert(_, let position):
                let at: Int
                switch position {
                case .afterFileType: at = (top.firstIndex { $0.type == "ftyp" }).map { $0 + 1 } ?? 0
                case .beforeIndex(let n):
                    guard n >= 0, n <= top.count else {
                        throw BMFFError.invalidEdit("insert index \(n) outside 0...\(top.count)", at: location(nil))
                    }
                    at = n
                case .end: at = top.count
                }
                inserted[at, default: []].append(i)
            case .replace(let box, _), .remove(let box):
                guard let n = top.firstIndex(where: { $0.offset == box.offset && $0.type == box.type }) else {
                    throw BMFFError.invalidEdit(
                        "'\(box.type)' is not a top-level box of the input", at: location(box.offset))
                }
                guard replaced[n] == nil else {
                    throw BMFFError.invalidEdit("two edits on '\(box.type)'", at: location(box.offset))
                }
                replaced[n] = i
            }
        }
        var pieces: [Piece] = []
        func newPiece(_ i: Int) throws -> Piece {
            let bytes = edits[i].bytes
            let src = MemoryByteSource(bytes, name: "edit #\(i)")
            guard !bytes.isEmpty else {
                throw BMFFError.invalidEdit("edit #\(i) has no bytes", at: InputLocation(path: "edit #\(i)", offset: 0))
            }
            let sub = try BoxTree.parse(src)
            // A size-0 box would swallow whatever follows it once placed in the output.
            guard UInt32(bigEndian: bytes, at: 0) != 0 else {
                throw BMFFError.invalidEdit("edit boxes need an explicit size", at: src.location(0))
            }
            return .new(editIndex: i, boxes: sub.boxes, bytes: bytes)
        }
        for n in 0...top.count {
            for i in inserted[n] ?? [] { pieces.append(try newPiece(i)) }
            guard n < top.count else { break }
            if let i = replaced[n] {
                if case .replace = edits[i].kind { pieces.append(try newPiece(i)) }
            } else {
                pieces.append(.copy(top[n]))
            }
        }
        var entries: [EditLayout.Entry] = []
        var offset: Int64 = 0
        for p in pieces {
            switch p {
            case .copy(let box):
                entries.append(
                    .init(
                        type: box.type, userType: box.userType, offset: offset, size: box.size,
                        origin: .copied(from: box.offset)))
                offset += box.size
            case .new(let i, let boxes, _):
                for b in boxes {
                    entries.append(
                        .init(
                            type: b.type, userType: b.userType, offset: offset + b.offset, size: b.size,
                            origin: .edit(i)))
                }
                offset += boxes.last.map(\.end) ?? 0
            }
        }
        return Plan(pieces: pieces, layout: EditLayout(entries: entries, inputSize: source.size))
    }

    func location(_ offset: Int64?) -> InputLocation { InputLocation(path: source.name, offset: offset) }

    // MARK: - Writing

    func write(_ plan: Plan, to writer: AtomicFileWriter) throws {
        let map = OffsetMap(layout: plan.layout)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: SHA256Hasher.chunkSize, alignment: 64)
        defer { buffer.deallocate() }
        for (index, piece) in plan.pieces.enumerated() {
            switch piece {
            case .copy(let box):
                if index != plan.pieces.count - 1 {
                    // A size-0 (to end of file) box must stay last.
                    guard UInt32(bigEndian: try source.read(at: box.offset, count: 4), at: 0) != 0 else {
                        throw BMFFError.invalidEdit(
                            "'\(box.type)' has size 0 (to end of file) and cannot be followed by other boxes",
                            at: location(box.offset))
                    }
                }
                var patches: [(Box, [UInt8])] = []
                for table in Self.offsetTables(in: box, parent: nil) {
                    var payload = try TableReader.payload(of: table.box, in: source)
                    let fields = try Self.fields(of: table.box, payload: payload, source: source)
                    try fields.patch(&payload, base: table.box.payloadOffset, sourceName: source.name) {
                        try mapOffset($0, at: $1, map: map)
                    }
                    patches.append((table.box, payload))
                }
                var cursor = box.offset
                for (table, payload) in patches.sorted(by: { $0.0.offset < $1.0.offset }) {
                    try copy(cursor..<table.payloadOffset, to: writer, buffer: buffer)
                    try write(payload, to: writer)
                    cursor = table.end
                }
                try copy(cursor..<box.end, to: writer, buffer: buffer)
            case .new(_, let boxes, var bytes):
                let src = MemoryByteSource(bytes)
                for top in boxes {
                    for table in Self.offsetTables(in: top, parent: nil) {
                        let start = Int(table.box.payloadOffset)
                        var payload = Array(bytes[start..<Int(table.box.end)])
                        let fields = try Self.fields(of: table.box, payload: payload, source: src)
                        try fields.patch(&payload, base: table.box.payloadOffset, sourceName: src.name) {
                            try mapOffset($0, at: $1, map: map)
                        }
                        bytes.replaceSubrange(start..<Int(table.box.end), with: payload)
                    }
                }
                try write(bytes, to: writer)
            }
        }
    }

    private func mapOffset(_ value: UInt64, at fieldOffset: Int64, map: OffsetMap) throws -> UInt64 {
        guard value <= UInt64(Int64.max), let new = map.map(Int64(value)) else {
            throw BMFFError.offsetOutOfRange(
                "offset \(value) points outside the data kept in the output (input is \(source.size) bytes)",
                at: location(fieldOffset))
        }
        return UInt64(new)
    }

    private func write(_ bytes: [UInt8], to writer: AtomicFileWriter) throws {
        do {
            try writer.write(bytes)
        } catch let e as AssayCoreError {
            throw BMFFError.ioFailure(e.reason, at: InputLocation(path: writer.temporaryPath))
        }
    }

    private func copy(_ range: Range<Int64>, to writer: AtomicFileWriter, buffer: UnsafeMutableRawBufferPointer) throws
    {
        guard !range.isEmpty else { return }
        try source.checkRange(range.lowerBound, 0)
        guard range.upperBound <= source.size else {
            throw BMFFError.truncated("copy range passes the end", at: location(range.lowerBound))
        }
        // In-kernel copy (sendfile, no user-space round trip) when the source is a file.
        if let file = source as? FileByteSource, range.count >= Int64(SHA256Hasher.chunkSize),
            try Syscall.sendFile(
                from: file.fd, at: range.lowerBound, count: Int64(range.count),
                to: writer.fileDescriptor, path: file.path)
        {
            return
        }
        var offset = range.lowerBound
        while offset < range.upperBound {
            let n = Int(min(Int64(buffer.count), range.upperBound - offset))
            let chunk = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<n])
            try source.read(at: offset, into: chunk)
            do {
                try writer.write(UnsafeRawBufferPointer(chunk))
            } catch let e as AssayCoreError {
                throw BMFFError.ioFailure(e.reason, at: InputLocation(path: writer.temporaryPath))
            }
            offset += Int64(n)
        }
    }

    // MARK: - Offset tables

    /// A box whose payload holds absolute offsets.
    struct OffsetTableBox {
        var box: Box
        var parent: FourCC?
    }

    /// The offset-bearing tables inside `box` (including `box` itself).
    static func offsetTables(in box: Box, parent: FourCC?) -> [OffsetTableBox] {
        var out: [OffsetTableBox] = []
        var stack: [(Box, FourCC?)] = [(box, parent)]
        while let (b, p) = stack.popLast() {
            switch (p, b.type) {
            case ("stbl", "stco"), ("stbl", "co64"), ("stbl", "saio"), ("traf", "tfhd"), ("mfra", "tfra"),
                ("meta", "iloc"):
                out.append(OffsetTableBox(box: b, parent: p))
            default: break
            }
            for c in b.children { stack.append((c, b.type)) }
        }
        return out
    }

    static func fields(of box: Box, payload: [UInt8], source: any ByteSource) throws -> OffsetFields {
        let base = box.payloadOffset
        switch box.type {
        case "stco", "co64":
            return try ChunkOffsetTable(payload: payload, type: box.type, base: base, sourceName: source.name).fields
        case "saio": return try SampleAuxiliaryOffsets(payload: payload, base: base, sourceName: source.name).fields
        case "tfhd": return try TrackFragmentHeader(payload: payload, base: base, sourceName: source.name).fields
        case "tfra": return try TrackFragmentRandomAccess(payload: payload, base: base, sourceName: source.name).fields
        case "iloc": return try ItemLocationTable(payload: payload, base: base, sourceName: source.name).fields
        default: return OffsetFields()
        }
    }
}
