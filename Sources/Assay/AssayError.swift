import AssayCore

/// An error raised by the ``Assay`` job layer (labeling, verifying, scanning, the manifest repository).
///
/// One error struct per module with an extensible ``Code``; equality compares the code only.
public struct AssayError: Error, Hashable, CustomStringConvertible, Sendable {
    /// The kind of error. New codes may be added without breaking clients.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Backing: Hashable, Sendable {
            case repository
            case invalidArgument
            case unsupportedInput
            case io
            case keys
        }
        let backing: Backing
        /// The manifest repository could not be opened, read or written.
        public static let repository = Code(backing: .repository)
        /// An argument or option was invalid.
        public static let invalidArgument = Code(backing: .invalidArgument)
        /// The input is of a kind the job does not handle.
        public static let unsupportedInput = Code(backing: .unsupportedInput)
        /// A file could not be read or written.
        public static let io = Code(backing: .io)
        /// A key or certificate could not be loaded or was refused (e.g. loose permissions).
        public static let keys = Code(backing: .keys)
        public var description: String { String(describing: backing) }
    }

    /// The kind of error.
    public let code: Code
    /// A human-readable reason (never contains key material).
    public let reason: String
    /// Where it happened in the input, if it came from one.
    public let location: InputLocation?

    /// Creates an error.
    public init(_ code: Code, _ reason: String, location: InputLocation? = nil) {
        self.code = code
        self.reason = reason
        self.location = location
    }

    public static func == (lhs: AssayError, rhs: AssayError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    public var description: String {
        if let location { return "\(reason) (\(location))" }
        return reason
    }
}
