public import AssayCore

extension VideoWriter {
    /// The container a ``VideoWriter`` muxes into.
    public enum Container: String, Sendable, Hashable, Codable {
        /// MPEG-4 Part 14 (`.mp4`, `.m4v`).
        case mp4
        /// QuickTime (`.mov`).
        case mov

        /// The container for a file name's extension (`.mov` is MOV; everything else MP4).
        public static func forPath(_ path: String) -> Container {
            path.lowercased().hasSuffix(".mov") ? .mov : .mp4
        }
    }

    /// The audio stream of another file to copy into the output untouched (no re-encode).
    public struct AudioCopy: Sendable, Hashable {
        /// The file whose first audio stream is copied.
        public var path: String
        /// Copy only packets at or after this time (source time line); output times are shifted back by it.
        public var start: MediaTime?
        /// Copy only packets before this time (source time line).
        public var end: MediaTime?

        /// Creates an audio copy from `path`, optionally limited to `start..<end`.
        public init(path: String, start: MediaTime? = nil, end: MediaTime? = nil) {
            self.path = path
            self.start = start
            self.end = end
        }
    }

    /// How a ``VideoWriter`` encodes (libx264 through libavcodec) and muxes.
    public struct Options: Sendable, Hashable {
        /// x264 constant rate factor, 0 (lossless) ... 51. Default 18.
        public var crf: Int
        /// x264 preset (`ultrafast` ... `veryslow`). Default `veryfast`.
        public var preset: String
        /// x264 tune (`film`, `grain`, `zerolatency`, ...), or `nil`.
        public var tune: String?
        /// Encoder threads; 0 lets x264 choose (best on an idle machine), 1 keeps the encoder on one core.
        public var threads: Int
        /// Keyframe interval in frames, or `nil` for x264's default (250).
        public var gopSize: Int?
        /// The nominal frame rate. Frames whose ``Frame/time`` does not increase get times at this rate.
        public var frameRate: Rational
        /// Extra `x264-params` (`key=value:key=value`), or `nil`.
        public var x264Params: String?
        /// The container; `nil` picks it from the destination's extension (``Container/forPath(_:)``).
        public var container: Container?
        /// Move the `moov` box before `mdat` (`movflags=+faststart`). Default `true`.
        public var faststart: Bool
        /// Ticks per second of the encoder's time base. Default 90 000.
        public var timescale: Int32
        /// An audio stream to copy into the output, or `nil` for video only.
        public var audio: AudioCopy?
        /// Display rotation written as the video track's display matrix, in the convention of
        /// ``StreamInfo/rotation`` (what `av_display_rotation_get` and ffprobe report); `nil` or 0 writes none.
        public var rotation: Double?
        /// Pixel (sample) aspect ratio of the encoded video. Default 1:1 (square pixels).
        public var sampleAspectRatio: Rational

        /// Creates options.
        public init(
            crf: Int = 18,
            preset: String = "veryfast",
            tune: String? = nil,
            threads: Int = 0,
            gopSize: Int? = nil,
            frameRate: Rational = Rational(30, 1),
            x264Params: String? = nil,
            container: Container? = nil,
            faststart: Bool = true,
            timescale: Int32 = 90_000,
            audio: AudioCopy? = nil,
            rotation: Double? = nil,
            sampleAspectRatio: Rational = Rational(1, 1)
        ) {
            self.crf = crf
            self.preset = preset
            self.tune = tune
            self.threads = threads
            self.gopSize = gopSize
            self.frameRate = frameRate
            self.x264Params = x264Params
            self.container = container
            self.faststart = faststart
            self.timescale = timescale
            self.audio = audio
            self.rotation = rotation
            self.sampleAspectRatio = sampleAspectRatio
        }
    }
}
