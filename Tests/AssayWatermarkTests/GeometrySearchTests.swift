import AssayCore
import AssayTestSupport
import Foundation
import Testing
@testable import AssayWatermark

/// The pooled geometry search on real footage through the real ffmpeg CLI: a 720p Big Buck Bunny segment whose
/// texture hides the tile from the key-independent lattice search (session 3: bunnyB720 failed both attacks),
/// marked, then cropped to 80 % and scaled back (scale 1.25) or rotated 2 degrees, each through x264.
@Suite("Geometry search: crop + rescale and rotation")
struct GeometrySearchTests {
    static let ffmpeg = Subprocess.which("ffmpeg")
    static let size = (width: 1280, height: 720)
    static let contentID = try! ContentID(hex: "00112233445566778899aabbccddeeff")
    static let key = testKey(41)

    /// Decodes `seconds` of a file at 15 frames/s (the detector's sampling rate) into frames.
    static func decode(_ url: URL, start: Double = 0, seconds: Double) throws -> [Frame] {
        let (w, h) = size
        let r = try Subprocess.run(ffmpeg!, ["-v", "error", "-ss", String(start), "-i", url.path, "-t", String(seconds),
                                             "-vf", "fps=15", "-f", "rawvideo", "-pix_fmt", "yuv420p", "-"])
        guard r.status == 0 else { throw WatermarkError.invalidOption("ffmpeg could not decode \(url.path)") }
        return try yuv420Frames([UInt8](r.stdout), width: w, height: h, fps: 15)
    }

    /// Encodes frames with x264 (CRF 18, as the benchmark's attacks) through an ffmpeg video filter.
    static func encode(_ frames: [Frame], filter: String, to url: URL) throws {
        var raw = Data()
        for f in frames {
            raw.append(contentsOf: f.luma.samples)
            raw.append(contentsOf: f.cb.samples)
            raw.append(contentsOf: f.cr.samples)
        }
        let r = try Subprocess.run(ffmpeg!, ["-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "yuv420p",
                                             "-s", "\(size.width)x\(size.height)", "-r", "15", "-i", "-",
                                             "-vf", filter, "-c:v", "libx264", "-preset", "veryfast", "-crf", "18",
                                             "-pix_fmt", "yuv420p", url.path], stdin: raw)
        guard r.status == 0 else { throw WatermarkError.invalidOption("ffmpeg could not encode \(url.path)") }
    }

    /// The original segment and its marked frames (made once per test process).
    static let clips: Result<(original: [Frame], marked: [Frame]), Error> = Result {
        let original = try decode(TestFixtures.bundled("bigbuckbunny.mp4"), start: 2.2, seconds: 2)
        var embedder = try WatermarkEmbedder(key: key, contentID: contentID)
        let marked = try original.map { frame in
            var m = frame
            try embedder.embed(&m)
            return m
        }
        return (original, marked)
    }

    /// Expects no presence, no payload and p > 1e-6 for the marking key's seed 41 and 20 other keys.
    static func expectNotPresent(_ analysis: WatermarkAnalysis) {
        for seed in [41] + Array(UInt64(100)..<120) {
            let e = analysis.evidence(key: testKey(seed))
            #expect(!e.present)
            #expect(e.payload == nil)
            #expect(e.pValue > 1e-6)
        }
    }

    static func detect(_ frames: [Frame], key: WatermarkKey = key, search: Bool, normalized: Bool = true) throws
        -> WatermarkAnalysis
    {
        var configuration = WatermarkAnalyzer.Configuration(geometrySearch: search)
        configuration.residualNormalization = normalized
        var analyzer = try WatermarkAnalyzer(configuration: configuration)
        for frame in frames { try analyzer.add(frame) }
        return analyzer.finish()
    }

    static let attacks = [
        ("crop10_rescale", "crop=trunc(iw*0.4)*2:trunc(ih*0.4)*2,scale=1280:720:flags=bicubic", 1.25, 0.0),
        ("rotate2", "rotate=2*PI/180:fillcolor=black", 1.0, 2.0),
    ]

