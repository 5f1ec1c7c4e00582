import AssayCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The artifact classifier: features → logistic model → calibrated p-value → three-way decision.
///
/// It is the weakest evidence lane. A decision of `artifacts` means the clip's statistic is more
/// extreme than all but a fraction `alpha` of held-out *real* clips of the calibration set; it is
/// not proof of generation, and `no-artifacts-found` is not proof of authenticity. See the model
/// card in `Classifiers/<model-id>/MODEL_CARD.md`.
///
/// Sampling: pass runs of consecutive decoded frames (a frame whose ``Frame/index`` does not follow
/// the previous one starts a new run). At most ``maximumSegments`` segments of
/// ``segmentLength`` frames are analysed, so decoding ``preferredFrameCount`` frames is enough;
/// spread the runs over the clip for per-segment scores that cover it.
public struct ArtifactClassifier: Sendable {
    /// Frames per segment.
    public static let segmentLength = 8
    /// Segments analysed at most; later frames are ignored.
    public static let maximumSegments = 6
    /// Frames a caller should decode: ``segmentLength`` × ``maximumSegments``.
    public static var preferredFrameCount: Int { segmentLength * maximumSegments }
    /// The model shipped with this build, under `Classifiers/`.
    public static let defaultModelID = "assay-npr-lr-2"

    /// The model identifier.
    public var modelID: String { model.modelID }
    /// The loaded model (its kind decides how segments are scored).
    public let model: ClassifierModel
    /// The loaded calibration.
    public let calibration: Calibration
    /// The feature extractor.
    public let extractor: FeatureExtractor

    /// Loads `model.json` and `calibration.json` from a model folder (`Classifiers/<model-id>`).
    /// - Throws: ``ClassifierError`` when a file is missing or malformed, when the model's kind is unknown, or
    ///   when the model's input version (``FeatureSet/version`` or ``TileCNNInput/version``) differs from this
    ///   build's or from the calibration's.
    public init(modelDirectory: String) throws {
        let dir = modelDirectory.hasSuffix("/") ? String(modelDirectory.dropLast()) : modelDirectory
        model = try ClassifierModel(contentsOf: dir + "/model.json")
        calibration = try Calibration(contentsOf: dir + "/calibration.json", inputVersion: model.inputVersion)
        if case .logistic = model, calibration.maximumMeanSquaredZ == nil || calibration.maximumAbsoluteZ == nil {
            throw ClassifierError.malformedModel(
                "a feature model's calibration needs maximumMeanSquaredZ and maximumAbsoluteZ",
                location: InputLocation(path: dir + "/calibration.json"))
        }
        // The upscale measure is only needed when the calibration carries the classical-upscale rule.
        extractor = FeatureExtractor(measuresUpscale: calibration.upscale != nil)
    }

    /// Classifies a clip from its decoded frames.
    /// - Throws: ``ClassifierError/Code/invalidInput`` if frame sizes change within the sequence.
    public func classify(frames: some Sequence<Frame>) throws -> ClassifierEvidence {
        try analyse(frames: frames).evidence
    }

    /// Classifies and returns the per-segment details as well (features, logits, abstentions).
    public func analyse(frames: some Sequence<Frame>) throws -> ClassifierAnalysis {
        var segments: [SegmentVerdict] = []
        var run: [Frame] = []
        var size: (Int, Int)?
        var sawFrames = false
        var clipAbstention: AbstentionReason?
        func flush() {
            defer { run.removeAll(keepingCapacity: true) }
            guard !run.isEmpty else { return }
            if run.count < 2 {
                if segments.isEmpty && clipAbstention == nil { clipAbstention = .singleFrame }
                return
            }
            segments.append(score(segment: run))
        }
        for frame in frames {
            sawFrames = true
            if let (w, h) = size, w != frame.width || h != frame.height {
                throw ClassifierError.invalidInput(
                    "frame \(frame.index) is \(frame.width)x\(frame.height), earlier frames were \(w)x\(h)")
            }
            size = (frame.width, frame.height)
            if frame.width < TileGrid.tileSize || frame.height < TileGrid.tileSize {
                clipAbstention = .tooSmall
                break
            }
            if let last = run.last, frame.index != last.index + 1 { flush() }
            run.append(frame)
            if run.count == Self.segmentLength { flush() }
            if segments.count >= Self.maximumSegments { break }
        }
        if segments.count < Self.maximumSegments { flush() }
        if !sawFrames { clipAbstention = .noFrames }
        if segments.isEmpty && clipAbstention == nil { clipAbstention = .singleFrame }
        return decide(segments: segments, clipAbstention: clipAbstention)
    }

