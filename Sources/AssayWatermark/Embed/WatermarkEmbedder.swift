#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import AssayCore
import Dispatch

/// Embeds the invisible watermark into the luma of frames. Chroma is untouched.
///
/// The mark is one static tile (see `docs/watermark.md`) repeated over the frame, scaled by a mild
/// texture mask and attenuated near black and white. The spatial pattern is computed once per
/// (key, payload, frame size) and reused, so embedding costs two passes over the luma plane.
///
/// ```swift
/// var embedder = try WatermarkEmbedder(key: key, payload: contentID.watermarkPayload)
/// try embedder.embed(&frame)
/// ```
public struct WatermarkEmbedder: Sendable {
    /// Default strength: about 0.95 grey levels RMS before rounding (PSNR-Y about 48 dB).
    public static let defaultStrength = 1.0
    /// Smallest frame side that can carry the mark.
    public static let minimumSide = 64
    /// Largest frame side accepted (8K); bounds the pattern and accumulator memory.
    public static let maximumSide = 8192

    /// Checks a frame size against ``minimumSide`` and ``maximumSide``.
    static func checkSize(width w: Int, height h: Int, action: String) throws {
        guard w >= minimumSide, h >= minimumSide else {
            throw WatermarkError.unsupportedFrame(
                "frame \(w)x\(h) is too small to \(action) (each side needs \(minimumSide) px)")
        }
        guard w <= maximumSide, h <= maximumSide else {
            throw WatermarkError.unsupportedFrame("frame \(w)x\(h) is too large to \(action) (limit \(maximumSide) px a side)")
        }
    }

    /// The key's public fingerprint.
    public let keyFingerprint: String
    /// The payload carried.
    public let payload: UInt64
    /// The strength multiplier (1 = default).
    public let strength: Double

    private let tile: [Float]
    private var cache: PatternCache?

    /// Creates an embedder.
    /// - Parameters:
    ///   - key: the watermark key.
    ///   - payload: the 64 data bits, normally `ContentID.watermarkPayload`.
    ///   - strength: amplitude multiplier in (0, 4]; 1 gives PSNR-Y about 48 dB.
    /// - Throws: ``WatermarkError/Code/invalidOption`` for a strength out of range.
    public init(key: WatermarkKey, payload: UInt64, strength: Double = WatermarkEmbedder.defaultStrength) throws {
        guard strength > 0, strength <= 4, strength.isFinite else {
            throw WatermarkError.invalidOption("watermark strength must be in (0, 4], got \(strength)")
        }
        self.keyFingerprint = key.fingerprint
        self.payload = payload
        self.strength = strength
        self.tile = KeyLayout(key: key).tile(coded: PayloadCodec.encode(payload))
    }

    /// Creates an embedder for a content ID (carries `contentID.watermarkPayload`).
    public init(key: WatermarkKey, contentID: ContentID, strength: Double = WatermarkEmbedder.defaultStrength) throws {
        try self.init(key: key, payload: contentID.watermarkPayload, strength: strength)
    }

    /// Marks a frame's luma in place.
    /// - Throws: ``WatermarkError/Code/unsupportedFrame`` if a side is under ``minimumSide`` pixels.
    public mutating func embed(_ frame: inout Frame) throws {
        let w = frame.luma.width, h = frame.luma.height
        try Self.checkSize(width: w, height: h, action: "carry the watermark")
        if cache?.width != w || cache?.height != h {
            cache = PatternCache(tile: tile, width: w, height: h, amplitude: Float(strength * Self.baseAmplitude))
        }
        cache!.apply(to: &frame.luma.samples)
    }

    /// Amplitude (grey levels, RMS of the unit tile) at strength 1.
    static let baseAmplitude = 0.95
}

/// The full-frame pattern in fixed point plus the per-frame mask machinery.
struct PatternCache: Sendable {
    let width: Int
    let height: Int
    /// `amplitude * tile` resampled to the frame, in 1/64 grey levels.
    let pattern: [Int16]
    /// Mask blocks.
    static let block = 8
    /// Brightness attenuation in 1/256 (1 in mid-grey, 0.2 at black and white).
    static let brightness: [Int32] = (0..<256).map { y in
        let lo = min(1, max(0.2, (Double(y) - 16) / 24))
        let hi = min(1, max(0.2, (245 - Double(y)) / 24))
        return Int32((lo * hi * 256).rounded())
    }

