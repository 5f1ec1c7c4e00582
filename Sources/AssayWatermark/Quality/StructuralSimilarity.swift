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
    /// Computed in strips of 32 rows, so that the buffers stay small (a whole-frame version allocated ten frame-sized
    /// arrays of doubles, mostly page faults), with the same arithmetic as the plain loops of sessions 8-13
    /// (`StructuralSimilarityFastPathTests` keeps them): every blurred value sums its 11 taps from -5 to 5 starting
    /// from zero, horizontally and then vertically, and the per-pixel terms are added to the mean in row-major order.
    /// So the value is the same to the bit.
    public static func mean(_ a: Plane, _ b: Plane) -> Double {
        precondition(a.width == b.width && a.height == b.height, "SSIM of planes of different sizes")
        let w = a.width, h = a.height
        let strip = 32
        let rows = strip + 10  // a strip's rows and the five above and below it that its vertical taps read
        // The five signals (x, y, x², y², xy) blurred along the rows, for the rows a strip needs.
        var horizontal = [[Double]](repeating: [Double](repeating: 0, count: rows * w), count: 5)
        var line = [[Double]](repeating: [Double](repeating: 0, count: w), count: 5)
        var vertical = [[Double]](repeating: [Double](repeating: 0, count: w), count: 5)
        let g = window
        let c1 = 6.5025, c2 = 58.5225
        var sum = 0.0
        for top in stride(from: 0, to: h, by: strip) {
            let bottom = min(h, top + strip)
            // Source rows top-5 ..< bottom+5, clamped, each blurred once into slot (row - (top - 5)).
            for slot in 0..<(bottom - top + 10) {
                let row = min(h - 1, max(0, top - 5 + slot))
                for x in 0..<w {
                    let p = Double(a.samples[row * w + x]), q = Double(b.samples[row * w + x])
                    line[0][x] = p
                    line[1][x] = q
                    line[2][x] = p * p
                    line[3][x] = q * q
                    line[4][x] = p * q
                }
                for s in 0..<5 { blurRow(line[s], into: &horizontal[s], offset: slot * w, width: w, taps: g) }
            }
            for row in top..<bottom {
                // Row row + k - 5, clamped, sits in slot clamp(row + k - 5) - (top - 5).
                let slots = (0..<11).map { k in min(h - 1, max(0, row + k - 5)) - (top - 5) }
                for s in 0..<5 { blurColumn(horizontal[s], slots: slots, into: &vertical[s], width: w, taps: g) }
                let mx = vertical[0], my = vertical[1], xx = vertical[2], yy = vertical[3], xy = vertical[4]
                for i in 0..<w {
                    let va = xx[i] - mx[i] * mx[i], vb = yy[i] - my[i] * my[i], cab = xy[i] - mx[i] * my[i]
                    sum += ((2 * mx[i] * my[i] + c1) * (2 * cab + c2))
                        / ((mx[i] * mx[i] + my[i] * my[i] + c1) * (va + vb + c2))
                }
            }
        }
        return sum / Double(w * h)
    }

    /// One output row of the vertical blur: the 11 rows of `strip` at `slots` (row-major, `width` wide) weighted by the
    /// taps in order from zero, with the pixels as the inner loop.
    static func blurColumn(_ strip: [Double], slots: [Int], into out: inout [Double], width w: Int, taps g: [Double]) {
        strip.withUnsafeBufferPointer { sp in
            out.withUnsafeMutableBufferPointer { op in
                let o = op.baseAddress!
                o.update(repeating: 0, count: w)
                for k in 0..<11 {
                    let src = sp.baseAddress! + slots[k] * w, tap = g[k]
                    for c in 0..<w { o[c] += tap * src[c] }
                }
            }
        }
    }

    /// One row blurred with the 11 taps, edges clamped, into `out[offset..<offset + width]`: each output sums its
    /// taps in order from zero; the columns that need no clamping run with the pixels as the inner loop.
    static func blurRow(_ input: [Double], into out: inout [Double], offset: Int, width w: Int, taps g: [Double]) {
        input.withUnsafeBufferPointer { ip in
            out.withUnsafeMutableBufferPointer { op in
                let r = ip.baseAddress!, o = op.baseAddress! + offset
                let inner = 5..<max(5, w - 5)
                o.update(repeating: 0, count: w)
                for k in 0..<11 {
                    let tap = g[k], src = r + (k - 5)
                    for c in inner { o[c] += tap * src[c] }
                }
                for c in 0..<w where !inner.contains(c) {
                    var acc = 0.0
                    for k in 0..<11 { acc += g[k] * r[min(w - 1, max(0, c + k - 5))] }
                    o[c] = acc
                }
            }
        }
    }
}
