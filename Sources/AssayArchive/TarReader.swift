import AssayCore

/// Lists the regular-file members of a tar archive (POSIX ustar, pax `x` headers, GNU long names).
///
/// Reads headers only (512-byte blocks, plus bounded pax and long-name records); member data is
/// located, not read. Hostile archives give an ``ArchiveError`` naming the offset.
public struct TarReader: Sendable {
    /// The archive path.
    public let path: String
    /// Bounds applied while listing.
    public let limits: ArchiveLimits

    /// Creates a reader for the archive at `path`.
    public init(path: String, limits: ArchiveLimits = .default) {
        self.path = path
        self.limits = limits
    }

    /// Regular-file members in archive order.
    public func members() throws -> [ArchiveMember] {
        let file = try ReadOnlyFile(path: path)
        var out: [ArchiveMember] = []
        var offset: Int64 = 0
        var pendingName: String?
        var pendingSize: Int64?
        var headers = 0
        while offset + 512 <= file.size {
            let h = try file.read(at: offset, count: 512)
            if h.allSatisfy({ $0 == 0 }) { break }  // end-of-archive marker
            headers += 1
            guard headers <= limits.maxMembers * 3 else {
                throw ArchiveError(.limitExceeded, "more than \(limits.maxMembers) members", loc(offset))
            }
            try verifyChecksum(h, at: offset)
            let type = h[156]
            var size = try parseNumber(h[124..<136], field: "size", at: offset + 124)
            if let s = pendingSize { size = s }
            let dataOffset = offset + 512
            guard size >= 0, size <= file.size - dataOffset else {
                throw ArchiveError(.truncated, "member data of \(size) bytes runs past the end of the archive", loc(offset + 124))
            }
            let padded = (size + 511) / 512 * 512
            switch type {
            case UInt8(ascii: "x"), UInt8(ascii: "L"):
                guard size <= 1 << 20 else {
                    throw ArchiveError(.limitExceeded, "extended header of \(size) bytes", loc(offset))
                }
                let body = try file.read(at: dataOffset, count: Int(size))
                if type == UInt8(ascii: "L") {
                    pendingName = cString(body[...])
                } else {
                    let (n, s) = try parsePax(body, at: dataOffset)
                    if let n { pendingName = n }
                    if let s { pendingSize = s }
                }
                offset = dataOffset + padded
                continue
            case UInt8(ascii: "0"), 0, UInt8(ascii: "7"):
                var name = pendingName ?? cString(h[0..<100])
                if pendingName == nil, h[257..<262].elementsEqual("ustar".utf8) {
                    let prefix = cString(h[345..<500])
                    if !prefix.isEmpty { name = prefix + "/" + name }
                }
                guard name.utf8.count <= limits.maxNameLength else {
                    throw ArchiveError(.limitExceeded, "member name longer than \(limits.maxNameLength) bytes", loc(offset))
                }
                let mtime = try? parseNumber(h[136..<148], field: "mtime", at: offset + 136)
                out.append(ArchiveMember(name: name, size: size, dataOffset: dataOffset, storedSize: size,
                                         compression: .stored, modificationTime: mtime))
                guard out.count <= limits.maxMembers else {
                    throw ArchiveError(.limitExceeded, "more than \(limits.maxMembers) members", loc(offset))
                }
            default:
                break  // directories, links, devices, global pax headers: nothing to scan
            }
            pendingName = nil
            pendingSize = nil
            offset = dataOffset + padded
        }
        if offset < file.size, offset + 512 > file.size, !(try file.read(at: offset, count: Int(file.size - offset))).allSatisfy({ $0 == 0 }) {
            throw ArchiveError(.truncated, "archive ends inside a header", loc(offset))
        }
        return out
    }

    private func loc(_ offset: Int64) -> InputLocation { InputLocation(path: path, offset: offset) }

    private func verifyChecksum(_ h: [UInt8], at offset: Int64) throws {
        let stored = try parseNumber(h[148..<156], field: "checksum", at: offset + 148)
        var sum: Int64 = 0
        for (i, b) in h.enumerated() { sum += (148..<156).contains(i) ? 32 : Int64(b) }
        guard sum == stored else {
            throw ArchiveError(.malformed, "header checksum \(stored) does not match \(sum): not a tar header", loc(offset))
        }
    }

    /// Octal (NUL/space padded) or GNU base-256 (high bit set) numbers.
    private func parseNumber(_ field: ArraySlice<UInt8>, field name: String, at offset: Int64) throws -> Int64 {
        if let first = field.first, first & 0x80 != 0 {
            var v: Int64 = 0
            for (i, b) in field.enumerated() {
                let byte = i == 0 ? b & 0x7f : b
                guard v <= (Int64.max >> 8) else {
                    throw ArchiveError(.malformed, "\(name) field overflows", loc(offset))
                }
                v = v << 8 | Int64(byte)
            }
            return v
        }
        var v: Int64 = 0
        var seenDigit = false
        for b in field {
            if b == 0 || b == 32 {
                if seenDigit { break } else { continue }
            }
            guard (48...55).contains(b) else {
                throw ArchiveError(.malformed, "\(name) field is not octal", loc(offset))
            }
            guard v <= (Int64.max >> 3) else { throw ArchiveError(.malformed, "\(name) field overflows", loc(offset)) }
            v = v << 3 | Int64(b - 48)
            seenDigit = true
        }
        return v
    }

    /// pax records: "<len> <key>=<value>\n".
    private func parsePax(_ body: [UInt8], at offset: Int64) throws -> (String?, Int64?) {
        var i = 0
        var name: String?
        var size: Int64?
        while i < body.count, body[i] != 0 {
            var len = 0
            var j = i
            while j < body.count, body[j] != UInt8(ascii: " ") {
                guard (48...57).contains(body[j]), len < 1 << 21 else {
                    throw ArchiveError(.malformed, "bad pax record length", loc(offset + Int64(j)))
                }
                len = len * 10 + Int(body[j] - 48)
                j += 1
            }
            guard len > j - i + 1, i + len <= body.count, body[i + len - 1] == UInt8(ascii: "\n") else {
                throw ArchiveError(.malformed, "bad pax record", loc(offset + Int64(i)))
            }
            let record = body[(j + 1)..<(i + len - 1)]
            if let eq = record.firstIndex(of: UInt8(ascii: "=")) {
                let key = String(decoding: record[record.startIndex..<eq], as: UTF8.self)
                let value = String(decoding: record[(eq + 1)...], as: UTF8.self)
                if key == "path" { name = value }
                if key == "size" {
                    guard let s = Int64(value), s >= 0 else {
                        throw ArchiveError(.malformed, "bad pax size", loc(offset + Int64(i)))
                    }
                    size = s
                }
            }
            i += len
        }
        return (name, size)
    }

    private func cString(_ bytes: ArraySlice<UInt8>) -> String {
        let end = bytes.firstIndex(of: 0) ?? bytes.endIndex
        return String(decoding: bytes[bytes.startIndex..<end], as: UTF8.self)
    }
}
