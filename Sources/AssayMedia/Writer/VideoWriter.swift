public import AssayCore
internal import CFFmpeg

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Encodes ``Frame``s with libx264 (through libavcodec) into an MP4 or MOV file, optionally copying the
/// audio stream of another file untouched, and writes the file atomically.
///
/// Feed frames one at a time with ``write(_:)`` (a generator can stream frames straight in), then call
/// ``finish()``: it flushes the encoder, writes the remaining audio, the trailer and (by default) moves
/// `moov` before `mdat` (`+faststart`), then renames the temp file over the destination. If ``finish()``
/// is never reached, because of an error, ``cancel()`` or the writer being dropped, no output file
/// appears and an existing file at the destination is untouched.
///
/// Frames must all have the size given at creation. x264 needs an even width and height for 4:2:0, so an
/// odd-sized frame is **padded** by one pixel (the last luma column and/or row is repeated); the output is
/// then one pixel wider and/or taller than the frames (``encodedWidth``, ``encodedHeight``). Padding keeps
/// every source pixel, which the watermark needs.
///
/// A writer is a non-`Sendable` class: use it from one task at a time.
public final class VideoWriter {
    /// The destination file.
    public let path: String
    /// The width of the frames the writer accepts.
    public let width: Int
    /// The height of the frames the writer accepts.
    public let height: Int
    /// The encoded width (``width`` rounded up to even).
    public let encodedWidth: Int
    /// The encoded height (``height`` rounded up to even).
    public let encodedHeight: Int
    /// The options the writer was created with.
    public let options: Options

    private let atomic: AtomicFileWriter
    private let output: OutputContext
    private let encoder: CodecContext
    private let videoStream: UnsafeMutablePointer<AVStream>
    private let encoderFrame: FFFrame
    private let packet: Packet
    private let audioSource: AudioPacketSource?
    private let audioStream: UnsafeMutablePointer<AVStream>?
    private let audioShift: MediaTime
    private let frameTicks: Int64
    private var lastPTS: Int64?
    private var done = false
    private var headerWritten = false
    /// Number of frames accepted by ``write(_:)``.
    public private(set) var framesWritten = 0
    /// Number of video packets the encoder has produced and the muxer accepted.
    public private(set) var packetsWritten = 0
    /// Number of audio packets copied.
    public private(set) var audioPacketsWritten = 0

    /// Creates the writer and the temp file beside `path`, and writes the container header.
    /// - Parameters:
    ///   - path: The destination. Its folder must exist; an existing file is replaced only by ``finish()``.
    ///   - width: Frame width in pixels (1 ... 16384).
    ///   - height: Frame height in pixels (1 ... 16384).
    ///   - options: Encoder and muxer settings.
    /// - Throws: ``MediaError`` with ``MediaError/Code/ioFailure`` (folder missing or not writable),
    ///   ``MediaError/Code/invalidArgument``, ``MediaError/Code/unsupportedFormat`` (no libx264, audio codec
    ///   the container cannot carry), ``MediaError/Code/encodeFailed`` or ``MediaError/Code/muxFailed``.
    public convenience init(path: String, width: Int, height: Int, options: Options = Options()) throws(MediaError) {
        try self.init(path: path, width: width, height: height, options: options, color: nil)
    }

