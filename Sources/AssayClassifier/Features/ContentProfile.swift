import AssayCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Measurements of a segment that decide whether the classifier may speak at all: size, usable
/// tiles, compression, flat (CGI / animation / screen) content, grayscale, black, interlacing.
public struct ContentProfile: Sendable, Hashable, Codable {
    /// Frames in the segment.
    public var frameCount: Int
    /// Frame width and height.
    public var width: Int
    /// Frame height.
    public var height: Int
    /// Usable (textured, unclipped) 64×64 tiles summed over the analysed frames.
    public var usableTiles: Int
    /// All grid tiles summed over the analysed frames.
    public var totalTiles: Int
    /// log(mean |Δ| across 8×8 block boundaries / mean |Δ| at the 4-pixel phase inside blocks): high under
    /// heavy DCT-block compression, and (unlike a boundary-vs-all ratio) not raised by 4- or 2-periodic
    /// upsampling grids, which hit both phases alike.
    public var blockiness: Double
    /// Fraction of pixels with no variation in their 3×3 neighbourhood: high for CGI, animation, screens.
    public var flatFraction: Double
    /// Standard deviation of the chroma planes around their mean (≈0 for grayscale).
    public var chromaSpread: Double
    /// Mean luma.
    public var lumaMean: Double
    /// Luma standard deviation.
    public var lumaStd: Double
    /// Vertical 1-line vs 2-line detail relative to the horizontal one: ≫1 for combed (interlaced) frames.
    public var combing: Double
    /// Entropy in bits of the (Cb, Cr) histogram on a 32×32 grid: how many distinct hues the frames hold.
    public var chromaEntropy: Double
    /// Colourfulness (Hasler–Süsstrunk style, on Cb/Cr): √(σ²Cb + σ²Cr) + 0.3 √(μ²Cb + μ²Cr), means about 128.
    public var colourfulness: Double
    /// How well the segment is explained as a classical interpolation upscale (×2, ×3, ×4); `nil` when the frames
    /// are too small to measure (under 96 pixels in both directions) or the extractor did not measure it.
    public var upscale: UpscaleMeasure? = nil

    /// Measures the frames at indices `analysed` of a segment.
    static func measure(frames: [Frame], analysed: [Int], usableTiles: Int, totalTiles: Int) -> ContentProfile {
        let first = frames[analysed.first ?? 0]
        var boundary = 0.0, inner = 0.0, boundaryCount = 0.0, innerCount = 0.0  // phases 7 and 3 (mod 8)
        var flat = 0.0, pixels = 0.0
        var ls = 0.0, ls2 = 0.0, ln = 0.0
        var cs = 0.0, cs2 = 0.0, cn = 0.0
        var v1 = 0.0, v2 = 0.0, h1 = 0.0, h2 = 0.0
        var hues = [Double](repeating: 0, count: 32 * 32)
        var bs = 0.0, bs2 = 0.0, rs = 0.0, rs2 = 0.0
        for index in analysed {
            let f = frames[index]
            let w = f.width, h = f.height
            // Bound the work on large frames: visit every `rowGroupStep`-th group of 8 rows (whole rows,
            // so the 8×8 phase of horizontal differences is kept), about 125 000 pixels per frame.
            let rowGroupStep = max(1, (w * h) / 125_000)
            f.luma.samples.withUnsafeBufferPointer { p in
                var y = 2
                while y < h - 2 {
                    if (y >> 3) % rowGroupStep != 0 {
                        y += 1
                        continue
                    }
                    var x = 2
                    while x < w - 2 {
                        let i = y * w + x
                        let c = Int(p[i])
                        let dx = abs(Int(p[i + 1]) - c)
                        if x & 7 == 7 { boundary += Double(dx); boundaryCount += 1 }
                        if x & 7 == 3 { inner += Double(dx); innerCount += 1 }
                        let dyv = abs(Int(p[i + w]) - c)
                        if y & 7 == 7 { boundary += Double(dyv); boundaryCount += 1 }
                        if y & 7 == 3 { inner += Double(dyv); innerCount += 1 }
                        if dx == 0 && dyv == 0 && Int(p[i - 1]) == c && Int(p[i - w]) == c
                            && Int(p[i - w - 1]) == c && Int(p[i + w + 1]) == c
                        {
                            flat += 1
                        }
                        pixels += 1
                        let vd = Double(c)
                        ls += vd
                        ls2 += vd * vd
                        ln += 1
                        v1 += abs(vd - 0.5 * (Double(p[i - w]) + Double(p[i + w])))
                        v2 += abs(vd - 0.5 * (Double(p[i - 2 * w]) + Double(p[i + 2 * w])))
                        h1 += abs(vd - 0.5 * (Double(p[i - 1]) + Double(p[i + 1])))
                        h2 += abs(vd - 0.5 * (Double(p[i - 2]) + Double(p[i + 2])))
                        x += 1
                    }
                    y += 1
                }
            }
            // Chroma: the same row groups (chroma row y covers luma rows 2y, 2y + 1).
            let bw = f.cb.width, rw = f.cr.width
            let cw = min(bw, rw), ch = min(f.cb.height, f.cr.height)
            f.cb.samples.withUnsafeBufferPointer { pb in
                f.cr.samples.withUnsafeBufferPointer { pr in
                    for y in 0..<ch where ((2 * y) >> 3) % rowGroupStep == 0 {
                        for x in 0..<cw {
                            let b = pb[y * bw + x], r = pr[y * rw + x]
                            let vb = Double(b), vr = Double(r)
                            cs += vb + vr
                            cs2 += vb * vb + vr * vr
                            cn += 2
                            bs += vb
                            bs2 += vb * vb
                            rs += vr
                            rs2 += vr * vr
                            hues[Int(b >> 3) * 32 + Int(r >> 3)] += 1
                        }
                    }
                }
            }
        }
        let hueTotal = hues.reduce(0, +)
        var entropy = 0.0
        for c in hues where c > 0 {
            let q = c / hueTotal
            entropy -= q * log2(q)
        }
        let chromaPixels = max(cn / 2, 1)
        let mb = bs / chromaPixels - 128, mr = rs / chromaPixels - 128
        let vb = max(bs2 / chromaPixels - (mb + 128) * (mb + 128), 0)
        let vr = max(rs2 / chromaPixels - (mr + 128) * (mr + 128), 0)
        let eps = 1e-6
        let lm = ls / max(ln, 1)
        let cm = cs / max(cn, 1)
        let vertical = (v1 + eps) / (v2 + eps), horizontal = (h1 + eps) / (h2 + eps)
        return ContentProfile(
            frameCount: frames.count, width: first.width, height: first.height,
            usableTiles: usableTiles, totalTiles: totalTiles,
            blockiness: log((boundary / max(boundaryCount, 1) + 0.05) / (inner / max(innerCount, 1) + 0.05)),
            flatFraction: flat / max(pixels, 1),
            chromaSpread: max(cs2 / max(cn, 1) - cm * cm, 0).squareRoot(),
            lumaMean: lm,
            lumaStd: max(ls2 / max(ln, 1) - lm * lm, 0).squareRoot(),
            combing: vertical / horizontal,
            chromaEntropy: entropy,
            colourfulness: (vb + vr).squareRoot() + 0.3 * (mb * mb + mr * mr).squareRoot())
    }
}