    /// Amplitude (grey levels RMS of the unit tile) before masking.
    let amplitude: Float

    init(tile: [Float], width: Int, height: Int, amplitude: Float) {
        self.width = width
        self.height = height
        self.amplitude = amplitude
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
        localFraction = Self.localVarianceFraction(out, width: width, height: height)
    }

    /// Fraction of the pattern's energy that SSIM's 11-tap Gaussian window (sigma 1.5) sees as local variance:
    /// `1 - |G * p|^2 / |p|^2`. The rest varies too slowly to register in SSIM.
    let localFraction: Float

    static func localVarianceFraction(_ p: [Int16], width w: Int, height h: Int) -> Float {
        let taps: [Float] = {
            let raw: [Float] = (-5...5).map { (k: Int) -> Float in Float(exp(-Double(k * k) / 4.5)) }
            let s = raw.reduce(0, +)
            return raw.map { $0 / s }
        }()
        // Sample a band of rows (at most 96) to keep this cheap at 4K.
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
        var total = 0.0, smooth = 0.0
        for y in (y0 + 5)..<(y1 - 5) {
            for x in 5..<(w - 5) {
                var acc: Float = 0
                for k in -5...5 { acc += taps[k + 5] * horizontal[(y - y0 + k) * w + x] }
                let v = Double(p[y * w + x])
                total += v * v
                smooth += Double(acc * acc)
            }
        }
        return total > 0 ? Float(max(0, min(1, 1 - smooth / total))) : 1
    }

    /// Texture mask on a block grid (1/256 units, mean square about 1), then bilinear per pixel.
    func apply(to samples: inout [UInt8]) {
        let w = width, h = height, bs = Self.block
        let bw = (w + bs - 1) / bs, bh = (h + bs - 1) / bs
        var activity = [Float](repeating: 0, count: bw * bh)
        var variance = [Float](repeating: 0, count: 4 * bw * bh)
        var mean = [Float](repeating: 0, count: bw * bh)
        samples.withUnsafeBufferPointer { sb in
            activity.withUnsafeMutableBufferPointer { ab in
                variance.withUnsafeMutableBufferPointer { vb in
                    mean.withUnsafeMutableBufferPointer { mb in
                        nonisolated(unsafe) let s = sb.baseAddress!
                        nonisolated(unsafe) let act = ab.baseAddress!
                        nonisolated(unsafe) let vr = vb.baseAddress!
                        nonisolated(unsafe) let mn = mb.baseAddress!
                        Self.parallelRows(bh) { byStart, byEnd in
                            Self.blockStatistics(s, act, mn, vr, width: w, height: h, blocksWide: bw,
                                                 blockRows: byStart..<byEnd)
                        }
                    }
                }
            }
        }
        let mask = Self.mask(activity: activity, variance: variance, mean: mean, blocksWide: bw, blocksHigh: bh,
                             amplitude: amplitude, localFraction: localFraction)
        Self.addMark(to: &samples, pattern: pattern, mask: mask, width: w, height: h)
    }

