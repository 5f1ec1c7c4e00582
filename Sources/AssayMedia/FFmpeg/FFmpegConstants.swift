internal import AssayCore
internal import CFFmpeg

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// FFmpeg values that are macros in C and do not import into Swift (see the `cff_` shims in `CFFmpeg.h`).
enum FFmpegConstants {
    static let eof: Int32 = cff_averror_eof()
    static let eagain: Int32 = cff_averror_eagain()
    static let exit: Int32 = cff_averror_exit()
    static let invalidData: Int32 = cff_averror_invaliddata()
    static let decoderNotFound: Int32 = cff_averror_decoder_not_found()
    static let encoderNotFound: Int32 = cff_averror_encoder_not_found()
    static let demuxerNotFound: Int32 = cff_averror_demuxer_not_found()
    static let muxerNotFound: Int32 = cff_averror_muxer_not_found()
    static let streamNotFound: Int32 = cff_averror_stream_not_found()
    static let noPTS: Int64 = cff_nopts_value()
    static let timeBaseQ: AVRational = cff_time_base_q()

    /// `AVERROR(e)` for an `errno` value.
    @inline(__always)
    static func averror(_ errnoValue: Int32) -> Int32 { cff_averror(errnoValue) }
}

/// FFmpeg's text for an error code (`av_err2str`, which is a compound-literal macro in C).
func ffmpegErrorString(_ code: Int32) -> String {
    withUnsafeTemporaryAllocation(of: CChar.self, capacity: Int(AV_ERROR_MAX_STRING_SIZE)) { buffer in
        guard let base = buffer.baseAddress else { return "error \(code)" }
        if av_strerror(code, base, buffer.count) < 0 { return "error \(code)" }
        return String(cString: base)
    }
}

/// The one error-converting helper for FFmpeg calls: returns a non-negative result and turns a negative
/// `AVERROR` into a ``MediaError`` with the given code, naming the call, the file and (when known) the offset.
///
/// `AVERROR_EXIT` (the interrupt callback fired) becomes ``MediaError/Code/timedOut`` whatever `code` says.
@discardableResult
func check(
    _ result: Int32,
    _ code: MediaError.Code,
    _ call: @autoclosure () -> String,
    location: InputLocation?
) throws(MediaError) -> Int32 {
    guard result < 0 else { return result }
    throw mediaError(result, code, call(), location: location)
}

/// Builds the ``MediaError`` for a negative FFmpeg return code (see ``check(_:_:_:location:)``).
func mediaError(_ result: Int32, _ code: MediaError.Code, _ call: String, location: InputLocation?) -> MediaError {
    if result == FFmpegConstants.exit {
        return MediaError.timedOut("\(call): deadline passed", location: location)
    }
    return MediaError(
        code: code,
        reason: "\(call): \(ffmpegErrorString(result))",
        location: location,
        ffmpegCode: result
    )
}

/// An `AVRational` as a `MediaTime` tick count: `ticks * num / den` seconds.
func mediaTime(_ ticks: Int64, _ timeBase: AVRational) -> MediaTime? {
    guard ticks != FFmpegConstants.noPTS, timeBase.num > 0, timeBase.den > 0 else { return nil }
    let (product, overflow) = ticks.multipliedReportingOverflow(by: Int64(timeBase.num))
    if overflow { return nil }
    return MediaTime(value: product, timescale: timeBase.den)
}

/// A `MediaTime` in ticks of `timeBase`, rounded to nearest.
func ticks(_ time: MediaTime, _ timeBase: AVRational) -> Int64 {
    av_rescale_q_rnd(time.value, AVRational(num: 1, den: time.timescale), timeBase, AV_ROUND_NEAR_INF)
}

/// Monotonic clock in nanoseconds.
func monotonicNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}

/// `file:` URL for a local path, so that a path containing `:` is never taken for a protocol.
func fileURL(_ path: String) -> String { "file:" + path }
