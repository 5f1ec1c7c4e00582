public import AssayCore

/// An error raised by ``AssayMedia``: a file that cannot be opened, probed, decoded, encoded or written.
///
/// Follows the swift-certificates pattern: one error struct per module with an extensible ``Code``;
/// equality compares the code only. Every error names the file (``location``) and, where FFmpeg knows
/// it, the byte offset at which reading stopped.
public struct MediaError: Error, Hashable, CustomStringConvertible, Sendable {
    /// The kind of error. New codes may be added without breaking clients.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Backing: Hashable, Sendable {
            case openFailed
            case noVideoStream
            case unsupportedFormat
            case decodeFailed
            case encodeFailed
            case muxFailed
            case invalidArgument
            case timedOut
            case ioFailure
        }
        let backing: Backing
        /// The file could not be opened or is not media libavformat understands (zero-length, random
        /// bytes, text, truncated beyond repair).
        public static let openFailed = Code(backing: .openFailed)
        /// The file is media but has no video stream (for example an audio-only `.m4a`).
        public static let noVideoStream = Code(backing: .noVideoStream)
        /// The stream uses a codec, pixel format or container this build cannot handle.
        public static let unsupportedFormat = Code(backing: .unsupportedFormat)
        /// Demuxing or decoding failed part-way through the file.
        public static let decodeFailed = Code(backing: .decodeFailed)
        /// The encoder rejected its settings or a frame.
        public static let encodeFailed = Code(backing: .encodeFailed)
        /// The muxer could not write the container.
        public static let muxFailed = Code(backing: .muxFailed)
        /// A caller-supplied value is out of range (frame size, option, time range).
        public static let invalidArgument = Code(backing: .invalidArgument)
        /// Opening or reading took longer than the configured deadline.
        public static let timedOut = Code(backing: .timedOut)
        /// A file system operation failed (missing output folder, unwritable destination).
        public static let ioFailure = Code(backing: .ioFailure)

        public var description: String { String(describing: backing) }
    }

    /// The kind of error.
    public let code: Code
    /// A human-readable reason, including FFmpeg's message when there is one.
    public let reason: String
    /// The file (and byte offset, when known) the error is about.
    public let location: InputLocation?
    /// The raw FFmpeg return code (a negative `AVERROR`), when the error came from FFmpeg.
    public let ffmpegCode: Int32?

    init(code: Code, reason: String, location: InputLocation?, ffmpegCode: Int32? = nil) {
        self.code = code
        self.reason = reason
        self.location = location
        self.ffmpegCode = ffmpegCode
    }

    /// The file could not be opened as media.
    @inline(never)
    public static func openFailed(_ reason: String, location: InputLocation?, ffmpegCode: Int32? = nil) -> MediaError {
        MediaError(code: .openFailed, reason: reason, location: location, ffmpegCode: ffmpegCode)
    }
    /// The file has no video stream.
    @inline(never)
    public static func noVideoStream(_ reason: String, location: InputLocation?) -> MediaError {
        MediaError(code: .noVideoStream, reason: reason, location: location)
    }
    /// A codec, pixel format or container is not supported.
    @inline(never)
    public static func unsupportedFormat(_ reason: String, location: InputLocation?, ffmpegCode: Int32? = nil)
        -> MediaError
    {
        MediaError(code: .unsupportedFormat, reason: reason, location: location, ffmpegCode: ffmpegCode)
    }
    /// Demuxing or decoding failed.
    @inline(never)
    public static func decodeFailed(_ reason: String, location: InputLocation?, ffmpegCode: Int32? = nil) -> MediaError
    {
        MediaError(code: .decodeFailed, reason: reason, location: location, ffmpegCode: ffmpegCode)
    }
    /// Encoding failed.
    @inline(never)
    public static func encodeFailed(_ reason: String, location: InputLocation?, ffmpegCode: Int32? = nil) -> MediaError
    {
        MediaError(code: .encodeFailed, reason: reason, location: location, ffmpegCode: ffmpegCode)
    }
    /// Muxing failed.
    @inline(never)
    public static func muxFailed(_ reason: String, location: InputLocation?, ffmpegCode: Int32? = nil) -> MediaError {
        MediaError(code: .muxFailed, reason: reason, location: location, ffmpegCode: ffmpegCode)
    }
    /// A caller-supplied value was invalid.
    @inline(never)
    public static func invalidArgument(_ reason: String, location: InputLocation? = nil) -> MediaError {
        MediaError(code: .invalidArgument, reason: reason, location: location)
    }
    /// A deadline passed while opening or reading.
    @inline(never)
    public static func timedOut(_ reason: String, location: InputLocation?) -> MediaError {
        MediaError(code: .timedOut, reason: reason, location: location)
    }
    /// A file system operation failed.
    @inline(never)
    public static func ioFailure(_ reason: String, location: InputLocation?) -> MediaError {
        MediaError(code: .ioFailure, reason: reason, location: location)
    }

    public static func == (lhs: MediaError, rhs: MediaError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    public var description: String {
        if let location { return "MediaError.\(code): \(reason) (\(location))" }
        return "MediaError.\(code): \(reason)"
    }
}
