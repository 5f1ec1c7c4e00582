public import AssayCore
internal import CFFmpeg

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Decodes the best video stream of a media file into AssayCore ``Frame``s (planar YUV 4:2:0, 8-bit).
///
/// Opens anything the whitelisted libavformat demuxers read (MP4, MOV, fragmented MP4, Matroska, WebM,
/// AVI, MPEG-TS, ...). Frames in other pixel formats (10-bit, 4:2:2, 4:4:4, gray, RGB) are converted with
/// libswscale; odd sizes keep their size and the chroma planes round up. ``Frame/time`` is the frame's
/// `best_effort_timestamp` in the stream time base; ``Frame/index`` counts the frames the decoder output
/// since the reader was opened (in time-range mode: since the seek; in keyframe mode: keyframes).
///
/// A reader is a non-`Sendable` class: create it and call ``nextFrame()`` from one task (or thread) at a
/// time. The frames it returns are `Sendable` values that can be handed to other tasks. Memory stays
/// bounded: only the decoder's reference pictures and the current frame are held.
public final class VideoReader {
    /// The file being read.
    public let path: String
    /// What the file contains.
    public let info: MediaInfo
    /// The video stream being decoded.
    public let stream: StreamInfo
    /// The options the reader was opened with.
    public let options: Options

    private let input: InputContext
    private let decoder: CodecContext
    private let packet: Packet
    private let decoded: FFFrame
    private var converted: FFFrame?
    private var scaler: ScaleContext?
    private let streamIndex: Int32
    private let timeBase: AVRational
    private var sentFlush = false
    private var finished = false
    private var packetPending = false
    private var outputCount = 0
    private var consecutiveDecodeErrors = 0
    private static let maxConsecutiveDecodeErrors = 32
    private let keyframesOnly: Bool

    /// Opens `path` and prepares to decode its best video stream.
    /// - Throws: ``MediaError`` with ``MediaError/Code/openFailed``, ``MediaError/Code/noVideoStream``,
    ///   ``MediaError/Code/unsupportedFormat`` (no decoder), ``MediaError/Code/invalidArgument`` (bad
    ///   options) or ``MediaError/Code/timedOut``.
    public init(path: String, options: Options = Options()) throws(MediaError) {
        let location = InputLocation(path: path)
        guard (0...64).contains(options.threads) else {
            throw MediaError.invalidArgument(
                "decoder threads must be 0...64, got \(options.threads)",
                location: location
            )
        }
        if case .everyNthFrame(let n) = options.mode, n < 1 {
            throw MediaError.invalidArgument("every-Nth-frame mode needs N >= 1, got \(n)", location: location)
        }
        if case .timeRange(let start, let end) = options.mode, let end, end <= start {
            throw MediaError.invalidArgument("time range end \(end) is not after start \(start)", location: location)
        }
        self.path = path
        self.options = options
        var limits = InputContext.Limits()
        limits.timeoutSeconds = options.timeoutSeconds
        let input = try InputContext(path: path, limits: limits)
        self.input = input
        let info = MediaInfo(input: input)
        self.info = info

        let best = input.bestVideoStream()
        let codec = best >= 0 ? avcodec_find_decoder(input.stream(Int(best)).pointee.codecpar.pointee.codec_id) : nil
        if best == FFmpegConstants.decoderNotFound || (best >= 0 && codec == nil) {
            throw MediaError.unsupportedFormat("no decoder for the video stream", location: location, ffmpegCode: best)
        }
        guard best >= 0, let codec, let streamInfo = info.streams.first(where: { $0.index == Int(best) }) else {
            throw MediaError.noVideoStream("no video stream in \(info.streams.count) stream(s)", location: location)
        }
        streamIndex = best
        stream = streamInfo
        let st = input.stream(Int(best))
        timeBase = st.pointee.time_base

        // Only the chosen stream is demuxed; in keyframe mode only its key packets.
        for i in 0..<input.streamCount {
            input.stream(i).pointee.discard = i == Int(best) ? AVDISCARD_DEFAULT : AVDISCARD_ALL
        }
        // Keyframe mode does not use `discard = AVDISCARD_NONKEY` on the stream: FFmpeg 5.1's mov demuxer then
        // reports wrong pts for fragmented MP4 (one frame early). Non-key packets are read but dropped before
        // the decoder instead (see `feedDecoder`), and the decoder skips any non-key frame it still sees.
        keyframesOnly = options.mode == .keyframesOnly

        decoder = try CodecContext(codec: codec)
        let dec = decoder.raw
        try check(
            avcodec_parameters_to_context(dec, st.pointee.codecpar),
            .unsupportedFormat,
            "avcodec_parameters_to_context",
            location: location
        )
        dec.pointee.pkt_timebase = timeBase
        dec.pointee.thread_count = Int32(options.threads)
        dec.pointee.thread_type = FF_THREAD_FRAME | FF_THREAD_SLICE
        if case .keyframesOnly = options.mode { dec.pointee.skip_frame = AVDISCARD_NONKEY }
        try check(
            avcodec_open2(dec, codec, nil),
            .unsupportedFormat,
            "avcodec_open2(\(String(cString: codec.pointee.name)))",
            location: location
        )
        packet = try Packet()
        decoded = try FFFrame()

        if case .timeRange(let start, _) = options.mode, start > .zero {
            let target = ticks(start, timeBase)
            input.armDeadline()
            // A failed seek is not fatal: decoding from the start and dropping frames gives the same frames.
            if av_seek_frame(input.raw, best, target, AVSEEK_FLAG_BACKWARD) >= 0 {
                avcodec_flush_buffers(dec)
            }
        }
    }

