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

    @Test("the cap leaves textured frames alone: the mark's RMS on texture is the uncapped amplitude")
    func capOnlyActsOnFlatFrames() throws {
        var embedder = try WatermarkEmbedder(key: testKey(34), payload: 0x55)
        let textured = try syntheticFrames(width: 384, height: 256, count: 1)[0]
        let flat = try Self.flatFrame(width: 384, height: 256, seed: 4)
        func rms(_ original: Frame) throws -> Double {
            var marked = original
            try embedder.embed(&marked)
            var total = 0.0
            for (a, b) in zip(original.luma.samples, marked.luma.samples) {
                let d = Double(Int(a) - Int(b))
                total += d * d
            }
            return (total / Double(original.luma.samples.count)).squareRoot()
        }
        let onTexture = try rms(textured), onFlat = try rms(flat)
        #expect(onTexture > 0.8 && onTexture < 1.2)  // about 0.95 grey levels RMS
        #expect(onFlat < 0.8 * onTexture)  // capped
    }
}
