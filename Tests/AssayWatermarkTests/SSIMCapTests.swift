import AssayCore
import Testing
@testable import AssayWatermark

/// The embedder's optional SSIM cap (`ssimLossBudget`, `--ssim-cap`; session 3's v3 model, rewritten in session 8).
@Suite("SSIM cap: flat content keeps SSIM-Y >= 0.995, texture keeps its mark, no budget changes nothing")
struct SSIMCapTests {
    static let payload: UInt64 = 0x0123_4567_89AB_CDEF

    /// A flat mid-grey frame with light sensor-like noise (119...121): the worst case for SSIM.
    static func flatFrame(width: Int, height: Int, seed: UInt64) throws -> Frame {
        var rng = SeededGenerator(seed: seed)
        var frame = try Frame(width: width, height: height, y: 120)
        for i in 0..<frame.luma.samples.count { frame.luma.samples[i] = UInt8(119 + Int(rng.next() % 3)) }
        return frame
    }

    static func marked(_ frame: Frame, key: WatermarkKey, budget: Double?, strength: Double = 1) throws -> Frame {
        try EmbedDetectTests.marked([frame], key: key, strength: strength, ssimLossBudget: budget)[0]
    }

    @Test("on a flat noisy frame the uncapped mark costs SSIM-Y below 0.995; the capped one stays above, marked")
    func flatFrameMeetsTheBudget() throws {
        let key = testKey(31)
        let flat = try Self.flatFrame(width: 384, height: 256, seed: 3)
        let plain = try Self.marked(flat, key: key, budget: nil)
        #expect(StructuralSimilarity.mean(flat.luma, plain.luma) < 0.995, "the case the cap exists for")
        for strength in [1.0, 2.0] {
            let capped = try Self.marked(flat, key: key, budget: WatermarkEmbedder.recommendedSSIMLossBudget,
                                         strength: strength)
            let s = StructuralSimilarity.mean(flat.luma, capped.luma)
            #expect(s >= 0.995, "strength \(strength): SSIM-Y \(s)")
            #expect(s < 0.9999, "a mark is still there")
            #expect(psnr(flat.luma, capped.luma) >= 48)
        }
    }

    /// RMS of the mark (marked minus original) in grey levels.
    static func markRMS(_ original: Frame, _ marked: Frame) -> Double {
        var total = 0.0
        for (a, b) in zip(original.luma.samples, marked.luma.samples) {
            let d = Double(Int(a) - Int(b))
            total += d * d
        }
        return (total / Double(original.luma.samples.count)).squareRoot()
    }

    @Test("the cap lowers the mark on flat content, hardly on texture; a budget it never reaches changes nothing")
    func capActsWhereSSIMIsLost() throws {
        let key = testKey(34)
        let budget = WatermarkEmbedder.recommendedSSIMLossBudget
        // Strong fine texture (grass, gravel): uniform 64...191 per pixel.
        var rng = SeededGenerator(seed: 8)
        var textured = try Frame(width: 384, height: 256, y: 128)
        for i in 0..<textured.luma.samples.count { textured.luma.samples[i] = UInt8(64 + Int(rng.next() % 128)) }
        let flat = try Self.flatFrame(width: 384, height: 256, seed: 4)
        let onTexture = Self.markRMS(textured, try Self.marked(textured, key: key, budget: budget))
        let plainTexture = Self.markRMS(textured, try Self.marked(textured, key: key, budget: nil))
        let onFlat = Self.markRMS(flat, try Self.marked(flat, key: key, budget: budget))
        let plainFlat = Self.markRMS(flat, try Self.marked(flat, key: key, budget: nil))
        #expect(onTexture >= 0.95 * plainTexture, "texture keeps its mark: \(onTexture) vs \(plainTexture)")
        #expect(onFlat < 0.7 * plainFlat, "flat content is capped: \(onFlat) vs \(plainFlat)")
        // 0.1 is far above any predicted loss at strength 1: the cap computes and does nothing.
        let loose = try Self.marked(flat, key: key, budget: 0.1), plain = try Self.marked(flat, key: key, budget: nil)
        let unchanged = loose.luma.samples == plain.luma.samples  // a Bool, so a failure does not print two frames
        #expect(unchanged)
    }

    @Test("a capped mark on flat-and-textured frames is still detected with its payload")
    func cappedMarkIsDetected() throws {
        let key = testKey(35)
        // Left half flat (capped hardest), right half textured: 20 frames at 10 fps.
        var frames = try syntheticFrames(width: 512, height: 288, count: 20)
        var rng = SeededGenerator(seed: 9)
        for f in frames.indices {
            for y in 0..<288 {
                for x in 0..<256 { frames[f].luma.samples[y * 512 + x] = UInt8(119 + Int(rng.next() % 3)) }
            }
        }
        var embedder = try WatermarkEmbedder(key: key, payload: Self.payload,
                                             ssimLossBudget: WatermarkEmbedder.recommendedSSIMLossBudget)
        var marked = frames
        for i in marked.indices { try embedder.embed(&marked[i]) }
        #expect(StructuralSimilarity.mean(frames[0].luma, marked[0].luma) >= 0.995)
        let ev = try WatermarkDetector.detect(marked, key: key)
        #expect(ev.present)
        #expect(ev.payload == Self.payload)
        #expect(!(try WatermarkDetector.detect(marked, key: testKey(36))).present)
    }

    @Test("block moments by column sums equal a per-pixel reference, odd sizes and partial edge blocks included")
    func blockMomentsMatchAReference() throws {
        for (w, h) in [(37, 21), (64, 64), (131, 75)] {
            var rng = SeededGenerator(seed: UInt64(w * h))
            let samples = (0..<(w * h)).map { _ in UInt8(rng.next() % 256) }
            let (mean, variance) = SSIMCap.blockMoments(samples, width: w, height: h)
            let bw = (w + 7) / 8, bh = (h + 7) / 8
            #expect(mean.count == bw * bh && variance.count == 4 * bw * bh)
            for by in 0..<bh {
                for bx in 0..<bw {
                    var all: [Double] = []
                    var quadrants: [[Double]] = [[], [], [], []]
                    for y in (by * 8)..<min(h, by * 8 + 8) {
                        for x in (bx * 8)..<min(w, bx * 8 + 8) {
                            let v = Double(samples[y * w + x])
                            all.append(v)
                            quadrants[(y - by * 8 < 4 ? 0 : 2) + (x - bx * 8 < 4 ? 0 : 1)].append(v)
                        }
                    }
                    func moments(_ v: [Double]) -> (Double, Double) {
                        let m = v.reduce(0, +) / Double(v.count)
                        return (m, v.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(v.count))
                    }
                    let block = by * bw + bx
                    #expect(abs(Double(mean[block]) - moments(all).0) < 1e-3)
                    for j in 0..<4 {
                        let want = quadrants[j].isEmpty ? moments(all).1 : moments(quadrants[j]).1
                        #expect(abs(Double(variance[4 * block + j]) - want) < 0.05 + 1e-4 * want, "\(w)x\(h) \(block) \(j)")
                    }
                }
            }
        }
    }

    @Test("budgets outside (0, 0.1] are refused")
    func invalidBudgets() throws {
        for bad in [0, -0.001, 0.2, .nan, .infinity] {
            #expect(throws: WatermarkError.self) { try WatermarkEmbedder(key: testKey(1), payload: 1, ssimLossBudget: bad) }
        }
        #expect(try WatermarkEmbedder(key: testKey(1), payload: 1, ssimLossBudget: 0.1).ssimLossBudget == 0.1)
    }
}