    init(path: String, width: Int, height: Int, options: Options, color: ColorProperties?) throws(MediaError) {
        MediaLog.install()
        let location = InputLocation(path: path)
        guard (1...16384).contains(width), (1...16384).contains(height) else {
            throw MediaError.invalidArgument("frame size \(width)x\(height) out of range", location: location)
        }
        guard (0...51).contains(options.crf) else {
            throw MediaError.invalidArgument("crf must be 0...51, got \(options.crf)", location: location)
        }
        guard (0...64).contains(options.threads) else {
            throw MediaError.invalidArgument(
                "encoder threads must be 0...64, got \(options.threads)",
                location: location
            )
        }
        guard options.frameRate.isValid, options.frameRate.doubleValue <= 1000 else {
            throw MediaError.invalidArgument("frame rate \(options.frameRate) out of range", location: location)
        }
        guard options.timescale > 0 else {
            throw MediaError.invalidArgument("timescale must be positive", location: location)
        }
        guard options.sampleAspectRatio.isValid else {
            throw MediaError.invalidArgument(
                "sample aspect ratio \(options.sampleAspectRatio) is not positive", location: location)
        }
        if let rotation = options.rotation, !rotation.isFinite {
            throw MediaError.invalidArgument("rotation must be finite", location: location)
        }
        if let gop = options.gopSize, !(1...10_000).contains(gop) {
            throw MediaError.invalidArgument("GOP size must be 1...10000, got \(gop)", location: location)
        }
        guard let codec = avcodec_find_encoder_by_name("libx264") else {
            throw MediaError.unsupportedFormat("this FFmpeg has no libx264 encoder", location: location)
        }
        self.path = path
        self.width = width
        self.height = height
        encodedWidth = width + (width & 1)
        encodedHeight = height + (height & 1)
        self.options = options

        do {
            atomic = try AtomicFileWriter(destinationPath: path)
        } catch {
            throw MediaError.ioFailure("cannot create the output: \(error)", location: location)
        }
        let container = options.container ?? Container.forPath(path)
        output = try OutputContext(formatName: container.rawValue, path: atomic.temporaryPath, destination: path)
        let oc = output.raw

        // Encoder.
        encoder = try CodecContext(codec: codec)
        let enc = encoder.raw
        let timeBase = AVRational(num: 1, den: options.timescale)
        enc.pointee.width = Int32(encodedWidth)
        enc.pointee.height = Int32(encodedHeight)
        enc.pointee.pix_fmt = AV_PIX_FMT_YUV420P
        enc.pointee.time_base = timeBase
        enc.pointee.framerate = AVRational(num: options.frameRate.numerator, den: options.frameRate.denominator)
        let sar = AVRational(num: options.sampleAspectRatio.numerator, den: options.sampleAspectRatio.denominator)
        enc.pointee.sample_aspect_ratio = sar
        enc.pointee.thread_count = Int32(options.threads)
        if let gop = options.gopSize { enc.pointee.gop_size = Int32(gop) }
        if let color {
            enc.pointee.color_range = color.range
            enc.pointee.colorspace = color.space
            enc.pointee.color_primaries = color.primaries
            enc.pointee.color_trc = color.transfer
        }
        if oc.pointee.oformat.pointee.flags & AVFMT_GLOBALHEADER != 0 {
            enc.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER
        }
        var x264Options: [(String, String)] = [("preset", options.preset), ("crf", String(options.crf))]
        if let tune = options.tune { x264Options.append(("tune", tune)) }
        if let params = options.x264Params { x264Options.append(("x264-params", params)) }
        for (key, value) in x264Options {
            try check(
                av_opt_set(enc.pointee.priv_data, key, value, 0),
                .invalidArgument,
                "libx264 option \(key)=\(value)",
                location: location
            )
        }
        try check(avcodec_open2(enc, codec, nil), .encodeFailed, "avcodec_open2(libx264)", location: location)

        // Video stream.
        guard let vst = avformat_new_stream(oc, nil) else {
            throw MediaError.muxFailed("avformat_new_stream: out of memory", location: location)
        }
        videoStream = vst
        try check(
            avcodec_parameters_from_context(vst.pointee.codecpar, enc),
            .muxFailed,
            "avcodec_parameters_from_context",
            location: location
        )
        vst.pointee.time_base = timeBase
        vst.pointee.avg_frame_rate = enc.pointee.framerate
        vst.pointee.sample_aspect_ratio = sar
        if let rotation = options.rotation, rotation != 0 {
            guard let side = av_stream_new_side_data(vst, AV_PKT_DATA_DISPLAYMATRIX, 9 * MemoryLayout<Int32>.size)
            else {
                throw MediaError.muxFailed("av_stream_new_side_data: out of memory", location: location)
            }
            // FFmpeg 5.1's mov muxer and demuxer negate the angle on a round trip (checked in the tests against
            // ffprobe), so the matrix gets -rotation for the file to read back as `rotation`.
            side.withMemoryRebound(to: Int32.self, capacity: 9) { av_display_rotation_set($0, -rotation) }
        }

        // Audio stream copy.
        if let audio = options.audio {
            let source = try AudioPacketSource(path: audio.path, start: audio.start, end: audio.end, timeoutSeconds: 30)
            let ipar = source.stream.pointee.codecpar!
            if avformat_query_codec(oc.pointee.oformat, ipar.pointee.codec_id, FF_COMPLIANCE_NORMAL) != 1 {
                let name = avcodec_get_name(ipar.pointee.codec_id).map { String(cString: $0) } ?? "?"
                throw MediaError.unsupportedFormat(
                    "\(container.rawValue) cannot carry \(name) audio",
                    location: InputLocation(path: audio.path)
                )
            }
            guard let ast = avformat_new_stream(oc, nil) else {
                throw MediaError.muxFailed("avformat_new_stream: out of memory", location: location)
            }
            try check(
                avcodec_parameters_copy(ast.pointee.codecpar, ipar),
                .muxFailed,
                "avcodec_parameters_copy",
                location: location
            )
            ast.pointee.codecpar.pointee.codec_tag = 0
            ast.pointee.time_base = source.stream.pointee.time_base
            audioSource = source
            audioStream = ast
            audioShift = audio.start ?? .zero
        } else {
            audioSource = nil
            audioStream = nil
            audioShift = .zero
        }

        encoderFrame = try FFFrame(format: AV_PIX_FMT_YUV420P, width: Int32(encodedWidth), height: Int32(encodedHeight))
        encoderFrame.raw.pointee.sample_aspect_ratio = sar
        packet = try Packet()
        let ticksPerFrame = av_rescale_q(
            1,
            AVRational(
                num: options.frameRate.denominator,
                den: options.frameRate.numerator
            ),
            timeBase
        )
        frameTicks = max(ticksPerFrame, 1)

        try output.open()
        var muxOptions: OpaquePointer? = nil
        defer { av_dict_free(&muxOptions) }
        if options.faststart { av_dict_set(&muxOptions, "movflags", "+faststart", 0) }
        try check(avformat_write_header(oc, &muxOptions), .muxFailed, "avformat_write_header", location: location)
        headerWritten = true
    }

