import Dispatch

/// The full-frame pattern in fixed point plus the per-frame mask machinery.
///
/// Per frame: one pass for the block activity (16-bit column sums), the mask on the block grid, and one pass that
/// adds the mark. The adding pass has two forms that give the same integers:
/// ``addMarkNarrow(to:pattern:mask:width:height:)`` in 16-bit lanes (SSE2 multiplies 16-bit lanes with
/// `pmullw`/`pmulhw` but has no 32-bit `pmulld`), used whenever the mask and pattern are small enough for it to be
/// exact, and ``addMarkWide(to:pattern:mask:width:height:)`` in 32-bit lanes for the rest.
struct PatternCache: Sendable {
    let width: Int
    let height: Int
    /// `amplitude * tile` resampled to the frame, in 1/64 grey levels.
    let pattern: [Int16]
    /// Largest `|pattern|`; decides with the mask peak whether the 16-bit loop is exact.
    let patternPeak: Int32
    /// Mask blocks.
    static let block = 8
    /// Brightness attenuation in 1/256 (1 in mid-grey, 0.2 at black and white).
    static let brightness: [Int32] = (0..<256).map { y in
        let lo = min(1, max(0.2, (Double(y) - 16) / 24))
        let hi = min(1, max(0.2, (245 - Double(y)) / 24))
        return Int32((lo * hi * 256).rounded())
    }
    /// Largest mask value (1/256) for the 16-bit loop: 64 times a bilinear mean of the mask must stay below 2^16.
    static let narrowMaskLimit: Int32 = 1023
    /// `patternPeak * maskPeak` must stay below this for the 16-bit loop (`|pattern * mask| < 2^22`).
    static let narrowProductLimit = 1 << 22

    /// Amplitude (grey levels RMS of the unit tile) before masking.
    let amplitude: Float
    /// The SSIM cap's budget (``SSIMCap``), nil when off.
    let ssimBudget: Float?
    /// ``SSIMCap/localVarianceFraction(_:width:height:)`` of the pattern (1 when the cap is off).
    let localFraction: Float

    init(tile: [Float], width: Int, height: Int, amplitude: Float, ssimBudget: Float? = nil) {
        self.width = width
        self.height = height
        self.amplitude = amplitude
        self.ssimBudget = ssimBudget
        let n = TileGeometry.size
        let period = TileGeometry.period(width: width, height: height)
        let step = Double(n) / period
        var out = [Int16](repeating: 0, count: width * height)
        // Column coordinates are the same for every row: precompute them.
        var x0 = [Int](repeating: 0, count: width)
        var x1 = [Int](repeating: 0, count: width)
        var fx = [Float](repeating: 0, count: width)
        for x in 0..<width {
            let u = Double(x) * step
            let fl = u.rounded(.down)
            x0[x] = Int(fl) % n
            x1[x] = (x0[x] + 1) % n
            fx[x] = Float(u - fl)
        }
        let scale = amplitude * 64
        tile.withUnsafeBufferPointer { t in
            out.withUnsafeMutableBufferPointer { o in
                for y in 0..<height {
                    let v = Double(y) * step
                    let fl = v.rounded(.down)
                    let y0 = Int(fl) % n, y1 = (y0 + 1) % n
                    let fy = Float(v - fl)
                    let r0 = y0 * n, r1 = y1 * n
                    for x in 0..<width {
                        let a = t[r0 + x0[x]] + fx[x] * (t[r0 + x1[x]] - t[r0 + x0[x]])
                        let b = t[r1 + x0[x]] + fx[x] * (t[r1 + x1[x]] - t[r1 + x0[x]])
                        let value = (a + fy * (b - a)) * scale
                        o[y * width + x] = Int16(max(-32000, min(32000, value.rounded())))
                    }
                }
            }
        }
        pattern = out
        patternPeak = out.reduce(Int32(0)) { max($0, abs(Int32($1))) }
        localFraction = ssimBudget == nil ? 1 : SSIMCap.localVarianceFraction(out, width: width, height: height)
    }