    private func score(segment frames: [Frame]) -> SegmentVerdict {
        switch model {
        case .logistic(let logistic): score(segment: frames, logistic: logistic)
        case .tileCNN(let cnn): score(segment: frames, cnn: cnn)
        }
    }

    /// Features → out-of-distribution rule → logistic model.
    private func score(segment frames: [Frame], logistic: LogisticModel) -> SegmentVerdict {
        let f = extractor.features(segment: frames)
        var verdict = SegmentVerdict(
            start: f.start, end: f.end, frameCount: frames.count, logit: nil, contributions: [:], abstention: nil,
            features: f)
        let c = calibration
        if let reason = contentAbstention(f.profile, frameCount: frames.count) {
            verdict.abstention = reason
        } else if let values = f.values {
            let z = logistic.standardise(values)
            let meanSquared = z.map { $0 * $0 }.reduce(0, +) / Double(z.count)
            if meanSquared > c.maximumMeanSquaredZ ?? .infinity
                || z.contains(where: { abs($0) > c.maximumAbsoluteZ ?? .infinity })
            {
                verdict.abstention = .outOfDistribution
            } else {
                let e = logistic.evaluate(values)
                verdict.logit = e.logit
                verdict.contributions = e.contributions
            }
        } else {
            verdict.abstention = .unmeasurable
        }
        return verdict
    }

    /// Content profile → tile CNN on the segment's NPR-residual tiles (no features are extracted).
    private func score(segment frames: [Frame], cnn: TileCNNModel) -> SegmentVerdict {
        let (f, candidates) = extractor.profile(segment: frames)
        var verdict = SegmentVerdict(
            start: f.start, end: f.end, frameCount: frames.count, logit: nil, contributions: [:], abstention: nil,
            features: f)
        if let reason = contentAbstention(f.profile, frameCount: frames.count) {
            verdict.abstention = reason
        } else if let s = cnn.score(
            frames: frames, analysed: Array(stride(from: 0, to: frames.count, by: 2)), candidates: candidates)
        {
            verdict.logit = s.score
        } else {
            verdict.abstention = .unmeasurable
        }
        return verdict
    }

    /// The content rules every model shares (black, grayscale, too few tiles, interlaced, CGI/animation/screen,
    /// heavy compression, classical upscale), in this order; `nil` when the segment may be scored.
    private func contentAbstention(_ p: ContentProfile, frameCount: Int) -> AbstentionReason? {
        let analysedFrames = Double((frameCount + 1) / 2)
        let c = calibration
        if p.lumaMean < 24 && p.lumaStd < 6 { return .black }
        if p.chromaSpread < c.minimumChromaSpread { return .grayscale }
        if Double(p.usableTiles) / analysedFrames < c.minimumUsableTilesPerFrame { return .tooFewTiles }
        if p.combing > c.maximumCombing { return .interlaced }
        if p.flatFraction > c.maximumFlatFraction { return .syntheticContent }
        if let entropy = c.maximumChromaEntropy, let colourful = c.minimumColourfulness,
            p.chromaEntropy > entropy && p.colourfulness > colourful
        {
            return .syntheticContent
        }
        if p.blockiness > c.maximumBlockiness { return .heavyCompression }
        if let limits = c.upscale, let m = p.upscale, limits.factor(of: m) != nil { return .classicallyUpscaled }
        return nil
    }

