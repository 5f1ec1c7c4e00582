import AssayCore

/// The archive formats scan reads, recognised by content, not by name.
public enum ArchiveKind: String, Sendable, Hashable {
    case zip
    case tar

    /// Detects a zip (local header or empty-archive signature) or a tar (ustar magic or a valid header
    /// checksum); `nil` for anything else or an unreadable file.
    public static func detect(path: String) -> ArchiveKind? {
        guard let file = try? ReadOnlyFile(path: path), file.size >= 4,
              let head = try? file.read(at: 0, count: Int(min(file.size, 512)))
        else { return nil }
        if head[0] == 0x50, head[1] == 0x4b, (head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6) {
            return .zip
        }
        guard head.count == 512 else { return nil }
        if head[257..<262].elementsEqual("ustar".utf8) { return .tar }
        var sum = 0
        for (i, b) in head.enumerated() { sum += (148..<156).contains(i) ? 32 : Int(b) }
        let field = head[148..<156].filter { (48...55).contains($0) }
        let stored = field.reduce(0) { $0 * 8 + Int($1 - 48) }
        return !field.isEmpty && stored == sum ? .tar : nil
    }

    /// The members of the archive at `path`.
    public func members(path: String, limits: ArchiveLimits = .default) throws -> [ArchiveMember] {
        switch self {
        case .zip: return try ZipReader(path: path, limits: limits).members()
        case .tar: return try TarReader(path: path, limits: limits).members()
        }
    }
}
