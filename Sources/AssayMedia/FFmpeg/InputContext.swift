internal import AssayCore
internal import CFFmpeg

/// Owns a demuxing `AVFormatContext` (`avformat_open_input` / `avformat_close_input`), opened with limits
/// that make hostile files fail fast: bounded `probesize` and `analyzeduration`, only the `file` protocol,
/// a whitelist of demuxers (no playlists or concat scripts that would open other files), and an interrupt
/// callback that aborts any blocking call once the deadline passes.
final class InputContext {
    /// Limits for opening an input.
    struct Limits {
        var probeSize: Int64 = 8 << 20
        var analyzeDurationMicroseconds: Int64 = 10_000_000
        /// Deadline for opening and stream analysis, and for each subsequent read call.
        var timeoutSeconds: Double = 30
    }

    /// Demuxers a file may be opened with. Playlist-style formats (hls, concat, ffconcat, image2 patterns,
    /// tee, ...) are left out: they would read other files or URLs named inside an untrusted input.
    static let demuxerWhitelist = [
        "mov", "mp4", "m4a", "3gp", "3g2", "mj2", "matroska", "webm", "avi", "flv", "mpegts", "mpeg",
        "mpegvideo", "h264", "hevc", "m4v", "ivf", "ogg", "asf", "mxf", "nut", "yuv4mpegpipe", "gif", "wav",
        "mp3", "aac", "flac", "dv", "rawvideo",
    ].joined(separator: ",")

    let raw: UnsafeMutablePointer<AVFormatContext>
    let path: String
    private let interrupt: InterruptState
    private let timeoutNanoseconds: UInt64

    init(path: String, limits: Limits = Limits()) throws(MediaError) {
        MediaLog.install()
        self.path = path
        let location = InputLocation(path: path)
        let interrupt = InterruptState()
        self.interrupt = interrupt
        let seconds = limits.timeoutSeconds.isNaN ? Limits().timeoutSeconds : limits.timeoutSeconds
        timeoutNanoseconds = UInt64(min(max(seconds, 0), 1e6) * 1e9)  // clamped: never traps on NaN or infinity

        guard let ctx = avformat_alloc_context() else {
            throw MediaError.openFailed("avformat_alloc_context: out of memory", location: location)
        }
        ctx.pointee.probesize = max(limits.probeSize, 32)
        ctx.pointee.max_analyze_duration = max(limits.analyzeDurationMicroseconds, 0)
        ctx.pointee.interrupt_callback.callback = inputInterruptCallback
        ctx.pointee.interrupt_callback.opaque = Unmanaged.passUnretained(interrupt).toOpaque()
        interrupt.deadline = monotonicNanoseconds() &+ timeoutNanoseconds

        var options: OpaquePointer? = nil
        av_dict_set(&options, "protocol_whitelist", "file", 0)
        av_dict_set(&options, "format_whitelist", InputContext.demuxerWhitelist, 0)
        defer { av_dict_free(&options) }

        var opened: UnsafeMutablePointer<AVFormatContext>? = ctx
        let status = avformat_open_input(&opened, fileURL(path), nil, &options)
        // On failure avformat_open_input frees the context and sets the pointer to NULL.
        guard status >= 0, let opened else {
            throw mediaError(status, .openFailed, "avformat_open_input", location: location)
        }
        raw = opened
        interrupt.deadline = monotonicNanoseconds() &+ timeoutNanoseconds
        let info = avformat_find_stream_info(raw, nil)
        if info < 0 {
            // Every stored property is set, so throwing here runs deinit, which closes the input.
            throw mediaError(info, .openFailed, "avformat_find_stream_info", location: location)
        }
    }

    /// Arms the deadline for the next blocking call (one read or seek).
    func armDeadline() { interrupt.deadline = monotonicNanoseconds() &+ timeoutNanoseconds }

    /// The byte position of the demuxer in the file, when known.
    var bytePosition: Int64? {
        guard let pb = raw.pointee.pb else { return nil }
        let pos = avio_tell(pb)
        return pos >= 0 ? pos : nil
    }

    /// The file location for an error, with the demuxer's current byte offset.
    var location: InputLocation { InputLocation(path: path, offset: bytePosition) }

    /// The stream at `index`.
    func stream(_ index: Int) -> UnsafeMutablePointer<AVStream> { raw.pointee.streams[index]! }

    /// Number of streams.
    var streamCount: Int { Int(raw.pointee.nb_streams) }

    deinit {
        var p: UnsafeMutablePointer<AVFormatContext>? = raw
        avformat_close_input(&p)
    }
}

/// The deadline the interrupt callback checks (monotonic nanoseconds).
private final class InterruptState {
    var deadline: UInt64 = .max
}

/// `AVIOInterruptCB.callback`: non-zero aborts the blocking libavformat call with `AVERROR_EXIT`.
private func inputInterruptCallback(_ opaque: UnsafeMutableRawPointer?) -> Int32 {
    guard let opaque else { return 0 }
    let state = Unmanaged<InterruptState>.fromOpaque(opaque).takeUnretainedValue()
    return monotonicNanoseconds() > state.deadline ? 1 : 0
}