    private func decide(segments: [SegmentVerdict], clipAbstention: AbstentionReason?) -> ClassifierAnalysis {
        let evidenceSegments = segments.compactMap { s in
            s.logit.map { ClassifierEvidence.Segment(start: s.start, end: s.end, score: Self.sigmoid($0)) }
        }
        if let reason = clipAbstention, segments.isEmpty {
            return ClassifierAnalysis(
                evidence: ClassifierEvidence(
                    modelID: modelID, score: nil, decision: .inconclusive, reasons: [reason.explanation]),
                segments: segments, statistic: nil, abstention: reason)
        }
        let usable = segments.filter { $0.logit != nil }
        var abstained: [AbstentionReason: Int] = [:]
        for s in segments { if let a = s.abstention { abstained[a, default: 0] += 1 } }
        var abstentionNotes = abstained.sorted { $0.value > $1.value }.map {
            "\($0.value) of \(segments.count) segments not scored: \($0.key.explanation)"
        }
        if let note = upscaleNote(segments) { abstentionNotes.append(note) }
        let fraction = Double(usable.count) / Double(max(segments.count, 1))
        guard !usable.isEmpty, fraction >= calibration.minimumUsableSegmentFraction else {
            let main = abstained.max { $0.value < $1.value }?.key ?? .unmeasurable
            return ClassifierAnalysis(
                evidence: ClassifierEvidence(
                    modelID: modelID, score: nil, decision: .inconclusive,
                    reasons: ["too few usable segments (\(usable.count) of \(segments.count))"] + abstentionNotes,
                    segments: evidenceSegments),
                segments: segments, statistic: nil, abstention: main)
        }
        let statistic = usable.compactMap(\.logit).reduce(0, +) / Double(usable.count)
        let pValue = calibration.pValue(of: statistic)
        let decision: ClassifierEvidence.Decision = pValue <= calibration.alpha ? .artifacts : .noArtifactsFound
        var totals: [FeatureGroup: Double] = [:]
        for s in usable { for (g, v) in s.contributions { totals[g, default: 0] += v / Double(usable.count) } }
        let ordered = totals.sorted { abs($0.value) > abs($1.value) }
        var reasons = [
            "p = \(Self.format(pValue)) against \(calibration.nullStatistics.count) held-out real clips "
                + "(\(calibration.nullDescription)); artifacts when p ≤ \(Self.format(calibration.alpha))"
        ]
        if case .tileCNN(let cnn) = model {
            reasons.append(
                "score: mean logit of a small CNN over up to \(cnn.tilesPerFrame) NPR-residual luma tiles per analysed "
                    + "frame (no per-group contributions)")
        }
        for (group, value) in ordered.prefix(3) {
            let direction = value >= 0 ? "towards artifacts" : "towards real"
            let signed = "\(value >= 0 ? "+" : "")\(Self.format(value))"
            reasons.append("\(group.rawValue) \(signed) \(direction): \(group.summary)")
        }
        reasons += abstentionNotes
        return ClassifierAnalysis(
            evidence: ClassifierEvidence(
                modelID: modelID, score: Self.sigmoid(statistic), pValue: pValue, decision: decision, reasons: reasons,
                segments: evidenceSegments),
            segments: segments, statistic: statistic, abstention: nil)
    }

    /// "classically upscaled: ×2 in 5 segments (best-fitting kernel: bicubic-0.5 in 3, bilinear in 2)", from the
    /// segments the upscale rule left out. The factor is measured; the kernel is only the closest of a small bank.
    private func upscaleNote(_ segments: [SegmentVerdict]) -> String? {
        guard let limits = calibration.upscale else { return nil }
        var byFactor: [Int: [String: Int]] = [:]
        for s in segments where s.abstention == .classicallyUpscaled {
            guard let m = s.features.profile.upscale, let factor = limits.factor(of: m) else { continue }
            let kernel = m.kernels.indices.contains(factor - 2) ? m.kernels[factor - 2] : "?"
            byFactor[factor, default: [:]][kernel, default: 0] += 1
        }
        guard !byFactor.isEmpty else { return nil }
        let parts = byFactor.sorted { $0.key < $1.key }.map { factor, kernels in
            let count = kernels.values.reduce(0, +)
            let list = kernels.sorted { $0.value > $1.value }.map { "\($0.key) in \($0.value)" }
            return "×\(factor) in \(count) segments (best-fitting kernel: \(list.joined(separator: ", ")))"
        }
        return "classically upscaled: " + parts.joined(separator: "; ")
    }

    static func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }

    static func format(_ x: Double) -> String {
        let r = (x * 1000).rounded() / 1000
        return r == 0 && x != 0 ? "<0.001" : String(r)
    }
}

/// The full result of ``ArtifactClassifier/analyse(frames:)``.
public struct ClassifierAnalysis: Sendable {
    /// The evidence for the verdict.
    public var evidence: ClassifierEvidence
    /// Every segment, scored or not.
    public var segments: [SegmentVerdict]
    /// The clip statistic (mean segment logit) when a decision was made.
    public var statistic: Double?
    /// The main abstention reason when the decision is `inconclusive`.
    public var abstention: AbstentionReason?
}
