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

    init(tile: [Float], width: Int, height: Int, amplitude: Float) {
        self.width = width
        self.height = height
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
    }

    /// Texture mask on a block grid (1/256 units, mean square about 1), then bilinear per pixel.
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
        let mask = Self.mask(activity: activity, blocksWide: bw, blocksHigh: bh)
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

    /// Mean absolute gradient (right and down neighbours, inside the frame) per 8x8 block, for a range of block rows.
    ///
    /// Memory order: the 8 lines of a block row are summed down the columns first (contiguous, vectorised), then
    /// across each block's columns. The sums are integers, so the order does not change the result.
    static func blockActivity(_ s: UnsafePointer<UInt8>, _ act: UnsafeMutablePointer<Float>, width w: Int, height h: Int,
                              blocksWide bw: Int, blockRows: Range<Int>)
    {
        let bs = block
        let column = UnsafeMutablePointer<Int32>.allocate(capacity: w)
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
                    total &+= column[x]
                    x += 1
                }
                let count = (xEnd - xStart) * (yEnd - yStart)
                act[by * bw + bx] = count > 0 ? Float(total) / Float(count) : 0
            }
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

    /// Smooths block activity (3x3) and maps it to the mild mask, normalised to mean square 1.
    static func mask(activity: [Float], blocksWide bw: Int, blocksHigh bh: Int) -> [Int32] {
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
        return smooth.map { Int32(($0 * norm * 256).rounded()) }
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
