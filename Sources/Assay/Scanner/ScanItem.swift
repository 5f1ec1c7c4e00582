import AssayArchive

/// One thing to scan: a file, or a member of a zip or tar archive.
public struct ScanItem: Sendable, Hashable, Codable {
    /// Stable key: the file path, or `archive!member` for archive members.
    public var key: String
    /// The file path (for members: the archive's path).
    public var path: String
    /// Member name inside the archive at ``path``, if this is a member.
    public var member: String?
    /// Size in bytes (uncompressed, for members).
    public var size: Int64
    /// Modification time (seconds since 1970).
    public var modificationTime: Double

    /// Creates an item.
    public init(path: String, member: String? = nil, size: Int64, modificationTime: Double) {
        self.key = member.map { "\(path)!\($0)" } ?? path
        self.path = path
        self.member = member
        self.size = size
        self.modificationTime = modificationTime
    }
}