    /// Texture mask on a block grid (1/256 units, mean square about 1), lowered by the SSIM cap when it is on, then
    /// bilinear per pixel.
    func apply(to samples: inout [UInt8]) {
        let w = width, h = height, bs = Self.block
        let bw = (w + bs - 1) / bs, bh = (h + bs - 1) / bs
        var activity = [Float](repeating: 0, count: bw * bh)
        samples.withUnsafeBufferPointer { sb in
            activity.withUnsafeMutableBufferPointer { ab in
                nonisolated(unsafe) let s = sb.baseAddress!
                nonisolated(unsafe) let act = ab.baseAddress!
                Self.parallelRows(bh) { byStart, byEnd in
                    Self.blockActivity(s, act, width: w, height: h, blocksWide: bw, blockRows: byStart..<byEnd)
                }
            }
        }
        var mask = Self.mask(activity: activity, blocksWide: bw, blocksHigh: bh)
        if let budget = ssimBudget {
            SSIMCap.apply(to: &mask, samples: samples, width: w, height: h, amplitude: amplitude,
                          localFraction: localFraction, budget: budget)
        }
        if usesNarrowLoop(maskPeak: mask.max() ?? 0) {
            Self.addMarkNarrow(to: &samples, pattern: pattern, mask: mask, width: w, height: h)
        } else {
            Self.addMarkWide(to: &samples, pattern: pattern, mask: mask, width: w, height: h)
        }
    }

    /// Whether ``addMarkNarrow(to:pattern:mask:width:height:)`` is exact for a mask whose largest value is `maskPeak`.
    func usesNarrowLoop(maskPeak: Int32) -> Bool {
        maskPeak >= 0 && maskPeak <= Self.narrowMaskLimit
            && Int(maskPeak) * Int(patternPeak) < Self.narrowProductLimit
    }

    /// Per-pixel mask coordinates along one axis: the lower block `p`, the upper block `q` and the fraction `f` (in
    /// eighths) of the way from `p`'s centre to `q`'s.
    @inline(__always)
    static func axis(_ i: Int, blocks: Int) -> (p: Int, q: Int, f: Int) {
        let half = block / 2
        let p = i < half ? 0 : min(blocks - 1, (i - half) / block)
        let q = min(blocks - 1, p + 1)
        let f = p == q || i < half ? 0 : min(block, (i - half) - p * block)
        return (p, q, f)
    }

    /// Adds `pattern * mask * brightness` to the luma in 16-bit lanes; the same output as
    /// ``addMarkWide(to:pattern:mask:width:height:)`` when ``usesNarrowLoop(maskPeak:)`` holds.
    ///
    /// With the block-centre fractions `fx = 32 f`, `fy = 32 g` (f, g in 0...8), the wide loop's mask numerator is
    /// `1024 S` with `S = K + f L`, `K = 64 r0[c] + 8 g (r1[c] - r0[c])` and
    /// `L = 8 (r0[c+1] - r0[c]) + g ((r1[c+1] - r1[c]) - (r0[c+1] - r0[c]))`, so the pixel's mask is `S >> 6`. `S` is
    /// 64 times a bilinear mean of mask values: with the mask at most 1023 it is in 0..<65536, and wrapping 16-bit
    /// arithmetic gives it exactly. Along a row, pixels `4 + 8c ..< 12 + 8c` are block column `c` with `f = 0...7`
    /// (one 8-lane vector); `f` is 0 left of the first centre, and `L` is 0 in the last column.
    static func addMarkNarrow(to samples: inout [UInt8], pattern: [Int16], mask: [Int32], width w: Int, height h: Int) {
        let bs = block, half = bs / 2
        let bw = (w + bs - 1) / bs, bh = (h + bs - 1) / bs
        // The mask as UInt16 with a copy of each row's last value appended, so column c + 1 always exists.
        let stride = bw + 1
        var narrow = [UInt16](repeating: 0, count: stride * bh)
        for by in 0..<bh {
            for bx in 0..<bw { narrow[by * stride + bx] = UInt16(truncatingIfNeeded: mask[by * bw + bx]) }
            narrow[by * stride + bw] = narrow[by * stride + bw - 1]
        }
        samples.withUnsafeMutableBufferPointer { sb in
            pattern.withUnsafeBufferPointer { pb in
                narrow.withUnsafeBufferPointer { mb in
                    nonisolated(unsafe) let s = sb.baseAddress!
                    nonisolated(unsafe) let pat = pb.baseAddress!
                    nonisolated(unsafe) let mk = mb.baseAddress!
                    parallelRows(h) { yStart, yEnd in
                        let k = UnsafeMutablePointer<UInt16>.allocate(capacity: bw)
                        let l = UnsafeMutablePointer<UInt16>.allocate(capacity: bw)
                        let rm = UnsafeMutablePointer<Int16>.allocate(capacity: half + bs * bw)
                        defer {
                            k.deallocate()
                            l.deallocate()
                            rm.deallocate()
                        }
                        for y in yStart..<yEnd {
                            let (p, q, g) = axis(y, blocks: bh)
                            maskTerms(mk + p * stride, mk + q * stride, g: UInt16(g), k, l, count: bw)
                            maskRow(rm, k, l, blocksWide: bw)
                            markRowNarrow(s + y * w, pat + y * w, rm, count: w)
                        }
                    }
                }
            }
        }
    }

