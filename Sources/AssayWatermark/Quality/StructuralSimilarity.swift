#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import AssayCore

/// SSIM between two planes as the lane's quality goal defines it: Wang et al.'s index with an 11-tap Gaussian
/// window (sigma 1.5, separable, edges clamped), C1 = (0.01 * 255)², C2 = (0.03 * 255)², averaged over every pixel.
/// ``SSIMCap`` models this index; `wm-bench` and the tests measure with it. ffmpeg's `ssim` filter uses 8x8 box
/// windows instead and reads lower on flat content.
public enum StructuralSimilarity {
    /// The 11 window taps (offsets -5...5), Gaussian with sigma 1.5, summing to 1 (``SSIMCap`` models the same
    /// window).
    static let window: [Double] = {
        let raw = (-5...5).map { (k: Int) -> Double in exp(-Double(k * k) / 4.5) }
        let total = raw.reduce(0, +)
        return raw.map { $0 / total }
    }()

    /// ``window`` in Float, normalised in Float (the taps ``SSIMCap`` has used since session 8; normalising in
    /// Double first changes the cap's output on flat clips by rounding).
    static let floatWindow: [Float] = {
        let raw = (-5...5).map { (k: Int) -> Float in Float(exp(-Double(k * k) / 4.5)) }
        let total = raw.reduce(0, +)
        return raw.map { $0 / total }
    }()

    /// The mean SSIM of `a` against `b` (same size); 1 for identical planes.
    public static func mean(_ a: Plane, _ b: Plane) -> Double {
        precondition(a.width == b.width && a.height == b.height, "SSIM of planes of different sizes")
        let w = a.width, h = a.height
        let g = window
        func blur(_ x: [Double]) -> [Double] {
            var t = [Double](repeating: 0, count: w * h), o = t
            for y in 0..<h {
                for xx in 0..<w {
                    var acc = 0.0
                    for k in -5...5 { acc += g[k + 5] * x[y * w + min(w - 1, max(0, xx + k))] }
                    t[y * w + xx] = acc
                }
            }
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
}
