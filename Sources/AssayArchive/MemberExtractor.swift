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
        switch member.compression {
        case .stored:
            let chunk = Int(max(1, min(Int64(1 << 20), member.storedSize)))
            var inBuf = [UInt8](repeating: 0, count: chunk)
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
            written = try inflate(member, file: file, into: out, crc: &crc, loc: loc)
        }
        if let expected = member.crc32, UInt32(truncatingIfNeeded: crc) != expected {
            throw ArchiveError(.checksumMismatch, "CRC-32 mismatch", loc)
        }
        try out.commit()
        return written
    }

    private func inflate(_ member: ArchiveMember, file: ReadOnlyFile, into out: AtomicFileWriter, crc: inout UInt,
                         loc: InputLocation) throws -> Int64
    {
        let cap = min(limits.maxMemberSize, max(Int64(1 << 20), member.storedSize * limits.maxExpansionRatio))
        var readPos: Int64 = 0
        var running = crc
        let written = try Inflater(.rawDeflate, location: loc).run(
            inputSize: member.storedSize,
            read: { buffer in
                let n = Int(min(Int64(buffer.count), member.storedSize - readPos))
                guard n > 0 else { return 0 }
                try file.readInto(&buffer, at: member.dataOffset + readPos, count: n)
                readPos += Int64(n)
                return n
            },
            outputLimit: cap,
            limitMessage: "\(limits.maxExpansionRatio)× its stored size; refusing a possible zip bomb",
            expectedOutput: member.size,
            write: { piece in
                try out.write(piece)
                running = piece.withUnsafeBufferPointer { CZlib.crc32(running, $0.baseAddress, uInt($0.count)) }
            })
        crc = running
        guard written == member.size else {
            throw ArchiveError(.malformed, "member inflated to \(written) bytes, directory says \(member.size)", loc)
        }
        return written
    }
}
