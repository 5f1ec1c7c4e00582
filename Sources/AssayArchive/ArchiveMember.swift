/// One regular-file member of a zip or tar archive, located without reading its data.
public struct ArchiveMember: Sendable, Hashable {
    /// How the member's bytes are stored.
    public enum Compression: Sendable, Hashable {
        /// Stored as is (tar, zip method 0).
        case stored
        /// Raw deflate (zip method 8).
        case deflate
    }

    /// Member path inside the archive, as recorded (never used as a file system path).
    public var name: String
    /// Uncompressed size as recorded.
    public var size: Int64
    /// Offset of the member's (possibly compressed) data in the archive.
    public var dataOffset: Int64
    /// Size of the data in the archive.
    public var storedSize: Int64
    /// Compression method.
    public var compression: Compression
    /// CRC-32 of the uncompressed data (zip), if recorded.
    public var crc32: UInt32?
    /// Modification time (seconds since 1970), if recorded.
    public var modificationTime: Int64?

    /// Creates a member description.
    public init(name: String, size: Int64, dataOffset: Int64, storedSize: Int64, compression: Compression,
                crc32: UInt32? = nil, modificationTime: Int64? = nil)
    {
        self.name = name
        self.size = size
        self.dataOffset = dataOffset
        self.storedSize = storedSize
        self.compression = compression
        self.crc32 = crc32
        self.modificationTime = modificationTime
    }

    /// The lower-cased extension of the member name (`mp4`).
    public var pathExtension: String {
        guard let base = name.split(separator: "/").last, let dot = base.lastIndex(of: "."), dot != base.startIndex else {
            return ""
        }
        return base[base.index(after: dot)...].lowercased()
    }
}
