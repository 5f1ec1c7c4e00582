import AssayClassifier
import AssayCore
import Testing

@Suite("Feature extraction")
struct FeatureExtractorTests {
    let extractor = FeatureExtractor()

    func value(_ name: String, _ f: SegmentFeatures) throws -> Double {
        let values = try #require(f.values)
        return values[try #require(FeatureSet.index(of: name))]
    }

    @Test("features are deterministic, finite and complete on synthetic frames")
    func deterministicAndFinite() throws {
        let frames = try SyntheticFrames.clip(width: 192, height: 128, count: 8, seed: 7)
        let a = extractor.features(segment: frames)
        let b = extractor.features(segment: frames)
        let values = try #require(a.values)
        #expect(values.count == FeatureSet.count)
        #expect(values.allSatisfy { $0.isFinite })
        #expect(a.values == b.values)
        #expect(a.profile == b.profile)
        #expect(a.profile.usableTiles == 6 * 4)  // 3×2 tiles on 4 analysed frames
    }

    @Test("the feature set names are unique and cover every group")
    func featureSetShape() {
        #expect(Set(FeatureSet.names).count == FeatureSet.count)
        #expect(Set(FeatureSet.descriptors.map(\.group)) == Set(FeatureGroup.allCases))
    }

    @Test("2× nearest and bilinear upsampling separate from native texture on the NPR features",
          arguments: ["nearest", "bilinear"])
    func upsamplingSeparates(kind: String) throws {
        let w = 256, h = 128
        var native: [Frame] = [], upsampled: [Frame] = []
        for i in 0..<4 {
            let full = SyntheticFrames.texture(width: w, height: h, seed: 100 + UInt64(i))
            native.append(try SyntheticFrames.frame(luma: full, width: w, height: h, index: i))
            let half = SyntheticFrames.texture(width: w / 2, height: h / 2, seed: 200 + UInt64(i))
            let up = kind == "nearest"
                ? SyntheticFrames.nearest2x(half, width: w / 2, height: h / 2)
                : SyntheticFrames.bilinear(half, width: w / 2, height: h / 2, to: w, h)
            upsampled.append(try SyntheticFrames.frame(luma: up, width: w, height: h, index: i))
        }
        let n = extractor.features(segment: native), u = extractor.features(segment: upsampled)
        // Upsampling by 2 makes pixel pairs (or second differences) at one grid phase differ from the other.
        let nativeTrace = max(try value("npr.phase2Horizontal", n), try value("npr.secondDifferencePhase2", n))
        let upsampledTrace = max(try value("npr.phase2Horizontal", u), try value("npr.secondDifferencePhase2", u))
        // Measured: native ≈ 0.002, nearest ≫ 1, centre-aligned bilinear ≈ 0.34.
        #expect(nativeTrace < 0.05)
        #expect(upsampledTrace > nativeTrace + 0.2)
        #expect(upsampledTrace > 10 * nativeTrace)
    }

    @Test("the resampling detector fires on a rescaled frame and not on the native one")
    func resamplingDetector() throws {
        let w = 256, h = 192
        var native: [Frame] = [], rescaled: [Frame] = []
        for i in 0..<4 {
            let full = SyntheticFrames.texture(width: w, height: h, seed: 300 + UInt64(i))
            native.append(try SyntheticFrames.frame(luma: full, width: w, height: h, index: i))
            // 4/3 enlargement: a non-dyadic factor, the periodicity is at 1/4 of the sampling rate.
            let small = SyntheticFrames.texture(width: w * 3 / 4, height: h * 3 / 4, seed: 400 + UInt64(i))
            let up = SyntheticFrames.bilinear(small, width: w * 3 / 4, height: h * 3 / 4, to: w, h)
            rescaled.append(try SyntheticFrames.frame(luma: up, width: w, height: h, index: i))
        }
        let n = extractor.features(segment: native), r = extractor.features(segment: rescaled)
        let nativePeak = try value("resampling.peakMax", n), rescaledPeak = try value("resampling.peakMax", r)
        #expect(rescaledPeak > nativePeak + 1.0, "native \(nativePeak), rescaled \(rescaledPeak)")
    }

    @Test("a single frame has no temporal features")
    func singleFrameHasNoValues() throws {
        let frames = try SyntheticFrames.clip(width: 128, height: 128, count: 1, seed: 9)
        #expect(extractor.features(segment: frames).values == nil)
    }
}
