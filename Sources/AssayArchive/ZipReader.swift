import AssayCore

/// Lists the file members of a zip archive from its central directory (zip64 included).
///
/// Only headers are read; member data is located through each local header. Encrypted members,
/// multi-disk archives and compression methods other than stored and deflate are reported as
/// ``ArchiveError/Code/unsupported`` for that archive.
public struct ZipReader: Sendable {
    /// The archive path.
    public let path: String
    /// Bounds applied while listing.
    public let limits: ArchiveLimits

    /// Creates a reader for the archive at `path`.
    public init(path: String, limits: ArchiveLimits = .default) {
        self.path = path
        self.limits = limits
    }

    /// File members in central-directory order (directories are skipped).
    public func members() throws -> [ArchiveMember] {
        let file = try ReadOnlyFile(path: path)
        let (count, cdOffset, cdSize) = try findDirectory(file)
        guard cdSize <= limits.maxDirectorySize else {
            throw ArchiveError(.limitExceeded, "central directory of \(cdSize) bytes", loc(cdOffset))
        }
        guard count <= UInt64(limits.maxMembers) else {
            throw ArchiveError(.limitExceeded, "\(count) members (limit \(limits.maxMembers))", loc(cdOffset))
        }
        guard cdOffset >= 0, cdSize >= 0, cdOffset <= file.size, cdSize <= file.size - cdOffset else {
            throw ArchiveError(.truncated, "central directory lies outside the file", loc(cdOffset))
        }
        let cd = try file.read(at: cdOffset, count: Int(cdSize))
        var out: [ArchiveMember] = []
        var i = 0
        for _ in 0..<count {
            let at = cdOffset + Int64(i)
            guard i + 46 <= cd.count, le32(cd, i) == 0x0201_4b50 else {
                throw ArchiveError(.malformed, "bad central directory entry", loc(at))
            }
            let flags = le16(cd, i + 8)
            let method = le16(cd, i + 10)
            let dosTime = le16(cd, i + 12)
            let dosDate = le16(cd, i + 14)
            let crc = le32(cd, i + 16)
            var csize = UInt64(le32(cd, i + 20))
            var usize = UInt64(le32(cd, i + 24))
            let nameLen = Int(le16(cd, i + 28))
            let extraLen = Int(le16(cd, i + 30))
            let commentLen = Int(le16(cd, i + 32))
            let disk = le16(cd, i + 34)
            var localOffset = UInt64(le32(cd, i + 42))
            let end = i + 46 + nameLen + extraLen + commentLen
            guard end <= cd.count else { throw ArchiveError(.truncated, "central directory entry runs past its end", loc(at)) }
            guard nameLen <= limits.maxNameLength else {
                throw ArchiveError(.limitExceeded, "member name longer than \(limits.maxNameLength) bytes", loc(at))
            }
            let name = String(decoding: cd[(i + 46)..<(i + 46 + nameLen)], as: UTF8.self)
            // zip64 extended information: only the fields whose 32-bit value is 0xFFFFFFFF are present, in order.
            var e = i + 46 + nameLen
            let extraEnd = e + extraLen
            while e + 4 <= extraEnd {
                let tag = le16(cd, e)
                let len = Int(le16(cd, e + 2))
                guard e + 4 + len <= extraEnd else { throw ArchiveError(.malformed, "bad extra field", loc(cdOffset + Int64(e))) }
                if tag == 0x0001 {
                    var p = e + 4
                    func next() throws -> UInt64 {
                        guard p + 8 <= e + 4 + len else {
                            throw ArchiveError(.malformed, "short zip64 extra field", loc(cdOffset + Int64(p)))
                        }
                        defer { p += 8 }
                        return le64(cd, p)
                    }
                    if usize == 0xffff_ffff { usize = try next() }
                    if csize == 0xffff_ffff { csize = try next() }
                    if localOffset == 0xffff_ffff { localOffset = try next() }
                }
                e += 4 + len
            }
            i = end
            if name.hasSuffix("/") { continue }
            guard disk == 0 || disk == 0xffff else { throw ArchiveError(.unsupported, "multi-disk zip", loc(at)) }
            guard flags & 0x1 == 0 else { throw ArchiveError(.unsupported, "encrypted member \(name)", loc(at)) }
            let compression: ArchiveMember.Compression
            switch method {
            case 0: compression = .stored
            case 8: compression = .deflate
            default: throw ArchiveError(.unsupported, "compression method \(method) of member \(name)", loc(at))
            }
            guard usize <= UInt64(Int64.max), csize <= UInt64(Int64.max), localOffset <= UInt64(file.size) else {
                throw ArchiveError(.malformed, "member \(name) has impossible sizes", loc(at))
            }
            // Local header: 30 bytes + its own name and extra lengths.
            let lh = try file.read(at: Int64(localOffset), count: 30)
            guard le32(lh, 0) == 0x0403_4b50 else {
                throw ArchiveError(.malformed, "no local header for member \(name)", loc(Int64(localOffset)))
            }
            let dataOffset = Int64(localOffset) + 30 + Int64(le16(lh, 26)) + Int64(le16(lh, 28))
            guard dataOffset <= file.size, Int64(csize) <= file.size - dataOffset else {
                throw ArchiveError(.truncated, "member \(name) data runs past the end of the archive", loc(dataOffset))
            }
            if compression == .stored, csize != usize {
                throw ArchiveError(.malformed, "stored member \(name) has different sizes", loc(at))
            }
            out.append(ArchiveMember(name: name, size: Int64(usize), dataOffset: dataOffset, storedSize: Int64(csize),
                                     compression: compression, crc32: crc,
                                     modificationTime: dosDateTime(date: dosDate, time: dosTime)))
        }
        return out
    }