    /// Adds `pattern * mask * brightness` to the luma, with the block mask bilinear between block centres.
    ///
    /// Per row, the vertical interpolation is done once per block column; along the row the mask is then linear in
    /// the column fraction, `(A + cf * B) >> 16`, which is exactly the per-pixel bilinear formula rearranged (the
    /// same integers, so the same output). The brightness term is computed, not looked up, so the pixel loop has no
    /// gathers and vectorises.
    static func addMark(to samples: inout [UInt8], pattern: [Int16], mask: [Int32], width w: Int, height h: Int) {
        let bs = block, half = bs / 2
        let bw = (w + bs - 1) / bs, bh = (h + bs - 1) / bs
        // Column fraction (1/256) and the first column of each block column's run (block-centre bilinear).
        var cfx = [Int32](repeating: 0, count: w)
        var runStart = [Int](repeating: w, count: bw + 1)
        for x in stride(from: w - 1, through: 0, by: -1) {
            let p = x < half ? 0 : min(bw - 1, (x - half) / bs)
            let q = min(bw - 1, p + 1)
            let f = x < half ? 0 : min(bs, (x - half) - p * bs)
            cfx[x] = Int32(p == q ? 0 : f * 256 / bs)
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
                                    let p = y < half ? 0 : min(bh - 1, (y - half) / bs)
                                    let q = min(bh - 1, p + 1)
                                    let fy = Int32(p == q || y < half ? 0 : min(bs, (y - half) - p * bs) * 256 / bs)
                                    let r0 = mk + p * bw, r1 = mk + q * bw
                                    for c in 0..<bw {
                                        let c1 = min(bw - 1, c + 1)
                                        let d0 = r0[c1] &- r0[c], d1 = r1[c1] &- r1[c]
                                        let a = 65536 &* r0[c] &+ 256 &* fy &* (r1[c] &- r0[c])
                                        let b = 256 &* d0 &+ fy &* (d1 &- d0)
                                        for x in runs[c]..<runs[c + 1] { rm[x] = (a &+ cf[x] &* b) >> 16 }
                                    }
                                    markRow(s + y * w, pat + y * w, rm, count: w)
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
    static func markRow(_ row: UnsafeMutablePointer<UInt8>, _ prow: UnsafePointer<Int16>, _ rm: UnsafePointer<Int32>,
                        count: Int)
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

    /// Per 8x8 block: the mean absolute gradient (right and down neighbours, inside the frame), the mean, and the
    /// variance of each 4x4 quadrant.
    ///
    /// Memory order: each half block row (4 lines) is summed down the columns first (contiguous, vectorised), then
    /// across each quadrant's 4 columns. The sums are integers, so the order does not change the result.
    static func blockStatistics(_ s: UnsafePointer<UInt8>, _ act: UnsafeMutablePointer<Float>,
                                _ mn: UnsafeMutablePointer<Float>, _ vr: UnsafeMutablePointer<Float>,
                                width w: Int, height h: Int, blocksWide bw: Int, blockRows: Range<Int>)
    {
        let bs = block, hb = bs / 2
        let colSum = UnsafeMutablePointer<Int32>.allocate(capacity: w)
        let colSquares = UnsafeMutablePointer<Int32>.allocate(capacity: w)
        let colGradient = UnsafeMutablePointer<Int32>.allocate(capacity: w)
        defer {
            colSum.deallocate()
            colSquares.deallocate()
            colGradient.deallocate()
        }
        // Per block of the current block row: gradient, and sum and squares per quadrant.
        var gradient = [Int32](repeating: 0, count: bw)
        var quadSum = [Int32](repeating: 0, count: 4 * bw)
        var quadSquares = [Int32](repeating: 0, count: 4 * bw)
        for by in blockRows {
            let yStart = by * bs, yEnd = min(h, yStart + bs)
            let yMid = min(yEnd, yStart + hb)
            for i in 0..<bw { gradient[i] = 0 }
            for i in 0..<(4 * bw) {
                quadSum[i] = 0
                quadSquares[i] = 0
            }
            for (part, lines) in [(0, yStart..<yMid), (1, yMid..<yEnd)] where !lines.isEmpty {
                colSum.initialize(repeating: 0, count: w)
                colSquares.initialize(repeating: 0, count: w)
                colGradient.initialize(repeating: 0, count: w)
                for y in lines {
                    let row = s + y * w
                    Self.accumulateRow(row, colSum, colSquares, count: w)
                    if y < h - 1 { Self.accumulateGradient(row, rowStride: w, colGradient, count: w - 1) }
                }
                for bx in 0..<bw {
                    let xStart = bx * bs, xEnd = min(w, xStart + bs), xMid = min(xEnd, xStart + hb)
                    var g: Int32 = 0, sl: Int32 = 0, ql: Int32 = 0, sr: Int32 = 0, qr: Int32 = 0
                    for x in xStart..<xMid {
                        sl &+= colSum[x]
                        ql &+= colSquares[x]
                        g &+= colGradient[x]
                    }
                    for x in xMid..<xEnd {
                        sr &+= colSum[x]
                        qr &+= colSquares[x]
                        g &+= colGradient[x]
                    }
                    gradient[bx] &+= g
                    quadSum[4 * bx + 2 * part] = sl
                    quadSquares[4 * bx + 2 * part] = ql
                    quadSum[4 * bx + 2 * part + 1] = sr
                    quadSquares[4 * bx + 2 * part + 1] = qr
                }
            }
            for bx in 0..<bw {
                let xStart = bx * bs, xEnd = min(w, xStart + bs), xMid = min(xEnd, xStart + hb)
                let gradientCount = (min(w - 1, xEnd) - xStart) * (min(h - 1, yEnd) - yStart)
                act[by * bw + bx] = gradientCount > 0 ? Float(gradient[bx]) / Float(gradientCount) : 0
                let q = 4 * bx
                let total = quadSum[q] &+ quadSum[q + 1] &+ quadSum[q + 2] &+ quadSum[q + 3]
                let squares = quadSquares[q] &+ quadSquares[q + 1] &+ quadSquares[q + 2] &+ quadSquares[q + 3]
                let count = Float((xEnd - xStart) * (yEnd - yStart))
                let m = Float(total) / count
                mn[by * bw + bx] = m
                let whole = max(0, Float(squares) / count - m * m)
                let widths = (xMid - xStart, xEnd - xMid), heights = (yMid - yStart, yEnd - yMid)
                func quadrant(_ sum: Int32, _ sq: Int32, _ n: Int) -> Float {
                    guard n > 0 else { return whole }
                    let mq = Float(sum) / Float(n)
                    return max(0, Float(sq) / Float(n) - mq * mq)
                }
                let base = 4 * (by * bw + bx)
                vr[base] = quadrant(quadSum[q], quadSquares[q], widths.0 * heights.0)
                vr[base + 1] = quadrant(quadSum[q + 1], quadSquares[q + 1], widths.1 * heights.0)
                vr[base + 2] = quadrant(quadSum[q + 2], quadSquares[q + 2], widths.0 * heights.1)
                vr[base + 3] = quadrant(quadSum[q + 3], quadSquares[q + 3], widths.1 * heights.1)
            }
        }
    }

    /// Adds a row's samples and squares to the column sums.
    @inline(__always)
    static func accumulateRow(_ row: UnsafePointer<UInt8>, _ sum: UnsafeMutablePointer<Int32>,
                              _ squares: UnsafeMutablePointer<Int32>, count: Int)
    {
        for x in 0..<count {
            let c = Int32(row[x])
            sum[x] &+= c
            squares[x] &+= c &* c
        }
    }

    /// Adds `|Y(x) - Y(x+1)| + |Y(x) - Y(x, y+1)|` for `x < count` to the column gradient sums.
    @inline(__always)
    static func accumulateGradient(_ row: UnsafePointer<UInt8>, rowStride w: Int, _ gradient: UnsafeMutablePointer<Int32>,
                                   count: Int)
    {
        for x in 0..<count {
            let c = Int32(row[x])
            gradient[x] &+= abs(c &- Int32(row[x + 1])) &+ abs(c &- Int32(row[w + x]))
        }
    }

    /// SSIM's C2 constant for 8-bit video ((0.03 * 255)^2).
    static let c2: Float = 58.5225
    /// Largest predicted mean SSIM-Y loss of the mark in one frame. The prediction (see ``mask(activity:variance:mean:
    /// blocksWide:blocksHigh:amplitude:localFraction:)``) overstates the measured loss by 10-25 % on the clip set, so
    /// the measured SSIM-Y stays at or above 0.995.
    static let ssimBudget: Float = 0.0045

    /// Local variance that the mark adds in SSIM's window when its continuous amplitude has variance `a2`
    /// (grey levels squared): the pattern's share `f * a2` plus the error of rounding to 8 bits, which is white
    /// (`a2` for tiny marks, 1/12 once the mark spans several levels).
    @inline(__always)
    static func markVariance(_ a2: Float, localFraction f: Float) -> Float {
        f * a2 + (1 - exp(-12 * a2)) / 12
    }

    /// The per-block mask (1/256 units): the texture mask, with the SSIM cap applied.
    ///
    /// For `Y' = Y + s` with `s` independent of `Y`, SSIM's structure term in a window is
    /// `(2 var + C2) / (2 var + C2 + v)`, with `var` the host's local variance and `v` the mark's (``markVariance``).
    /// The predicted loss of a block is the mean of that loss over its four 4x4 quadrants (SSIM's window is about
    /// that size, and an 8x8 block's variance overstates a smooth ramp's). When the frame's mean predicted loss
    /// exceeds ``ssimBudget``, the cap water-fills: it finds the level `L` such that clipping every block's loss at
    /// `L` meets the budget, and lowers only the blocks above `L` (flat and dark ones). Textured blocks keep their
    /// full amplitude, which keeps far more mark energy than scaling the whole frame (v2's cap).
    static func mask(activity: [Float], variance: [Float], mean: [Float], blocksWide bw: Int, blocksHigh bh: Int,
                     amplitude: Float, localFraction: Float) -> [Int32]
    {
        var m = gradientMask(activity: activity, blocksWide: bw, blocksHigh: bh)
        let f = localFraction
        var a2 = [Float](repeating: 0, count: m.count)
        var d = [Float](repeating: 0, count: m.count)
        var li = [Float](repeating: 0, count: m.count)
        var loss: Float = 0
        for i in 0..<m.count {
            let b = Float(brightness[Int(max(0, min(255, mean[i])))]) / 256
            a2[i] = amplitude * amplitude * m[i] * m[i] * b * b
            let v = markVariance(a2[i], localFraction: f)
            var l: Float = 0
            for j in 0..<4 { l += v / (2 * variance[4 * i + j] + c2 + v) }
            li[i] = l / 4
            // The single 2 var + C2 that gives the same loss at this v (used to solve for the capped v).
            d[i] = v > 0 ? v / li[i] - v : c2
            loss += li[i]
        }
        loss /= Float(m.count)
        guard loss > ssimBudget else { return m.map { Int32(($0 * 256).rounded()) } }
        var lo: Float = 0, hi: Float = 1
        for _ in 0..<30 {
            let level = (lo + hi) / 2
            var total: Float = 0
            for i in 0..<m.count { total += min(level, li[i]) }
            if total / Float(m.count) > ssimBudget { hi = level } else { lo = level }
        }
        for i in 0..<m.count where a2[i] > 0 && li[i] > lo {
            let target = lo * d[i] / (1 - lo)
            // Solve markVariance(x) = target (increasing, concave): Newton from below.
            var x = min(a2[i], target / (f + 1))
            for _ in 0..<6 {
                let e = exp(-12 * x)
                x = max(0, x - (f * x + (1 - e) / 12 - target) / (f + e))
            }
            m[i] *= min(1, (x / a2[i]).squareRoot())
        }
        return m.map { Int32(($0 * 256).rounded()) }
    }

    /// Smooths block activity (3x3) and maps it to the mild mask, normalised to mean square 1.
    static func gradientMask(activity: [Float], blocksWide bw: Int, blocksHigh bh: Int) -> [Float] {
        var smooth = [Float](repeating: 0, count: bw * bh)
        var mean: Float = 0
        for by in 0..<bh {
            for bx in 0..<bw {
                var t: Float = 0
                var c: Float = 0
                for yy in max(0, by - 1)...min(bh - 1, by + 1) {
                    for xx in max(0, bx - 1)...min(bw - 1, bx + 1) {
                        t += activity[yy * bw + xx]
                        c += 1
                    }
                }
                smooth[by * bw + bx] = t / c
                mean += t / c
            }
        }
        mean /= Float(bw * bh)
        var sumSquares: Float = 0
        for i in 0..<smooth.count {
            let m = min(maskHigh, max(maskLow, (smooth[i] + 2) / (mean + 2)))
            smooth[i] = m
            sumSquares += m * m
        }
        let norm = 1 / (sumSquares / Float(smooth.count)).squareRoot()
        return smooth.map { $0 * norm }
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