    @Test("crop to 80 % + rescale and 2-degree rotation: payload only with the search; the search finds the geometry",
          .enabled(if: ffmpeg != nil), arguments: attacks)
    func attackedClipDecodesOnlyWithSearch(name: String, filter: String, scale: Double, degrees: Double) throws {
        let (_, marked) = try Self.clips.get()
        #expect(marked.count == 30)
        let dir = try TemporaryDirectory()
        let url = dir.path("\(name).mp4")
        try Self.encode(marked, filter: filter, to: url)
        let attacked = try Self.decode(url, seconds: 2)
        #expect(attacked.count == 30)

        // Without the search (session 3's detector, session 6's residual): the lattice finds nothing on this content.
        // (Session 7's normalised residual lets the window lattice alone read crop + rescale here.)
        let plain = try Self.detect(attacked, search: false, normalized: false).evidence(key: Self.key)
        #expect(plain.payload == nil)

        let analysis = try Self.detect(attacked, search: true)
        let found = analysis.evidence(key: Self.key)
        #expect(found.present)
        #expect(found.payload == Self.contentID.watermarkPayload)
        let best = try #require(analysis.searchCandidates.first)
        #expect(abs(best.scale - scale) < 0.004)
        #expect(abs(best.degrees - degrees) < 0.15)
        let pooled = try #require(analysis.pooledDiagnostics(key: Self.key))
        #expect(pooled.slot >= PooledAnalysis.firstSlot + 2)  // a search candidate, not the pooled grid or native
        // Another key on the same attacked clip: not present.
        #expect(!analysis.evidence(key: testKey(42)).present)
    }

    @Test("unmarked footage, plain and attacked, with the search: not present for the marking key and 20 others",
          .enabled(if: ffmpeg != nil))
    func unmarkedStaysNotPresent() throws {
        let (original, _) = try Self.clips.get()
        let dir = try TemporaryDirectory()
        let url = dir.path("unmarked_crop.mp4")
        try Self.encode(original, filter: Self.attacks[0].1, to: url)
        for frames in [original, try Self.decode(url, seconds: 2)] {
            let analysis = try Self.detect(frames, search: true)
            #expect(!analysis.searchCandidates.isEmpty)
            Self.expectNotPresent(analysis)
        }
    }

    @Test("the clip p-value pays for the pooled slots: 65,536 x (8 x windows + 5)")
    func bonferroniFactorCountsPooledSlots() {
        #expect(PooledAnalysis.slotCount == 5)
        #expect(KeyScorer.clipHypotheses(windows: 3, pooledSlots: 5) == 65_536 * 29)
        // Threshold z for a 3-window clip at 1e-6: exp(-z^2/2) * 65,536 * 29 = 1e-6 -> z = 7.52.
        let z = (2 * log(65_536 * 29 / 1e-6)).squareRoot()
        #expect(abs(z - 7.52) < 0.01)
        #expect(WatermarkDetector.pValue(z: z - 0.01, hypotheses: KeyScorer.clipHypotheses(windows: 3, pooledSlots: 5))
            > 1e-6)
    }

    @Test("the pruned real inverse FFT of the pilot correlation equals the full 2-D inverse FFT",
          arguments: [7, 8, 9] as [UInt64])
    func prunedPilotTransformMatchesFullTransform(seed: UInt64) {
        let n = TileGeometry.size
        var rng = SeededGenerator(seed: seed)
        var re = [Double](repeating: 0, count: n * n), im = [Double](repeating: 0, count: n * n)
        for bin in TileGeometry.band {
            let a = Double(rng.next() % 2001) / 1000 - 1, b = Double(rng.next() % 2001) / 1000 - 1
            re[Int(bin)] = a
            im[Int(bin)] = b
            re[TileGeometry.conjugate(Int(bin))] = a
            im[TileGeometry.conjugate(Int(bin))] = -b
        }
        var fr = re, fi = im
        FFT2D(rows: n, cols: n).transform(re: &fr, im: &fi, inverse: true)
        var best = -Double.infinity, at = 0
        for i in 0..<(n * n) where fr[i] > best {
            best = fr[i]
            at = i
        }
        let (pruned, prunedAt) = KeyScorer.realInverseBandFFT(&re, &im)
        #expect(prunedAt == at)
        #expect(abs(pruned / Double(n * n) - best) <= 1e-12 * abs(best))
    }
}
