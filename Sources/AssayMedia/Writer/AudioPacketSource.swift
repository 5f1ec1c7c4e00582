internal import AssayCore
internal import CFFmpeg

/// Reads the compressed packets of the first audio stream of a file, one at a time, for a stream copy.
///
/// Only `start <= pts < end` are returned (`nil` bounds: unbounded); the caller shifts times by `start`.
final class AudioPacketSource {
    let input: InputContext
    let stream: UnsafeMutablePointer<AVStream>
    let streamIndex: Int32
    private let packet: Packet
    private let startTicks: Int64?
    private let endTicks: Int64?
    private var hasPacket = false
    private(set) var finished = false

    init(path: String, start: MediaTime?, end: MediaTime?, timeoutSeconds: Double) throws(MediaError) {
        var limits = InputContext.Limits()
        limits.timeoutSeconds = timeoutSeconds
        input = try InputContext(path: path, limits: limits)
        let best = av_find_best_stream(input.raw, AVMEDIA_TYPE_AUDIO, -1, -1, nil, 0)
        guard best >= 0 else {
            throw MediaError.invalidArgument("no audio stream to copy", location: InputLocation(path: path))
        }
        streamIndex = best
        stream = input.stream(Int(best))
        for i in 0..<input.streamCount {
            input.stream(i).pointee.discard = i == Int(best) ? AVDISCARD_DEFAULT : AVDISCARD_ALL
        }
        packet = try Packet()
        let tb = stream.pointee.time_base
        startTicks = start.map { ticks($0, tb) }
        endTicks = end.map { ticks($0, tb) }
        if let startTicks, startTicks > 0 {
            input.armDeadline()
            _ = av_seek_frame(input.raw, best, startTicks, AVSEEK_FLAG_BACKWARD)
        }
    }

    /// The next packet's presentation time, reading ahead one packet; `nil` at the end.
    func peekTime() throws(MediaError) -> MediaTime? {
        guard try fill() else { return nil }
        let p = packet.raw.pointee
        return mediaTime(p.pts != FFmpegConstants.noPTS ? p.pts : p.dts, stream.pointee.time_base)
    }

    /// Hands the read-ahead packet to `body` (which may take its payload), then drops it.
    func take(_ body: (UnsafeMutablePointer<AVPacket>) throws(MediaError) -> Void) throws(MediaError) {
        guard try fill() else { return }
        hasPacket = false
        defer { packet.unref() }
        try body(packet.raw)
    }

    private func fill() throws(MediaError) -> Bool {
        while !hasPacket && !finished {
            input.armDeadline()
            let read = av_read_frame(input.raw, packet.raw)
            if read == FFmpegConstants.eof {
                finished = true
                break
            }
            if read < 0 { throw mediaError(read, .decodeFailed, "av_read_frame (audio)", location: input.location) }
            let p = packet.raw.pointee
            let ts = p.pts != FFmpegConstants.noPTS ? p.pts : p.dts
            if p.stream_index != streamIndex || ts == FFmpegConstants.noPTS {
                packet.unref()
                continue
            }
            if let startTicks, ts < startTicks {
                packet.unref()
                continue
            }
            if let endTicks, ts >= endTicks {
                packet.unref()
                finished = true
                break
            }
            hasPacket = true
        }
        return hasPacket
    }
}
