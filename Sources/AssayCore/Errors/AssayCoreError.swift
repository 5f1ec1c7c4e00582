#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An error raised by ``AssayCore``: invalid model values and undecodable encodings.
///
/// Follows the swift-certificates pattern: one error struct per module with an extensible
/// ``Code``; equality compares the code only.
public struct AssayCoreError: Error, Hashable, CustomStringConvertible, Sendable {
    /// The kind of error. New codes may be added without breaking clients.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Backing: Hashable, Sendable {
            case invalidContentID
            case invalidFrame
            case invalidValue
            case unsupportedSchema
            case ioFailure
        }
        let backing: Backing
        /// A content ID string was not 32 hex digits.
        public static let invalidContentID = Code(backing: .invalidContentID)
        /// Frame dimensions or plane sizes are inconsistent.
        public static let invalidFrame = Code(backing: .invalidFrame)
        /// A model value is out of range.
        public static let invalidValue = Code(backing: .invalidValue)
        /// A JSON document has a schema version this build does not read.
        public static let unsupportedSchema = Code(backing: .unsupportedSchema)
        /// A file system operation failed (the reason carries the path and `errno` text).
        public static let ioFailure = Code(backing: .ioFailure)
        public var description: String { String(describing: backing) }
    }

    /// The kind of error.
    public let code: Code
    /// A human-readable reason.
    public let reason: String
    /// Where it happened in the input, if it came from one.
    public let location: InputLocation?

    init(code: Code, reason: String, location: InputLocation? = nil) {
        self.code = code
        self.reason = reason
        self.location = location
    }

    /// A content ID string was malformed.
    public static func invalidContentID(_ reason: String) -> AssayCoreError {
        AssayCoreError(code: .invalidContentID, reason: reason)
    }
    /// Frame geometry was inconsistent.
    public static func invalidFrame(_ reason: String) -> AssayCoreError {
        AssayCoreError(code: .invalidFrame, reason: reason)
    }
    /// A value was out of range.
    public static func invalidValue(_ reason: String) -> AssayCoreError {
        AssayCoreError(code: .invalidValue, reason: reason)
    }
    /// A document had an unknown schema version.
    public static func unsupportedSchema(_ reason: String) -> AssayCoreError {
        AssayCoreError(code: .unsupportedSchema, reason: reason)
    }

    /// A file system call failed; `errno` is rendered with `strerror`.
    public static func ioFailure(_ reason: String, errno code: Int32) -> AssayCoreError {
        AssayCoreError(code: .ioFailure, reason: "\(reason): \(String(cString: strerror(code)))")
    }

    public static func == (lhs: AssayCoreError, rhs: AssayCoreError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    public var description: String {
        if let location { return "AssayCoreError.\(code): \(reason) (\(location))" }
        return "AssayCoreError.\(code): \(reason)"
    }
}
