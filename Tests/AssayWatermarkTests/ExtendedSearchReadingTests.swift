import AssayCore
import Testing
@testable import AssayWatermark

/// The cheaper readings of the extended geometry search (session 6), on synthetic residuals that carry a key's tile:
/// mirrored twins read from the plain spectrum instead of a second fold, decimated folds for zoom-outs, the
/// real-input transform of the zoom-out spectrum, and the float rounding of the quick comb.
@Suite("Extended search: twins, decimated folds, real transform")
struct ExtendedSearchReadingTests {
    static let key = testKey(77)
    static let payload: UInt64 = 0x0123_4567_89AB_CDEF

    /// The key's tile for `payload` (unit RMS), 256 x 256.
    static let tile: [Float] = KeyLayout(key: key).tile(coded: PayloadCodec.encode(payload))

    /// A residual of `width x height` holding the tile at `step` pixels per tile sample (bilinear), optionally
    /// mirrored horizontally, at `amplitude`, plus seeded uniform noise of RMS 1.
    static func residual(width: Int, height: Int, step: Double, mirrored: Bool = false, amplitude: Float = 1,
                         seed: UInt64 = 5) -> FloatImage
    {
        let n = TileGeometry.size
        var rng = SeededGenerator(seed: seed)
        var image = FloatImage(width: width, height: height)
        for y in 0..<height {
            for x in 0..<width {
                let sx = mirrored ? Double(width - 1 - x) : Double(x)
                let u = sx / step, v = Double(y) / step
                let iu = Int(u), iv = Int(v)
                let fu = Float(u - Double(iu)), fv = Float(v - Double(iv))
                func t(_ a: Int, _ b: Int) -> Float { tile[(b % n) * n + a % n] }
                let top = t(iu, iv) + fu * (t(iu + 1, iv) - t(iu, iv))
                let bottom = t(iu, iv + 1) + fu * (t(iu + 1, iv + 1) - t(iu, iv + 1))
                let uniform: Double = Double(rng.next() % 1_000_001) / 1_000_000 - 0.5
                let noise = Float(uniform * Self.unitRMS)
                image.pixels[y * width + x] = amplitude * (top + fv * (bottom - top)) + noise
            }
        }
        return image
    }

    /// Scale of a uniform variable on [-1/2, 1/2] to RMS 1.
    static let unitRMS: Double = 12.0.squareRoot()

    static func grid(_ step: Double, slot: Int = 0, mirrored: Bool = false) -> GeometryHypothesis {
        GeometryHypothesis(slot: slot, a00: step, a01: 0, a10: 0, a11: step, mirrored: mirrored)
    }

    @Test("a mirrored twin read from the plain spectrum finds a mirrored mark as the mirrored fold does")
    func mirroredTwinMatchesMirroredFold() throws {
        let image = Self.residual(width: 700, height: 420, step: 1, mirrored: true, amplitude: 0.5)
        let scorer = KeyScorer(key: Self.key)
        let plain = WindowAnalysis.spectra(image, [Self.grid(1)])[0]
        let folded = WindowAnalysis.spectra(image, [Self.grid(1, mirrored: true)])[0]
        let twin = PooledAnalysis.mirrored(re: plain.re, im: plain.im)

        let zPlain = scorer.pilotPeak(re: plain.re, im: plain.im).0
        let zFolded = scorer.pilotPeak(re: folded.re, im: folded.im).0
        let zTwin = scorer.pilotPeak(re: twin.re, im: twin.im).0
        #expect(zFolded > 20)
        #expect(zPlain < 6, "the plain reading does not see a mirrored mark")
        // The same samples up to one column at the frame's edge (the fold reads [0, W-1), mirrored (0, W-1]).
        #expect(abs(zTwin - zFolded) < 0.01 * zFolded)
        let score = scorer.score([(Self.grid(1, slot: 21, mirrored: true), twin.re, twin.im)])
        #expect(score.decoded.crcValid && score.decoded.payload == Self.payload)

        // Mirroring twice gives the plain spectrum back, bin for bin.
        let back = PooledAnalysis.mirrored(re: twin.re, im: twin.im)
        #expect(back.re == plain.re && back.im == plain.im)
    }

