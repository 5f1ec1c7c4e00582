import AssayClassifier
import AssayCore
import AssayTestSupport
import Foundation
import Testing

@Suite("Tile CNN model")
struct TileCNNTests {
    func classifier() throws -> ArtifactClassifier {
        let dir = try ModelFolder.make(model: ModelFolder.cnnJSON(), calibration: ModelFolder.cnnCalibrationJSON())
        return try ArtifactClassifier(modelDirectory: dir.url.path)
    }

    @Test("a tile-cnn model folder loads and is dispatched by kind")
    func loads() throws {
        let c = try classifier()
        #expect(c.modelID == "test-cnn")
        guard case .tileCNN(let m) = c.model else {
            Issue.record("expected a tile CNN, got \(c.model)")
            return
        }
        #expect(m.inputVersion == TileCNNInput.version && m.tilesPerFrame == 4)
    }

    @Test("a model trained on another input version is refused")
    func refusesWrongInputVersion() throws {
        let dir = try ModelFolder.make(
            model: ModelFolder.cnnJSON(inputVersion: "assay-cnn-in-0"), calibration: ModelFolder.cnnCalibrationJSON())
        let error = #expect(throws: ClassifierError.self) { try ArtifactClassifier(modelDirectory: dir.url.path) }
        #expect(error?.code == .featureSetMismatch)
        #expect(error?.reason.contains("assay-cnn-in-0") == true)
    }

    @Test("a CNN with a calibration made for the feature models is refused")
    func refusesFeatureCalibration() throws {
        let dir = try ModelFolder.make(model: ModelFolder.cnnJSON(), calibration: ModelFolder.calibrationJSON())
        #expect(throws: ClassifierError.featureSetMismatch("")) { try ArtifactClassifier(modelDirectory: dir.url.path) }
    }

    @Test("a feature model's calibration without out-of-distribution limits is refused")
    func refusesFeatureCalibrationWithoutLimits() throws {
        let dir = try ModelFolder.make(calibration: ModelFolder.cnnCalibrationJSON(version: FeatureSet.version))
        #expect(throws: ClassifierError.malformedModel("")) { try ArtifactClassifier(modelDirectory: dir.url.path) }
    }

    @Test("layer shapes that do not fit are refused")
    func refusesBadShapes() throws {
        let dir = try ModelFolder.make(
            model: ModelFolder.cnnJSON(convWeights: 31), calibration: ModelFolder.cnnCalibrationJSON())
        let error = #expect(throws: ClassifierError.self) { try ArtifactClassifier(modelDirectory: dir.url.path) }
        #expect(error?.code == .malformedModel)
        #expect(error?.reason.contains("layer 0") == true)
    }

    @Test("tilesPerFrame outside 1...64 is refused")
    func refusesTileCount() throws {
        let dir = try ModelFolder.make(
            model: ModelFolder.cnnJSON(tilesPerFrame: 0), calibration: ModelFolder.cnnCalibrationJSON())
        #expect(throws: ClassifierError.malformedModel("")) { try ArtifactClassifier(modelDirectory: dir.url.path) }
    }

    @Test("the NPR residual is the luma minus the top-left sample of its 2×2 block, divided by the scale")
    func residual() throws {
        var samples = [UInt8](repeating: 0, count: 128 * 128)
        for i in samples.indices { samples[i] = UInt8((i * 37 + i / 128 * 11) % 251) }
        let plane = try Plane(width: 128, height: 128, samples: samples)
        var r: [Float] = []
        TileCNNInput.residual(plane, x: 64, y: 0, scale: 16, into: &r)
        #expect(r.count == 64 * 64)
        for (yy, xx) in [(0, 0), (0, 1), (1, 0), (1, 1), (37, 50), (63, 63)] {
            let v = Float(Int(plane[64 + xx, yy]) - Int(plane[64 + xx / 2 * 2, yy / 2 * 2])) / 16
            #expect(r[yy * 64 + xx] == v)
        }
        #expect(r[10 * 64 + 20] == 0)   // an even-even sample is its own block's reference
    }

    @Test("a segment's score is the mean logit of the tiles the input recipe picks")
    func segmentScoreIsMeanTileLogit() throws {
        let c = try classifier()
        guard case .tileCNN(let m) = c.model else { return }
        let frames = try SyntheticFrames.clip(width: 256, height: 192, count: 8, seed: 11)
        let candidates = TileGridProbe.candidates(frames[0].luma)
        var logits: [Double] = []
        var r: [Float] = []
        for i in stride(from: 0, to: 8, by: 2) {
            let tiles = TileCNNInput.tiles(of: frames[i].luma, candidates: candidates, perFrame: m.tilesPerFrame)
            #expect(tiles.count == min(m.tilesPerFrame, candidates.count))
            for t in tiles {
                TileCNNInput.residual(frames[i].luma, x: t.x, y: t.y, scale: m.inputScale, into: &r)
                logits.append(Double(m.logit(residual: r)))
            }
        }
        let s = try #require(m.score(frames: frames, analysed: [0, 2, 4, 6], candidates: candidates))
        #expect(s.tiles == logits.count)
        #expect(abs(s.score - logits.reduce(0, +) / Double(logits.count)) < 1e-9)
        // Different tiles give different logits: the score depends on the content.
        #expect(Set(logits.map { Float($0) }).count > 1)
        let analysis = try c.analyse(frames: frames)
        #expect(analysis.segments.count == 1)
        #expect(abs((analysis.segments[0].logit ?? .nan) - s.score) < 1e-12)
    }

    @Test("tiny, black, single-frame and empty input give inconclusive, never a crash")
    func badInput() throws {
        let c = try classifier()
        let cases: [([Frame], AbstentionReason)] = [
            (try SyntheticFrames.clip(width: 48, height: 40, count: 8, seed: 1), .tooSmall),
            (try SyntheticFrames.clip(width: 128, height: 128, count: 1, seed: 2), .singleFrame),
            (try (0..<8).map { try Frame(width: 256, height: 128, y: 16, index: $0) }, .black),
            ([], .noFrames),
        ]
        for (frames, reason) in cases {
            let a = try c.analyse(frames: frames)
            #expect(a.evidence.decision == .inconclusive)
            #expect(a.abstention == reason)
            #expect(a.evidence.score == nil)
        }
    }
}

/// The tile candidates the classifier uses (``FeatureExtractor/profile(segment:)`` of a one-frame segment).
enum TileGridProbe {
    static func candidates(_ luma: Plane) -> [(x: Int, y: Int)] {
        let c = Frame.chromaSize(width: luma.width, height: luma.height)
        let frame = try! Frame(
            luma: luma, cb: Plane(width: c.width, height: c.height, value: 128),
            cr: Plane(width: c.width, height: c.height, value: 128))
        return FeatureExtractor().profile(segment: [frame]).candidates
    }
}
