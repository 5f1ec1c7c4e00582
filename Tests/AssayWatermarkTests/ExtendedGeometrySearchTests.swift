import AssayCore
import AssayTestSupport
import Foundation
import Testing
@testable import AssayWatermark

/// The extended geometry search (session 5, ``WatermarkAnalyzer/Configuration/extendedGeometrySearch``, the default
/// since session 6) on the same
/// real footage as ``GeometrySearchTests`` (a textured Big Buck Bunny segment where the lattice finds no tile), through
/// the real ffmpeg CLI and x264: a zoom-out to 0.7 inside a black 1280x720 canvas, an 8-degree rotation, and a crop to
/// 80 % + rescale followed by a horizontal flip.
@Suite("Geometry search, extended: zoom-out, larger rotation, flip with crop")
struct ExtendedGeometrySearchTests {
    typealias Base = GeometrySearchTests

    static func detect(_ frames: [Frame], extended: Bool, normalized: Bool = true, largeCrops: Bool = true) throws
        -> WatermarkAnalysis
    {
        var configuration = WatermarkAnalyzer.Configuration(geometrySearch: true)
        configuration.extendedGeometrySearch = extended
        configuration.largeCropSearch = largeCrops
        configuration.residualNormalization = normalized
        var analyzer = try WatermarkAnalyzer(configuration: configuration)
        for frame in frames { try analyzer.add(frame) }
        return analyzer.finish()
    }

    static let attacks = [
        ("zoomout70", "scale=896:504,pad=1280:720:192:108", 0.7, 0.0, false),
        ("rotate8", "rotate=8*PI/180:fillcolor=black", 1.0, 8.0, false),
        ("crop10_rescale_hflip", "crop=trunc(iw*0.4)*2:trunc(ih*0.4)*2,scale=1280:720:flags=bicubic,hflip", 1.25, 0.0,
         true),
    ]

    @Test("zoom-out 0.7, rotation 8 degrees, crop + rescale + hflip: payload only with the extended search",
          .enabled(if: Base.ffmpeg != nil), arguments: attacks)
    func attackedClipDecodesOnlyWithExtendedSearch(name: String, filter: String, scale: Double, degrees: Double,
                                                   mirrored: Bool) throws
    {
        let (_, marked) = try Base.clips.get()
        let dir = try TemporaryDirectory()
        let url = dir.path("\(name).mp4")
        try Base.encode(marked, filter: filter, to: url)
        let attacked = try Base.decode(url, seconds: 2)
        #expect(attacked.count == 30)

        // Session 4's search (scale 1.0...1.357, ±4.2°, plain reading only) on session 6's residual: no payload.
        // (With session 7's normalised residual, session 4's search already reads crop + rescale + hflip here.)
        let session4 = try Self.detect(attacked, extended: false, normalized: false)
        #expect(session4.evidence(key: Base.key).payload == nil)

        let analysis = try Self.detect(attacked, extended: true)
        // Session 4's region keeps its candidates exactly: the extension only adds its own after them; and the
        // large-crop region (session 11) adds its own after sessions 5-6's.
        let session4Normalized = try Self.detect(attacked, extended: false)
        let session6 = try Self.detect(attacked, extended: true, largeCrops: false)
        #expect(analysis.searchCandidates.count == 9)
        #expect(session6.searchCandidates.count == 7)
        #expect(session4Normalized.searchCandidates.count == 3)
        for (a, b) in zip(analysis.searchCandidates, session4Normalized.searchCandidates) {
            #expect(a.scale == b.scale && a.degrees == b.degrees && a.score == b.score)
        }
        for (a, b) in zip(analysis.searchCandidates, session6.searchCandidates) {
            #expect(a.scale == b.scale && a.degrees == b.degrees && a.score == b.score)
        }
        let found = analysis.evidence(key: Base.key)
        #expect(found.present)
        #expect(found.payload == Base.contentID.watermarkPayload)
        // The geometry is among the search's candidates (a flip reads as the opposite rotation; 0 here).
        #expect(analysis.searchCandidates.contains { abs($0.scale - scale) < 0.006 && abs($0.degrees - degrees) < 0.2 })
        let pooled = try #require(analysis.pooledDiagnostics(key: Base.key))
        let twins = PooledAnalysis.firstSlot + 2 + PooledAnalysis.extendedCandidates
        #expect(mirrored ? pooled.slot >= twins : (pooled.slot >= PooledAnalysis.firstSlot + 2 && pooled.slot < twins))
        #expect(!analysis.evidence(key: testKey(42)).present)
    }

