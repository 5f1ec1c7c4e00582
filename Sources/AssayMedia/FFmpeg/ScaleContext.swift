internal import CFFmpeg

/// Owns a `SwsContext` that converts frames of one size and pixel format into another
/// (`sws_getContext` / `sws_freeContext`).
final class ScaleContext {
    let raw: OpaquePointer
    let sourceFormat: AVPixelFormat
    let sourceWidth: Int32
    let sourceHeight: Int32

    init(
        sourceWidth: Int32,
        sourceHeight: Int32,
        sourceFormat: AVPixelFormat,
        width: Int32,
        height: Int32,
        format: AVPixelFormat
    ) throws(MediaError) {
        guard
            let s = sws_getContext(
                sourceWidth,
                sourceHeight,
                sourceFormat,
                width,
                height,
                format,
                SWS_BICUBIC,
                nil,
                nil,
                nil
            )
        else {
            let name = av_get_pix_fmt_name(sourceFormat).map { String(cString: $0) } ?? "\(sourceFormat.rawValue)"
            throw MediaError.unsupportedFormat(
                "swscale cannot convert \(name) \(sourceWidth)x\(sourceHeight)",
                location: nil
            )
        }
        raw = s
        self.sourceFormat = sourceFormat
        self.sourceWidth = sourceWidth
        self.sourceHeight = sourceHeight
    }

    /// Whether this context converts frames of the given geometry and format.
    func matches(width: Int32, height: Int32, format: AVPixelFormat) -> Bool {
        width == sourceWidth && height == sourceHeight && format == sourceFormat
    }

    deinit { sws_freeContext(raw) }
}
