internal import CFFmpeg

/// Owns an `AVCodecContext` (`avcodec_alloc_context3` / `avcodec_free_context`).
final class CodecContext {
    let raw: UnsafeMutablePointer<AVCodecContext>

    init(codec: UnsafePointer<AVCodec>) throws(MediaError) {
        guard let c = avcodec_alloc_context3(codec) else {
            throw MediaError.invalidArgument("avcodec_alloc_context3: out of memory")
        }
        raw = c
    }

    deinit {
        var c: UnsafeMutablePointer<AVCodecContext>? = raw
        avcodec_free_context(&c)
    }
}
