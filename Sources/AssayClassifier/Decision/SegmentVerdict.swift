import AssayCore

/// The outcome for one segment: its score, or why it was not scored.
public struct SegmentVerdict: Sendable, Hashable {
    /// Start of the segment.
    public var start: MediaTime
    /// End of the segment.
    public var end: MediaTime
    /// Frames in the segment.
    public var frameCount: Int
    /// Model logit, when the segment was usable.
    public var logit: Double?
    /// Per-group contributions to the logit, when usable.
    public var contributions: [FeatureGroup: Double]
    /// Why the segment was not used, when it was not.
    public var abstention: AbstentionReason?
    /// The extracted features and profile.
    public var features: SegmentFeatures
}

/// Why the classifier declines to score a segment or a clip.
public enum AbstentionReason: String, Sendable, Hashable, Codable, CaseIterable {
    /// No frames were given.
    case noFrames = "no-frames"
    /// Frames are smaller than one analysis tile.
    case tooSmall = "too-small"
    /// Only one frame: temporal features need a run of frames.
    case singleFrame = "single-frame"
    /// Black or near-black frames.
    case black
    /// No chroma: grayscale video is outside what the model was trained on.
    case grayscale
    /// Too few textured tiles to measure.
    case tooFewTiles = "too-few-tiles"
    /// Heavy compression (strong 8×8 block edges) masks generation traces.
    case heavyCompression = "heavy-compression"
    /// CGI, animation or screen content, which the model was not trained on: large flat areas, or a
    /// vivid, many-hued palette beyond any real footage of the calibration set.
    case syntheticContent = "cgi-animation-or-screen"
    /// Combing from interlaced video.
    case interlaced
    /// A classical interpolation upscale (bicubic, Lanczos or bilinear ×2, ×3 or ×4): interpolation leaves the
    /// same upsampling traces the model looks for, so artifact analysis cannot tell it from neural upsampling.
    case classicallyUpscaled = "classically-upscaled"
    /// Features outside the range seen in training.
    case outOfDistribution = "out-of-distribution"
    /// A feature could not be computed.
    case unmeasurable

    /// A human-readable explanation.
    public var explanation: String {
        switch self {
        case .noFrames: "no frames were decoded"
        case .tooSmall: "frames are smaller than one 64×64 analysis tile"
        case .singleFrame: "a single frame: the temporal features need at least two consecutive frames"
        case .black: "black or near-black frames"
        case .grayscale: "grayscale video (no chroma); the model was trained on colour footage only"
        case .tooFewTiles: "too few textured 64×64 tiles to measure"
        case .heavyCompression: "heavy compression (strong 8×8 block edges) masks generation traces"
        case .syntheticContent:
            "CGI, animation or screen content (large flat areas, or a vivid many-hued palette beyond the real "
                + "footage the model was calibrated on), which the model was not trained on"
        case .interlaced: "interlaced (combed) frames; deinterlace before classifying"
        case .classicallyUpscaled:
            "a classical interpolation upscale (bicubic, Lanczos or bilinear ×2, ×3 or ×4): interpolation leaves "
                + "upsampling traces that artifact analysis cannot tell from neural upsampling"
        case .outOfDistribution: "features far outside the range seen in training"
        case .unmeasurable: "features could not be measured"
        }
    }
}
