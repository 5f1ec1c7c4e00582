public import AssayCore

extension VideoReader {
    /// Which decoded frames a ``VideoReader`` returns.
    public enum Mode: Sendable, Hashable {
        /// Every frame, in presentation order.
        case everyFrame
        /// Every `n`th frame the decoder outputs (frames 0, n, 2n, ...). All frames are still decoded
        /// (H.264 needs them as references) but only the selected ones are converted and copied.
        case everyNthFrame(Int)
        /// Keyframes only. The demuxer discards non-key packets and the decoder runs with
        /// `skip_frame = AVDISCARD_NONKEY`, so non-key frames are never decoded.
        case keyframesOnly
        /// Frames with `start <= time < end` (`end == nil`: to the end of the stream), in the stream's own
        /// time line (``Frame/time`` values). The reader seeks to the keyframe at or before `start`, decodes
        /// and drops frames before `start`, and stops at the first frame at or after `end`.
        case timeRange(start: MediaTime, end: MediaTime?)
    }

    /// How a ``VideoReader`` opens and decodes a file.
    public struct Options: Sendable, Hashable {
        /// Which frames to return. Default ``Mode/everyFrame``.
        public var mode: Mode
        /// Decoder threads (frame + slice threading); 1 decodes on the calling thread only, 0 lets libavcodec
        /// pick (cores + 1, which measured slower than 2 on a 2-core machine). Default 2.
        public var threads: Int
        /// Deadline in seconds for opening the file, and separately for each read from it. Default 30.
        /// 0 makes every blocking call fail at once with ``MediaError/Code/timedOut`` (used by tests).
        public var timeoutSeconds: Double

        /// Creates options.
        public init(mode: Mode = .everyFrame, threads: Int = 2, timeoutSeconds: Double = 30) {
            self.mode = mode
            self.threads = threads
            self.timeoutSeconds = timeoutSeconds
        }
    }
}
