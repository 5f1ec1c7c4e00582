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
