import AssayCore
import Testing
@testable import AssayWatermark

/// The fast embedding loops (16-bit column sums, linear-in-x mask, computed brightness; the 16-bit pixel loop and
/// the 32-bit one) against a plain per-pixel reference written from the formulas in docs/watermark.md: the output
/// must be identical.
@Suite("Embedding loop equals the per-pixel reference")
struct EmbedLoopTests {
    @Test("brightness computed without a table equals the table for every luma value, in 32-bit and 16-bit lanes")
    func brightness() {
        for y in 0...255 {
            #expect(PatternCache.brightnessValue(Int32(y)) == PatternCache.brightness[y], "luma \(y)")
            #expect(Int32(PatternCache.brightness16(Int16(y))) == PatternCache.brightness[y], "luma \(y)")
        }
    }

    /// Reference mask: block gradient by direct loops, then the same mask function.
    static func referenceMask(_ input: [UInt8], width w: Int, height h: Int) -> [Int32] {
        let bs = PatternCache.block
        let bw = (w + bs - 1) / bs, bh = (h + bs - 1) / bs
        var activity = [Float](repeating: 0, count: bw * bh)
        for by in 0..<bh {
            for bx in 0..<bw {
                let x0 = bx * bs, x1 = min(w, x0 + bs), y0 = by * bs, y1 = min(h, y0 + bs)
                var g = 0, n = 0
                for y in y0..<min(h - 1, y1) {
                    for x in x0..<min(w - 1, x1) {
                        let c = Int(input[y * w + x])
                        g += abs(c - Int(input[y * w + x + 1])) + abs(c - Int(input[(y + 1) * w + x]))
                        n += 1
                    }
                }
                activity[by * bw + bx] = n > 0 ? Float(g) / Float(n) : 0
            }
        }
        return plainMask(activity: activity, blocksWide: bw, blocksHigh: bh)
    }

