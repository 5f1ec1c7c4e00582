import AssayClassifier
import AssayCore
import AssayTestSupport
import Foundation
import Testing

@Suite("Model loading")
struct ModelLoadingTests {
    @Test("a well-formed model folder loads")
    func loads() throws {
        let dir = try ModelFolder.make()
        let c = try ArtifactClassifier(modelDirectory: dir.url.path)
        #expect(c.modelID == "test-neutral")
        #expect(c.calibration.nullStatistics == [-1, 0.5, 1])
    }

    @Test("a model trained on another feature-set version is refused")
    func refusesWrongFeatureSet() throws {
        let dir = try ModelFolder.make(model: ModelFolder.modelJSON(version: "assay-fs-0"))
        let error = #expect(throws: ClassifierError.self) { try ArtifactClassifier(modelDirectory: dir.url.path) }
        #expect(error?.code == .featureSetMismatch)
        #expect(error?.reason.contains("assay-fs-0") == true)
        #expect(error?.location?.path?.hasSuffix("model.json") == true)
    }

    /// The error loading the committed model folder `Classifiers/<id>` gives (recorded as an issue if none).
    static func refusalOfCommittedModel(_ id: String) -> ClassifierError? {
        let dir = TestFixtures.packageRoot.appendingPathComponent("Classifiers").appendingPathComponent(id)
        return #expect(throws: ClassifierError.self) { try ArtifactClassifier(modelDirectory: dir.path) }
    }

    @Test("the committed assay-npr-lr-3 model (trained on assay-fs-3, not shipped) is refused by this runtime")
    func refusesCommittedModelOfAnotherFeatureSet() throws {
        #expect(FeatureSet.version != "assay-fs-3")
        let error = Self.refusalOfCommittedModel("assay-npr-lr-3")
        #expect(error?.code == .featureSetMismatch)
        #expect(error?.reason.contains("assay-fs-3") == true)
    }

    @Test("the committed assay-npr-gbt-1 (tree head, evaluated and not shipped) is refused by this runtime")
    func refusesCommittedTreeModel() throws {
        #expect(ArtifactClassifier.defaultModelID != "assay-npr-gbt-1")
        let error = Self.refusalOfCommittedModel("assay-npr-gbt-1")
        // Refused for its kind (the header is read before the logistic fields it lacks).
        #expect(error?.code == .unsupportedModelKind)
        #expect(error?.location?.path?.hasSuffix("model.json") == true)
    }

    @Test("the committed assay-npr-fused-1 (lr-2 + cnn-1 sum, evaluated and not shipped) is refused by this runtime")
    func refusesCommittedFusion() throws {
        #expect(ArtifactClassifier.defaultModelID != "assay-npr-fused-1")
        let error = Self.refusalOfCommittedModel("assay-npr-fused-1")
        // Its kind ('fusion') has no runtime: the rule that would have written one failed (RESULTS.md).
        #expect(error?.code == .unsupportedModelKind)
        #expect(error?.reason.contains("fusion") == true)
    }

    @Test("a calibration for another feature-set version is refused")
    func refusesWrongCalibrationVersion() throws {
        let dir = try ModelFolder.make(calibration: ModelFolder.calibrationJSON(version: "assay-fs-9"))
        let error = #expect(throws: ClassifierError.self) { try ArtifactClassifier(modelDirectory: dir.url.path) }
        #expect(error?.code == .featureSetMismatch)
    }

    @Test("feature names that differ from the feature set are refused")
    func refusesRenamedFeatures() throws {
        var names = FeatureSet.names
        names.swapAt(0, 1)
        let dir = try ModelFolder.make(model: ModelFolder.modelJSON(names: names))
        #expect(throws: ClassifierError.featureSetMismatch("")) { try ArtifactClassifier(modelDirectory: dir.url.path) }
    }

    @Test("an unknown model kind is refused")
    func refusesUnknownKind() throws {
        let dir = try ModelFolder.make(model: ModelFolder.modelJSON(kind: "cnn"))
        #expect(throws: ClassifierError.unsupportedModelKind("")) {
            try ArtifactClassifier(modelDirectory: dir.url.path)
        }
    }

    @Test("malformed JSON gives a typed error naming the file")
    func malformedJSON() throws {
        let dir = try ModelFolder.make(model: Array("{\"schema\": 1, \"kind\": ".utf8))
        let error = #expect(throws: ClassifierError.self) { try ArtifactClassifier(modelDirectory: dir.url.path) }
        #expect(error?.code == .malformedModel)
        #expect(error?.location?.path?.hasSuffix("model.json") == true)
    }

    @Test("non-finite or non-positive values are refused")
    func badValues() throws {
        var model = ModelFolder.modelJSON()
        model["scale"] = Array(repeating: 0.0, count: FeatureSet.count)
        let dir = try ModelFolder.make(model: model)
        #expect(throws: ClassifierError.malformedModel("")) { try ArtifactClassifier(modelDirectory: dir.url.path) }
    }

    @Test("a missing folder is reported as not found")
    func missing() {
        #expect(throws: ClassifierError.modelNotFound("")) {
            try ArtifactClassifier(modelDirectory: "/nonexistent/assay-model")
        }
    }

    @Test("p-values are conformal: (1 + #null ≥ s) / (n + 1)")
    func pValues() throws {
        let dir = try ModelFolder.make()
        let c = try ArtifactClassifier(modelDirectory: dir.url.path).calibration
        #expect(c.pValue(of: 2) == 0.25)
        #expect(c.pValue(of: 1) == 0.5)
        #expect(c.pValue(of: 0) == 0.75)
        #expect(c.pValue(of: -5) == 1)
    }
}