    /// The stream's colour description, for an encoder that re-encodes it.
    var colorProperties: ColorProperties {
        let dec = decoder.raw.pointee
        return ColorProperties(
            range: dec.color_range,
            space: dec.colorspace,
            primaries: dec.color_primaries,
            transfer: dec.color_trc
        )
    }

    /// The number of frames the decoder has output so far (including frames the mode skipped).
    public var decodedFrameCount: Int { outputCount }

    /// When `true`, the decoder skips frames that no other frame references: with x264's default B-frame
    /// pyramid about half of them, at no cost to the rest. For callers that sample frames by time (the
    /// watermark detector wants 15 per second). It may be switched between calls to ``nextFrame()``;
    /// with frame threading and B-frame reordering the change reaches the output a few frames later,
    /// so switch it off ahead of a run of frames that must be consecutive. Frame indices then count the
    /// frames returned, not the frames in the stream.
    public var skipsNonReferenceFrames = false {
        didSet {
            decoder.raw.pointee.skip_frame =
                skipsNonReferenceFrames ? AVDISCARD_NONREF : keyframesOnly ? AVDISCARD_NONKEY : AVDISCARD_DEFAULT
        }
    }

    /// Decodes and returns the next selected frame, or `nil` at the end of the stream (or of the time range).
    /// - Throws: ``MediaError`` with ``MediaError/Code/decodeFailed`` (naming the byte offset reached) or
    ///   ``MediaError/Code/timedOut``. After an error the reader is finished.
    public func nextFrame() throws(MediaError) -> Frame? {
        do {
            return try decodeNext()
        } catch {
            finished = true
            throw error
        }
    }

    /// Calls `body` for every remaining selected frame.
    public func forEachFrame(_ body: (Frame) throws -> Void) throws {
        while let frame = try nextFrame() { try body(frame) }
    }

    private func decodeNext() throws(MediaError) -> Frame? {
        let dec = decoder.raw
        while !finished {
            let received = avcodec_receive_frame(dec, decoded.raw)
            if received >= 0 {
                defer { decoded.unref() }
                let index = outputCount
                outputCount += 1
                consecutiveDecodeErrors = 0
                if let frame = try select(index: index) { return frame }
                continue
            }
            if received == FFmpegConstants.eof {
                finished = true
                return nil
            }
            guard received == FFmpegConstants.eagain else {
                // With frame threading a damaged packet's error surfaces here: skip it like a send error.
                try noteDecodeError(received, "avcodec_receive_frame", offset: input.bytePosition)
                continue
            }
            if sentFlush {  // EAGAIN after the flush packet should not happen; treat as the end.
                finished = true
                return nil
            }
            try feedDecoder()
        }
        return nil
    }

