#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The embedder's optional SSIM cap: lowers the mark on the blocks where it costs SSIM-Y most (flat and dark ones)
/// until the frame's predicted mean SSIM-Y loss meets a budget. Textured blocks keep their full amplitude.
///
/// Model (session 3's v3, `docs/watermark.md`): for `Y' = Y + s` with `s` independent of `Y`, SSIM's structure term
/// in a window is `(2 var + C2) / (2 var + C2 + v)`, with `var` the host's local variance and `v` the mark's. `v` is
/// the pattern's share `f` of the continuous mark's variance `a²` (the part SSIM's 11-tap window sees, measured
/// once per frame size) plus the error of rounding to 8 bits, which is white. A block's predicted loss is the mean
/// over its four 4x4 quadrants. When the frame's mean exceeds the budget, the cap water-fills: it finds the level
/// `L` at which clipping every block's loss meets the budget and lowers only the blocks above `L`.
enum SSIMCap {
    /// SSIM's C2 constant for 8-bit video ((0.03 * 255)^2).
    static let c2: Float = 58.5225

    /// Local variance the mark adds in SSIM's window when its continuous amplitude has variance `a2` (grey levels
    /// squared): `f * a2` plus the rounding error (`a2` for tiny marks, 1/12 once the mark spans several levels).
    @inline(__always)
    static func markVariance(_ a2: Float, localFraction f: Float) -> Float {
        f * a2 + (1 - exp(-12 * a2)) / 12
    }

    /// Fraction of the pattern's energy that SSIM's 11-tap Gaussian window (sigma 1.5) sees as local variance:
    /// `1 - |G * p|² / |p|²`, from a band of at most 96 rows in the middle of the frame.
    static func localVarianceFraction(_ p: [Int16], width w: Int, height h: Int) -> Float {
        let taps = StructuralSimilarity.floatWindow
        let y0 = max(0, h / 2 - 48), y1 = min(h, y0 + 96)
        guard y1 - y0 > 10, w > 10 else { return 1 }
        var horizontal = [Float](repeating: 0, count: (y1 - y0) * w)
        for y in y0..<y1 {
            for x in 0..<w {
                var acc: Float = 0
                for k in -5...5 { acc += taps[k + 5] * Float(p[y * w + min(w - 1, max(0, x + k))]) }
                horizontal[(y - y0) * w + x] = acc
            }
        }
        var energy = 0.0, smooth = 0.0
        for y in (y0 + 5)..<(y1 - 5) {
            for x in 5..<(w - 5) {
                var acc: Float = 0
                for k in -5...5 { acc += taps[k + 5] * horizontal[(y - y0 + k) * w + x] }
                let v = Double(p[y * w + x])
                energy += v * v
                smooth += Double(acc * acc)
            }
        }
        return energy > 0 ? Float(max(0, min(1, 1 - smooth / energy))) : 1
    }

    /// Per 8x8 block (``PatternCache/block``): the mean luma and the variance of each 4x4 quadrant (4 per block,
    /// row-major within the block). Edge blocks use the pixels they have; an empty quadrant takes its block's variance.
    ///
    /// Memory order: each half block row (4 lines) is summed down the columns first (contiguous, vector lanes), then
    /// across each quadrant's columns; the sums are integers, so the order does not change the result.
    static func blockMoments(_ samples: [UInt8], width w: Int, height h: Int) -> (mean: [Float], variance: [Float]) {
        let bs = PatternCache.block
        let bw = (w + bs - 1) / bs, bh = (h + bs - 1) / bs
        var mean = [Float](repeating: 0, count: bw * bh)
        var variance = [Float](repeating: 0, count: 4 * bw * bh)
        samples.withUnsafeBufferPointer { sb in
            mean.withUnsafeMutableBufferPointer { mb in
                variance.withUnsafeMutableBufferPointer { vb in
                    nonisolated(unsafe) let s = sb.baseAddress!
                    nonisolated(unsafe) let mn = mb.baseAddress!
                    nonisolated(unsafe) let vr = vb.baseAddress!
                    PatternCache.parallelRows(bh) { byStart, byEnd in
                        blockMoments(s, mn, vr, width: w, height: h, blockRows: byStart..<byEnd)
                    }
                }
            }
        }
        return (mean, variance)
    }

