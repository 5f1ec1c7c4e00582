import AssayClassifier
import AssayCore
import AssayTestSupport
import Foundation
import Testing

@Suite("Abstention")
struct AbstentionTests {
    func classifier() throws -> ArtifactClassifier {
        let dir = try ModelFolder.make()
        return try ArtifactClassifier(modelDirectory: dir.url.path)
    }

    func expectInconclusive(
        _ frames: [Frame], _ reason: AbstentionReason, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let analysis = try classifier().analyse(frames: frames)
        #expect(analysis.evidence.decision == .inconclusive, sourceLocation: sourceLocation)
        #expect(analysis.evidence.score == nil, sourceLocation: sourceLocation)
        #expect(analysis.abstention == reason, sourceLocation: sourceLocation)
        #expect(analysis.evidence.reasons.contains { $0.contains(reason.explanation) }, sourceLocation: sourceLocation)
    }

    @Test("no frames → inconclusive")
    func noFrames() throws { try expectInconclusive([], .noFrames) }

    @Test("tiny frames → inconclusive")
    func tiny() throws {
        try expectInconclusive(try SyntheticFrames.clip(width: 48, height: 40, count: 8, seed: 1), .tooSmall)
    }

    @Test("a single frame → inconclusive")
    func singleFrame() throws {
        try expectInconclusive(try SyntheticFrames.clip(width: 128, height: 128, count: 1, seed: 2), .singleFrame)
    }

    @Test("black frames → inconclusive")
    func black() throws {
        let frames = try (0..<8).map { try Frame(width: 256, height: 128, y: 16, index: $0) }
        try expectInconclusive(frames, .black)
    }

    @Test("grayscale frames → inconclusive")
    func grayscale() throws {
        try expectInconclusive(
            try SyntheticFrames.clip(width: 192, height: 128, count: 8, seed: 3, gray: true), .grayscale)
    }

    @Test("interlaced (combed) frames → inconclusive")
    func interlaced() throws {
        // Weave two fields from different moments: odd rows from a frame shifted by 6 pixels.
        var frames: [Frame] = []
        for i in 0..<8 {
            let a = SyntheticFrames.texture(width: 192, height: 128, seed: 50 + UInt64(i))
            var woven = a
            for y in stride(from: 1, to: 128, by: 2) {
                for x in 0..<192 { woven[y * 192 + x] = a[y * 192 + (x + 6) % 192] }
            }
            frames.append(try SyntheticFrames.frame(luma: woven, width: 192, height: 128, index: i))
        }
        try expectInconclusive(frames, .interlaced)
    }

    @Test("a flat, noiseless cartoon-like clip → inconclusive (CGI/animation/screen)")
    func flatContent() throws {
        var frames: [Frame] = []
        for i in 0..<8 {
            var luma = [Double](repeating: 60, count: 256 * 128)
            for y in 0..<128 {
                for x in 0..<256 {
                    let cx = x - 128 - i, cy = y - 64
                    if cx * cx + cy * cy < 1600 { luma[y * 256 + x] = 200 }
                    if (x / 32 + y / 32) % 2 == 0 && x < 96 { luma[y * 256 + x] = 120 }
                }
            }
            frames.append(try SyntheticFrames.frame(luma: luma, width: 256, height: 128, index: i))
        }
        let analysis = try classifier().analyse(frames: frames)
        #expect(analysis.evidence.decision == .inconclusive)
        #expect(analysis.abstention == .syntheticContent || analysis.abstention == .tooFewTiles)
    }

    @Test("frames that change size are an input error")
    func sizeChange() throws {
        let a = try SyntheticFrames.clip(width: 128, height: 128, count: 2, seed: 4)
        let b = try SyntheticFrames.clip(width: 192, height: 128, count: 1, seed: 4)
        #expect(throws: ClassifierError.invalidInput("")) { try classifier().classify(frames: a + b) }
    }

    @Test("a textured colour clip is scored, with one segment per run and group reasons")
    func scored() throws {
        var frames = try SyntheticFrames.clip(width: 192, height: 128, count: 16, seed: 5)
        // A gap in frame indices starts a new run.
        for i in 8..<16 { frames[i].index += 100 }
        let analysis = try classifier().analyse(frames: frames)
        #expect(analysis.segments.count == 2)
        #expect(analysis.evidence.decision != .inconclusive)
        #expect(analysis.evidence.segments.count == 2)
        #expect(analysis.evidence.score == 0.5)  // neutral model: logit 0
        #expect(analysis.evidence.pValue == 0.75)
        #expect(analysis.evidence.decision == .noArtifactsFound)
    }
}

@Suite("Bounded work")
struct BoundedWorkTests {
    @Test("a huge two-frame clip is analysed with bounded tiles and a decision, without crashing")
    func hugeFrames() throws {
        let dir = try ModelFolder.make()
        let c = try ArtifactClassifier(modelDirectory: dir.url.path)
        let (w, h) = (3840, 2176)
        var g = SyntheticFrames.Generator(state: 77)
        let frames = try (0..<2).map { i in
            let luma = (0..<(w * h)).map { p in Double((p % w + p / w) % 200) + g.next() * 20 }
            return try SyntheticFrames.frame(luma: luma, width: w, height: h, index: i)
        }
        let analysis = try c.analyse(frames: frames)
        #expect(analysis.segments.count == 1)
        let profile = try #require(analysis.segments.first?.features.profile)
        #expect(profile.usableTiles <= c.extractor.maximumTilesPerFrame)  // one analysed frame
        #expect(analysis.evidence.decision != .artifacts)  // neutral test model: logit 0, p = 0.75
    }
}
