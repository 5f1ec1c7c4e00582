import AssayCore
import AssayTestSupport
import Foundation
import Testing

@testable import AssayClassifier

/// The session-2 additions: cross-scale residual bands, the palette (CGI) profile, and the faster
/// spectrum code, checked against the straightforward definitions.
@Suite("Bands, palette and spectrum")
struct BandFeatureTests {
    let extractor = FeatureExtractor()

    func value(_ name: String, _ f: SegmentFeatures) throws -> Double {
        let values = try #require(f.values)
        return values[try #require(FeatureSet.index(of: name))]
    }

    @Test("a 2× bilinear upscale leaves the finest band nearly empty; native texture does not")
    func bilinearUpscaleIsTooClean() throws {
        let w = 256, h = 128
        var native: [Frame] = [], upscaled: [Frame] = []
        for i in 0..<4 {
            let full = SyntheticFrames.texture(width: w, height: h, seed: 500 + UInt64(i))
            native.append(try SyntheticFrames.frame(luma: full, width: w, height: h, index: i))
            let half = SyntheticFrames.texture(width: w / 2, height: h / 2, seed: 600 + UInt64(i))
            let up = SyntheticFrames.bilinear(half, width: w / 2, height: h / 2, to: w, h)
            upscaled.append(try SyntheticFrames.frame(luma: up, width: w, height: h, index: i))
        }
        let n = extractor.features(segment: native), u = extractor.features(segment: upscaled)
        let nativeRatio = try value("bands.energyRatio01", n), upscaledRatio = try value("bands.energyRatio01", u)
        // Energy above half the sampling rate relative to the band below: an upscale has lost it.
        #expect(upscaledRatio < nativeRatio - 1.0, "native \(nativeRatio), upscaled \(upscaledRatio)")
        for name in FeatureSet.names where name.hasPrefix("bands.") {
            #expect(try value(name, n).isFinite && value(name, u).isFinite, "\(name)")
        }
    }

    @Test("band kurtosis: sparse sharp edges on a clean background are heavier-tailed than noise")
    func edgeBoundDetailIsKurtotic() throws {
        let w = 256, h = 128
        var noisy: [Frame] = [], edges: [Frame] = []
        for i in 0..<4 {
            noisy.append(try SyntheticFrames.frame(
                luma: SyntheticFrames.texture(width: w, height: h, seed: 700 + UInt64(i)), width: w, height: h,
                index: i))
            // Smooth ramp plus a few hard vertical edges: detail only where the edges are.
            var luma = [Double](repeating: 0, count: w * h)
            for y in 0..<h {
                for x in 0..<w {
                    luma[y * w + x] = 60 + 0.3 * Double(x) + 0.2 * Double(y) + ((x + 3 * i) % 37 < 9 ? 70 : 0)
                }
            }
            edges.append(try SyntheticFrames.frame(luma: luma, width: w, height: h, index: i))
        }
        let kn = try value("bands.logKurtosis0", extractor.features(segment: noisy))
        let ke = try value("bands.logKurtosis0", extractor.features(segment: edges))
        #expect(ke > kn + 1.0, "noise \(kn), edges \(ke)")
    }

    @Test("quickselect returns the same median as sorting")
    func quickselectMatchesSort() {
        var g = SyntheticFrames.Generator(state: 42)
        for trial in 0..<200 {
            var values = (0..<72).map { _ in (g.next() * 10).rounded() / 10 }  // with ties
            let sorted = values.sorted()
            let rank = trial % 72
            #expect(SpatialAccumulator.select(&values, rank: rank) == sorted[rank])
        }
    }

    @Test("two real spectra from one complex FFT equal two separate transforms")
    func pairedSpectraMatch() {
        let fft = FFT2D(size: 64)
        let a = SyntheticFrames.texture(width: 64, height: 64, seed: 11)
        let b = SyntheticFrames.texture(width: 64, height: 64, seed: 12).map { $0 * 0.5 - 20 }
        let pair = fft.powerSpectra(of: a, and: b)
        let pa = fft.powerSpectrum(of: a), pb = fft.powerSpectrum(of: b)
        let scale = pa.max()! + pb.max()!
        for i in pa.indices {
            #expect(abs(pair.a[i] - pa[i]) <= 1e-9 * scale)
            #expect(abs(pair.b[i] - pb[i]) <= 1e-9 * scale)
        }
    }

    @Test("palette profile: grey has zero chroma entropy and colourfulness; random vivid chroma is high")
    func paletteProfile() throws {
        let w = 192, h = 128
        let gray = try SyntheticFrames.clip(width: w, height: h, count: 8, seed: 5, gray: true)
        let pg = extractor.features(segment: gray).profile
        #expect(pg.chromaEntropy == 0)
        #expect(pg.colourfulness == 0)
        let vivid = try Self.vivid(width: w, height: h, count: 8)
        let pv = extractor.features(segment: vivid).profile
        #expect(pv.chromaEntropy > 9.0)  // uniform over 32×32 bins is 10 bits
        #expect(pv.colourfulness > 60)
    }

    @Test("the palette rule abstains on a vivid many-hued clip only when the calibration sets it")
    func paletteRule() throws {
        let frames = try Self.vivid(width: 192, height: 128, count: 8)
        var calibration = ModelFolder.calibrationJSON()
        let offDir = try ModelFolder.make(calibration: calibration)
        let off = try ArtifactClassifier(modelDirectory: offDir.url.path)
        #expect(try off.analyse(frames: frames).abstention == nil)
        var limits = try #require(calibration["abstention"] as? [String: Any])
        limits["maximumChromaEntropy"] = 5.0
        limits["minimumColourfulness"] = 20.0
        calibration["abstention"] = limits
        let onDir = try ModelFolder.make(calibration: calibration)
        let on = try ArtifactClassifier(modelDirectory: onDir.url.path)
        let analysis = try on.analyse(frames: frames)
        #expect(analysis.evidence.decision == .inconclusive)
        #expect(analysis.abstention == .syntheticContent)
        // Ordinary synthetic footage (narrow palette) stays scored under the same limits.
        let plain = try SyntheticFrames.clip(width: 192, height: 128, count: 8, seed: 6)
        #expect(try on.analyse(frames: plain).abstention == nil)
    }

    /// Textured luma with uniformly random chroma (every hue, saturated).
    static func vivid(width w: Int, height h: Int, count: Int) throws -> [Frame] {
        var g = SyntheticFrames.Generator(state: 99)
        let c = Frame.chromaSize(width: w, height: h)
        return try (0..<count).map { i in
            let luma = SyntheticFrames.texture(width: w, height: h, seed: 800 + UInt64(i))
            let cb = (0..<(c.width * c.height)).map { _ in UInt8(g.next() * 255) }
            let cr = (0..<(c.width * c.height)).map { _ in UInt8(g.next() * 255) }
            return try Frame(
                luma: Plane(width: w, height: h, samples: SyntheticFrames.quantise(luma)),
                cb: Plane(width: c.width, height: c.height, samples: cb),
                cr: Plane(width: c.width, height: c.height, samples: cr),
                time: MediaTime(seconds: Double(i) / 25), duration: MediaTime(seconds: 0.04), index: i)
        }
    }
}
