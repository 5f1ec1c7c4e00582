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

extension ModelFolder {
    /// A small tile-CNN `model.json` (conv 4×4/2 1→2, conv 3×3/2 2→3, global mean, linear) with fixed, non-trivial
    /// weights, so that scores depend on the tiles.
    static func cnnJSON(inputVersion: String = TileCNNInput.version, tilesPerFrame: Int = 4,
                        convWeights: Int = 2 * 1 * 4 * 4) -> [String: Any]
    {
        func values(_ n: Int, _ seed: Double) -> [Double] { (0..<n).map { sin(Double($0) * 1.7 + seed) * 0.3 } }
        return [
            "schema": 1, "modelID": "test-cnn", "kind": "tile-cnn", "inputVersion": inputVersion,
            "input": [
                "tileSize": 64, "candidateTilesPerFrame": 24, "tilesPerFrame": tilesPerFrame,
                "residual": "npr-2x2-nearest", "scale": 16.0, "frameStep": 2,
            ],
            "aggregation": "mean-tile-logit", "trainingSteps": 0,
            "layers": [
                [
                    "kind": "conv2d", "inChannels": 1, "outChannels": 2, "kernel": 4, "stride": 2, "padding": 1,
                    "activation": "relu", "weight": values(convWeights, 0.1), "bias": [0.05, -0.02],
                ],
                [
                    "kind": "conv2d", "inChannels": 2, "outChannels": 3, "kernel": 3, "stride": 2, "padding": 1,
                    "activation": "relu", "weight": values(3 * 2 * 9, 0.7), "bias": [0.01, 0.0, 0.02],
                ],
                ["kind": "global-mean-pool"],
                ["kind": "linear", "inChannels": 3, "outChannels": 1, "weight": [0.5, -0.4, 0.3], "bias": [-0.1]],
            ] as [[String: Any]],
        ]
    }

    /// The test calibration for a tile CNN: no feature-based out-of-distribution limits.
    static func cnnCalibrationJSON(version: String = TileCNNInput.version) -> [String: Any] {
        var c = calibrationJSON(version: version)
        if var a = c["abstention"] as? [String: Any] {
            a.removeValue(forKey: "maximumMeanSquaredZ")
            a.removeValue(forKey: "maximumAbsoluteZ")
            c["abstention"] = a
        }
        return c
    }
}
