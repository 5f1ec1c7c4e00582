import AssayCore
import Testing
@testable import AssayWatermark

#if canImport(Glibc)
import Glibc
#endif

/// SSIM-Y with an 11-tap Gaussian window (sigma 1.5), as in Wang et al. and the benchmark.
func ssim(_ a: Plane, _ b: Plane) -> Double {
    let w = a.width, h = a.height
    let raw = (-5...5).map { (k: Int) -> Double in exp(-Double(k * k) / 4.5) }
    let total = raw.reduce(0, +)
    let g = raw.map { $0 / total }
    func blur(_ x: [Double]) -> [Double] {
        var t = [Double](repeating: 0, count: w * h)
        for y in 0..<h {
            for xx in 0..<w {
                var acc = 0.0
                for k in -5...5 { acc += g[k + 5] * x[y * w + min(w - 1, max(0, xx + k))] }
                t[y * w + xx] = acc
            }
        }
        var o = [Double](repeating: 0, count: w * h)
        for y in 0..<h {
            for xx in 0..<w {
                var acc = 0.0
                for k in -5...5 { acc += g[k + 5] * t[min(h - 1, max(0, y + k)) * w + xx] }
                o[y * w + xx] = acc
            }
        }
        return o
    }
    let x = a.samples.map(Double.init), y = b.samples.map(Double.init)
    let mx = blur(x), my = blur(y)
    let xx = blur(zip(x, x).map { $0 * $1 }), yy = blur(zip(y, y).map { $0 * $1 })
    let xy = blur(zip(x, y).map { $0 * $1 })
    let c1 = 6.5025, c2 = 58.5225
    var sum = 0.0
    for i in 0..<(w * h) {
        let va = xx[i] - mx[i] * mx[i], vb = yy[i] - my[i] * my[i], cab = xy[i] - mx[i] * my[i]
        sum += ((2 * mx[i] * my[i] + c1) * (2 * cab + c2)) / ((mx[i] * mx[i] + my[i] * my[i] + c1) * (va + vb + c2))
    }
    return sum / Double(w * h)
}

@Suite("Pattern v2: quality cap, lattice candidates, pooled test, small-frame sampling")
struct DesignTests {
    /// A flat mid-grey frame with light sensor-like noise (the worst case for SSIM).
    static func flatFrame(width: Int, height: Int, seed: UInt64) throws -> Frame {
        var rng = SeededGenerator(seed: seed)
        var frame = try Frame(width: width, height: height, y: 120)
        for i in 0..<frame.luma.samples.count {
            frame.luma.samples[i] = UInt8(119 + Int(rng.next() % 3))  // 119...121
        }
        return frame
    }

    @Test("SSIM-Y >= 0.995 and PSNR-Y >= 48 dB on a flat noisy frame and on texture (the SSIM cap holds)")
    func qualityCap() throws {
        let key = testKey(31)
        var embedder = try WatermarkEmbedder(key: key, payload: 0x1234)
        let flat = try Self.flatFrame(width: 384, height: 256, seed: 3)
        let textured = try syntheticFrames(width: 384, height: 256, count: 1)[0]
        for original in [flat, textured] {
            var marked = original
            try embedder.embed(&marked)
            let s = ssim(original.luma, marked.luma)
            #expect(s >= 0.995)
            #expect(psnr(original.luma, marked.luma) >= 48)
            #expect(s < 0.9999)  // a mark is there
        }
        // Without the cap the flat frame would lose more: strength 2 doubles the amplitude, and the cap keeps SSIM.
        var strong = try WatermarkEmbedder(key: key, payload: 0x1234, strength: 2)
        var marked = flat
        try strong.embed(&marked)
        #expect(ssim(flat.luma, marked.luma) >= 0.995)
    }

    @Test("the amplitude profile puts equal energy in every octave of the band (1/r per bin)")
    func profile() throws {
        let layout = KeyLayout(key: testKey(32))
        let tile = layout.tile(coded: PayloadCodec.encode(7))
        let n = TileGeometry.size
        var re = tile.map(Double.init)
        var im = [Double](repeating: 0, count: n * n)
        FFT2D(rows: n, cols: n).transform(re: &re, im: &im, inverse: false)
        var low = 0.0, high = 0.0  // radius 6...12 and 20...40: about one octave and one octave
        for bin in TileGeometry.band {
            let v = TileGeometry.signedFrequency(Int(bin) / n), u = TileGeometry.signedFrequency(Int(bin) % n)
            let r = Double(u * u + v * v).squareRoot()
            let p = re[Int(bin)] * re[Int(bin)] + im[Int(bin)] * im[Int(bin)]
            if r < 12 { low += p } else if r >= 20 { high += p }
        }
        // One octave each: equal energy within 15 % (a flat profile would give high/low about 3.3).
        #expect(abs(high / low - 1) < 0.15)
    }

