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
            var maximumMeanSquaredZ: Double?
            var maximumAbsoluteZ: Double?
            var maximumChromaEntropy: Double?
            var minimumColourfulness: Double?
            var upscale: UpscaleLimits?
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
    /// Mean squared standardised feature above this is out of distribution (feature models only; `nil`: rule off).
    public let maximumMeanSquaredZ: Double?
    /// Any standardised feature beyond this is out of distribution (feature models only; `nil`: rule off).
    public let maximumAbsoluteZ: Double?
    /// Palette rule for CGI / animation: a segment whose chroma entropy is above this *and* whose
    /// colourfulness is above ``minimumColourfulness`` is not scored. `nil` (absent): rule off.
    public let maximumChromaEntropy: Double?
    /// See ``maximumChromaEntropy``.
    public let minimumColourfulness: Double?
    /// Classical-upscale rule: a segment the ``UpscaleMeasure`` explains as an interpolation upscale is not scored.
    /// `nil` (absent): rule off.
    public let upscale: UpscaleLimits?

    /// Loads `calibration.json` for a model that reads `inputVersion` (its `featureSetVersion` field must match).
    /// - Throws: ``ClassifierError`` (`modelNotFound`, `malformedModel`, `featureSetMismatch`).
    public init(contentsOf path: String, inputVersion: String = FeatureSet.version) throws {
        let doc = try ModelFiles.decode(Document.self, at: path)
        let location = InputLocation(path: path)
        guard doc.schema == 1 else {
            throw ClassifierError.malformedModel(
                "calibration schema \(doc.schema) is not supported", location: location)
        }
        guard doc.featureSetVersion == inputVersion else {
            throw ClassifierError.featureSetMismatch(
                "calibration is for input version '\(doc.featureSetVersion)', the model reads '\(inputVersion)'",
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
        let u = a.upscale
        try ModelFiles.requireFinite(
            doc.nullStatistics
                + [a.maximumChromaEntropy, a.minimumColourfulness, a.maximumMeanSquaredZ, a.maximumAbsoluteZ]
                .compactMap { $0 }
                + [u?.minimumExplained2, u?.maximumExplained4ForFactor2, u?.minimumExplained3, u?.minimumExplained4,
                    u?.minimumExplained4Smooth, u?.maximumExplained2ForFactor4]
                .compactMap { $0 } + [
                a.minimumUsableTilesPerFrame, a.maximumBlockiness, a.maximumFlatFraction, a.minimumChromaSpread,
                a.maximumCombing, a.minimumUsableSegmentFraction,
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
        upscale = u
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

/// Limits of the classical-upscale abstention rule (`calibration.json`, `abstention.upscale`), calibrated on
/// training segments only (`Classifiers/experiments/s5-upscale/RULE.md`).
///
/// A segment is a classical upscale when its ``UpscaleMeasure`` has `explained2 ≥ minimumExplained2` and
/// `explained4 ≤ maximumExplained4ForFactor2` (a ×2 interpolation is not period-4; ÷4 and ÷8 decoders are), or
/// `explained3 ≥ minimumExplained3`, or `explained4 ≥ minimumExplained4` (each test off when its limit is
/// absent), or (when both are set; a smooth ×4
/// kernel such as Lanczos is not ×2-coherent in its base band, the ÷4 decoders are)
/// `explained4 ≥ minimumExplained4Smooth` and `explained2 ≤ maximumExplained2ForFactor4`.
public struct UpscaleLimits: Sendable, Hashable, Codable {
    /// Lower limit on ``UpscaleMeasure/explained2``.
    public var minimumExplained2: Double
    /// Upper limit on ``UpscaleMeasure/explained4`` for the ×2 test.
    public var maximumExplained4ForFactor2: Double
    /// Lower limit on ``UpscaleMeasure/explained3``; `nil`: test off.
    public var minimumExplained3: Double?
    /// Lower limit on ``UpscaleMeasure/explained4``; `nil`: test off.
    public var minimumExplained4: Double?
    /// Lower limit on ``UpscaleMeasure/explained4`` for the smooth-×4 test; `nil`: test off.
    public var minimumExplained4Smooth: Double?
    /// Upper limit on ``UpscaleMeasure/explained2`` for the smooth-×4 test; `nil`: test off.
    public var maximumExplained2ForFactor4: Double?

    /// The factor the rule recognises in `m` (2, 3 or 4), or `nil`.
    public func factor(of m: UpscaleMeasure) -> Int? {
        if m.explained2 >= minimumExplained2 && m.explained4 <= maximumExplained4ForFactor2 { return 2 }
        if let e3 = minimumExplained3, m.explained3 >= e3 { return 3 }
        if let e4 = minimumExplained4, m.explained4 >= e4 { return 4 }
        if let e4 = minimumExplained4Smooth, let e2 = maximumExplained2ForFactor4,
            m.explained4 >= e4 && m.explained2 <= e2
        {
            return 4
        }
        return nil
    }
}