    /// Encodes one frame. Its ``Frame/time`` becomes the presentation time; a time that does not increase
    /// (for example every frame at `.zero`) is replaced by the previous time plus one frame at
    /// ``Options/frameRate``.
    /// - Throws: ``MediaError`` with ``MediaError/Code/invalidArgument`` (wrong size, writer finished),
    ///   ``MediaError/Code/encodeFailed`` or ``MediaError/Code/muxFailed``. After an error the writer is
    ///   cancelled and no file is produced.
    public func write(_ frame: Frame) throws(MediaError) {
        guard !done else {
            throw MediaError.invalidArgument("write after finish or cancel", location: InputLocation(path: path))
        }
        do throws(MediaError) {
            guard frame.width == width, frame.height == height else {
                throw MediaError.invalidArgument(
                    "frame is \(frame.width)x\(frame.height), writer expects \(width)x\(height)",
                    location: InputLocation(path: path)
                )
            }
            let f = encoderFrame.raw
            try check(av_frame_make_writable(f), .encodeFailed, "av_frame_make_writable", location: output.location)
            fill(f.pointee.data.0, f.pointee.linesize.0, from: frame.luma, width: encodedWidth, height: encodedHeight)
            let c = Frame.chromaSize(width: width, height: height)
            fill(f.pointee.data.1, f.pointee.linesize.1, from: frame.cb, width: c.width, height: c.height)
            fill(f.pointee.data.2, f.pointee.linesize.2, from: frame.cr, width: c.width, height: c.height)
            var pts = ticks(frame.time, encoder.raw.pointee.time_base)
            if let lastPTS, pts <= lastPTS { pts = lastPTS + frameTicks }
            lastPTS = pts
            f.pointee.pts = pts
            f.pointee.pict_type = AV_PICTURE_TYPE_NONE
            try check(
                avcodec_send_frame(encoder.raw, f),
                .encodeFailed,
                "avcodec_send_frame",
                location: output.location
            )
            framesWritten += 1
            try drainEncoder()
        } catch {
            cancel()
            throw error
        }
    }

