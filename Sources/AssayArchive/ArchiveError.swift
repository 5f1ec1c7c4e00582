import AssayCore

/// An error raised by ``AssayArchive``: a malformed, hostile or unsupported archive.
///
/// Equality compares the code only; every error names the archive (and member) and the offset.
public struct ArchiveError: Error, Hashable, CustomStringConvertible, Sendable {
    /// The kind of error. New codes may be added without breaking clients.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Backing: Hashable, Sendable {
            case io, malformed, truncated, unsupported, limitExceeded, checksumMismatch
        }
        let backing: Backing
        /// The archive could not be read.
        public static let io = Code(backing: .io)
        /// A header or directory entry is malformed.
        public static let malformed = Code(backing: .malformed)
        /// The archive ends inside a header or a member.
        public static let truncated = Code(backing: .truncated)
        /// A feature the reader does not handle (encryption, a compression method, multi-disk zip).
        public static let unsupported = Code(backing: .unsupported)
        /// A bound was hit: member count, name length, expanded size or expansion ratio (zip bombs).
        public static let limitExceeded = Code(backing: .limitExceeded)
        /// A member's CRC-32 does not match its data.
        public static let checksumMismatch = Code(backing: .checksumMismatch)
        public var description: String { String(describing: backing) }
    }

    /// The kind of error.
    public let code: Code
    /// What was wrong.
    public let reason: String
    /// The archive path and the byte offset.
    public let location: InputLocation

    /// Creates an error.
    public init(_ code: Code, _ reason: String, _ location: InputLocation) {
        self.code = code
        self.reason = reason
        self.location = location
    }

    public static func == (lhs: ArchiveError, rhs: ArchiveError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
    public var description: String { "\(reason) (\(location))" }
}
