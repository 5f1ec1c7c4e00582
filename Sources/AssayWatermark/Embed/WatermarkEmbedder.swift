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
        // Column interpolation tables (block-centre bilinear).
        let half = bs / 2
        var cx0 = [Int32](repeating: 0, count: w)
        var cx1 = [Int32](repeating: 0, count: w)
        var cfx = [Int32](repeating: 0, count: w)
        for x in 0..<w {
            let p = x < half ? 0 : min(bw - 1, (x - half) / bs)
            let q = min(bw - 1, p + 1)
            let f = x < half ? 0 : min(bs, (x - half) - p * bs)
            cx0[x] = Int32(p)
            cx1[x] = Int32(q)
            cfx[x] = Int32(p == q ? 0 : f * 256 / bs)
        }
        samples.withUnsafeMutableBufferPointer { sb in
            pattern.withUnsafeBufferPointer { pb in
                mask.withUnsafeBufferPointer { mb in
                    Self.brightness.withUnsafeBufferPointer { lb in
                        cx0.withUnsafeBufferPointer { c0b in
                            cx1.withUnsafeBufferPointer { c1b in
                                cfx.withUnsafeBufferPointer { cfb in
                                    nonisolated(unsafe) let s = sb.baseAddress!
                                    nonisolated(unsafe) let pat = pb.baseAddress!
                                    nonisolated(unsafe) let mk = mb.baseAddress!
                                    nonisolated(unsafe) let lut = lb.baseAddress!
                                    nonisolated(unsafe) let c0 = c0b.baseAddress!
                                    nonisolated(unsafe) let c1 = c1b.baseAddress!
                                    nonisolated(unsafe) let cf = cfb.baseAddress!
                                    Self.parallelRows(h) { yStart, yEnd in
                                        let rm = UnsafeMutablePointer<Int32>.allocate(capacity: w)
                                        defer { rm.deallocate() }
                                        for y in yStart..<yEnd {
                                            let p = y < half ? 0 : min(bh - 1, (y - half) / bs)
                                            let q = min(bh - 1, p + 1)
                                            let fy = Int32(p == q || y < half ? 0 : min(bs, (y - half) - p * bs) * 256 / bs)
                                            let r0 = mk + p * bw, r1 = mk + q * bw
                                            for x in 0..<w {
                                                let i0 = Int(c0[x]), i1 = Int(c1[x])
                                                let a = r0[i0] &* 256 &+ cf[x] &* (r0[i1] &- r0[i0])
                                                let b = r1[i0] &* 256 &+ cf[x] &* (r1[i1] &- r1[i0])
                                                rm[x] = (a &* 256 &+ fy &* (b &- a)) >> 16  // 1/256 units
                                            }
                                            let row = s + y * w, prow = pat + y * w
                                            for x in 0..<w {
                                                let luma = Int32(row[x])
                                                // pattern (1/64) * mask (1/256) * brightness (1/256) -> >> 22
                                                let d = (Int32(prow[x]) &* rm[x] &* lut[Int(luma)] &+ (1 << 21)) >> 22
                                                row[x] = UInt8(truncatingIfNeeded: max(0, min(255, luma &+ d)))
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Mean absolute gradient per 8x8 block for a range of block rows.
    @inline(__always)
    static func blockActivity(_ s: UnsafePointer<UInt8>, _ act: UnsafeMutablePointer<Float>, width w: Int, height h: Int,
                              blocksWide bw: Int, blockRows: Range<Int>)
    {
        let bs = block
        for by in blockRows {
            let yStart = by * bs, yEnd = min(h - 1, yStart + bs)
            for bx in 0..<bw {
                let xStart = bx * bs, xEnd = min(w - 1, xStart + bs)
                var total: Int32 = 0
                var y = yStart
                while y < yEnd {
                    let row = s + y * w
                    var x = xStart
                    while x < xEnd {
                        let c = Int32(row[x])
                        total &+= abs(c &- Int32(row[x + 1])) &+ abs(c &- Int32(row[w + x]))
                        x += 1
                    }
                    y += 1
                }
                let count = (xEnd - xStart) * (yEnd - yStart)
                act[by * bw + bx] = count > 0 ? Float(total) / Float(count) : 0
            }
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
