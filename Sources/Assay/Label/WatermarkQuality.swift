import AssayCore
import AssayWatermark
import Foundation

/// What the watermark cost in picture quality on a labeled clip: PSNR-Y and SSIM-Y between frames before and after
/// the mark (before the encode, so the encoder's own loss is not counted), on a sample of frames (see
/// ``WatermarkQualitySampler``). The definitions are the lane's quality goal's (``MarkQualityMeter``).
public struct WatermarkQuality: Sendable, Codable, Equatable {
    /// The goal for SSIM-Y (each measured frame).
    public static let ssimGoal = 0.995
    /// The goal for PSNR-Y, dB.
    public static let psnrGoal = 48.0

    /// Frames measured.
    public var framesMeasured: Int
    /// PSNR-Y in dB over the measured frames; nil when the mark changed no sample of them.
    public var psnrY: Double?
    /// Mean SSIM-Y of the measured frames.
    public var ssimY: Double
    /// The lowest SSIM-Y of a measured frame.
    public var worstSSIMY: Double

    /// Whether the measured frames meet both goals (the worst frame's SSIM-Y, and PSNR-Y).
    public var meetsGoals: Bool { worstSSIMY >= Self.ssimGoal && (psnrY ?? .infinity) >= Self.psnrGoal }

    init(framesMeasured: Int, psnrY: Double?, ssimY: Double, worstSSIMY: Double) {
        self.framesMeasured = framesMeasured
        self.psnrY = psnrY
        self.ssimY = ssimY
        self.worstSSIMY = worstSSIMY
    }

    /// The report of a meter, nil when it measured no frame.
    init?(_ meter: MarkQualityMeter) {
        guard meter.ssimFrames > 0 else { return nil }
        self.init(framesMeasured: meter.ssimFrames, psnrY: meter.psnr.isFinite ? meter.psnr : nil,
                  ssimY: meter.ssimMean, worstSSIMY: meter.worstSSIM)
    }

    /// A note for the label result when a goal is missed, nil when both are met.
    func note(capped: Bool) -> String? {
        guard !meetsGoals else { return nil }
        let ssimMissed = worstSSIMY < Self.ssimGoal
        let what = ssimMissed
            ? "SSIM-Y to \(String(format: "%.4f", worstSSIMY)) (goal \(Self.ssimGoal))"
            : "PSNR-Y to \(String(format: "%.1f", psnrY ?? 0)) dB (goal \(Self.psnrGoal) dB)"
        let advice = ssimMissed && !capped
            ? "--ssim-cap keeps SSIM-Y at or above \(Self.ssimGoal), at a cost in robustness on flat content "
                + "(docs/watermark.md, session 14)"
            : "a lower --strength keeps more quality, at a cost in robustness"
        return "the watermark lowered \(what) on the frames measured; \(advice)"
    }
}

/// Embeds the mark frame by frame and measures its quality cost on a sample: the first frame, then one frame every
/// ``interval`` seconds of frame time, at most ``maximumFrames``. A measured frame costs a copy of its luma and one
/// SSIM-Y (`wm-bench speed`: about 0.1 s CPU at 720p, 0.2 s at 1080p, so about 3 % of a 10 s 1080p label); the others
/// cost nothing extra.
struct WatermarkQualitySampler {
    /// Seconds of frame time between measured frames.
    static let interval = 4.0
    /// At most this many frames are measured.
    static let maximumFrames = 8

    private(set) var meter = MarkQualityMeter()
    private var lastMeasured: Double?

    /// Marks `frame` with `embedder`, measuring it when it is due.
    mutating func embed(_ frame: inout Frame, with embedder: inout WatermarkEmbedder) throws {
        let t = frame.time.seconds
        let due = meter.ssimFrames < Self.maximumFrames
            && (lastMeasured.map { t - $0 >= Self.interval || t < $0 } ?? true)
        guard due else { return try embedder.embed(&frame) }
        let original = frame.luma
        try embedder.embed(&frame)
        meter.add(original: original, marked: frame.luma, measuresSSIM: true)
        lastMeasured = t
    }

    /// The report, nil when no frame was marked.
    var report: WatermarkQuality? { WatermarkQuality(meter) }
}
