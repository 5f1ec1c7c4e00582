import AssayCore
import Testing
@testable import AssayWatermark

/// The fast embedding loop (column sums, linear-in-x mask, computed brightness) against a plain per-pixel
/// reference written from the formulas in docs/watermark.md: the output must be identical.
@Suite("Embedding loop equals the per-pixel reference")
struct EmbedLoopTests {
    @Test("brightness computed without a table equals the table for every luma value")
    func brightness() {
        for y in 0...255 {
            #expect(PatternCache.brightnessValue(Int32(y)) == PatternCache.brightness[y], "luma \(y)")
        }
    }

    /// Per-pixel reference: block gradient by direct loops, the same mask function, bilinear mask per pixel,
    /// brightness from the table.
    static func reference(_ cache: PatternCache, _ input: [UInt8]) -> [UInt8] {
        let w = cache.width, h = cache.height, bs = PatternCache.block, half = bs / 2
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
        let mask = PatternCache.mask(activity: activity, blocksWide: bw, blocksHigh: bh)
        func axis(_ i: Int, _ blocks: Int) -> (Int, Int, Int32) {
            let p = i < half ? 0 : min(blocks - 1, (i - half) / bs)
            let q = min(blocks - 1, p + 1)
            let f = i < half ? 0 : min(bs, (i - half) - p * bs)
            return (p, q, Int32(p == q ? 0 : f * 256 / bs))
        }
        var out = input
        for y in 0..<h {
            let (p, q, fy) = axis(y, bh)
            for x in 0..<w {
                let (i0, i1, fx) = axis(x, bw)
                let r0 = p * bw, r1 = q * bw
                let a = mask[r0 + i0] * 256 + fx * (mask[r0 + i1] - mask[r0 + i0])
                let b = mask[r1 + i0] * 256 + fx * (mask[r1 + i1] - mask[r1 + i0])
                let rm = (a * 256 + fy * (b - a)) >> 16
                let luma = Int32(input[y * w + x])
                let d = (Int32(cache.pattern[y * w + x]) * rm * PatternCache.brightness[Int(luma)] + (1 << 21)) >> 22
                out[y * w + x] = UInt8(max(0, min(255, luma + d)))
            }
        }
        return out
    }

    @Test("identical output on textured, flat and half-dark frames of several sizes",
          arguments: [(333, 257), (64, 64), (130, 71), (640, 360)])
    func identical(size: (Int, Int)) throws {
        let (w, h) = size
        let tile = KeyLayout(key: testKey(41)).tile(coded: PayloadCodec.encode(0xABCD))
        let cache = PatternCache(tile: tile, width: w, height: h, amplitude: Float(WatermarkEmbedder.baseAmplitude))
        let textured = try syntheticFrames(width: w, height: h, count: 1)[0].luma.samples
        var rng = SeededGenerator(seed: 9)
        // Flat grey with light noise on the right half, near-black on the bottom: the mask and brightness vary.
        var mixed = textured
        for y in 0..<h {
            for x in 0..<w where x >= w / 2 || y >= h / 2 {
                mixed[y * w + x] = y >= h / 2 ? UInt8(10 + Int(rng.next() % 30)) : UInt8(119 + Int(rng.next() % 3))
            }
        }
        for input in [textured, mixed, [UInt8](repeating: 250, count: w * h)] {
            var fast = input
            cache.apply(to: &fast)
            let slow = Self.reference(cache, input)
            let differing = zip(fast, slow).filter { $0 != $1 }.count
            #expect(differing == 0)
            let changed = zip(fast, input).filter { $0 != $1 }.count
            #expect(changed > 0 || input[0] == 250)
        }
    }
}
