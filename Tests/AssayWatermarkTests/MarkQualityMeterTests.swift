import AssayCore
import Foundation
import Testing
@testable import AssayWatermark

/// `MarkQualityMeter`: the lane's quality definitions (pooled PSNR-Y, mean and worst SSIM-Y) as `wm-bench embed` and
/// `assay label` report them.
@Suite("Mark quality meter: pooled PSNR-Y, mean and worst SSIM-Y of the measured frames")
struct MarkQualityMeterTests {
    static func plane(_ width: Int, _ height: Int, _ value: (Int) -> UInt8) throws -> Plane {
        try Plane(width: width, height: height, samples: (0..<(width * height)).map(value))
    }

    @Test("PSNR-Y pools the squared error over every compared frame; the largest change is kept")
    func psnrPoolsTheError() throws {
        let original = try Self.plane(64, 48) { UInt8(60 + $0 % 50) }
        // +1 on every 4th sample: MSE 0.25 in the first frame; +2 on every 4th in the second: MSE 1.
        let one = try Self.plane(64, 48) { original.samples[$0] &+ ($0 % 4 == 0 ? 1 : 0) }
        let two = try Self.plane(64, 48) { original.samples[$0] &+ ($0 % 4 == 0 ? 2 : 0) }
        var meter = MarkQualityMeter()
        #expect(meter.psnr == .infinity && meter.ssimMean.isNaN && meter.frames == 0)
        meter.add(original: original, marked: one, measuresSSIM: false)
        #expect(abs(meter.psnr - 10 * log10(255.0 * 255 / 0.25)) < 1e-9)
        meter.add(original: original, marked: two, measuresSSIM: false)
        #expect(abs(meter.psnr - 10 * log10(255.0 * 255 / 0.625)) < 1e-9, "pooled MSE (0.25 + 1) / 2")
        #expect(meter.maxAbs == 2 && meter.frames == 2 && meter.ssimFrames == 0)
    }

    @Test("SSIM-Y is measured only where asked; the mean and the worst frame follow StructuralSimilarity")
    func ssimMeanAndWorst() throws {
        let original = try Self.plane(80, 64) { UInt8(100 + ($0 * 7) % 40) }
        let light = try Self.plane(80, 64) { original.samples[$0] &+ ($0 % 9 == 0 ? 1 : 0) }
        let heavy = try Self.plane(80, 64) { original.samples[$0] &+ UInt8($0 % 5) }
        var meter = MarkQualityMeter()
        meter.add(original: original, marked: original, measuresSSIM: true)
        #expect(meter.worstSSIM == 1 && meter.ssimMean == 1 && meter.psnr == .infinity)
        meter.add(original: original, marked: heavy, measuresSSIM: false)
        meter.add(original: original, marked: light, measuresSSIM: true)
        let s = StructuralSimilarity.mean(original, light)
        #expect(s < 1)
        #expect(meter.ssimFrames == 2 && meter.frames == 3)
        #expect(meter.worstSSIM == s, "the heavy frame was not measured")
        #expect(abs(meter.ssimMean - (1 + s) / 2) < 1e-12)
        #expect(meter.psnr.isFinite)
    }
}

/// Session 14's faster SSIM (pointer loops, the vertical pass row by row) against the plain code it replaced, kept
/// here: the lane's reported SSIM-Y and the cap's calibration read it, so it may not change by a bit.
@Suite("SSIM-Y: the faster blur equals the plain code, to the bit")
struct StructuralSimilarityFastPathTests {
    static func reference(_ a: Plane, _ b: Plane) -> Double {
        let w = a.width, h = a.height
        let g = StructuralSimilarity.window
        func blur(_ x: [Double]) -> [Double] {
            var t = [Double](repeating: 0, count: w * h), o = t
            for y in 0..<h {
                for xx in 0..<w {
                    var acc = 0.0
                    for k in -5...5 { acc += g[k + 5] * x[y * w + min(w - 1, max(0, xx + k))] }
                    t[y * w + xx] = acc
                }
            }
            for y in 0..<h {
                for xx in 0..<w {
                    var acc = 0.0
                    for k in -5...5 { acc += g[k + 5] * t[min(h - 1, max(0, y + k)) * w + xx] }
                    o[y * w + xx] = acc
                }
            }
            return o
        }
        let x = a.samples.map(Double.init), y = b.samples.map(Double.init)
        let mx = blur(x), my = blur(y)
        let xx = blur(zip(x, x).map { $0 * $1 }), yy = blur(zip(y, y).map { $0 * $1 })
        let xy = blur(zip(x, y).map { $0 * $1 })
        let c1 = 6.5025, c2 = 58.5225
        var sum = 0.0
        for i in 0..<(w * h) {
            let va = xx[i] - mx[i] * mx[i], vb = yy[i] - my[i] * my[i], cab = xy[i] - mx[i] * my[i]
            sum += ((2 * mx[i] * my[i] + c1) * (2 * cab + c2)) / ((mx[i] * mx[i] + my[i] * my[i] + c1) * (va + vb + c2))
        }
        return sum / Double(w * h)
    }

    @Test("frame sizes from 1x1 and under the 11-tap window to 1280x720, noise and flat content",
          arguments: [(1, 1), (3, 7), (10, 10), (11, 11), (12, 5), (37, 29), (320, 181), (1280, 720)])
    func identical(size: (Int, Int)) throws {
        let (w, h) = size
        var rng = SeededGenerator(seed: UInt64(w * 7919 + h))
        let original = try Plane(width: w, height: h, samples: (0..<(w * h)).map { i in
            i % 3 == 0 ? 120 : UInt8(truncatingIfNeeded: rng.next() % 256)
        })
        var marked = original
        for i in 0..<marked.samples.count where rng.next() % 3 == 0 {
            marked.samples[i] = UInt8(max(0, min(255, Int(marked.samples[i]) + Int(rng.next() % 5) - 2)))
        }
        let fast = StructuralSimilarity.mean(original, marked), plain = Self.reference(original, marked)
        #expect(fast.bitPattern == plain.bitPattern, "\(w)x\(h): \(fast) against \(plain)")
        // The comparison can fail: a different frame gives another value.
        var other = marked
        other.samples[other.samples.count / 2] &+= 9
        #expect(Self.reference(original, other).bitPattern != plain.bitPattern || w * h == 1)
    }
}
