import AssayCore
import AssayTestSupport
import Foundation
import Testing
@testable import AssayWatermark

/// Session 7: the detector divides each window's residual by its local RMS (plus a floor) before folding it.
@Suite("Residual normalised by its local RMS")
struct ResidualNormalizationTests {
    /// The samples of `image` in the columns `columns` (all rows).
    static func samples(_ image: FloatImage, columns: Range<Int>) -> [Float] {
        (0..<image.height).flatMap { y in columns.map { image.pixels[y * image.width + $0] } }
    }

    /// RMS of `image` over the columns `columns` (all rows).
    static func rms(_ image: FloatImage, columns: Range<Int>) -> Double {
        let v = samples(image, columns: columns)
        return (v.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(v.count)).squareRoot()
    }

    @Test("a loud half and a quiet half come out at about sigma / (sigma + floor) each")
    func dividesByLocalRMS() {
        let (w, h) = (200, 60)
        var residual = FloatImage(width: w, height: h)
        var rng = SeededGenerator(seed: 3)
        for y in 0..<h {
            for x in 0..<w {
                let sign: Float = rng.next() & 1 == 0 ? 1 : -1
                residual.pixels[y * w + x] = sign * (x < w / 2 ? 8 : 0.5)
            }
        }
        let out = WindowAnalysis.normalizedLocally(residual)
        let floor = Double(WindowAnalysis.normalizationFloor)
        // Away from the boundary (the tent reaches 2 x radius = 8 px), each half is its amplitude over amplitude + floor.
        let loud = Self.rms(out, columns: 0..<80), quiet = Self.rms(out, columns: 120..<200)
        #expect(abs(loud - 8 / (8 + floor)) < 0.01)
        #expect(abs(quiet - 0.5 / (0.5 + floor)) < 0.01)
        // Before: 16 times louder; after: within a factor of 2.
        #expect(loud / quiet < 2)
        // The sign of every pixel is kept.
        for i in 0..<residual.pixels.count { #expect((out.pixels[i] > 0) == (residual.pixels[i] > 0)) }
    }

    @Test("a loud area next to exact zeros (black fill) stays finite, and the zeros stay zero")
    func blackFillStaysFinite() {
        let (w, h) = (120, 90)
        var residual = FloatImage(width: w, height: h)
        var rng = SeededGenerator(seed: 5)
        for y in 0..<h {
            for x in 0..<(w / 3) {
                residual.pixels[y * w + x] = Float(Int(rng.next() % 2001) - 1000) / 97
            }
        }
        let out = WindowAnalysis.normalizedLocally(residual)
        #expect(out.pixels.allSatisfy { $0.isFinite })
        #expect(Self.samples(out, columns: (w / 3)..<w).filter { $0 != 0 }.count == 0)
    }

    @Test("the option off reproduces session 6's residual exactly")
    func offIsUnchanged() throws {
        let frames = try syntheticFrames(width: 320, height: 240, count: 1, seed: 9)
        let luma = FloatImage(width: 320, height: 240, pixels: frames[0].luma.samples.map { Float($0) })
        let plain = WindowAnalysis.residual(luma, normalized: false)
        let normalized = WindowAnalysis.residual(luma, normalized: true)
        #expect(plain.pixels != normalized.pixels)
        #expect(WindowAnalysis.normalizedLocally(plain).pixels == normalized.pixels)
        #expect(plain.pixels.allSatisfy { abs($0) <= 10 })
    }

    /// bikes.mp4 (camera footage, 640 x 272), 2 s marked, through x264 at `crf`, decoded: (z on, z off) of the best
    /// window, the evidence with normalisation (the default), and the best z of the unmarked original with it.
    static func bikesThroughX264(crf: Int, key: WatermarkKey) throws -> (on: Double, off: Double, evidence: WatermarkEvidence,
                                                                         unmarkedOn: Double)
    {
        let dir = try TemporaryDirectory()
        let (w, h, fps) = (640, 272, 25.0)
        let original = try RealFootageTests.decode(TestFixtures.bundled("bikes.mp4"), width: w, height: h, seconds: 2,
                                                   fps: fps)
        var embedder = try WatermarkEmbedder(key: key, payload: EmbedDetectTests.payload)
        var raw = Data()
        for frame in original {
            var m = frame
            try embedder.embed(&m)
            raw.append(contentsOf: m.luma.samples)
            raw.append(contentsOf: m.cb.samples)
            raw.append(contentsOf: m.cr.samples)
        }
        let encoded = dir.path("marked.mp4")
        #expect(try RealFootageTests.encodeX264(raw, width: w, height: h, crf: crf, threads: 1, to: encoded) == 0)
        let decoded = try RealFootageTests.decode(encoded, width: w, height: h, seconds: 2, fps: fps)
        func best(_ frames: [Frame], normalized: Bool) throws -> (Double, WatermarkEvidence) {
            var configuration = WatermarkAnalyzer.Configuration()
            configuration.residualNormalization = normalized
            let analysis = try EmbedDetectTests.analyse(frames, configuration: configuration)
            return (analysis.diagnostics(key: key).map(\.z).max() ?? 0, analysis.evidence(key: key))
        }
        let (on, evidence) = try best(decoded, normalized: true)
        let (off, _) = try best(decoded, normalized: false)
        let (unmarkedOn, _) = try best(original, normalized: true)
        return (on, off, evidence, unmarkedOn)
    }

    @Test("camera footage through x264 CRF 30: the pilot z is higher with normalisation; unmarked stays null",
          .enabled(if: RealFootageTests.ffmpeg != nil))
    func raisesZOnCompressedFootage() throws {
        let key = testKey(31)
        let result = try Self.bikesThroughX264(crf: 30, key: key)
        #expect(result.evidence.present)
        #expect(result.on > result.off * 1.03, "z on \(result.on), off \(result.off)")
        #expect(result.unmarkedOn < 5, "unmarked z \(result.unmarkedOn)")
    }
}