    /// Sends the next packet of the video stream (or the flush packet at the end of the file) to the decoder.
    private func feedDecoder() throws(MediaError) {
        let dec = decoder.raw
        if !packetPending {
            while true {
                input.armDeadline()
                let read = av_read_frame(input.raw, packet.raw)
                if read == FFmpegConstants.eof {
                    sentFlush = true
                    _ = avcodec_send_packet(dec, nil)
                    return
                }
                if read < 0 {
                    throw mediaError(read, .decodeFailed, "av_read_frame", location: input.location)
                }
                let p = packet.raw.pointee
                if p.stream_index == streamIndex && (!keyframesOnly || p.flags & AV_PKT_FLAG_KEY != 0) { break }
                packet.unref()
            }
        }
        let sent = avcodec_send_packet(dec, packet.raw)
        if sent == FFmpegConstants.eagain {
            packetPending = true  // the decoder wants its output read first; resend this packet next time
            return
        }
        let position = packet.raw.pointee.pos
        packetPending = false
        packet.unref()
        if sent < 0 {
            try noteDecodeError(sent, "avcodec_send_packet", offset: position >= 0 ? position : input.bytePosition)
        }
    }

    /// A damaged packet or frame: skip it like the ffmpeg CLI does, but give up after a run of them.
    private func noteDecodeError(_ code: Int32, _ call: String, offset: Int64?) throws(MediaError) {
        consecutiveDecodeErrors += 1
        if consecutiveDecodeErrors >= VideoReader.maxConsecutiveDecodeErrors || code == FFmpegConstants.exit
            || code == FFmpegConstants.averror(ENOMEM)
        {
            throw mediaError(
                code,
                .decodeFailed,
                "\(call) (\(consecutiveDecodeErrors) errors in a row)",
                location: InputLocation(path: path, offset: offset)
            )
        }
    }

    /// Applies the mode to the decoder's current frame and converts it if it is selected.
    private func select(index: Int) throws(MediaError) -> Frame? {
        let raw = decoded.raw
        let ts = raw.pointee.best_effort_timestamp
        let time = mediaTime(ts, timeBase)
        switch options.mode {
        case .everyFrame, .keyframesOnly:
            break
        case .everyNthFrame(let n):
            if index % n != 0 { return nil }
        case .timeRange(let start, let end):
            guard let time else { return nil }
            if time < start { return nil }
            if let end, time >= end {
                finished = true
                return nil
            }
        }
        var frame = try convert(raw)
        frame.time = time ?? .zero
        frame.index = index
        frame.isIntra = raw.pointee.pict_type == AV_PICTURE_TYPE_I || raw.pointee.key_frame != 0
        let duration = raw.pointee.pkt_duration
        frame.duration = duration > 0 ? mediaTime(duration, timeBase) : nil
        return frame
    }

    /// Copies (converting if needed) a decoded frame into a ``Frame``.
    private func convert(_ raw: UnsafeMutablePointer<AVFrame>) throws(MediaError) -> Frame {
        let width = raw.pointee.width
        let height = raw.pointee.height
        guard width > 0, height > 0 else {
            throw MediaError.decodeFailed("decoder produced a \(width)x\(height) frame", location: input.location)
        }
        let format = AVPixelFormat(rawValue: raw.pointee.format)
        var source = raw
        if format != AV_PIX_FMT_YUV420P && format != AV_PIX_FMT_YUVJ420P {
            if scaler == nil || !(scaler!.matches(width: width, height: height, format: format)) {
                scaler = try ScaleContext(
                    sourceWidth: width,
                    sourceHeight: height,
                    sourceFormat: format,
                    width: width,
                    height: height,
                    format: AV_PIX_FMT_YUV420P
                )
                converted = try FFFrame(format: AV_PIX_FMT_YUV420P, width: width, height: height)
            }
            guard let scaler, let converted else { fatalError("scaler set above") }
            let scaled = withSourcePointers(raw) { srcData, srcLines in
                withDataPointers(converted.raw) { dstData, dstLines in
                    sws_scale(scaler.raw, srcData, srcLines, 0, height, dstData, dstLines)
                }
            }
            guard scaled == height else {
                throw MediaError.unsupportedFormat(
                    "swscale converted \(scaled) of \(height) rows",
                    location: input.location
                )
            }
            source = converted.raw
        }
        return try copyFrame(source, width: Int(width), height: Int(height), location: input.location)
    }
}

