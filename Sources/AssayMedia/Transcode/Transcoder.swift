public import AssayCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Decodes a video, lets a closure change each frame, and encodes the result with its audio copied:
/// the backbone of `assay label` (decode → watermark → encode).
///
/// Frames stream through one at a time (reader → closure → writer), so memory stays bounded whatever the
/// clip's length. The output is written atomically: on any error, including one thrown by the closure, no
/// output file appears. The input is only read. The display rotation, pixel aspect ratio and colour
/// description of the input's video stream carry over to the output.
public enum Transcoder {
    /// How to transcode.
    public struct Options: Sendable, Hashable {
        /// Reader settings; the mode selects the frames that are re-encoded. In
        /// ``VideoReader/Mode/timeRange(start:end:)`` mode output times start at zero (frames and audio are
        /// shifted back by `start`).
        public var reader: VideoReader.Options
        /// Encoder and muxer settings. Its `audio` is ignored (see ``copyAudio``).
        public var writer: VideoWriter.Options
        /// Output frame rate; `nil` uses the input stream's (divided by N in every-Nth mode).
        public var frameRate: Rational?
        /// Copy the input's first audio stream untouched, if it has one. Default `true`.
        public var copyAudio: Bool

        /// Creates options.
        public init(
            reader: VideoReader.Options = VideoReader.Options(),
            writer: VideoWriter.Options = VideoWriter.Options(),
            frameRate: Rational? = nil,
            copyAudio: Bool = true
        ) {
            self.reader = reader
            self.writer = writer
            self.frameRate = frameRate
            self.copyAudio = copyAudio
        }
    }

    /// What a transcode did.
    public struct Summary: Sendable, Hashable {
        /// Frames decoded and passed to the closure.
        public var framesProcessed: Int
        /// Video packets written.
        public var videoPackets: Int
        /// Audio packets copied.
        public var audioPackets: Int
        /// What the input contained.
        public var input: MediaInfo
    }

    /// Transcodes `input` into `output`, calling `process` on every frame before it is encoded.
    /// - Parameters:
    ///   - input: The source file (never modified).
    ///   - output: The destination (must differ from `input`; its folder must exist).
    ///   - options: Reader, writer and audio settings.
    ///   - process: Called with each frame in order; it may change pixels and must keep the frame's size.
    /// - Throws: ``MediaError``, or whatever `process` throws; in every case no output file is produced.
    @discardableResult
    public static func transcode(
        input: String,
        output: String,
        options: Options = Options(),
        process: ((inout Frame) throws -> Void)? = nil
    ) throws -> Summary {
        if samePath(input, output) {
            throw MediaError.invalidArgument("output would overwrite the input", location: InputLocation(path: output))
        }
        let reader = try VideoReader(path: input, options: options.reader)
        var writerOptions = options.writer
        var shift = MediaTime.zero
        var audioEnd: MediaTime?
        if case .timeRange(let start, let end) = options.reader.mode {
            shift = start
            audioEnd = end
        }
        writerOptions.audio = nil
        if options.copyAudio, reader.info.firstAudioStream != nil {
            writerOptions.audio = VideoWriter.AudioCopy(path: input, start: shift == .zero ? nil : shift, end: audioEnd)
        }
        if let rate = options.frameRate {
            writerOptions.frameRate = rate
        } else if let rate = reader.stream.frameRate, rate.isValid {
            var r = rate
            if case .everyNthFrame(let n) = options.reader.mode, n > 1 {
                r = Rational(rate.numerator, Int32(clamping: Int64(rate.denominator) * Int64(n)))
            }
            writerOptions.frameRate = r
        }
        // Keep what a player needs to show the picture as the input did.
        if options.writer.rotation == nil { writerOptions.rotation = reader.stream.rotation }
        if options.writer.sampleAspectRatio == Rational(1, 1), let sar = reader.stream.sampleAspectRatio, sar.isValid {
            writerOptions.sampleAspectRatio = sar
        }
        let tb = reader.stream.timeBase
        if tb.numerator == 1, tb.denominator >= 1000, options.writer.timescale == VideoWriter.Options().timescale {
            writerOptions.timescale = tb.denominator
        }

        guard let first = try reader.nextFrame() else {
            throw MediaError.decodeFailed(
                "the video stream has no decodable frame",
                location: InputLocation(path: input)
            )
        }
        let writer = try VideoWriter(
            path: output,
            width: first.width,
            height: first.height,
            options: writerOptions,
            color: reader.colorProperties
        )
        var processed = 0
        do {
            var next: Frame? = first
            while var frame = next {
                frame.time = frame.time - shift
                try process?(&frame)
                try writer.write(frame)
                processed += 1
                next = try reader.nextFrame()
            }
            try writer.finish()
        } catch {
            writer.cancel()
            throw error
        }
        return Summary(
            framesProcessed: processed,
            videoPackets: writer.packetsWritten,
            audioPackets: writer.audioPacketsWritten,
            input: reader.info
        )
    }

    /// Whether two paths name the same file (by device and inode when both exist).
    private static func samePath(_ a: String, _ b: String) -> Bool {
        var sa = stat()
        var sb = stat()
        guard stat(a, &sa) == 0, stat(b, &sb) == 0 else { return false }
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino
    }
}

extension MediaTime {
    /// `lhs - rhs`, exact when the timescales match, else at microsecond precision.
    fileprivate static func - (lhs: MediaTime, rhs: MediaTime) -> MediaTime {
        if rhs.value == 0 { return lhs }
        if lhs.timescale == rhs.timescale { return MediaTime(value: lhs.value - rhs.value, timescale: lhs.timescale) }
        return MediaTime(seconds: lhs.seconds - rhs.seconds)
    }
}
