import AssayClassifier
import AssayCore
import AssayTestSupport
import Foundation
import Testing

/// The committed `Classifiers/assay-npr-cnn-1` network against PyTorch's logits for a few tiles of its training
/// clips (`parity-tiles.json`, written by that folder's `check_runtime.py` from the same `model.json`).
@Suite("Tile CNN parity with PyTorch")
struct CNNParityTests {
    struct Fixture: Decodable {
        struct Tile: Decodable {
            var clip: String
            var luma: String
            var logit: Double
        }
        var model: String
        var tolerance: Double
        var tiles: [Tile]
    }

    static let folder = TestFixtures.packageRoot.appendingPathComponent("Classifiers/assay-npr-cnn-1")

    @Test("every fixture tile's logit equals PyTorch's within the tolerance")
    func parity() throws {
        let data = try Data(contentsOf: Self.folder.appendingPathComponent("parity-tiles.json"))
        let fixture = try JSONDecoder().decode(Fixture.self, from: data)
        let model = try TileCNNModel(contentsOf: Self.folder.appendingPathComponent("model.json").path)
        #expect(fixture.model == model.modelID)
        #expect(fixture.tiles.count >= 4)
        var logits: [Double] = []
        for tile in fixture.tiles {
            let bytes = try #require(Data(base64Encoded: tile.luma))
            let plane = try Plane(width: 64, height: 64, samples: [UInt8](bytes))
            var residual: [Float] = []
            TileCNNInput.residual(plane, x: 0, y: 0, scale: model.inputScale, into: &residual)
            let logit = Double(model.logit(residual: residual))
            #expect(abs(logit - tile.logit) <= fixture.tolerance, "\(tile.clip): swift \(logit), torch \(tile.logit)")
            logits.append(logit)
        }
        // The fixture is not degenerate: the tiles do not all give one value.
        #expect(Set(logits.map { ($0 * 1000).rounded() }).count > 1)
    }

    @Test("the committed CNN folder loads through the kind dispatch and decides fixture clips by its calibration")
    func committedFolder() throws {
        let c = try ArtifactClassifier(modelDirectory: Self.folder.path)
        #expect(c.model.inputVersion == TileCNNInput.version)
        #expect(c.calibration.maximumMeanSquaredZ == nil && c.calibration.nullStatistics.count >= 499)
        let bikes = try c.analyse(frames: ShippedModelTests.decode("bikes.mp4", count: 16))
        #expect(bikes.segments.count == 2)
        let statistic = try #require(bikes.statistic)
        let p = try #require(bikes.evidence.pValue)
        #expect(p == c.calibration.pValue(of: statistic))
        #expect((bikes.evidence.decision == .artifacts) == (p <= c.calibration.alpha))
        #expect(bikes.evidence.reasons.contains { $0.contains("small CNN") })
        // The palette rule is the content rule every model shares: Big Buck Bunny abstains here too.
        let cgi = try c.analyse(frames: ShippedModelTests.decode("bigbuckbunny.mp4", count: 16))
        #expect(cgi.evidence.decision == .inconclusive && cgi.abstention == .syntheticContent)
    }
}