    /// ``blockMoments(_:width:height:)`` for a range of block rows.
    static func blockMoments(_ s: UnsafePointer<UInt8>, _ mn: UnsafeMutablePointer<Float>,
                             _ vr: UnsafeMutablePointer<Float>, width w: Int, height h: Int, blockRows: Range<Int>)
    {
        let bs = PatternCache.block, half = bs / 2
        let bw = (w + bs - 1) / bs
        let colSum = UnsafeMutablePointer<Int32>.allocate(capacity: w)
        let colSquares = UnsafeMutablePointer<Int32>.allocate(capacity: w)
        // Per block of the row: sum and squares of each quadrant.
        let quadSum = UnsafeMutablePointer<Int32>.allocate(capacity: 4 * bw)
        let quadSquares = UnsafeMutablePointer<Int32>.allocate(capacity: 4 * bw)
        defer {
            colSum.deallocate()
            colSquares.deallocate()
            quadSum.deallocate()
            quadSquares.deallocate()
        }
        for by in blockRows {
            let yStart = by * bs, yEnd = min(h, yStart + bs), yMid = min(yEnd, yStart + half)
            quadSum.initialize(repeating: 0, count: 4 * bw)
            quadSquares.initialize(repeating: 0, count: 4 * bw)
            for part in [0, 2] {
                let lines = part == 0 ? yStart..<yMid : yMid..<yEnd
                if lines.isEmpty { continue }
                colSum.initialize(repeating: 0, count: w)
                colSquares.initialize(repeating: 0, count: w)
                for y in lines {
                    let row = s + y * w
                    for x in 0..<w {
                        let c = Int32(row[x])
                        colSum[x] &+= c
                        colSquares[x] &+= c &* c
                    }
                }
                for bx in 0..<bw {
                    let xStart = bx * bs, xEnd = min(w, xStart + bs), xMid = min(xEnd, xStart + half)
                    var sl: Int32 = 0, ql: Int32 = 0, sr: Int32 = 0, qr: Int32 = 0
                    for x in xStart..<xMid {
                        sl &+= colSum[x]
                        ql &+= colSquares[x]
                    }
                    for x in xMid..<xEnd {
                        sr &+= colSum[x]
                        qr &+= colSquares[x]
                    }
                    quadSum[4 * bx + part] = sl
                    quadSquares[4 * bx + part] = ql
                    quadSum[4 * bx + part + 1] = sr
                    quadSquares[4 * bx + part + 1] = qr
                }
            }
            let heights = (yMid - yStart, yEnd - yMid)
            for bx in 0..<bw {
                let xStart = bx * bs, xEnd = min(w, xStart + bs), xMid = min(xEnd, xStart + half)
                let widths = (xMid - xStart, xEnd - xMid)
                let counts = SIMD4<Int32>(Int32(widths.0 * heights.0), Int32(widths.1 * heights.0),
                                          Int32(widths.0 * heights.1), Int32(widths.1 * heights.1))
                let q = 4 * bx
                let n = Float(counts.wrappedSum())
                let total = quadSum[q] &+ quadSum[q + 1] &+ quadSum[q + 2] &+ quadSum[q + 3]
                let squares = quadSquares[q] &+ quadSquares[q + 1] &+ quadSquares[q + 2] &+ quadSquares[q + 3]
                let m = Float(total) / n
                let block = by * bw + bx
                mn[block] = m
                let whole = max(0, Float(squares) / n - m * m)
                for j in 0..<4 {
                    guard counts[j] > 0 else {
                        vr[4 * block + j] = whole
                        continue
                    }
                    let nj = Float(counts[j]), mj = Float(quadSum[q + j]) / nj
                    vr[4 * block + j] = max(0, Float(quadSquares[q + j]) / nj - mj * mj)
                }
            }
        }
    }

    /// Predicted mean SSIM-Y loss per block of a mask (1/256 units) at `amplitude` grey levels RMS, and for each
    /// block the mark variance `a²` and the single `2 var + C2` that gives the same loss (used to solve for a cap).
    static func predictedLoss(mask: [Int32], mean: [Float], variance: [Float], amplitude: Float,
                              localFraction f: Float) -> (loss: [Float], a2: [Float], denominator: [Float])
    {
        var loss = [Float](repeating: 0, count: mask.count)
        var a2 = [Float](repeating: 0, count: mask.count)
        var denominator = [Float](repeating: c2, count: mask.count)
        for i in 0..<mask.count {
            let b = Float(PatternCache.brightness[Int(max(0, min(255, mean[i])))]) / 256
            let m = Float(mask[i]) / 256
            a2[i] = amplitude * amplitude * m * m * b * b
            let v = markVariance(a2[i], localFraction: f)
            var l: Float = 0
            for j in 0..<4 { l += v / (2 * variance[4 * i + j] + c2 + v) }
            loss[i] = l / 4
            if v > 0 && loss[i] > 0 { denominator[i] = v / loss[i] - v }
        }
        return (loss, a2, denominator)
    }

    /// Caps `mask` (1/256 units) so that the frame's mean predicted SSIM-Y loss is at most `budget`; unchanged when
    /// it already is.
    static func apply(to mask: inout [Int32], samples: [UInt8], width w: Int, height h: Int, amplitude: Float,
                      localFraction f: Float, budget: Float)
    {
        let (mean, variance) = blockMoments(samples, width: w, height: h)
        let (loss, a2, denominator) = predictedLoss(mask: mask, mean: mean, variance: variance, amplitude: amplitude,
                                                    localFraction: f)
        let n = Float(mask.count)
        guard loss.reduce(0, +) / n > budget else { return }
        var lo: Float = 0, hi: Float = 1
        for _ in 0..<30 {
            let level = (lo + hi) / 2
            var total: Float = 0
            for l in loss { total += min(level, l) }
            if total / n > budget { hi = level } else { lo = level }
        }
        for i in 0..<mask.count where a2[i] > 0 && loss[i] > lo {
            let target = lo * denominator[i] / (1 - lo)
            // Solve markVariance(x) = target (increasing, concave): Newton from below.
            var x = min(a2[i], target / (f + 1))
            for _ in 0..<6 {
                let e = exp(-12 * x)
                x = max(0, x - (f * x + (1 - e) / 12 - target) / (f + e))
            }
            let scale = min(1, (x / a2[i]).squareRoot())
            mask[i] = Int32((Float(mask[i]) * scale).rounded())
        }
    }
}
