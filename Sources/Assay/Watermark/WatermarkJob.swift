import AssayCore
import AssayMedia
import AssayWatermark
import Foundation

/// `assay watermark embed`: marks a video with a payload and nothing else (no manifest, no metadata),
/// for testing robustness and for debugging.
public enum WatermarkJob {
    /// Transcodes `input` into `output` with the watermark of `key` carrying `payload`.
    @discardableResult
    public static func embed(input: String, output: String, keyPath: String, payload: UInt64, strength: Double = 1,
                             ssimLossBudget: Double? = nil, crf: Int = 18, preset: String = "medium") throws -> Int
    {
        let key: WatermarkKey
        do { key = try WatermarkKey.load(path: keyPath) } catch {
            throw AssayError(.keys, "cannot load the watermark key: \(error)")
        }
        var embedder = try WatermarkEmbedder(key: key, payload: payload, strength: strength,
                                             ssimLossBudget: ssimLossBudget)
        var options = Transcoder.Options()
        options.writer.crf = crf
        options.writer.preset = preset
        return try Transcoder.transcode(input: input, output: output, options: options) { frame in
            try embedder.embed(&frame)
        }.framesProcessed
    }

    /// Creates a new watermark key file (mode 0600); refuses to overwrite unless `force`.
    public static func createKey(path: String, force: Bool = false) throws -> String {
        let key = WatermarkKey.generate()
        try key.write(path: path, overwrite: force)
        return key.fingerprint
    }
}