    @Test("unmarked footage, plain and zoomed out, with the extended search: not present for 21 keys",
          .enabled(if: Base.ffmpeg != nil))
    func unmarkedStaysNotPresent() throws {
        let (original, _) = try Base.clips.get()
        let dir = try TemporaryDirectory()
        let url = dir.path("unmarked_zoomout.mp4")
        try Base.encode(original, filter: Self.attacks[0].1, to: url)
        for frames in [original, try Base.decode(url, seconds: 2)] {
            let analysis = try Self.detect(frames, extended: true)
            #expect(!analysis.searchCandidates.isEmpty)
            GeometrySearchTests.expectNotPresent(analysis)
        }
    }

    @Test("the extended search is the default, in the analyzer and in the detector")
    func extendedSearchIsTheDefault() throws {
        #expect(WatermarkAnalyzer.Configuration().extendedGeometrySearch)
        #expect(try WatermarkDetector(key: Base.key).configuration.extendedGeometrySearch)
        // The default pays for the extension's slots even before the pooled test runs.
        let analyzer = try WatermarkAnalyzer()
        #expect(analyzer.closedWindows().pooledSlots == PooledAnalysis.extendedSlotCount)
        #expect(WatermarkAnalyzer.Configuration().largeCropSearch)
    }

    @Test("the extended search pays for 20 pooled slots (16 without large crops): threshold z 7.58 for a 6 s clip")
    func bonferroniFactorCountsMirroredTwins() {
        #expect(PooledAnalysis.slots(extended: false) == 5)
        #expect(PooledAnalysis.slots(extended: false, largeCrops: false) == 5)
        // Grid, native, and 3 + 2 + 2 (+ 2 large crops) candidates, each read plain and mirrored.
        #expect(PooledAnalysis.slots(extended: true, largeCrops: false) == 16)
        #expect(PooledAnalysis.slots(extended: true) == 20)
        #expect(KeyScorer.clipHypotheses(windows: 3, pooledSlots: 20) == 65_536 * 44)
        let z = (2 * log(65_536 * 44 / 1e-6)).squareRoot()
        #expect(abs(z - 7.575) < 0.005)
        #expect(WatermarkDetector.pValue(z: z - 0.01, hypotheses: KeyScorer.clipHypotheses(windows: 3, pooledSlots: 20))
            > 1e-6)
        let analyzer = try? WatermarkAnalyzer(configuration: {
            var c = WatermarkAnalyzer.Configuration()
            c.largeCropSearch = false
            return c
        }())
        #expect(analyzer?.closedWindows().pooledSlots == 16)
    }

    @Test("crop to 60 % of each side, rescaled back (1.67x): the pooled test reads the payload under a large-crop candidate",
          .enabled(if: Base.ffmpeg != nil))
    func largeCropIsReadUnderLargeCropCandidate() throws {
        let (original, marked) = try Base.clips.get()
        let dir = try TemporaryDirectory()
        let filter = "crop=768:432,scale=1280:720:flags=bicubic"
        let url = dir.path("crop60r.mp4")
        try Base.encode(marked, filter: filter, to: url)
        let attacked = try Base.decode(url, seconds: 2)
        let threshold = (2 * log(KeyScorer.clipHypotheses(windows: 1, pooledSlots: 20) / 1e-6)).squareRoot()
        // Without the region (sessions 6-10) no pooled slot reads the mark: the window lattice may still find the
        // tile on this content, so only the pooled test is compared.
        let without = try Self.detect(attacked, extended: true, largeCrops: false)
        let pooledWithout = try #require(without.pooledDiagnostics(key: Base.key))
        #expect(pooledWithout.z < threshold)
        let with = try Self.detect(attacked, extended: true)
        let candidates = with.searchCandidates.map { "\($0.scale)@\($0.degrees)" }.joined(separator: " ")
        #expect(with.searchCandidates.count == 9)
        #expect(with.searchCandidates.suffix(2).contains { abs($0.scale - 5.0 / 3) < 0.01 && abs($0.degrees) < 0.2 },
                "candidates: \(candidates)")
        let pooled = try #require(with.pooledDiagnostics(key: Base.key))
        let region = PooledAnalysis.firstSlot + 2 + 7
        let twins = PooledAnalysis.firstSlot + 2 + PooledAnalysis.extendedCandidates
        #expect([region, region + 1, twins + 7, twins + 8].contains(pooled.slot), "slot \(pooled.slot)")
        #expect(pooled.z > threshold)
        #expect(pooled.crcValid && pooled.payload == Base.contentID.watermarkPayload)
        let found = with.evidence(key: Base.key)
        #expect(found.present && found.payload == Base.contentID.watermarkPayload)
        #expect(!with.evidence(key: testKey(42)).present)
        // The same crop of the unmarked footage: nothing, for this key or another.
        let plainURL = dir.path("crop60r_unmarked.mp4")
        try Base.encode(original, filter: filter, to: plainURL)
        GeometrySearchTests.expectNotPresent(try Self.detect(try Base.decode(plainURL, seconds: 2), extended: true))
    }
}