    @Test("a strong periodic host grid does not hide the tile: rotated 2 degrees, still present with the payload")
    func periodicHostAndRotation() throws {
        let key = testKey(33)
        let w = 640, h = 360
        var frames = try syntheticFrames(width: w, height: h, count: 6, fps: 5)
        // Host structure with its own period: a grid of bright lines every 80 px (a tiled wall, a window grille),
        // whose autocorrelation peak is stronger than the tile's.
        for i in 0..<frames.count {
            for y in 0..<h {
                for x in 0..<w where x % 80 == 0 || y % 80 == 0 {
                    frames[i].luma.samples[y * w + x] = UInt8(min(255, Int(frames[i].luma.samples[y * w + x]) + 30))
                }
            }
        }
        let marked = try EmbedDetectTests.marked(frames, key: key)
        let angle = 2.0 * Double.pi / 180
        let rotated = try marked.map { f -> Frame in
            var g = f
            let c = cos(angle), s = sin(angle), cx = Double(w) / 2, cy = Double(h) / 2
            for y in 0..<h {
                for x in 0..<w {
                    let dx = Double(x) - cx, dy = Double(y) - cy
                    let sx = c * dx + s * dy + cx, sy = -s * dx + c * dy + cy
                    let ix = Int(sx.rounded(.down)), iy = Int(sy.rounded(.down))
                    guard ix >= 0, iy >= 0, ix + 1 < w, iy + 1 < h else {
                        g.luma.samples[y * w + x] = 0
                        continue
                    }
                    let fx = sx - Double(ix), fy = sy - Double(iy)
                    func p(_ xx: Int, _ yy: Int) -> Double { Double(f.luma.samples[yy * w + xx]) }
                    let top = p(ix, iy) + fx * (p(ix + 1, iy) - p(ix, iy))
                    let bottom = p(ix, iy + 1) + fx * (p(ix + 1, iy + 1) - p(ix, iy + 1))
                    g.luma.samples[y * w + x] = UInt8(max(0, min(255, (top + fy * (bottom - top)).rounded())))
                }
            }
            return g
        }
        let analysis = try EmbedDetectTests.analyse(rotated)
        // Several lattice candidates were kept, and the tile's won (a lattice slot, not the axis-aligned ones).
        #expect((analysis.windows.first?.lattice.count ?? 0) >= 2)
        let ev = analysis.evidence(key: key)
        #expect(ev.present)
        #expect(ev.payload == EmbedDetectTests.payload)
        let slot = analysis.diagnostics(key: key).first?.slot ?? -1
        #expect(slot >= 2 && slot < GeometryHypothesis.mirrorOffset)
    }

    @Test("several windows: the pooled test is one more Bonferroni term, not a segment")
    func pooled() throws {
        let key = testKey(34)
        let frames = try EmbedDetectTests.marked(try syntheticFrames(width: 320, height: 256, count: 30, fps: 6), key: key)
        let analysis = try EmbedDetectTests.analyse(frames)  // 5 s at 6 fps: windows [0,2), [2,4), [4,5)
        #expect(analysis.windowCount == 3)
        let diagnostics = analysis.diagnostics(key: key)
        #expect(diagnostics.count == 4)
        let ev = analysis.evidence(key: key)
        #expect(ev.segments.count == 3)
        #expect(ev.present)
        #expect(ev.payload == EmbedDetectTests.payload)
        // p = (windows + 1) * min over the four tests of the per-test bound.
        let minP = diagnostics.map { WatermarkDetector.pValue(z: $0.z, hypotheses: KeyScorer.hypothesesPerWindow) }.min()!
        #expect(ev.pValue == min(1, 4 * minP))
        // A single window has no pooled test.
        let one = try EmbedDetectTests.analyse(Array(frames.prefix(6)))
        #expect(one.diagnostics(key: key).count == 1)
    }

    @Test("frames of at most 854x480 are sampled at twice the configured rate; larger ones at the rate")
    func smallFrameSampling() throws {
        for (w, h, expected) in [(320, 240, 30), (1280, 720, 15)] {
            var analyzer = try WatermarkAnalyzer()
            var used = 0
            for i in 0..<30 {
                var frame = try Frame(width: w, height: h, y: 100)
                frame.time = MediaTime(seconds: Double(i) / 30)
                if try analyzer.add(frame) { used += 1 }
            }
            #expect(used == expected)
        }
    }
}