/// Calls `body` with an `AVFrame`'s plane pointers and line sizes as C arrays (`sws_scale` destination).
func withDataPointers<R>(
    _ frame: UnsafeMutablePointer<AVFrame>,
    _ body: (UnsafePointer<UnsafeMutablePointer<UInt8>?>, UnsafePointer<Int32>) -> R
) -> R {
    let data: [UnsafeMutablePointer<UInt8>?] = [
        frame.pointee.data.0, frame.pointee.data.1, frame.pointee.data.2, frame.pointee.data.3,
    ]
    let lines: [Int32] = [
        frame.pointee.linesize.0, frame.pointee.linesize.1, frame.pointee.linesize.2,
        frame.pointee.linesize.3,
    ]
    return data.withUnsafeBufferPointer { d in
        lines.withUnsafeBufferPointer { l in body(d.baseAddress!, l.baseAddress!) }
    }
}

/// Calls `body` with an `AVFrame`'s plane pointers and line sizes as C arrays (`sws_scale` source).
func withSourcePointers<R>(
    _ frame: UnsafeMutablePointer<AVFrame>,
    _ body: (UnsafePointer<UnsafePointer<UInt8>?>, UnsafePointer<Int32>) -> R
) -> R {
    let data: [UnsafePointer<UInt8>?] = [
        UnsafePointer(frame.pointee.data.0), UnsafePointer(frame.pointee.data.1),
        UnsafePointer(frame.pointee.data.2), UnsafePointer(frame.pointee.data.3),
    ]
    let lines: [Int32] = [
        frame.pointee.linesize.0, frame.pointee.linesize.1, frame.pointee.linesize.2,
        frame.pointee.linesize.3,
    ]
    return data.withUnsafeBufferPointer { d in
        lines.withUnsafeBufferPointer { l in body(d.baseAddress!, l.baseAddress!) }
    }
}

/// Copies the three planes of a YUV 4:2:0 8-bit `AVFrame` into a tightly packed ``Frame``.
func copyFrame(_ raw: UnsafeMutablePointer<AVFrame>, width: Int, height: Int, location: InputLocation?)
    throws(MediaError) -> Frame
{
    let c = Frame.chromaSize(width: width, height: height)
    func plane(_ data: UnsafeMutablePointer<UInt8>?, _ linesize: Int32, _ w: Int, _ h: Int) throws(MediaError) -> Plane
    {
        guard let data else { throw MediaError.decodeFailed("decoded frame lacks a plane", location: location) }
        let samples = [UInt8](unsafeUninitializedCapacity: w * h) { buffer, count in
            let base = buffer.baseAddress!
            for y in 0..<h { memcpy(base + y * w, data + y * Int(linesize), w) }
            count = w * h
        }
        do {
            return try Plane(width: w, height: h, samples: samples)
        } catch {
            throw MediaError.decodeFailed("frame \(width)x\(height): \(error)", location: location)
        }
    }
    let y = try plane(raw.pointee.data.0, raw.pointee.linesize.0, width, height)
    let u = try plane(raw.pointee.data.1, raw.pointee.linesize.1, c.width, c.height)
    let v = try plane(raw.pointee.data.2, raw.pointee.linesize.2, c.width, c.height)
    do {
        return try Frame(luma: y, cb: u, cr: v)
    } catch {
        throw MediaError.decodeFailed("frame \(width)x\(height): \(error)", location: location)
    }
}
