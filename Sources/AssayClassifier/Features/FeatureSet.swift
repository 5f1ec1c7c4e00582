/// A named family of features; reasons cite groups by their ``rawValue``.
public enum FeatureGroup: String, CaseIterable, Sendable, Codable, Hashable {
    /// Neighbouring-pixel relations around 2×2 (and 4×4) grids: traces of learned upsampling (NPR-style).
    case npr
    /// Spectrum of a high-pass residual: periodic peaks from upsampling layers, high-band energy, slope.
    case spectrum
    /// Noise-residual statistics: level, tails, spatial correlation, flat-vs-texture balance.
    case noise
    /// Cross-channel (Y/Cb/Cr) relations of the noise residual.
    case chroma
    /// Periodic correlation of the linear-prediction residual (ordinary resampling / rescaling).
    case resampling
    /// Relations across consecutive frames: noise independence, high-frequency flicker, warp residual.
    case temporal
    /// Cross-scale residual bands (box down, bilinear up): energy ratios, kurtosis, flat-area floor and
    /// cross-scale correlation; the "too clean for its resolution" signature of learned upscalers.
    case bands

    /// A short human-readable explanation used in reasons.
    public var summary: String {
        switch self {
        case .npr: "neighbouring-pixel relations (upsampling grid traces)"
        case .spectrum: "high-pass residual spectrum (periodic peaks, high-band energy)"
        case .noise: "noise-residual statistics"
        case .chroma: "cross-channel noise relations"
        case .resampling: "periodic linear-prediction residual (resampling)"
        case .temporal: "temporal consistency (noise independence, flicker, warp residual)"
        case .bands: "cross-scale residual bands (detail too clean or too edge-bound for its resolution)"
        }
    }
}

/// One feature: its stable name and group.
public struct FeatureDescriptor: Sendable, Hashable {
    /// Stable name, `group.name`; models list these names and the runtime checks them.
    public let name: String
    /// The group the feature belongs to.
    public let group: FeatureGroup
}

/// The versioned feature set this build extracts. A model records the version it was trained on
/// and the runtime refuses any other (``ClassifierError/Code/featureSetMismatch``).
public enum FeatureSet {
    /// Bump whenever any feature's definition, order or tiling changes.
    public static let version = "assay-fs-2"

    /// All features in vector order.
    public static let descriptors: [FeatureDescriptor] = [
        .init(name: "npr.phase2Horizontal", group: .npr),
        .init(name: "npr.phase2Vertical", group: .npr),
        .init(name: "npr.phase4", group: .npr),
        .init(name: "npr.secondDifferencePhase2", group: .npr),
        .init(name: "npr.blockResidualContrast", group: .npr),
        .init(name: "spectrum.peakNyquist", group: .spectrum),
        .init(name: "spectrum.peakQuarter", group: .spectrum),
        .init(name: "spectrum.peakMax", group: .spectrum),
        .init(name: "spectrum.highBandRatio", group: .spectrum),
        .init(name: "spectrum.slope", group: .spectrum),
        .init(name: "noise.logStd", group: .noise),
        .init(name: "noise.logKurtosis", group: .noise),
        .init(name: "noise.autocorrelationLag1", group: .noise),
        .init(name: "noise.autocorrelationLag2", group: .noise),
        .init(name: "noise.flatTextureRatio", group: .noise),
        .init(name: "chroma.lumaChromaCorrelation", group: .chroma),
        .init(name: "chroma.cbCrCorrelation", group: .chroma),
        .init(name: "chroma.noiseRatio", group: .chroma),
        .init(name: "resampling.peakMax", group: .resampling),
        .init(name: "resampling.peakOffGrid", group: .resampling),
        .init(name: "temporal.noiseCorrelation", group: .temporal),
        .init(name: "temporal.warpResidual", group: .temporal),
        .init(name: "temporal.highFrequencyFlicker", group: .temporal),
        .init(name: "temporal.motion", group: .temporal),
        .init(name: "bands.energyRatio01", group: .bands),
        .init(name: "bands.energyRatio12", group: .bands),
        .init(name: "bands.logKurtosis0", group: .bands),
        .init(name: "bands.logKurtosis1", group: .bands),
        .init(name: "bands.logKurtosis2", group: .bands),
        .init(name: "bands.flatFloor0", group: .bands),
        .init(name: "bands.flatFloor1", group: .bands),
        .init(name: "bands.crossScaleCorrelation01", group: .bands),
        .init(name: "bands.crossScaleCorrelation12", group: .bands),
    ]

    /// Number of features.
    public static var count: Int { descriptors.count }

    /// Feature names in vector order.
    public static var names: [String] { descriptors.map(\.name) }

    /// Index of a feature by name.
    public static func index(of name: String) -> Int? { descriptors.firstIndex { $0.name == name } }
}