    private func loc(_ offset: Int64) -> InputLocation { InputLocation(path: path, offset: offset) }

    /// End of central directory (and the zip64 record when the 32-bit fields are saturated).
    private func findDirectory(_ file: ReadOnlyFile) throws -> (UInt64, Int64, Int64) {
        let tail = Int(min(file.size, 22 + 65_535))
        guard tail >= 22 else { throw ArchiveError(.truncated, "too short for a zip archive", loc(0)) }
        let base = file.size - Int64(tail)
        let buf = try file.read(at: base, count: tail)
        var pos = tail - 22
        while pos >= 0 {
            if le32(buf, pos) == 0x0605_4b50, pos + 22 + Int(le16(buf, pos + 20)) == tail { break }
            pos -= 1
        }
        guard pos >= 0 else { throw ArchiveError(.malformed, "no end-of-central-directory record", loc(base)) }
        let disk = le16(buf, pos + 4)
        let cdDisk = le16(buf, pos + 6)
        var count = UInt64(le16(buf, pos + 10))
        var cdSize = UInt64(le32(buf, pos + 12))
        var cdOffset = UInt64(le32(buf, pos + 16))
        if count == 0xffff || cdSize == 0xffff_ffff || cdOffset == 0xffff_ffff {
            let eocdAt = base + Int64(pos)
            guard eocdAt >= 20 else { throw ArchiveError(.malformed, "zip64 locator missing", loc(eocdAt)) }
            let locator = try file.read(at: eocdAt - 20, count: 20)
            guard le32(locator, 0) == 0x0706_4b50 else { throw ArchiveError(.malformed, "zip64 locator missing", loc(eocdAt - 20)) }
            let recOffset = le64(locator, 8)
            guard recOffset <= UInt64(file.size) else { throw ArchiveError(.malformed, "zip64 record outside the file", loc(eocdAt - 20)) }
            let rec = try file.read(at: Int64(recOffset), count: 56)
            guard le32(rec, 0) == 0x0606_4b50 else { throw ArchiveError(.malformed, "bad zip64 record", loc(Int64(recOffset))) }
            count = le64(rec, 32)
            cdSize = le64(rec, 40)
            cdOffset = le64(rec, 48)
        } else if disk != 0 || cdDisk != 0 {
            throw ArchiveError(.unsupported, "multi-disk zip", loc(base + Int64(pos)))
        }
        guard cdSize <= UInt64(Int64.max), cdOffset <= UInt64(Int64.max) else {
            throw ArchiveError(.malformed, "central directory size or offset overflows", loc(base + Int64(pos)))
        }
        return (count, Int64(cdOffset), Int64(cdSize))
    }

    private func dosDateTime(date: UInt16, time: UInt16) -> Int64? {
        let year = Int(date >> 9) + 1980, month = Int((date >> 5) & 0xf), day = Int(date & 0x1f)
        let hour = Int(time >> 11), minute = Int((time >> 5) & 0x3f), second = Int(time & 0x1f) * 2
        guard (1...12).contains(month), (1...31).contains(day) else { return nil }
        // Days from civil (Howard Hinnant's algorithm), UTC.
        let y = month <= 2 ? year - 1 : year
        let era = y / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        return Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
    }
}
