import AssayCore

/// A logistic-regression model on standardised features, read from `model.json`.
///
/// `logit = bias + Σ weightᵢ · (xᵢ − meanᵢ) / scaleᵢ`. Per-group contributions are the sums of
/// the terms of each ``FeatureGroup`` and are reported as reasons.
public struct LogisticModel: Sendable, Hashable {
    /// The JSON document (`model.json`).
    struct Document: Codable {
        var schema: Int
        var modelID: String
        var kind: String
        var featureSetVersion: String
        var featureNames: [String]
        var mean: [Double]
        var scale: [Double]
        var weights: [Double]
        var bias: Double
    }

    /// The `kind` value of this model type in `model.json`.
    static let kind = "logistic-regression"

    /// Model identifier (the folder name under `Classifiers/`).
    public let modelID: String
    /// Feature-set version the model was trained on.
    public let featureSetVersion: String
    let mean: [Double]
    let scale: [Double]
    let weights: [Double]
    let bias: Double

    /// Loads `model.json` and checks it against this build's ``FeatureSet``.
    /// - Throws: ``ClassifierError`` (`modelNotFound`, `malformedModel`, `unsupportedModelKind`,
    ///   `featureSetMismatch`).
    public init(contentsOf path: String) throws {
        // The header first: a model of another schema or kind is refused as such, not as a malformed
        // logistic model that lacks weights.
        try ModelHeader.require(kind: Self.kind, at: path)
        let location = InputLocation(path: path)
        let doc = try ModelFiles.decode(Document.self, at: path)
        guard doc.featureSetVersion == FeatureSet.version else {
            throw ClassifierError.featureSetMismatch(
                "model was trained on feature set '\(doc.featureSetVersion)', "
                    + "this build extracts '\(FeatureSet.version)'",
                location: location)
        }
        guard doc.featureNames == FeatureSet.names else {
            throw ClassifierError.featureSetMismatch(
                "model lists features that differ from feature set '\(FeatureSet.version)'", location: location)
        }
        let n = FeatureSet.count
        guard doc.mean.count == n, doc.scale.count == n, doc.weights.count == n else {
            throw ClassifierError.malformedModel("mean/scale/weights must each hold \(n) values", location: location)
        }
        try ModelFiles.requireFinite(doc.mean + doc.scale + doc.weights + [doc.bias], "model", path: path)
        guard doc.scale.allSatisfy({ $0 > 0 }) else {
            throw ClassifierError.malformedModel("every scale must be positive", location: location)
        }
        modelID = doc.modelID
        featureSetVersion = doc.featureSetVersion
        mean = doc.mean
        scale = doc.scale
        weights = doc.weights
        bias = doc.bias
    }

    /// Standardised features.
    public func standardise(_ x: [Double]) -> [Double] {
        precondition(x.count == mean.count)
        return (0..<x.count).map { (x[$0] - mean[$0]) / scale[$0] }
    }

    /// The logit and the contribution of each group.
    public func evaluate(_ x: [Double]) -> (logit: Double, contributions: [FeatureGroup: Double]) {
        let z = standardise(x)
        var contributions: [FeatureGroup: Double] = [:]
        var logit = bias
        for (i, d) in FeatureSet.descriptors.enumerated() {
            let term = weights[i] * z[i]
            logit += term
            contributions[d.group, default: 0] += term
        }
        return (logit, contributions)
    }
}
