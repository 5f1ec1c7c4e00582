import AssayClassifier
import AssayCore
import AssayTestSupport
import Foundation
import Testing

/// The classical-upscale abstention (issue 5): ordinary rescaling must not be called AI.
/// Real clips, the real ffmpeg CLI, the shipped model; each case is compared with the same model without the rule.
@Suite("Classical upscale rule")
struct UpscaleRuleTests {
    /// Encodes `input` through `filter` with the ffmpeg CLI (x264 CRF 23, yuv420p) and decodes `count` frames.
    static func render(_ input: URL, filter: String, count: Int, in dir: TemporaryDirectory) throws -> [Frame] {
        let ffmpeg = try #require(Subprocess.which("ffmpeg"))
        let out = dir.path("clip.mp4").path
        let made = try Subprocess.run(ffmpeg, [
            "-v", "error", "-y", "-i", input.path, "-frames:v", String(count), "-vf", filter, "-c:v", "libx264",
            "-preset", "medium", "-crf", "23", "-pix_fmt", "yuv420p", out,
        ])
        try #require(made.status == 0, "\(made.stderrText)")
        return try decode(path: out, count: count)
    }

    /// Decodes a clip to yuv420p frames with the ffmpeg CLI.
    static func decode(path: String, count: Int) throws -> [Frame] {
        let ffmpeg = try #require(Subprocess.which("ffmpeg"))
        let ffprobe = try #require(Subprocess.which("ffprobe"))
        let probe = try Subprocess.run(ffprobe, [
            "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height", "-of", "csv=p=0", path,
        ])
        let dims = probe.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ",").compactMap {
            Int($0)
        }
        try #require(dims.count == 2)
        let (w, h) = (dims[0], dims[1])
        let raw = try Subprocess.run(ffmpeg, [
            "-v", "error", "-i", path, "-frames:v", String(count), "-f", "rawvideo", "-pix_fmt", "yuv420p", "-",
        ])
        try #require(raw.status == 0)
        let bytes = [UInt8](raw.stdout)
        let c = Frame.chromaSize(width: w, height: h)
        let size = w * h + 2 * c.width * c.height
        return try (0..<(bytes.count / size)).map { i in
            let base = i * size
            let cbEnd = base + w * h + c.width * c.height
            return try Frame(
                luma: Plane(width: w, height: h, samples: Array(bytes[base..<(base + w * h)])),
                cb: Plane(width: c.width, height: c.height, samples: Array(bytes[(base + w * h)..<cbEnd])),
                cr: Plane(width: c.width, height: c.height, samples: Array(bytes[cbEnd..<(base + size)])),
                time: MediaTime(seconds: Double(i) / 25), duration: MediaTime(seconds: 0.04), index: i)
        }
    }

    /// The shipped model (no upscale rule: the pre-registered rules failed their held-out test) and the post-hoc
    /// candidate `Classifiers/experiments/s5-upscale/candidate-x2only` (the same model and null plus the guarded
    /// ×2 rule).
    static func classifiers() throws -> (on: ArtifactClassifier, off: ArtifactClassifier) {
        let candidate = TestFixtures.packageRoot.appendingPathComponent(
            "Classifiers/experiments/s5-upscale/candidate-x2only")
        let on = try ArtifactClassifier(modelDirectory: candidate.path)
        let off = try ArtifactClassifier(modelDirectory: ModelFolder.shipped.path)
        #expect(on.calibration.upscale != nil)
        #expect(off.calibration.upscale == nil)
        #expect(on.model == off.model && on.calibration.nullStatistics == off.calibration.nullStatistics)
        return (on, off)
    }

    @Test("carphone upscaled ×2 (Catmull-Rom bicubic, ffmpeg CLI): artifacts without the rule, inconclusive with it")
    func upscaledCarphoneAbstains() throws {
        let dir = try TemporaryDirectory()
        let frames = try Self.render(
            TestFixtures.bundled("carphone.mp4"), filter: "scale=iw*2:ih*2:flags=bicubic:param0=0:param1=0.5",
            count: 48, in: dir)
        #expect(frames.count == 48 && frames[0].width == 352)
        let (on, off) = try Self.classifiers()
        // The shipped model (no rule) calls this ordinary upscale `artifacts`: the issue-5 false positive.
        let before = try off.analyse(frames: frames)
        #expect(before.evidence.decision == .artifacts, "\(before.evidence.reasons)")
        let after = try on.analyse(frames: frames)
        #expect(after.evidence.decision == .inconclusive, "\(after.evidence.reasons)")
        #expect(after.abstention == .classicallyUpscaled)
        #expect(
            after.evidence.reasons.contains { $0.contains("classically upscaled: ×2") }, "\(after.evidence.reasons)")
        // Measured, not named: the segments' ×2 measure is above the limit and the ×4 guard below its limit.
        let limits = try #require(on.calibration.upscale)
        for s in after.segments where s.abstention == .classicallyUpscaled {
            let m = try #require(s.features.profile.upscale)
            #expect(limits.factor(of: m) != nil)
        }
    }

    @Test("the native carphone frames are not measured as a ×2 upscale")
    func nativeCarphoneMeasure() throws {
        let frames = try ShippedModelTests.decode("carphone.mp4", count: 16)
        let dir = try TemporaryDirectory()
        let up = try Self.render(
            TestFixtures.bundled("carphone.mp4"), filter: "scale=iw*2:ih*2:flags=bicubic:param0=0:param1=0.5",
            count: 16, in: dir)
        let extractor = FeatureExtractor()
        let native = try #require(extractor.upscaleMeasure(segment: Array(frames[0..<8])))
        let upscaled = try #require(extractor.upscaleMeasure(segment: Array(up[0..<8])))
        #expect(native.explained2 < 0.05, "\(native)")
        #expect(upscaled.explained2 > native.explained2 + 0.15, "\(upscaled) vs \(native)")
    }

    @Test("native bikes and a generated-like clip keep their decision")
    func othersKeepDecision() throws {
        let (on, off) = try Self.classifiers()
        let bikes = try ShippedModelTests.decode("bikes.mp4", count: 48)
        let a = try on.analyse(frames: bikes), b = try off.analyse(frames: bikes)
        #expect(a.evidence.decision == .noArtifactsFound)
        #expect(a.evidence.decision == b.evidence.decision)
        #expect(a.segments.allSatisfy { $0.abstention != .classicallyUpscaled })
        // Generated-like: a toy ÷4 decoder, the structure of the transposed-convolution autoencoders: three feature
        // maps at quarter size, each spread over its 4×4 output cell by its own phase-dependent weights (a stride-4
        // transposed convolution), summed, then a ReLU-like clamp and a 3×3 convolution. Several channels with
        // different phase weights: not one signal through one interpolation kernel.
        let w = 256, h = 256, q = 64
        var frames: [Frame] = []
        var phaseWeights: [[Double]] = []
        for c in 0..<3 {
            var row: [Double] = []
            for i in 0..<16 {
                let angle = Double(i * (c + 2)) + Double(c)
                row.append(1 + 0.35 * sin(angle))
            }
            phaseWeights.append(row)
        }
        for i in 0..<16 {
            let maps = (0..<3).map { c in
                SyntheticFrames.texture(width: q, height: q, seed: UInt64(11 + 3 * (i % 2) + c))
            }
            var up = [Double](repeating: 0, count: w * h)
            for y in 0..<h {
                for x in 0..<w {
                    let cell = (y / 4) * q + x / 4, phase = (y % 4) * 4 + x % 4
                    var v = 0.0
                    for c in 0..<3 { v += (c == 0 ? 0.6 : 0.2) * maps[c][cell] * phaseWeights[c][phase] }
                    up[y * w + x] = max(v - 10, 0)
                }
            }
            var conv = up
            for y in 1..<(h - 1) {
                for x in 1..<(w - 1) {
                    let n = up[y * w + x - 1] + up[y * w + x + 1] + up[(y - 1) * w + x] + up[(y + 1) * w + x]
                    conv[y * w + x] = 0.6 * up[y * w + x] + 0.1 * n
                }
            }
            frames.append(try SyntheticFrames.frame(luma: conv, width: w, height: h, index: i))
        }
        let g = try on.analyse(frames: frames), gOff = try off.analyse(frames: frames)
        #expect(g.evidence.decision == gOff.evidence.decision, "\(g.evidence.reasons)")
        #expect(
            g.segments.allSatisfy { $0.abstention != .classicallyUpscaled },
            "\(g.segments.map { $0.features.profile.upscale.map { [$0.explained2, $0.explained3, $0.explained4] } })")
    }
}
