/// Bounds that keep a hostile archive from exhausting memory, disk or time.
public struct ArchiveLimits: Sendable, Hashable {
    /// Most members listed from one archive.
    public var maxMembers: Int
    /// Longest member name in bytes.
    public var maxNameLength: Int
    /// Largest expanded member written to disk.
    public var maxMemberSize: Int64
    /// Largest ratio of expanded to stored size for a compressed member (zip bombs expand 1000×+).
    public var maxExpansionRatio: Int64
    /// Largest zip central directory read into memory.
    public var maxDirectorySize: Int64

    /// Creates limits.
    public init(maxMembers: Int = 1_000_000, maxNameLength: Int = 4096, maxMemberSize: Int64 = 64 << 30,
                maxExpansionRatio: Int64 = 200, maxDirectorySize: Int64 = 256 << 20)
    {
        self.maxMembers = maxMembers
        self.maxNameLength = maxNameLength
        self.maxMemberSize = maxMemberSize
        self.maxExpansionRatio = maxExpansionRatio
        self.maxDirectorySize = maxDirectorySize
    }

    /// Defaults: a million members, 64 GiB per member, 200× expansion.
    public static let `default` = ArchiveLimits()
}
