/// Where in an input something went wrong: the file (or archive member) and the byte offset.
///
/// Every parser error in Assay carries one, so that a message names the file and the offset.
public struct InputLocation: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Path of the file, or `archive.zip!member.mp4` for an archive member; `nil` for in-memory input.
    public var path: String?
    /// Absolute byte offset in the input, when known.
    public var offset: Int64?

    /// Creates a location.
    public init(path: String? = nil, offset: Int64? = nil) {
        self.path = path
        self.offset = offset
    }

    /// A copy of this location at another offset.
    public func at(_ offset: Int64) -> InputLocation {
        InputLocation(path: path, offset: offset)
    }

    public var description: String {
        switch (path, offset) {
        case let (p?, o?): return "\(p) @ offset \(o)"
        case let (p?, nil): return p
        case let (nil, o?): return "offset \(o)"
        case (nil, nil): return "<input>"
        }
    }
}
