import AssayClassifier
import AssayCore
import AssayTestSupport
import Foundation
import Testing

/// The model shipped under `Classifiers/` on real fixture clips, decoded with the ffmpeg CLI.
@Suite("Shipped model")
struct ShippedModelTests {
    /// Decodes the first `count` frames of a bundled clip to yuv420p frames with the ffmpeg CLI.
    static func decode(_ name: String, count: Int) throws -> [Frame] {
        try UpscaleRuleTests.decode(path: TestFixtures.bundled(name).path, count: count)
    }

    @Test("the shipped model loads and matches this build's feature set")
    func loads() throws {
        let c = try ArtifactClassifier(modelDirectory: ModelFolder.shipped.path)
        #expect(c.modelID == ArtifactClassifier.defaultModelID)
        #expect(c.model.inputVersion == FeatureSet.version)
        // The null must be large enough that p ≤ alpha is reachable at all, and p ≤ 0.002 (≥ 499 clips).
        #expect(1 / Double(c.calibration.nullStatistics.count + 1) <= c.calibration.alpha)
        #expect(c.calibration.nullStatistics.count >= 499)
        #expect(c.calibration.maximumChromaEntropy != nil && c.calibration.minimumColourfulness != nil)
    }

    @Test("Big Buck Bunny (CGI, never trained on) is inconclusive by the measured palette rule; bikes is not")
    func cgiAbstains() throws {
        let c = try ArtifactClassifier(modelDirectory: ModelFolder.shipped.path)
        let cgi = try c.analyse(frames: Self.decode("bigbuckbunny.mp4", count: 16))
        #expect(cgi.evidence.decision == .inconclusive)
        #expect(cgi.abstention == .syntheticContent)
        #expect(cgi.segments.allSatisfy { $0.abstention == .syntheticContent })
        // The rule is measured, not a name check: its two profile values are above the limits.
        for s in cgi.segments {
            #expect(s.features.profile.chromaEntropy > c.calibration.maximumChromaEntropy!)
            #expect(s.features.profile.colourfulness > c.calibration.minimumColourfulness!)
        }
        let real = try c.analyse(frames: Self.decode("bikes.mp4", count: 16))
        #expect(real.segments.allSatisfy { $0.abstention != .syntheticContent })
    }

    @Test("classifies a fixture clip with a decision consistent with its calibration",
          arguments: ["carphone.mp4", "bikes.mp4"])
    func classifiesFixture(name: String) throws {
        let c = try ArtifactClassifier(modelDirectory: ModelFolder.shipped.path)
        let frames = try Self.decode(name, count: 16)
        #expect(frames.count == 16)
        let analysis = try c.analyse(frames: frames)
        let e = analysis.evidence
        #expect(e.modelID == ArtifactClassifier.defaultModelID)
        #expect(analysis.segments.count == 2)
        if e.decision == .inconclusive {
            #expect(analysis.abstention != nil)
            #expect(!e.reasons.isEmpty)
        } else {
            let statistic = try #require(analysis.statistic)
            let p = try #require(e.pValue)
            #expect(p == c.calibration.pValue(of: statistic))
            #expect((e.decision == .artifacts) == (p <= c.calibration.alpha))
            let score = try #require(e.score)
            #expect(score >= 0 && score <= 1)
            #expect(e.reasons.first?.hasPrefix("p = ") == true)
            #expect(!e.segments.isEmpty)
            // Real camera footage: the calibrated lane must not call it generated.
            #expect(e.decision == .noArtifactsFound, "\(name): \(e.reasons)")
        }
    }
}
