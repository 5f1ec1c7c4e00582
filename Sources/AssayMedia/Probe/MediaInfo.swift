public import AssayCore

/// What a media file contains, as found by probing it with libavformat: the container and its streams.
///
/// `Codable`, so `assay info --json` can print it. Times are ``MediaTime`` values in the stream's own
/// time base; missing facts are `nil` rather than guessed.
public struct MediaInfo: Sendable, Hashable, Codable {
    /// The file that was probed.
    public var path: String
    /// The demuxer's short name (`mov,mp4,m4a,3gp,3g2,mj2`, `matroska,webm`, `avi`, ...).
    public var formatName: String
    /// The demuxer's descriptive name (`QuickTime / MOV`).
    public var formatLongName: String?
    /// Duration of the file, if the container states one.
    public var duration: MediaTime?
    /// Start time of the file, if known.
    public var startTime: MediaTime?
    /// Overall bit rate in bits per second, if known.
    public var bitRate: Int64?
    /// All streams, in container order.
    public var streams: [StreamInfo]
    /// The index of the stream a ``VideoReader`` would decode (`av_find_best_stream`), if there is one.
    public var bestVideoStreamIndex: Int?
    /// Container-level metadata tags (`major_brand`, `encoder`, ...), bounded to 64 entries.
    public var metadata: [String: String]

    /// The stream a ``VideoReader`` would decode, if there is one.
    public var bestVideoStream: StreamInfo? {
        guard let i = bestVideoStreamIndex else { return nil }
        return streams.first { $0.index == i }
    }

    /// The first audio stream, if there is one.
    public var firstAudioStream: StreamInfo? { streams.first { $0.kind == .audio } }
}

/// One stream of a media file.
public struct StreamInfo: Sendable, Hashable, Codable {
    /// What a stream carries.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// Video.
        case video
        /// Audio.
        case audio
        /// Subtitles.
        case subtitle
        /// Timed data (timecode, metadata tracks).
        case data
        /// Attached files (fonts, cover art in some containers).
        case attachment
        /// Anything else.
        case unknown
    }

    /// The stream's index in the container.
    public var index: Int
    /// What the stream carries.
    public var kind: Kind
    /// The codec's short name (`h264`, `aac`, `vp9`), or `nil` if libavcodec does not know it.
    public var codecName: String?
    /// The codec profile's name (`High`, `LC`), if known.
    public var profile: String?
    /// The stream's time base (seconds per tick).
    public var timeBase: Rational
    /// Duration of the stream, if the container states one.
    public var duration: MediaTime?
    /// Start time of the stream, if known.
    public var startTime: MediaTime?
    /// Number of frames (video) or packets (audio) the container states, if it states one.
    public var frameCount: Int64?
    /// Bit rate in bits per second, if known.
    public var bitRate: Int64?

    /// Video: coded width in pixels.
    public var width: Int?
    /// Video: coded height in pixels.
    public var height: Int?
    /// Video: the decoder's pixel format name (`yuv420p`, `yuv420p10le`, `yuv444p`).
    public var pixelFormat: String?
    /// Video: the frame rate libavformat guesses (`av_guess_frame_rate`).
    public var frameRate: Rational?
    /// Video: the average frame rate the container states.
    public var averageFrameRate: Rational?
    /// Video: the rotation in degrees (-180 ... 180) of the display-matrix side data, exactly as
    /// `av_display_rotation_get` and ffprobe's `rotation` report it (FFmpeg documents it as counter-clockwise;
    /// a stream copy with the legacy `-metadata:s:v rotate=90` tag reads back as 90). `nil` without a matrix.
    public var rotation: Double?
    /// Video: the pixel (sample) aspect ratio, if the container or codec states one.
    public var sampleAspectRatio: Rational?

    /// Audio: sample rate in Hz.
    public var sampleRate: Int?
    /// Audio: number of channels.
    public var channels: Int?
    /// Audio: the sample format name (`fltp`, `s16`).
    public var sampleFormat: String?

    /// Stream metadata tags (`language`, `handler_name`, ...), bounded to 64 entries.
    public var metadata: [String: String]
}
