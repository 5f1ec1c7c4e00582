import AssayCore
import Foundation

/// gzip-compressed tar archives (`.tar.gz`, `.tgz`).
///
/// A gzip stream has no index, so a member cannot be reached without inflating everything before it.
/// Scan therefore inflates such an archive once, to a plain tar in its scratch folder, and reads that;
/// the inflated size is bounded by ``ArchiveLimits/maxMemberSize`` and by
/// ``ArchiveLimits/maxExpansionRatio`` times the compressed size (a gzip bomb stops early).
public enum GzipReader {
    /// Whether `head` starts with the gzip magic and the deflate method (`1f 8b 08`).
    public static func hasMagic(_ head: some Collection<UInt8>) -> Bool {
        head.starts(with: [0x1f, 0x8b, 0x08])
    }

    /// The first `count` bytes of the decompressed stream (fewer if it is shorter).
    /// - Throws: ``ArchiveError`` if the file is not gzip or is corrupt within those bytes.
    public static func head(path: String, count: Int) throws -> [UInt8] {
        var out: [UInt8] = []
        do {
            _ = try inflate(path: path, limits: ArchiveLimits(maxMemberSize: Int64(count) + (1 << 20)),
                            outputChunk: max(count, 512)) { piece in
                out += piece.prefix(count - out.count)
                if out.count >= count { throw Enough() }
            }
        } catch is Enough {
        } catch let error as ArchiveError where error.code == .truncated && !out.isEmpty {
            // A stream cut after the bytes asked for still has a readable head.
        }
        return out
    }

    /// Decompresses the gzip file at `path` to `destination` (atomically: all or nothing).
    /// - Returns: The decompressed size.
    /// - Throws: ``ArchiveError``: malformed or truncated data, a CRC or length mismatch, or a limit.
    @discardableResult
    public static func decompress(path: String, to destination: String, limits: ArchiveLimits = .default) throws -> Int64 {
        let out = try AtomicFileWriter(destinationPath: destination)
        let size = try inflate(path: path, limits: limits) { try out.write($0) }
        try out.commit()
        return size
    }

    private struct Enough: Error {}

    private static func inflate(path: String, limits: ArchiveLimits, outputChunk: Int = 1 << 20,
                                write: (ArraySlice<UInt8>) throws -> Void) throws -> Int64
    {
        let file = try ReadOnlyFile(path: path)
        let location = InputLocation(path: path, offset: 0)
        let head = try file.read(at: 0, count: Int(min(file.size, 3)))
        guard hasMagic(head) else { throw ArchiveError(.malformed, "not a gzip file", location) }
        let cap = min(limits.maxMemberSize, max(Int64(1 << 20), file.size * limits.maxExpansionRatio))
        var position: Int64 = 0
        return try Inflater(.gzip, location: location).run(
            inputSize: file.size,
            read: { buffer in
                let n = Int(min(Int64(buffer.count), file.size - position))
                guard n > 0 else { return 0 }
                try file.readInto(&buffer, at: position, count: n)
                position += Int64(n)
                return n
            },
            outputLimit: cap,
            limitMessage: "more than \(limits.maxExpansionRatio)× the compressed size or the member size limit; refusing a possible gzip bomb",
            outputChunk: outputChunk, write: write)
    }
}