    /// The mask function as plain loops (session 3's code): 3x3 mean, map, normalise, `rounded()`.
    static func plainMask(activity: [Float], blocksWide bw: Int, blocksHigh bh: Int) -> [Int32] {
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
            let m = min(PatternCache.maskHigh, max(PatternCache.maskLow, (smooth[i] + 2) / (mean + 2)))
            smooth[i] = m
            sumSquares += m * m
        }
        let norm = 1 / (sumSquares / Float(smooth.count)).squareRoot()
        return smooth.map { Int32(($0 * norm * 256).rounded()) }
    }

    /// Reference mark for a given mask: bilinear mask per pixel, brightness from the table, Int arithmetic (traps on
    /// overflow instead of wrapping).
    static func referenceMark(_ input: [UInt8], pattern: [Int16], mask: [Int32], width w: Int, height h: Int)
        -> [UInt8]
    {
        let bs = PatternCache.block, half = bs / 2
        let bw = (w + bs - 1) / bs, bh = (h + bs - 1) / bs
        func axis(_ i: Int, _ blocks: Int) -> (Int, Int, Int) {
            let p = i < half ? 0 : min(blocks - 1, (i - half) / bs)
            let q = min(blocks - 1, p + 1)
            let f = i < half ? 0 : min(bs, (i - half) - p * bs)
            return (p, q, p == q ? 0 : f * 256 / bs)
        }
        var out = input
        for y in 0..<h {
            let (p, q, fy) = axis(y, bh)
            for x in 0..<w {
                let (i0, i1, fx) = axis(x, bw)
                let r0 = p * bw, r1 = q * bw
                let a = Int(mask[r0 + i0]) * 256 + fx * Int(mask[r0 + i1] - mask[r0 + i0])
                let b = Int(mask[r1 + i0]) * 256 + fx * Int(mask[r1 + i1] - mask[r1 + i0])
                let rm = (a * 256 + fy * (b - a)) >> 16
                let luma = Int(input[y * w + x])
                let d = (Int(pattern[y * w + x]) * rm * Int(PatternCache.brightness[luma]) + (1 << 21)) >> 22
                out[y * w + x] = UInt8(max(0, min(255, luma + d)))
            }
        }
        return out
    }

    static func reference(_ cache: PatternCache, _ input: [UInt8]) -> [UInt8] {
        let mask = referenceMask(input, width: cache.width, height: cache.height)
        return referenceMark(input, pattern: cache.pattern, mask: mask, width: cache.width, height: cache.height)
    }

    /// Textured, mixed (flat grey with light noise, near-black bottom half) and near-white content.
    static func inputs(width w: Int, height h: Int) throws -> [[UInt8]] {
        let textured = try syntheticFrames(width: w, height: h, count: 1)[0].luma.samples
        var rng = SeededGenerator(seed: 9)
        var mixed = textured
        for y in 0..<h {
            for x in 0..<w where x >= w / 2 || y >= h / 2 {
                mixed[y * w + x] = y >= h / 2 ? UInt8(10 + Int(rng.next() % 30)) : UInt8(119 + Int(rng.next() % 3))
            }
        }
        return [textured, mixed, [UInt8](repeating: 250, count: w * h)]
    }

    @Test("rounding without libm equals rounded() on halves, their neighbours and random values")
    func rounding() {
        var values: [Float] = [0, 0.5, 1, 1.5, 2.5, 1023.5, 1535.5, 8_388_607.5, 8_388_608, 16_777_216, 16_777_218, 2_000_000_000]
        for k in 0..<2048 {
            let half = Float(k) + 0.5
            values += [half, half.nextUp, half.nextDown, Float(k), Float(k).nextUp, Float(k).nextDown.magnitude]
        }
        var rng = SeededGenerator(seed: 5)
        for _ in 0..<100_000 { values.append(Float(rng.next() % 1_000_000) / 997) }
        for x in values {
            #expect(PatternCache.roundedPositive(x) == Int32(x.rounded()), "\(x)")
        }
    }

    @Test("the mask equals the plain loops bit for bit on random and structured activity grids",
          arguments: [(3, 1), (3, 3), (8, 8), (17, 9), (160, 90), (241, 136)])
    func maskMatchesPlainLoops(grid: (Int, Int)) {
        let (bw, bh) = grid
        var rng = SeededGenerator(seed: UInt64(bw * 1000 + bh))
        let random = (0..<(bw * bh)).map { _ in Float(rng.next() % 32_641) / Float(1 + rng.next() % 64) }
        let sparse = (0..<(bw * bh)).map { i in i % 37 == 0 ? Float(510) : Float(rng.next() % 3) / 7 }
        for activity in [random, sparse, [Float](repeating: 0, count: bw * bh)] {
            #expect(PatternCache.mask(activity: activity, blocksWide: bw, blocksHigh: bh)
                    == Self.plainMask(activity: activity, blocksWide: bw, blocksHigh: bh))
        }
    }

    @Test("identical output on textured, flat and half-dark frames of several sizes (widths 0...7 mod 8)",
          arguments: [(333, 257), (64, 64), (130, 71), (640, 360), (65, 66), (71, 64), (83, 97), (1283, 67)])
    func identical(size: (Int, Int)) throws {
        let (w, h) = size
        let tile = KeyLayout(key: testKey(41)).tile(coded: PayloadCodec.encode(0xABCD))
        let cache = PatternCache(tile: tile, width: w, height: h, amplitude: Float(WatermarkEmbedder.baseAmplitude))
        for input in try Self.inputs(width: w, height: h) {
            var fast = input
            cache.apply(to: &fast)
            let slow = Self.reference(cache, input)
            let differing = zip(fast, slow).filter { $0 != $1 }.count
            #expect(differing == 0)
            let changed = zip(fast, input).filter { $0 != $1 }.count
            #expect(changed > 0 || input[0] == 250)
            // Ordinary content at the default strength takes the 16-bit loop; the 32-bit loop agrees with it.
            let mask = Self.referenceMask(input, width: w, height: h)
            let narrow = cache.usesNarrowLoop(maskPeak: mask.max()!)
            #expect(narrow)
            var wide = input
            PatternCache.addMarkWide(to: &wide, pattern: cache.pattern, mask: mask, width: w, height: h)
            #expect(wide == slow)
        }
    }

    @Test("a 1080p frame: identical output, and the 16-bit and 32-bit loops agree on a 4K frame")
    func large() throws {
        let tile = KeyLayout(key: testKey(43)).tile(coded: PayloadCodec.encode(0x1234))
        let hd = PatternCache(tile: tile, width: 1920, height: 1080, amplitude: Float(WatermarkEmbedder.baseAmplitude))
        let input = try Self.inputs(width: 1920, height: 1080)[1]
        var fast = input
        hd.apply(to: &fast)
        #expect(fast == Self.reference(hd, input))

        let (w, h) = (3840, 2160)
        let uhd = PatternCache(tile: tile, width: w, height: h, amplitude: Float(WatermarkEmbedder.baseAmplitude))
        var frame = [UInt8](repeating: 0, count: w * h)
        for y in 0..<h {
            for x in 0..<w { frame[y * w + x] = input[(y / 2) * 1920 + x / 2] }
        }
        let mask = Self.referenceMask(frame, width: w, height: h)
        let usesNarrow = uhd.usesNarrowLoop(maskPeak: mask.max()!)
        #expect(usesNarrow)
        var narrow = frame, wide = frame
        PatternCache.addMarkNarrow(to: &narrow, pattern: uhd.pattern, mask: mask, width: w, height: h)
        PatternCache.addMarkWide(to: &wide, pattern: uhd.pattern, mask: mask, width: w, height: h)
        #expect(narrow == wide)
        #expect(narrow != frame)
    }

    @Test("the 16-bit loop is exact up to its limits: mask values up to 1023, |pattern x mask| just under 2^22",
          arguments: [(131, 77), (96, 64)])
    func narrowLimits(size: (Int, Int)) {
        let (w, h) = size
        let bs = PatternCache.block
        let bw = (w + bs - 1) / bs, bh = (h + bs - 1) / bs
        var rng = SeededGenerator(seed: 17)
        // Masks at the extremes (0, 1023) and in between, so neighbouring blocks differ by up to the full range.
        let mask = (0..<(bw * bh)).map { _ -> Int32 in
            switch rng.next() % 4 {
            case 0: return 1023
            case 1: return 0
            default: return Int32(rng.next() % 1024)
            }
        }
        let peak = Int16((1 << 22) / 1023 - 1)
        let pattern = (0..<(w * h)).map { i -> Int16 in
            i % 3 == 0 ? (i % 2 == 0 ? peak : -peak) : Int16(Int(rng.next() % UInt64(2 * Int(peak) + 1)) - Int(peak))
        }
        let input = (0..<(w * h)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        #expect(Int(pattern.map { abs(Int($0)) }.max()!) * 1023 < PatternCache.narrowProductLimit)
        let slow = Self.referenceMark(input, pattern: pattern, mask: mask, width: w, height: h)
        var narrow = input, wide = input
        PatternCache.addMarkNarrow(to: &narrow, pattern: pattern, mask: mask, width: w, height: h)
        PatternCache.addMarkWide(to: &wide, pattern: pattern, mask: mask, width: w, height: h)
        #expect(narrow == slow)
        #expect(wide == slow)
        #expect(zip(narrow, input).filter { $0 != $1 }.count > w * h / 2)
    }

    @Test("a mostly flat frame with a small high-contrast patch at strength 4 takes the 32-bit loop, identically")
    func wideFallback() throws {
        let (w, h) = (640, 360)
        let tile = KeyLayout(key: testKey(47)).tile(coded: PayloadCodec.encode(0x77))
        let cache = PatternCache(tile: tile, width: w, height: h, amplitude: Float(4 * WatermarkEmbedder.baseAmplitude))
        // Flat grey with a 48x32 checkerboard of 0/255 (24 of 3600 blocks): it lifts the mean activity so far that
        // the flat blocks sit at the mask's floor, and the renormalised mask peaks above the 16-bit loop's limit.
        var input = [UInt8](repeating: 128, count: w * h)
        for y in 120..<152 {
            for x in 200..<248 { input[y * w + x] = (x + y) % 2 == 0 ? 0 : 255 }
        }
        let mask = Self.referenceMask(input, width: w, height: h)
        #expect(mask.max()! > PatternCache.narrowMaskLimit)
        let narrow = cache.usesNarrowLoop(maskPeak: mask.max()!)
        #expect(!narrow)
        var fast = input
        cache.apply(to: &fast)
        #expect(fast == Self.reference(cache, input))
        #expect(fast != input)
    }
}
