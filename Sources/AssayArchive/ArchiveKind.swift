import AssayCore
import Foundation

/// The archive formats scan reads, recognised by content, not by name.
public enum ArchiveKind: String, Sendable, Hashable {
    case zip
    case tar
    /// A gzip-compressed tar (`.tar.gz`, `.tgz`): read through a decompressed copy (``GzipReader``).
    case tarGzip = "tar.gz"

    /// Detects a zip (local header or empty-archive signature), a tar (ustar magic or a valid header
    /// checksum) or a gzip file whose first 512 decompressed bytes are a tar header; `nil` for anything
    /// else or an unreadable file.
    public static func detect(path: String) -> ArchiveKind? {
        guard let file = try? ReadOnlyFile(path: path), file.size >= 4,
              let head = try? file.read(at: 0, count: Int(min(file.size, 512)))
        else { return nil }
        if head[0] == 0x50, head[1] == 0x4b, (head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6) {
            return .zip
        }
        if GzipReader.hasMagic(head) {
            guard let inner = try? GzipReader.head(path: path, count: 512) else { return nil }
            return isTarHeader(inner) ? .tarGzip : nil
        }
        return isTarHeader(head) ? .tar : nil
    }

    private static func isTarHeader(_ head: [UInt8]) -> Bool {
        guard head.count == 512 else { return false }
        if head[257..<262].elementsEqual("ustar".utf8) { return true }
        var sum = 0
        for (i, b) in head.enumerated() { sum += (148..<156).contains(i) ? 32 : Int(b) }
        let field = head[148..<156].filter { (48...55).contains($0) }
        let stored = field.reduce(0) { $0 * 8 + Int($1 - 48) }
        return !field.isEmpty && stored == sum
    }

    /// The members of the archive at `path`. A `.tarGzip` is decompressed to a temporary file (in
    /// `scratchDirectory`, default the system's) that is removed before returning; its members' offsets
    /// refer to the decompressed tar, so extract them from ``GzipReader/decompress(path:to:limits:)``'s
    /// output.
    public func members(path: String, limits: ArchiveLimits = .default, scratchDirectory: String? = nil) throws
        -> [ArchiveMember]
    {
        switch self {
        case .zip: return try ZipReader(path: path, limits: limits).members()
        case .tar: return try TarReader(path: path, limits: limits).members()
        case .tarGzip:
            let dir = scratchDirectory ?? NSTemporaryDirectory()
            let tar = (dir as NSString).appendingPathComponent("assay-\(UUID().uuidString).tar")
            defer { try? FileManager.default.removeItem(atPath: tar) }
            try GzipReader.decompress(path: path, to: tar, limits: limits)
            return try TarReader(path: tar, limits: limits).members()
        }
    }
}
