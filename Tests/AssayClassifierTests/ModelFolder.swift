import AssayClassifier
import AssayTestSupport
import Foundation

/// Writes model folders for tests: a neutral model (zero weights) with real abstention limits, or
/// variations of it to test that loading refuses bad files.
enum ModelFolder {
    static func modelJSON(version: String = FeatureSet.version, names: [String] = FeatureSet.names,
                          kind: String = "logistic-regression") -> [String: Any]
    {
        [
            "schema": 1, "modelID": "test-neutral", "kind": kind, "featureSetVersion": version,
            "featureNames": names, "mean": Array(repeating: 0.0, count: names.count),
            "scale": Array(repeating: 1.0, count: names.count), "weights": Array(repeating: 0.0, count: names.count),
            "bias": 0.0,
        ]
    }

    static func calibrationJSON(version: String = FeatureSet.version) -> [String: Any] {
        [
            "schema": 1, "featureSetVersion": version, "statistic": "mean-segment-logit", "alpha": 0.01,
            "nullStatistics": [-1.0, 0.5, 1.0], "nullDescription": "test null",
            "abstention": [
                "minimumUsableTilesPerFrame": 3.0, "maximumBlockiness": 0.35, "maximumFlatFraction": 0.4,
                "minimumChromaSpread": 1.0, "maximumCombing": 1.6, "minimumUsableSegmentFraction": 0.5,
                "maximumMeanSquaredZ": 1e9, "maximumAbsoluteZ": 1e9,
            ],
        ]
    }

    /// Writes `model.json` and `calibration.json` (either may be raw bytes) into a fresh directory.
    static func make(model: Any = modelJSON(), calibration: Any = calibrationJSON()) throws -> TemporaryDirectory {
        let dir = try TemporaryDirectory(prefix: "assay-classifier")
        for (name, value) in [("model.json", model), ("calibration.json", calibration)] {
            let bytes: [UInt8]
            if let raw = value as? [UInt8] { bytes = raw } else {
                bytes = [UInt8](try JSONSerialization.data(withJSONObject: value))
            }
            try dir.write(name, bytes)
        }
        return dir
    }

    /// The model shipped in this repository.
    static var shipped: URL {
        TestFixtures.packageRoot.appendingPathComponent("Classifiers").appendingPathComponent(
            ArtifactClassifier.defaultModelID)
    }
}
