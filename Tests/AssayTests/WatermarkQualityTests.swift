import AssayCore
import AssayWatermark
import Testing
@testable import Assay

/// What `label` reports of the watermark's quality cost: which frames are measured, and when it says a goal is missed.
@Suite("Watermark quality report: sampling and notes")
struct WatermarkQualityTests {
    static func key() throws -> WatermarkKey { try WatermarkKey(bytes: [UInt8](repeating: 7, count: 32)) }

    static func frame(at seconds: Double, index: Int) throws -> Frame {
        var f = try Frame(width: 320, height: 192, y: 90)
        for i in 0..<f.luma.samples.count { f.luma.samples[i] = UInt8(60 + (i * 31 + index) % 90) }
        f.time = MediaTime(value: Int64((seconds * 1000).rounded()), timescale: 1000)
        return f
    }

    @Test("the first frame, then one every 4 s of frame time (and again after time goes back), at most 8")
    func samplingSchedule() throws {
        var embedder = try WatermarkEmbedder(key: Self.key(), payload: 1)
        var sampler = WatermarkQualitySampler()
        #expect(sampler.report == nil)
        // 9 s at 10 frames/s: measured at 0, 4 and 8 s.
        for i in 0..<90 {
            var f = try Self.frame(at: Double(i) / 10, index: i)
            try sampler.embed(&f, with: &embedder)
        }
        #expect(sampler.meter.frames == 3 && sampler.meter.ssimFrames == 3)
        // A new segment whose time starts again at 0 is measured at once.
        var back = try Self.frame(at: 0.5, index: 99)
        try sampler.embed(&back, with: &embedder)
        #expect(sampler.meter.ssimFrames == 4)
        for i in 0..<40 {
            var f = try Self.frame(at: 10 + 2 * Double(i), index: i)
            try sampler.embed(&f, with: &embedder)
        }
        #expect(sampler.meter.ssimFrames == WatermarkQualitySampler.maximumFrames)
        let report = try #require(sampler.report)
        #expect(report.framesMeasured == 8 && report.worstSSIMY <= report.ssimY && report.ssimY < 1)
        #expect((report.psnrY ?? 0) > 40)
    }

    @Test("a note only when a goal is missed, pointing to the SSIM cap or to the strength")
    func notes() {
        let good = WatermarkQuality(framesMeasured: 2, psnrY: 48.4, ssimY: 0.997, worstSSIMY: 0.996)
        #expect(good.meetsGoals && good.note(capped: false) == nil)
        let flat = WatermarkQuality(framesMeasured: 2, psnrY: 48.2, ssimY: 0.992, worstSSIMY: 0.9911)
        #expect(!flat.meetsGoals)
        let plain = flat.note(capped: false) ?? ""
        #expect(plain.contains("SSIM-Y to 0.9911") && plain.contains("--ssim-cap"), "\(plain)")
        let capped = flat.note(capped: true) ?? ""
        #expect(capped.contains("--strength") && !capped.contains("--ssim-cap"), "\(capped)")
        let loud = WatermarkQuality(framesMeasured: 1, psnrY: 44.0, ssimY: 0.999, worstSSIMY: 0.998)
        let n = loud.note(capped: false) ?? ""
        #expect(n.contains("PSNR-Y to 44.0 dB") && n.contains("--strength"), "\(n)")
        let unchanged = WatermarkQuality(framesMeasured: 1, psnrY: nil, ssimY: 1, worstSSIMY: 1)
        #expect(unchanged.meetsGoals)
    }
}
