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
    ///
    /// Each blur adds the same products in the same order as the plain loops of sessions 8-13 (`FastPathTests`
    /// keeps them): along the row the taps run from -5 to 5, and down the columns each output sums its 11 rows in
    /// the same order with the row as the inner loop, which vectorises. So the value is the same to the bit.
    public static func mean(_ a: Plane, _ b: Plane) -> Double {
        precondition(a.width == b.width && a.height == b.height, "SSIM of planes of different sizes")
        let w = a.width, h = a.height, n = w * h
        let x = a.samples.map(Double.init), y = b.samples.map(Double.init)
        let mx = blur(x, width: w, height: h), my = blur(y, width: w, height: h)
        var product = [Double](repeating: 0, count: n)
        for i in 0..<n { product[i] = x[i] * x[i] }
        let xx = blur(product, width: w, height: h)
        for i in 0..<n { product[i] = y[i] * y[i] }
        let yy = blur(product, width: w, height: h)
        for i in 0..<n { product[i] = x[i] * y[i] }
        let xy = blur(product, width: w, height: h)
        let c1 = 6.5025, c2 = 58.5225
        var sum = 0.0
        for i in 0..<n {
            let va = xx[i] - mx[i] * mx[i], vb = yy[i] - my[i] * my[i], cab = xy[i] - mx[i] * my[i]
            sum += ((2 * mx[i] * my[i] + c1) * (2 * cab + c2)) / ((mx[i] * mx[i] + my[i] * my[i] + c1) * (va + vb + c2))
        }
        return sum / Double(n)
    }

    /// The separable Gaussian blur of a `width` x `height` image, edges clamped.
    static func blur(_ input: [Double], width w: Int, height h: Int) -> [Double] {
        var t = [Double](repeating: 0, count: w * h), o = t
        let g = window
        g.withUnsafeBufferPointer { gp in
            input.withUnsafeBufferPointer { xp in
                t.withUnsafeMutableBufferPointer { tp in
                    let g = gp.baseAddress!, x = xp.baseAddress!, t = tp.baseAddress!
                    for row in 0..<h {
                        let r = x + row * w, out = t + row * w
                        for c in 0..<w {
                            var acc = 0.0
                            if c >= 5 && c < w - 5 {
                                for k in 0..<11 { acc += g[k] * r[c + k - 5] }
                            } else {
                                for k in 0..<11 { acc += g[k] * r[min(w - 1, max(0, c + k - 5))] }
                            }
                            out[c] = acc
                        }
                    }
                }
            }
            t.withUnsafeBufferPointer { tp in
                o.withUnsafeMutableBufferPointer { op in
                    let g = gp.baseAddress!, t = tp.baseAddress!, o = op.baseAddress!
                    for row in 0..<h {
                        let out = o + row * w  // zero: each output starts its sum at 0.0, as the plain loop's acc
                        for k in 0..<11 {
                            let src = t + min(h - 1, max(0, row + k - 5)) * w
                            let tap = g[k]
                            for c in 0..<w { out[c] += tap * src[c] }
                        }
                    }
                }
            }
        }
        return o
    }
}