    /// `K` and `L` of ``addMarkNarrow(to:pattern:mask:width:height:)`` for every block column of one row (mod 2^16).
    @inline(__always)
    static func maskTerms(_ r0: UnsafePointer<UInt16>, _ r1: UnsafePointer<UInt16>, g: UInt16,
                          _ k: UnsafeMutablePointer<UInt16>, _ l: UnsafeMutablePointer<UInt16>, count: Int)
    {
        let g8 = g &* 8
        let r0n = r0 + 1, r1n = r1 + 1
        for c in 0..<count {
            let d0 = r0n[c] &- r0[c], d1 = r1n[c] &- r1[c]
            k[c] = (r0[c] &* 64) &+ g8 &* (r1[c] &- r0[c])
            l[c] = (d0 &* 8) &+ g &* (d1 &- d0)
        }
    }

    /// The mask for one row, `(K + f L) >> 6` per pixel: 4 pixels of column 0 with `f = 0`, then 8 per column.
    @inline(__always)
    static func maskRow(_ rm: UnsafeMutablePointer<Int16>, _ k: UnsafePointer<UInt16>, _ l: UnsafePointer<UInt16>,
                        blocksWide bw: Int)
    {
        let first = Int16(bitPattern: k[0] >> 6)
        for x in 0..<(block / 2) { rm[x] = first }
        let f = SIMD8<UInt16>(0, 1, 2, 3, 4, 5, 6, 7)
        let out = UnsafeMutableRawPointer(rm + block / 2)
        for c in 0..<bw {
            let v = (SIMD8<UInt16>(repeating: k[c]) &+ f &* SIMD8<UInt16>(repeating: l[c])) &>> 6
            out.storeBytes(of: v, toByteOffset: 16 * c, as: SIMD8<UInt16>.self)
        }
    }

    /// One row in 16-bit lanes: `d = (hi b + (lo b) >> 16 + 32) >> 6` with `hi`, `lo` the high and low halves of
    /// `pattern * mask` and `b` the brightness, which equals the wide loop's `(pattern * mask * b + 2^21) >> 22`;
    /// `Y' = clamp(Y + d)`.
    @inline(__always)
    static func markRowNarrow(_ row: UnsafeMutablePointer<UInt8>, _ prow: UnsafePointer<Int16>,
                              _ rm: UnsafePointer<Int16>, count: Int)
    {
        for x in 0..<count {
            let luma = Int16(row[x])
            let b = brightness16(luma)
            let pattern = prow[x], m = rm[x]
            let lo = UInt16(bitPattern: pattern &* m)
            let hi = Int16(truncatingIfNeeded: (Int32(pattern) &* Int32(m)) >> 16)
            let loB = Int16(truncatingIfNeeded: (UInt32(lo) &* UInt32(UInt16(bitPattern: b))) >> 16)
            let d = (hi &* b &+ loB &+ 32) >> 6
            row[x] = UInt8(truncatingIfNeeded: max(0, min(255, luma &+ d)))
        }
    }

    /// ``brightness`` in 16-bit lanes (equal for every `y` in 0...255, checked by a test): with
    /// `t = clip(min(y - 16, 245 - y), 0, 24)`, `max(51, floor((64 t + 3) / 6))` by multiply and shift.
    @inline(__always)
    static func brightness16(_ y: Int16) -> Int16 {
        let t = max(0, min(24, min(y &- 16, 245 &- y)))
        return max(51, Int16(truncatingIfNeeded: (Int32(t &* 64 &+ 3) &* 10923) >> 16))
    }

