import AssayCore

/// The calibration of a model, read from `calibration.json`: the null distribution of the clip
/// statistic on held-out real footage (for p-values), the decision level, and the abstention limits.
public struct Calibration: Sendable, Hashable {
    struct Document: Codable {
        struct Abstention: Codable {
            var minimumUsableTilesPerFrame: Double
            var maximumBlockiness: Double
            var maximumFlatFraction: Double
            var minimumChromaSpread: Double
            var maximumCombing: Double
            var minimumUsableSegmentFraction: Double
            var maximumMeanSquaredZ: Double
            var maximumAbsoluteZ: Double
            var maximumChromaEntropy: Double?
            var minimumColourfulness: Double?
        }
        var schema: Int
        var featureSetVersion: String
        var statistic: String
        var alpha: Double
        var nullStatistics: [Double]
        var nullDescription: String
        var abstention: Abstention
    }

    /// Significance level: `artifacts` only when the p-value is at most this.
    public let alpha: Double
    /// Clip statistics (mean segment logit) of held-out real clips, sorted ascending.
    public let nullStatistics: [Double]
    /// What the null sample is (for reports).
    public let nullDescription: String
    /// Minimum usable tiles per analysed frame (averaged over the segment).
    public let minimumUsableTilesPerFrame: Double
    /// Blockiness above this is "heavy compression".
    public let maximumBlockiness: Double
    /// Flat fraction above this is "CGI, animation or screen content".
    public let maximumFlatFraction: Double
    /// Chroma spread below this is "grayscale".
    public let minimumChromaSpread: Double
    /// Combing above this is "interlaced".
    public let maximumCombing: Double
    /// Fraction of segments that must be usable for a decision.
    public let minimumUsableSegmentFraction: Double
    /// Mean squared standardised feature above this is out of distribution.
    public let maximumMeanSquaredZ: Double
    /// Any standardised feature beyond this is out of distribution.
    public let maximumAbsoluteZ: Double
    /// Palette rule for CGI / animation: a segment whose chroma entropy is above this *and* whose
    /// colourfulness is above ``minimumColourfulness`` is not scored. `nil` (absent): rule off.
    public let maximumChromaEntropy: Double?
    /// See ``maximumChromaEntropy``.
    public let minimumColourfulness: Double?

    /// Loads `calibration.json`.
    /// - Throws: ``ClassifierError`` (`modelNotFound`, `malformedModel`, `featureSetMismatch`).
    public init(contentsOf path: String) throws {
        let doc = try ModelFiles.decode(Document.self, at: path)
        let location = InputLocation(path: path)
        guard doc.schema == 1 else {
            throw ClassifierError.malformedModel(
                "calibration schema \(doc.schema) is not supported", location: location)
        }
        guard doc.featureSetVersion == FeatureSet.version else {
            throw ClassifierError.featureSetMismatch(
                "calibration is for feature set '\(doc.featureSetVersion)', "
                    + "this build extracts '\(FeatureSet.version)'",
                location: location)
        }
        guard doc.statistic == "mean-segment-logit" else {
            throw ClassifierError.malformedModel("unknown statistic '\(doc.statistic)'", location: location)
        }
        guard doc.alpha > 0, doc.alpha < 1 else {
            throw ClassifierError.malformedModel("alpha must be in (0, 1)", location: location)
        }
        guard !doc.nullStatistics.isEmpty, doc.nullStatistics.count <= 1_000_000 else {
            throw ClassifierError.malformedModel("nullStatistics must hold 1...1000000 values", location: location)
        }
        let a = doc.abstention
        try ModelFiles.requireFinite(
            doc.nullStatistics + [a.maximumChromaEntropy, a.minimumColourfulness].compactMap { $0 } + [
                a.minimumUsableTilesPerFrame, a.maximumBlockiness, a.maximumFlatFraction, a.minimumChromaSpread,
                a.maximumCombing, a.minimumUsableSegmentFraction, a.maximumMeanSquaredZ, a.maximumAbsoluteZ,
            ], "calibration", path: path)
        alpha = doc.alpha
        nullStatistics = doc.nullStatistics.sorted()
        nullDescription = doc.nullDescription
        minimumUsableTilesPerFrame = a.minimumUsableTilesPerFrame
        maximumBlockiness = a.maximumBlockiness
        maximumFlatFraction = a.maximumFlatFraction
        minimumChromaSpread = a.minimumChromaSpread
        maximumCombing = a.maximumCombing
        minimumUsableSegmentFraction = a.minimumUsableSegmentFraction
        maximumMeanSquaredZ = a.maximumMeanSquaredZ
        maximumAbsoluteZ = a.maximumAbsoluteZ
        maximumChromaEntropy = a.maximumChromaEntropy
        minimumColourfulness = a.minimumColourfulness
    }

    /// Conformal p-value of a clip statistic under "this is real footage like the null sample":
    /// `(1 + #{null ≥ s}) / (1 + n)`. Never below `1 / (n + 1)`.
    public func pValue(of statistic: Double) -> Double {
        // Binary search for the first null value ≥ statistic.
        var lo = 0, hi = nullStatistics.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if nullStatistics[mid] < statistic { lo = mid + 1 } else { hi = mid }
        }
        let atLeast = nullStatistics.count - lo
        return Double(1 + atLeast) / Double(1 + nullStatistics.count)
    }
}
