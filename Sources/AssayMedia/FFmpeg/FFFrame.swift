internal import CFFmpeg

/// Owns an `AVFrame` (`av_frame_alloc` / `av_frame_free`). Named `FFFrame` to keep it apart from
/// AssayCore's ``Frame``.
final class FFFrame {
    let raw: UnsafeMutablePointer<AVFrame>

    init() throws(MediaError) {
        guard let f = av_frame_alloc() else {
            throw MediaError.invalidArgument("av_frame_alloc: out of memory")
        }
        raw = f
    }

    /// A frame with its own buffers for `format` at `width` x `height`.
    convenience init(format: AVPixelFormat, width: Int32, height: Int32) throws(MediaError) {
        try self.init()
        raw.pointee.format = format.rawValue
        raw.pointee.width = width
        raw.pointee.height = height
        try check(
            av_frame_get_buffer(raw, 0),
            .invalidArgument,
            "av_frame_get_buffer(\(width)x\(height))",
            location: nil
        )
    }

    /// Drops the frame's buffer references (the struct stays allocated for reuse).
    func unref() { av_frame_unref(raw) }

    deinit {
        var f: UnsafeMutablePointer<AVFrame>? = raw
        av_frame_free(&f)
    }
}
