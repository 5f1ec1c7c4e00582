/// An error raised by ``AssayWatermark``: bad keys, unusable frames, bad options.
///
/// Follows the swift-certificates pattern: one error struct per module with an extensible
/// ``Code``; equality compares the code only.
public struct WatermarkError: Error, Hashable, CustomStringConvertible, Sendable {
    /// The kind of error. New codes may be added without breaking clients.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Backing: Hashable, Sendable {
            case invalidKey
            case insecureKeyFile
            case keyFileIO
            case unsupportedFrame
            case invalidOption
        }
        let backing: Backing
        /// A key file or key value is malformed.
        public static let invalidKey = Code(backing: .invalidKey)
        /// A key file is readable by group or others.
        public static let insecureKeyFile = Code(backing: .insecureKeyFile)
        /// A key file could not be read or written.
        public static let keyFileIO = Code(backing: .keyFileIO)
        /// A frame is too small or otherwise cannot carry or be checked for the mark.
        public static let unsupportedFrame = Code(backing: .unsupportedFrame)
        /// An option is out of range.
        public static let invalidOption = Code(backing: .invalidOption)
        /// The code's name.
        public var description: String { String(describing: backing) }
    }

    /// The kind of error.
    public let code: Code
    /// A human-readable reason (never contains key material).
    public let reason: String

    init(code: Code, reason: String) {
        self.code = code
        self.reason = reason
    }

    /// A key file or key value is malformed.
    @inline(never)
    public static func invalidKey(_ reason: String) -> WatermarkError { WatermarkError(code: .invalidKey, reason: reason) }
    /// A key file has permissions that let others read it.
    @inline(never)
    public static func insecureKeyFile(_ reason: String) -> WatermarkError {
        WatermarkError(code: .insecureKeyFile, reason: reason)
    }
    /// A key file could not be read or written.
    @inline(never)
    public static func keyFileIO(_ reason: String) -> WatermarkError { WatermarkError(code: .keyFileIO, reason: reason) }
    /// A frame cannot carry or be checked for the mark.
    @inline(never)
    public static func unsupportedFrame(_ reason: String) -> WatermarkError {
        WatermarkError(code: .unsupportedFrame, reason: reason)
    }
    /// An option is out of range.
    @inline(never)
    public static func invalidOption(_ reason: String) -> WatermarkError {
        WatermarkError(code: .invalidOption, reason: reason)
    }

    public static func == (lhs: WatermarkError, rhs: WatermarkError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
    /// `WatermarkError.<code>: <reason>`.
    public var description: String { "WatermarkError.\(code): \(reason)" }
}
