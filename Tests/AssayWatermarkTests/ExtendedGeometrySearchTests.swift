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

    static func detect(_ frames: [Frame], extended: Bool, normalized: Bool = true) throws -> WatermarkAnalysis {
        var configuration = WatermarkAnalyzer.Configuration(geometrySearch: true)
        configuration.extendedGeometrySearch = extended
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
        // Session 4's region keeps its candidates exactly: the extension only adds its own after them.
        let session4Normalized = try Self.detect(attacked, extended: false)
        #expect(analysis.searchCandidates.count == 7)
        #expect(session4Normalized.searchCandidates.count == 3)
        for (a, b) in zip(analysis.searchCandidates, session4Normalized.searchCandidates) {
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
    }

    @Test("the extended search pays for 16 pooled slots: threshold z 7.56 for a 6 s clip (3 windows) at 1e-6")
    func bonferroniFactorCountsMirroredTwins() {
        #expect(PooledAnalysis.slots(extended: false) == 5)
        // Grid, native, and 3 + 2 + 2 candidates, each read plain and mirrored.
        #expect(PooledAnalysis.slots(extended: true) == 16)
        #expect(KeyScorer.clipHypotheses(windows: 3, pooledSlots: 16) == 65_536 * 40)
        let z = (2 * log(65_536 * 40 / 1e-6)).squareRoot()
        #expect(abs(z - 7.56) < 0.01)
        #expect(WatermarkDetector.pValue(z: z - 0.01, hypotheses: KeyScorer.clipHypotheses(windows: 3, pooledSlots: 16))
            > 1e-6)
    }
}