    /// Flushes the encoder, copies the remaining audio, writes the trailer (moving `moov` to the front with
    /// `+faststart`) and atomically renames the finished file into place.
    /// - Throws: ``MediaError``; on error no output file is produced.
    public func finish() throws(MediaError) {
        guard !done else {
            throw MediaError.invalidArgument("finish after finish or cancel", location: InputLocation(path: path))
        }
        do throws(MediaError) {
            let sent = avcodec_send_frame(encoder.raw, nil)
            if sent != FFmpegConstants.eof {
                try check(sent, .encodeFailed, "avcodec_send_frame(flush)", location: output.location)
            }
            try drainEncoder()
            try writeAudio(upTo: nil)
            try check(av_write_trailer(output.raw), .muxFailed, "av_write_trailer", location: output.location)
            output.close()
            done = true
            do {
                try atomic.commit()
            } catch {
                throw MediaError.ioFailure("cannot commit the output: \(error)", location: output.location)
            }
        } catch {
            cancel()
            throw error
        }
    }

    /// Abandons the output: closes and removes the temp file. The destination is untouched. Idempotent.
    public func cancel() {
        done = true
        output.close()
        atomic.abort()
    }

    deinit {
        if !done { cancel() }
    }

    /// Receives every packet the encoder has ready and muxes it (audio up to its time first).
    private func drainEncoder() throws(MediaError) {
        let enc = encoder.raw
        while true {
            let r = avcodec_receive_packet(enc, packet.raw)
            if r == FFmpegConstants.eagain || r == FFmpegConstants.eof { return }
            try check(r, .encodeFailed, "avcodec_receive_packet", location: output.location)
            av_packet_rescale_ts(packet.raw, enc.pointee.time_base, videoStream.pointee.time_base)
            packet.raw.pointee.stream_index = videoStream.pointee.index
            let dts = packet.raw.pointee.dts != FFmpegConstants.noPTS ? packet.raw.pointee.dts : packet.raw.pointee.pts
            let time = mediaTime(dts, videoStream.pointee.time_base)
            try writeAudio(upTo: time)
            let w = av_interleaved_write_frame(output.raw, packet.raw)  // takes the payload, unrefs the packet
            try check(w, .muxFailed, "av_interleaved_write_frame(video)", location: output.location)
            packetsWritten += 1
        }
    }

    /// Copies audio packets whose (shifted) time is at most `limit` (`nil`: all remaining).
    private func writeAudio(upTo limit: MediaTime?) throws(MediaError) {
        guard let source = audioSource, let ast = audioStream else { return }
        let ist = source.stream
        let shiftTicks = ticks(audioShift, ist.pointee.time_base)
        let location = output.location
        let oc = output.raw
        while let t = try source.peekTime() {
            if let limit, MediaTime(value: t.value, timescale: t.timescale) > limit + audioShift { return }
            try source.take { (p: UnsafeMutablePointer<AVPacket>) throws(MediaError) in
                if p.pointee.pts != FFmpegConstants.noPTS { p.pointee.pts -= shiftTicks }
                if p.pointee.dts != FFmpegConstants.noPTS { p.pointee.dts -= shiftTicks }
                av_packet_rescale_ts(p, ist.pointee.time_base, ast.pointee.time_base)
                p.pointee.stream_index = ast.pointee.index
                p.pointee.pos = -1
                try check(
                    av_interleaved_write_frame(oc, p),
                    .muxFailed,
                    "av_interleaved_write_frame(audio)",
                    location: location
                )
            }
            audioPacketsWritten += 1
        }
    }
}

/// Copies a packed plane into an encoder plane of `width` x `height`, repeating the last column and row
/// when the target is larger (odd-size padding).
private func fill(_ dst: UnsafeMutablePointer<UInt8>?, _ linesize: Int32, from plane: Plane, width: Int, height: Int) {
    guard let dst else { return }
    let stride = Int(linesize)
    let w = plane.width
    let h = plane.height
    plane.samples.withUnsafeBufferPointer { src in
        let base = src.baseAddress!
        for y in 0..<height {
            let row = dst + y * stride
            memcpy(row, base + min(y, h - 1) * w, w)
            if width > w { memset(row + w, Int32(row[w - 1]), width - w) }
        }
    }
}

extension MediaTime {
    fileprivate static func + (lhs: MediaTime, rhs: MediaTime) -> MediaTime {
        if lhs.timescale == rhs.timescale { return MediaTime(value: lhs.value + rhs.value, timescale: lhs.timescale) }
        return MediaTime(
            value: ticks(lhs, AVRational(num: 1, den: 1_000_000)) + ticks(rhs, AVRational(num: 1, den: 1_000_000)),
            timescale: 1_000_000
        )
    }
}
