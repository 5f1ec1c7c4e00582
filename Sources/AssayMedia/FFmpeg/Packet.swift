internal import CFFmpeg

/// Owns an `AVPacket` (`av_packet_alloc` / `av_packet_free`).
final class Packet {
    let raw: UnsafeMutablePointer<AVPacket>

    init() throws(MediaError) {
        guard let p = av_packet_alloc() else {
            throw MediaError.invalidArgument("av_packet_alloc: out of memory")
        }
        raw = p
    }

    /// Drops the packet's payload reference (the struct stays allocated for reuse).
    func unref() { av_packet_unref(raw) }

    deinit {
        var p: UnsafeMutablePointer<AVPacket>? = raw
        av_packet_free(&p)
    }
}
