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

@Suite("Pattern v3: the per-frame SSIM cap keeps quality on flat content")
struct QualityCapTests {
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
        // Strength 2 doubles the amplitude; the cap still keeps SSIM on the flat frame.
        var strong = try WatermarkEmbedder(key: key, payload: 0x1234, strength: 2)
        var marked = flat
        try strong.embed(&marked)
        #expect(ssim(flat.luma, marked.luma) >= 0.995)
    }

    /// Strong texture: uniform noise over 40...215 (local variance about 2,500).
    static func noisyFrame(width: Int, height: Int, seed: UInt64) throws -> Frame {
        var rng = SeededGenerator(seed: seed)
        var frame = try Frame(width: width, height: height, y: 128)
        for i in 0..<frame.luma.samples.count { frame.luma.samples[i] = UInt8(40 + Int(rng.next() % 176)) }
        return frame
    }

    @Test("the cap leaves strongly textured frames alone and lowers only the flat half of a half-flat frame")
    func capOnlyActsWhereNeeded() throws {
        var embedder = try WatermarkEmbedder(key: testKey(34), payload: 0x55)
        let w = 384, h = 256
        let textured = try Self.noisyFrame(width: w, height: h, seed: 5)
        let flat = try Self.flatFrame(width: w, height: h, seed: 4)
        // Left half textured, right half flat.
        var half = textured
        for y in 0..<h { for x in (w / 2)..<w { half.luma.samples[y * w + x] = flat.luma.samples[y * w + x] } }
        func rms(_ original: Frame, columns: Range<Int>) throws -> Double {
            var marked = original
            try embedder.embed(&marked)
            var total = 0.0
            for y in 16..<(h - 16) {
                for x in columns {
                    let d = Double(Int(original.luma.samples[y * w + x]) - Int(marked.luma.samples[y * w + x]))
                    total += d * d
                }
            }
            return (total / Double((h - 32) * columns.count)).squareRoot()
        }
        let full = try rms(textured, columns: 16..<(w / 2 - 16))
        let halfTextured = try rms(half, columns: 16..<(w / 2 - 16))
        let halfFlat = try rms(half, columns: (w / 2 + 16)..<(w - 16))
        // Uncapped: the texture mask's level there (about 1 grey level RMS); the textured half keeps it.
        #expect(full > 0.7)
        #expect(halfTextured >= 0.9 * full)  // not lowered (the texture mask even raises it next to flat content)
        #expect(halfFlat < 0.6 * halfTextured)
        var marked = half
        try embedder.embed(&marked)
        #expect(ssim(half.luma, marked.luma) >= 0.995)
    }
}