    /// Adds `pattern * mask * brightness` to the luma with 32-bit products, the mask bilinear between block centres.
    ///
    /// Per row, the vertical interpolation is done once per block column; along the row the mask is then linear in
    /// the column fraction, `(A + cf * B) >> 16`, which is exactly the per-pixel bilinear formula rearranged (the
    /// same integers, so the same output). The brightness term is computed, not looked up, so the pixel loop has no
    /// gathers and vectorises.
    static func addMarkWide(to samples: inout [UInt8], pattern: [Int16], mask: [Int32], width w: Int, height h: Int) {
        let bs = block
        let bw = (w + bs - 1) / bs, bh = (h + bs - 1) / bs
        // Column fraction (1/256) and the first column of each block column's run (block-centre bilinear).
        var cfx = [Int32](repeating: 0, count: w)
        var runStart = [Int](repeating: w, count: bw + 1)
        for x in stride(from: w - 1, through: 0, by: -1) {
            let (p, _, f) = axis(x, blocks: bw)
            cfx[x] = Int32(f * 256 / bs)
            runStart[p] = x
        }
        for p in stride(from: bw - 1, through: 0, by: -1) where runStart[p] > runStart[p + 1] {
            runStart[p] = runStart[p + 1]  // empty run
        }
        samples.withUnsafeMutableBufferPointer { sb in
            pattern.withUnsafeBufferPointer { pb in
                mask.withUnsafeBufferPointer { mb in
                    cfx.withUnsafeBufferPointer { cfb in
                        runStart.withUnsafeBufferPointer { rsb in
                            nonisolated(unsafe) let s = sb.baseAddress!
                            nonisolated(unsafe) let pat = pb.baseAddress!
                            nonisolated(unsafe) let mk = mb.baseAddress!
                            nonisolated(unsafe) let cf = cfb.baseAddress!
                            nonisolated(unsafe) let runs = rsb.baseAddress!
                            parallelRows(h) { yStart, yEnd in
                                let rm = UnsafeMutablePointer<Int32>.allocate(capacity: w)
                                defer { rm.deallocate() }
                                for y in yStart..<yEnd {
                                    let (p, q, g) = axis(y, blocks: bh)
                                    let fy = Int32(g * 256 / bs)
                                    let r0 = mk + p * bw, r1 = mk + q * bw
                                    for c in 0..<bw {
                                        let c1 = min(bw - 1, c + 1)
                                        let d0 = r0[c1] &- r0[c], d1 = r1[c1] &- r1[c]
                                        let a = 65536 &* r0[c] &+ 256 &* fy &* (r1[c] &- r0[c])
                                        let b = 256 &* d0 &+ fy &* (d1 &- d0)
                                        for x in runs[c]..<runs[c + 1] { rm[x] = (a &+ cf[x] &* b) >> 16 }
                                    }
                                    markRowWide(s + y * w, pat + y * w, rm, count: w)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// One row: `Y' = clamp(Y + (pattern * mask * brightness(Y) + 2^21) >> 22)` (1/64, 1/256, 1/256 units).
    @inline(__always)
    static func markRowWide(_ row: UnsafeMutablePointer<UInt8>, _ prow: UnsafePointer<Int16>,
                            _ rm: UnsafePointer<Int32>, count: Int)
    {
        for x in 0..<count {
            let luma = Int32(row[x])
            let d = (Int32(prow[x]) &* rm[x] &* brightnessValue(luma) &+ (1 << 21)) >> 22
            row[x] = UInt8(truncatingIfNeeded: max(0, min(255, luma &+ d)))
        }
    }

    /// ``brightness`` computed without a table (equal for every `y` in 0...255, checked by a test):
    /// `round(t * 32 / 3)` with `t` the distance from 16 or 245, clipped to 51...256 (0.2...1).
    @inline(__always)
    static func brightnessValue(_ y: Int32) -> Int32 {
        let lo = max(0, min(24, y &- 16)), hi = max(0, min(24, 245 &- y))
        // floor((64 t + 3) / 6) for 0 <= t <= 24, by multiply and shift.
        let fl = ((lo &* 64 &+ 3) &* 10923) >> 16, fh = ((hi &* 64 &+ 3) &* 10923) >> 16
        return max(51, min(fl, fh))
    }

    /// Mean absolute gradient (right and down neighbours, inside the frame) per 8x8 block, for a range of block rows.
    ///
    /// Memory order: the 8 lines of a block row are summed down the columns first (contiguous, 16-bit lanes: a
    /// column sum is at most 8 x 510), then across each block's columns. The sums are integers, so the order does
    /// not change the result.
    static func blockActivity(_ s: UnsafePointer<UInt8>, _ act: UnsafeMutablePointer<Float>, width w: Int,
                              height h: Int, blocksWide bw: Int, blockRows: Range<Int>)
    {
        let bs = block
        let column = UnsafeMutablePointer<UInt16>.allocate(capacity: w)
        defer { column.deallocate() }
        for by in blockRows {
            let yStart = by * bs, yEnd = min(h - 1, yStart + bs)
            column.initialize(repeating: 0, count: w)
            var y = yStart
            while y < yEnd {
                accumulateGradient(s + y * w, rowStride: w, column, count: w - 1)
                y += 1
            }
            for bx in 0..<bw {
                let xStart = bx * bs, xEnd = min(w - 1, xStart + bs)
                var total: Int32 = 0
                var x = xStart
                while x < xEnd {
                    total &+= Int32(column[x])
                    x += 1
                }
                let count = (xEnd - xStart) * (yEnd - yStart)
                act[by * bw + bx] = count > 0 ? Float(total) / Float(count) : 0
            }
        }
    }

    /// Adds `|Y(x) - Y(x+1)| + |Y(x) - Y(x, y+1)|` for `x < count` to the column gradient sums (byte lanes for the
    /// differences, 16-bit lanes for the sums). The neighbours are read through their own pointers, so the loop has
    /// no checked index arithmetic and vectorises.
    @inline(__always)
    static func accumulateGradient(_ row: UnsafePointer<UInt8>, rowStride w: Int,
                                   _ gradient: UnsafeMutablePointer<UInt16>, count: Int)
    {
        let next = row + 1, below = row + w
        for x in 0..<count {
            let c = row[x], right = next[x], down = below[x]
            gradient[x] &+= UInt16(max(c, right) &- min(c, right)) &+ UInt16(max(c, down) &- min(c, down))
        }
    }

    /// Smooths block activity (3x3) and maps it to the mild mask, normalised to mean square 1.
    ///
    /// The same float operations in the same order as the plain loops (`t` summed row by row, left to right, then
    /// `t / count`; the mean and the sum of squares accumulated in block order), arranged so that the per-block work
    /// runs along rows in vector lanes; rounding without a libm call. A test compares it with the plain loops.
    static func mask(activity: [Float], blocksWide bw: Int, blocksHigh bh: Int) -> [Int32] {
        precondition(bw >= 3 && bh >= 1 && activity.count == bw * bh, "mask grid \(bw)x\(bh)")
        let n = bw * bh
        var smooth = [Float](repeating: 0, count: n)
        var result = [Int32](repeating: 0, count: n)
        activity.withUnsafeBufferPointer { ab in
            smooth.withUnsafeMutableBufferPointer { sb in
                result.withUnsafeMutableBufferPointer { rb in
                    let a = ab.baseAddress!, s = sb.baseAddress!, out = rb.baseAddress!
                    for by in 0..<bh {
                        let y0 = max(0, by - 1), y1 = min(bh - 1, by + 1)
                        let o = s + by * bw, inner = o + 1
                        for yy in y0...y1 {
                            let r = a + yy * bw, centre = r + 1, right = r + 2
                            o[0] += r[0]
                            o[0] += r[1]
                            for i in 0..<(bw - 2) {
                                var t = inner[i]
                                t += r[i]
                                t += centre[i]
                                t += right[i]
                                inner[i] = t
                            }
                            o[bw - 1] += r[bw - 2]
                            o[bw - 1] += r[bw - 1]
                        }
                        let rows = Float(y1 - y0 + 1)
                        let edgeCount = 2 * rows, innerCount = 3 * rows
                        o[0] /= edgeCount
                        for i in 0..<(bw - 2) { inner[i] /= innerCount }
                        o[bw - 1] /= edgeCount
                    }
                    var mean: Float = 0
                    for i in 0..<n { mean += s[i] }
                    mean /= Float(n)
                    let low = maskLow, high = maskHigh
                    for i in 0..<n { s[i] = min(high, max(low, (s[i] + 2) / (mean + 2))) }
                    var sumSquares: Float = 0
                    for i in 0..<n { sumSquares += s[i] * s[i] }
                    let norm = 1 / (sumSquares / Float(n)).squareRoot()
                    for i in 0..<n { out[i] = roundedPositive(s[i] * norm * 256) }
                }
            }
        }
        return result
    }

    /// `Int32(x.rounded())` for `0 <= x < 2^31` without a libm call: the integer part, plus one when the fraction
    /// (exact in Float below 2^23, zero above) is at least a half.
    @inline(__always)
    static func roundedPositive(_ x: Float) -> Int32 {
        let whole = Int32(x)
        return whole &+ (x - Float(whole) >= 0.5 ? 1 : 0)
    }

    /// Runs `body` over two halves of `0..<rows` on two threads (one for small frames).
    static func parallelRows(_ rows: Int, _ body: @Sendable (Int, Int) -> Void) {
        if rows < 64 {
            body(0, rows)
            return
        }
        let mid = rows / 2
        DispatchQueue.concurrentPerform(iterations: 2) { part in
            if part == 0 { body(0, mid) } else { body(mid, rows) }
        }
    }

    static let maskLow: Float = 0.4
    static let maskHigh: Float = 2.4
}