    @Test("zoom-out folds read every second tile sample and keep the mark: tile step 0.55 plain, 0.85 smoothed",
          arguments: [(0.55, PooledAnalysis.Reading.decimated), (0.85, .smoothedDecimated)])
    func decimatedFoldKeepsTheMark(step: Double, reading: PooledAnalysis.Reading) throws {
        let candidate = GeometrySearch.Candidate(scale: step, rotation: 0, score: 0, zoomOut: true)
        #expect(PooledAnalysis.reading(candidate, step: step) == reading)
        #expect(PooledAnalysis.reading(GeometrySearch.Candidate(scale: step, rotation: 0, score: 0), step: step)
            == .whole, "candidates outside the zoom-out region are folded whole")

        let image = Self.residual(width: 640, height: 400, step: step, amplitude: 0.25)
        let scorer = KeyScorer(key: Self.key)
        let whole = WindowAnalysis.spectra(image, [Self.grid(step)])[0]
        let source = reading == .smoothedDecimated ? image.binomialSmoothed() : image
        let decimated = WindowAnalysis.spectra(source, [Self.grid(step)], decimations: [2])[0]
        let zWhole = scorer.pilotPeak(re: whole.re, im: whole.im).0
        let zDecimated = scorer.pilotPeak(re: decimated.re, im: decimated.im).0
        #expect(zWhole > 15)
        #expect(zDecimated > 0.9 * zWhole, "z \(zDecimated) decimated against \(zWhole) whole")
        let score = scorer.score([(Self.grid(step, slot: 14), decimated.re, decimated.im)])
        #expect(score.decoded.crcValid && score.decoded.payload == Self.payload)
    }

    @Test("a decimated fold of a whole-tile fold's samples is that fold's even samples")
    func decimatedFoldIsTheEvenSamples() {
        let image = Self.residual(width: 300, height: 200, step: 0.5)
        let whole = WindowAnalysis.fold(image, Self.grid(0.5))
        let half = WindowAnalysis.fold(image, Self.grid(0.5), decimation: 2)
        let n = TileGeometry.size, m = n / 2
        #expect(half.count == m * m)
        var worst = 0.0
        for v in 0..<m { for u in 0..<m { worst = max(worst, abs(half[v * m + u] - whole[2 * v * n + 2 * u])) } }
        #expect(worst < 1e-6)
    }

    @Test("the real-input transform gives the complex transform's whitened power", arguments: [(100, 60), (333, 257)])
    func realTransformMatchesComplexTransform(width: Int, height: Int) {
        var rng = SeededGenerator(seed: UInt64(width))
        var image = FloatImage(width: width, height: height)
        for i in 0..<image.pixels.count { image.pixels[i] = Float(rng.next() % 2001) / 100 - 10 }
        let complex = WhitenedSpectrum(image)
        let real = WhitenedSpectrum(image, realTransform: true)
        #expect(real.width == complex.width && real.height == complex.height)
        var worst: Float = 0
        for (a, b) in zip(real.power, complex.power) { worst = max(worst, abs(a - b) / max(1e-3, abs(b))) }
        #expect(worst < 1e-4)
    }

    @Test("session 4's region keeps its candidates with the extension on, also where scale 1 is at the alias limit")
    func sessionFourRegionUnchanged() {
        // A 270-line frame (period 96 px, exactly 2.4 x bandHigh) with a mark at scale 0.998: session 4's fine grid
        // reads just under scale 1, which the extension's alias rule must not take away from it.
        let image = Self.residual(width: 480, height: 270, step: 0.998 * 96 / 256, amplitude: 0.5)
        let session4 = GeometrySearch.candidates(image, basePeriod: 96, extended: false)
        let extended = GeometrySearch.candidates(image, basePeriod: 96, extended: true)
        #expect(session4.count == 3)
        #expect(abs(session4[0].scale - 0.998) < 0.0015)
        #expect(extended.count > 3)
        for (a, b) in zip(extended.prefix(3), session4) {
            #expect(a.scale == b.scale && a.rotation == b.rotation && a.score == b.score && !a.zoomOut)
        }
    }

    @Test("the quick comb's rounding: the nearest integer plus a known bias, masked to a power-of-two side")
    func nearestBinRounds() {
        for x: Float in [0, 0.49, 0.51, 1.2, 511.7, -0.49, -0.51, -3.2, -511.7, 4000.3, -4000.3] {
            let rounded = Int32(bitPattern: GeometrySearch.nearestBin(x) &- GeometrySearch.magicBias)
            #expect(rounded == Int32(x.rounded()))
            #expect(Int(GeometrySearch.nearestBin(x) & 1023) == ((Int(x.rounded()) % 1024) + 1024) % 1024)
        }
    }
}
