import AssayCore
import AssayMedia
import AssayWatermark

/// Reads the watermark back from a labeled encode when its frames are small, where the mark may not survive
/// the encoder on smooth content (session 5: 220x180 and 264x216 smooth clips lost it at CRF 18). Large
/// frames are not read back: there the mark survives label's own encode on every clip measured, and a
/// read-back would cost label about a tenth of its time.
enum WatermarkReadBack {
    /// Frames with fewer luma pixels than this (640x360) are read back after encoding.
    static let readBackBelowPixels = 640 * 360

    /// Whether frames of this size are read back.
    static func applies(width: Int, height: Int) -> Bool { width * height < readBackBelowPixels }

    /// How much of the encode is read back: the mark is the same in every frame, and verify reads 6 s too.
    static let seconds = 6.0

    /// Why the payload could not be read back from the first ``seconds`` of `path` (nil when the detector finds it).
    static func failure(path: String, key: WatermarkKey, payload: UInt64, threads: Int) -> String? {
        do {
            let reader = try VideoReader(path: path, options: .init(
                mode: .timeRange(start: .zero, end: MediaTime(seconds: seconds)), threads: threads))
            reader.skipsNonReferenceFrames = false
            var detector = try WatermarkDetector(key: key)
            while let frame = try reader.nextFrame() {
                if detector.wants(frame) { try detector.add(frame) }
            }
            let evidence = detector.finish()
            if evidence.payload == payload { return nil }
            let found = evidence.present ? "its payload cannot be read back from" : "it cannot be found in"
            return "watermark not readable: it was embedded, but \(found) the encoded output (small frames with "
                + "smooth content lose it in the encoder; a higher --strength, e.g. 2, may keep it at about 6 dB "
                + "lower PSNR); the manifest makes no soft-binding claim"
        } catch {
            return "the watermark could not be read back from the encoded output: \(error)"
        }
    }
}
