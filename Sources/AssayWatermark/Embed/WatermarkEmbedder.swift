import AssayCore

/// Embeds the invisible watermark into the luma of frames. Chroma is untouched.
///
/// The mark is one static tile (see `docs/watermark.md`) repeated over the frame, scaled by a mild
/// texture mask and attenuated near black and white. The spatial pattern is computed once per
/// (key, payload, frame size) and reused, so embedding costs two passes over the luma plane.
///
/// ```swift
/// var embedder = try WatermarkEmbedder(key: key, payload: contentID.watermarkPayload)
/// try embedder.embed(&frame)
/// ```
public struct WatermarkEmbedder: Sendable {
    /// Default strength: about 0.95 grey levels RMS before rounding (PSNR-Y about 48 dB).
    public static let defaultStrength = 1.0
    /// Smallest frame side that can carry the mark.
    public static let minimumSide = 64
    /// Largest frame side accepted (8K); bounds the pattern and accumulator memory.
    public static let maximumSide = 8192

    /// Checks a frame size against ``minimumSide`` and ``maximumSide``.
    static func checkSize(width w: Int, height h: Int, action: String) throws {
        guard w >= minimumSide, h >= minimumSide else {
            throw WatermarkError.unsupportedFrame(
                "frame \(w)x\(h) is too small to \(action) (each side needs \(minimumSide) px)")
        }
        guard w <= maximumSide, h <= maximumSide else {
            throw WatermarkError.unsupportedFrame("frame \(w)x\(h) is too large to \(action) (limit \(maximumSide) px a side)")
        }
    }

    /// Smallest frame area (luma pixels) at which the detector reads back a mark of the default strength
    /// (session 5, `Benchmarks/watermark/small_sizes.sh`; table in `docs/watermark.md`): 256x144 (36,864 px)
    /// gives the payload from the clean marked file, 176x144 (25,344 px) does not, even over 6 s. Below it the
    /// embedder refuses (unless ``allowsUnreadableFrames``) and the detector says it cannot judge.
    public static let minimumReadablePixels = 36_000

    /// Why a frame of this size cannot carry a watermark that the detector reads back, or nil when it can.
    /// `assay label` uses it to skip the watermark with a note instead of writing a mark nobody can read.
    public static func unreadableReason(width w: Int, height h: Int) -> String? {
        if w < minimumSide || h < minimumSide {
            return "frame \(w)x\(h) is too small to carry the watermark (each side needs \(minimumSide) px)"
        }
        if w > maximumSide || h > maximumSide {
            return "frame \(w)x\(h) is too large to carry the watermark (limit \(maximumSide) px a side)"
        }
        guard w * h < minimumReadablePixels else { return nil }
        return "frame \(w)x\(h) (\(w * h) px) is too small for a watermark that can be read back: "
            + "detection needs at least \(minimumReadablePixels) px of luma (e.g. 256x144)"
    }

    /// Checks that frames of this size can carry a mark that the detector reads back.
    static func checkReadable(width w: Int, height h: Int, action: String) throws {
        try checkSize(width: w, height: h, action: action)
        guard w * h < minimumReadablePixels else { return }
        throw WatermarkError.unsupportedFrame(
            "frame \(w)x\(h) (\(w * h) px) is too small to \(action): a mark at this size cannot be read back "
                + "(the watermark needs at least \(minimumReadablePixels) px of luma, e.g. 256x144)")
    }

    /// Marks frames smaller than ``minimumReadablePixels`` anyway (measurements only: the detector refuses such
    /// frames unless its configuration allows them too). Default false.
    public var allowsUnreadableFrames = false

    /// The SSIM cap's budget of `--ssim-cap` (session 3's v3): the largest predicted mean SSIM-Y loss per frame.
    /// The prediction overstates the measured loss by 10-25 % on the 30-clip set, so SSIM-Y stays at or above 0.995.
    public static let recommendedSSIMLossBudget = 0.0045

    /// When set, the mark is lowered on flat and dark blocks until the frame's predicted mean SSIM-Y loss is at
    /// most this budget; textured blocks keep their amplitude (``SSIMCap``). Nil (the default): no cap. Costs
    /// robustness where the mark's margin is thin (measured in `docs/watermark.md`, "Session 8").
    public let ssimLossBudget: Double?

    /// The key's public fingerprint.
    public let keyFingerprint: String
    /// The payload carried.
    public let payload: UInt64
    /// The strength multiplier (1 = default).
    public let strength: Double

    private let tile: [Float]
    private var cache: PatternCache?

    /// Creates an embedder.
    /// - Parameters:
    ///   - key: the watermark key.
    ///   - payload: the 64 data bits, normally `ContentID.watermarkPayload`.
    ///   - strength: amplitude multiplier in (0, 4]; 1 gives PSNR-Y about 48 dB.
    ///   - ssimLossBudget: the SSIM cap's budget in (0, 0.1] (``recommendedSSIMLossBudget``), or nil for no cap.
    /// - Throws: ``WatermarkError/Code/invalidOption`` for a strength or budget out of range.
    public init(key: WatermarkKey, payload: UInt64, strength: Double = WatermarkEmbedder.defaultStrength,
                ssimLossBudget: Double? = nil) throws
    {
        guard strength > 0, strength <= 4, strength.isFinite else {
            throw WatermarkError.invalidOption("watermark strength must be in (0, 4], got \(strength)")
        }
        if let budget = ssimLossBudget, !(budget > 0 && budget <= 0.1) {
            throw WatermarkError.invalidOption("SSIM loss budget must be in (0, 0.1], got \(budget)")
        }
        self.ssimLossBudget = ssimLossBudget
        self.keyFingerprint = key.fingerprint
        self.payload = payload
        self.strength = strength
        self.tile = KeyLayout(key: key).tile(coded: PayloadCodec.encode(payload))
    }

    /// Creates an embedder for a content ID (carries `contentID.watermarkPayload`).
    public init(key: WatermarkKey, contentID: ContentID, strength: Double = WatermarkEmbedder.defaultStrength,
                ssimLossBudget: Double? = nil) throws
    {
        try self.init(key: key, payload: contentID.watermarkPayload, strength: strength, ssimLossBudget: ssimLossBudget)
    }

    /// Marks a frame's luma in place.
    /// - Throws: ``WatermarkError/Code/unsupportedFrame`` if a side is under ``minimumSide`` pixels or the frame
    ///   has fewer than ``minimumReadablePixels`` (a mark nobody could read; see ``unreadableReason(width:height:)``).
    ///   The frame is left unchanged.
    public mutating func embed(_ frame: inout Frame) throws {
        let w = frame.luma.width, h = frame.luma.height
        if allowsUnreadableFrames {
            try Self.checkSize(width: w, height: h, action: "carry the watermark")
        } else {
            try Self.checkReadable(width: w, height: h, action: "carry a readable watermark")
        }
        if cache?.width != w || cache?.height != h {
            cache = PatternCache(tile: tile, width: w, height: h, amplitude: Float(strength * Self.baseAmplitude),
                                 ssimBudget: ssimLossBudget.map { Float($0) })
        }
        cache!.apply(to: &frame.luma.samples)
    }

    /// Amplitude (grey levels, RMS of the unit tile) at strength 1.
    static let baseAmplitude = 0.95
}
