import AssayCore
import CZlib

/// Writes one archive member to a file, inflating deflate members, with size, ratio and CRC checks.
///
/// Only one member is on disk at a time; a member that would exceed ``ArchiveLimits/maxMemberSize``
/// or expand more than ``ArchiveLimits/maxExpansionRatio`` times (a zip bomb) is stopped and its
/// partial output removed.
public struct MemberExtractor: Sendable {
    /// The archive path.
    public let archivePath: String
    /// Bounds.
    public let limits: ArchiveLimits

    /// Creates an extractor for members of the archive at `archivePath`.
    public init(archivePath: String, limits: ArchiveLimits = .default) {
        self.archivePath = archivePath
        self.limits = limits
    }

    /// Writes `member`'s bytes to `destination` atomically and returns the number of bytes written.
    @discardableResult
    public func extract(_ member: ArchiveMember, to destination: String) throws -> Int64 {
        let file = try ReadOnlyFile(path: archivePath)
        let loc = InputLocation(path: "\(archivePath)!\(member.name)", offset: member.dataOffset)
        guard member.size <= limits.maxMemberSize else {
            throw ArchiveError(.limitExceeded, "member of \(member.size) bytes exceeds the \(limits.maxMemberSize)-byte limit", loc)
        }
        guard member.dataOffset >= 0, member.storedSize >= 0, member.dataOffset <= file.size,
              member.storedSize <= file.size - member.dataOffset
        else { throw ArchiveError(.truncated, "member data runs past the end of the archive", loc) }
        let out = try AtomicFileWriter(destinationPath: destination)
        var crc: UInt = CZlib.crc32(0, nil, 0)
        var written: Int64 = 0
        let chunk = 1 << 20
        var inBuf = [UInt8](repeating: 0, count: chunk)
        switch member.compression {
        case .stored:
            var pos: Int64 = 0
            while pos < member.storedSize {
                let n = Int(min(Int64(chunk), member.storedSize - pos))
                try file.readInto(&inBuf, at: member.dataOffset + pos, count: n)
                try out.write(inBuf[0..<n])
                crc = inBuf.withUnsafeBufferPointer { CZlib.crc32(crc, $0.baseAddress, uInt(n)) }
                pos += Int64(n)
            }
            written = member.storedSize
        case .deflate:
            written = try inflate(member, file: file, into: out, crc: &crc, loc: loc, inBuf: &inBuf)
        }
        if let expected = member.crc32, UInt32(truncatingIfNeeded: crc) != expected {
            throw ArchiveError(.checksumMismatch, "CRC-32 mismatch", loc)
        }
        try out.commit()
        return written
    }

    private func inflate(_ member: ArchiveMember, file: ReadOnlyFile, into out: AtomicFileWriter, crc: inout UInt,
                         loc: InputLocation, inBuf: inout [UInt8]) throws -> Int64
    {
        var stream = z_stream()
        guard czlib_inflateInit2(&stream, -15) == Z_OK else { throw ArchiveError(.io, "inflateInit2 failed", loc) }
        defer { inflateEnd(&stream) }
        let cap = min(limits.maxMemberSize, max(Int64(1 << 20), member.storedSize * limits.maxExpansionRatio))
        var outBuf = [UInt8](repeating: 0, count: 1 << 20)
        var readPos: Int64 = 0
        var chunkLength = 0
        var written: Int64 = 0
        var finished = false
        while !finished {
            if stream.avail_in == 0 {
                guard readPos < member.storedSize else {
                    throw ArchiveError(.truncated, "deflate stream ends early", loc.at(member.dataOffset + readPos))
                }
                let n = Int(min(Int64(inBuf.count), member.storedSize - readPos))
                try file.readInto(&inBuf, at: member.dataOffset + readPos, count: n)
                readPos += Int64(n)
                chunkLength = n
                stream.avail_in = uInt(n)
            }
            let unconsumed = Int(stream.avail_in)
            let status: Int32 = inBuf.withUnsafeMutableBufferPointer { inPtr in
                outBuf.withUnsafeMutableBufferPointer { outPtr in
                    // The buffers are re-pinned on every call, so point next_in at the unconsumed tail.
                    stream.next_in = inPtr.baseAddress! + (chunkLength - unconsumed)
                    stream.next_out = outPtr.baseAddress
                    stream.avail_out = uInt(outPtr.count)
                    return CZlib.inflate(&stream, Z_NO_FLUSH)
                }
            }
            guard status == Z_OK || status == Z_STREAM_END else {
                throw ArchiveError(.malformed, "corrupt deflate data (zlib \(status))", loc.at(member.dataOffset + readPos))
            }
            let produced = outBuf.count - Int(stream.avail_out)
            if produced > 0 {
                written += Int64(produced)
                guard written <= cap else {
                    throw ArchiveError(.limitExceeded,
                                       "member expands past \(cap) bytes (\(limits.maxExpansionRatio)× its stored size): refusing a possible zip bomb",
                                       loc)
                }
                try out.write(outBuf[0..<produced])
                crc = outBuf.withUnsafeBufferPointer { CZlib.crc32(crc, $0.baseAddress, uInt(produced)) }
            }
            if status == Z_STREAM_END { finished = true }
        }
        guard written == member.size else {
            throw ArchiveError(.malformed, "member inflated to \(written) bytes, directory says \(member.size)", loc)
        }
        return written
    }
}
