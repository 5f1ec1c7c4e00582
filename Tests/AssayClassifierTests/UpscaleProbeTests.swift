import AssayClassifier
import AssayCore
import Foundation
import Testing

/// The classical-upscale measure on synthetic frames (no codec), and the limits' logic.
@Suite("Upscale probe")
struct UpscaleProbeTests {
    static func frames(_ luma: (Int) -> [Double], width: Int, height: Int, count: Int = 8) throws -> [Frame] {
        try (0..<count).map { try SyntheticFrames.frame(luma: luma($0), width: width, height: height, index: $0) }
    }

    @Test("a bilinear ×2 upscale is explained at ×2; the native texture at no factor")
    func bilinearVersusNative() throws {
        let extractor = FeatureExtractor()
        let up = try Self.frames({ i in
            let t = SyntheticFrames.texture(width: 96, height: 96, seed: UInt64(3 + i))
            return SyntheticFrames.bilinear(t, width: 96, height: 96, to: 192, 192)
        }, width: 192, height: 192)
        let native = try Self.frames({ i in SyntheticFrames.texture(width: 192, height: 192, seed: UInt64(3 + i)) },
                                     width: 192, height: 192)
        let u = try #require(extractor.upscaleMeasure(segment: up))
        let n = try #require(extractor.upscaleMeasure(segment: native))
        // Uncompressed, the ×2 images are the kernel's copy of the base band up to 8-bit rounding.
        #expect(u.explained2 > 0.8, "\(u)")
        // The best-fitting kernel is not asserted: here bicubic a = −0.5 fits a bilinear ×2 about as well, which is
        // why the runtime names it only as "best-fitting".
        #expect(n.explained2 < 0.05 && n.explained3 < 0.05 && n.explained4 < 0.05, "\(n)")
    }

    @Test("frames without a 96-pixel run in either direction are not measured; the extractor can skip it")
    func tooSmall() throws {
        let small = try Self.frames({ i in SyntheticFrames.texture(width: 80, height: 64, seed: UInt64(i)) },
                                    width: 80, height: 64, count: 2)
        #expect(FeatureExtractor().upscaleMeasure(segment: small) == nil)
        let frames = try Self.frames({ i in SyntheticFrames.texture(width: 128, height: 128, seed: UInt64(i)) },
                                     width: 128, height: 128, count: 2)
        #expect(FeatureExtractor().features(segment: frames).profile.upscale != nil)
        #expect(FeatureExtractor(measuresUpscale: false).features(segment: frames).profile.upscale == nil)
    }

    @Test("the limits: guarded ×2, optional ×3 / ×4 and smooth-×4 tests")
    func limits() throws {
        func measure(_ e2: Double, _ e3: Double, _ e4: Double) throws -> UpscaleMeasure {
            let json = #"{"explained2":\#(e2),"explained3":\#(e3),"explained4":\#(e4),"kernels":["a","b","c"]}"#
            return try JSONDecoder().decode(UpscaleMeasure.self, from: Data(json.utf8))
        }
        let x2only = try JSONDecoder().decode(
            UpscaleLimits.self, from: Data(#"{"minimumExplained2":0.16,"maximumExplained4ForFactor2":0}"#.utf8))
        #expect(x2only.factor(of: try measure(0.3, -0.2, -0.1)) == 2)
        #expect(x2only.factor(of: try measure(0.3, -0.2, 0.2)) == nil)  // period-4: a ÷4 decoder, not ×2
        #expect(x2only.factor(of: try measure(-0.1, 0.9, 0.9)) == nil)  // ×3 / ×4 tests absent: off
        let all = try JSONDecoder().decode(UpscaleLimits.self, from: Data(#"""
            {"minimumExplained2":0.16,"maximumExplained4ForFactor2":0,"minimumExplained3":0.4,"minimumExplained4":0.44,
             "minimumExplained4Smooth":0.12,"maximumExplained2ForFactor4":0.05}
            """#.utf8))
        #expect(all.factor(of: try measure(-0.1, 0.5, -0.1)) == 3)
        #expect(all.factor(of: try measure(0.3, -0.1, 0.5)) == 4)
        #expect(all.factor(of: try measure(0.0, -0.1, 0.2)) == 4)     // smooth ×4: no ×2 coherence
        #expect(all.factor(of: try measure(0.1, -0.1, 0.2)) == nil)   // ×2-coherent and period-4 below 0.44
        #expect(all.factor(of: try measure(-0.2, -0.1, -0.1)) == nil)
    }
}
