internal import AssayCore
internal import CFFmpeg

/// Owns a muxing `AVFormatContext` (`avformat_alloc_output_context2` / `avformat_free_context`) and its
/// `AVIOContext` (`avio_open` / `avio_closep`).
final class OutputContext {
    let raw: UnsafeMutablePointer<AVFormatContext>
    /// The file libavformat writes (AtomicFileWriter's temp file); errors name the final destination.
    let location: InputLocation

    init(formatName: String, path: String, destination: String) throws(MediaError) {
        location = InputLocation(path: destination)
        var oc: UnsafeMutablePointer<AVFormatContext>? = nil
        let status = avformat_alloc_output_context2(&oc, nil, formatName, fileURL(path))
        guard status >= 0, let oc else {
            throw mediaError(
                status < 0 ? status : FFmpegConstants.muxerNotFound,
                .muxFailed,
                "avformat_alloc_output_context2(\(formatName))",
                location: InputLocation(path: destination)
            )
        }
        raw = oc
    }

    /// Opens the output file for writing.
    func open() throws(MediaError) {
        var pb: UnsafeMutablePointer<AVIOContext>? = nil
        try check(avio_open(&pb, raw.pointee.url, AVIO_FLAG_WRITE), .ioFailure, "avio_open", location: location)
        raw.pointee.pb = pb
    }

    /// Closes the output file (idempotent).
    func close() {
        if raw.pointee.pb != nil { avio_closep(&raw.pointee.pb) }
    }

    deinit {
        close()
        avformat_free_context(raw)
    }
}
