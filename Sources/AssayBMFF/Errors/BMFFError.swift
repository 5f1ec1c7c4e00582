public import AssayCore

/// An error raised by ``AssayBMFF``: malformed or hostile ISO BMFF input, unsupported layouts,
/// and I/O failures while reading or writing.
///
/// Follows the swift-certificates pattern: one error struct per module with an extensible
/// ``Code``; equality compares the code only. Every error carries an `InputLocation` naming the
/// file (when known) and the byte offset where the problem was found.
public struct BMFFError: Error, Hashable, CustomStringConvertible, Sendable {
    /// The kind of error. New codes may be added without breaking clients.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Backing: Hashable, Sendable {
            case truncated
            case invalidBoxSize
            case boxExceedsParent
            case nestingTooDeep
            case tooManyBoxes
            case invalidTable
            case offsetOutOfRange
            case offsetOverflow
            case invalidEdit
            case invalidMetadata
            case duplicateManifest
            case invalidManifestBox
            case tooLarge
            case ioFailure
        }
        let backing: Backing
        /// The input ended before a box header, box or table that it declares.
        public static let truncated = Code(backing: .truncated)
        /// A box size is smaller than its header, or not representable.
        public static let invalidBoxSize = Code(backing: .invalidBoxSize)
        /// A box claims more bytes than its parent (or the file) has left.
        public static let boxExceedsParent = Code(backing: .boxExceedsParent)
        /// Boxes are nested deeper than the depth limit (32 by default, as c2pa-rs).
        public static let nestingTooDeep = Code(backing: .nestingTooDeep)
        /// The file holds more boxes than the parser's cap.
        public static let tooManyBoxes = Code(backing: .tooManyBoxes)
        /// A sample table (stco, co64, tfhd, tfra, iloc, saio, keys, ilst…) is malformed: bad version,
        /// entry count too large for its box, or fields that do not fit.
        public static let invalidTable = Code(backing: .invalidTable)
        /// An absolute offset points outside the file or into data an edit removes.
        public static let offsetOutOfRange = Code(backing: .offsetOutOfRange)
        /// A patched offset no longer fits its field (for example a 32-bit `stco` entry past 4 GiB).
        public static let offsetOverflow = Code(backing: .offsetOverflow)
        /// An edit is inconsistent with the file (unknown target box, two edits on one box, bad bytes).
        public static let invalidEdit = Code(backing: .invalidEdit)
        /// MP4 metadata (`udta`/`meta`/`keys`/`ilst`) is malformed or cannot be written.
        public static let invalidMetadata = Code(backing: .invalidMetadata)
        /// More than one top-level C2PA `manifest` box was found.
        public static let duplicateManifest = Code(backing: .duplicateManifest)
        /// A C2PA `uuid` box is malformed (missing purpose string or offset field).
        public static let invalidManifestBox = Code(backing: .invalidManifestBox)
        /// A region the caller asked to load into memory is larger than the allowed cap.
        public static let tooLarge = Code(backing: .tooLarge)
        /// A file system call failed.
        public static let ioFailure = Code(backing: .ioFailure)
        public var description: String { String(describing: backing) }
    }

    /// The kind of error.
    public let code: Code
    /// A human-readable reason.
    public let reason: String
    /// The file (when known) and the byte offset of the problem.
    public let location: InputLocation

    init(code: Code, reason: String, location: InputLocation) {
        self.code = code
        self.reason = reason
        self.location = location
    }

    /// The input ended before something it declares.
    @inline(never)
    public static func truncated(_ reason: String, at location: InputLocation) -> BMFFError {
        BMFFError(code: .truncated, reason: reason, location: location)
    }
    /// A box size field is invalid.
    @inline(never)
    public static func invalidBoxSize(_ reason: String, at location: InputLocation) -> BMFFError {
        BMFFError(code: .invalidBoxSize, reason: reason, location: location)
    }
    /// A box does not fit inside its parent or the file.
    @inline(never)
    public static func boxExceedsParent(_ reason: String, at location: InputLocation) -> BMFFError {
        BMFFError(code: .boxExceedsParent, reason: reason, location: location)
    }
    /// Nesting is deeper than the limit.
    @inline(never)
    public static func nestingTooDeep(_ reason: String, at location: InputLocation) -> BMFFError {
        BMFFError(code: .nestingTooDeep, reason: reason, location: location)
    }
    /// The box count cap was reached.
    @inline(never)
    public static func tooManyBoxes(_ reason: String, at location: InputLocation) -> BMFFError {
        BMFFError(code: .tooManyBoxes, reason: reason, location: location)
    }
    /// A table is malformed.
    @inline(never)
    public static func invalidTable(_ reason: String, at location: InputLocation) -> BMFFError {
        BMFFError(code: .invalidTable, reason: reason, location: location)
    }
    /// An offset points outside the data it may reference.
    @inline(never)
    public static func offsetOutOfRange(_ reason: String, at location: InputLocation) -> BMFFError {
        BMFFError(code: .offsetOutOfRange, reason: reason, location: location)
    }
    /// A patched offset does not fit its field.
    @inline(never)
    public static func offsetOverflow(_ reason: String, at location: InputLocation) -> BMFFError {
        BMFFError(code: .offsetOverflow, reason: reason, location: location)
    }
    /// An edit cannot be applied.
    @inline(never)
    public static func invalidEdit(_ reason: String, at location: InputLocation) -> BMFFError {
        BMFFError(code: .invalidEdit, reason: reason, location: location)
    }
    /// Metadata is malformed.
    @inline(never)
    public static func invalidMetadata(_ reason: String, at location: InputLocation) -> BMFFError {
        BMFFError(code: .invalidMetadata, reason: reason, location: location)
    }
    /// Two C2PA manifest boxes.
    @inline(never)
    public static func duplicateManifest(_ reason: String, at location: InputLocation) -> BMFFError {
        BMFFError(code: .duplicateManifest, reason: reason, location: location)
    }
    /// A C2PA box is malformed.
    @inline(never)
    public static func invalidManifestBox(_ reason: String, at location: InputLocation) -> BMFFError {
        BMFFError(code: .invalidManifestBox, reason: reason, location: location)
    }
    /// A region is larger than the cap for in-memory processing.
    @inline(never)
    public static func tooLarge(_ reason: String, at location: InputLocation) -> BMFFError {
        BMFFError(code: .tooLarge, reason: reason, location: location)
    }
    /// A system call failed; `errno` is rendered with `strerror`.
    @inline(never)
    public static func ioFailure(_ reason: String, errno code: Int32, at location: InputLocation) -> BMFFError {
        BMFFError(code: .ioFailure, reason: "\(reason): \(systemErrorText(code))", location: location)
    }

    /// An I/O failure reported by a lower layer (the reason already names the cause).
    @inline(never)
    public static func ioFailure(_ reason: String, at location: InputLocation) -> BMFFError {
        BMFFError(code: .ioFailure, reason: reason, location: location)
    }

    public static func == (lhs: BMFFError, rhs: BMFFError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    public var description: String { "BMFFError.\(code): \(reason) (\(location))" }
}
