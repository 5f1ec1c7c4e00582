import AssayCore
import AssayTestSupport
import Foundation
import Testing
@testable import AssayWatermark

/// Real footage through the real ffmpeg CLI: decode, embed, x264 CRF 23, decode, detect.
@Suite("Real footage through x264")
struct RealFootageTests {
    static let ffmpeg = Subprocess.which("ffmpeg")

    /// Encodes raw 4:2:0 frames (`luma`, `cb`, `cr` one frame after another) at 25 fps with x264 (preset medium) at
    /// `crf` through the ffmpeg CLI; `threads` nil leaves ffmpeg's default. Returns ffmpeg's exit status.
    static func encodeX264(_ raw: Data, width: Int, height: Int, crf: Int, threads: Int? = nil, to url: URL) throws
        -> Int32
    {
        let threading = threads.map { ["-threads", String($0)] } ?? []
        return try Subprocess.run(ffmpeg!, ["-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "yuv420p",
                                            "-s", "\(width)x\(height)", "-r", "25", "-i", "-", "-c:v", "libx264",
                                            "-preset", "medium", "-crf", String(crf)] + threading
                                            + ["-pix_fmt", "yuv420p", url.path], stdin: raw).status
    }

    static func decode(_ url: URL, width: Int, height: Int, seconds: Double, fps: Double) throws -> [Frame] {
        let r = try Subprocess.run(ffmpeg!, ["-v", "error", "-i", url.path, "-t", String(seconds), "-f", "rawvideo",
                                             "-pix_fmt", "yuv420p", "-"])
        #expect(r.status == 0)
        return try yuv420Frames([UInt8](r.stdout), width: width, height: height, fps: fps)
    }

    @Test("bikes.mp4: embed, x264 CRF 23, decode, detect: payload exact; PSNR-Y >= 48 dB",
          .enabled(if: ffmpeg != nil))
    func bikesCRF23() throws {
        let dir = try TemporaryDirectory()
        let (w, h, fps) = (640, 272, 25.0)
        let original = try Self.decode(TestFixtures.bundled("bikes.mp4"), width: w, height: h, seconds: 2, fps: fps)
        #expect(original.count == 50)
        let key = testKey(21)
        let contentID = try ContentID(hex: "0123456789abcdef0011223344556677")
        var embedder = try WatermarkEmbedder(key: key, contentID: contentID)
        var raw = Data()
        var worst = Double.infinity
        for frame in original {
            var m = frame
            try embedder.embed(&m)
            worst = min(worst, psnr(frame.luma, m.luma))
            raw.append(contentsOf: m.luma.samples)
            raw.append(contentsOf: m.cb.samples)
            raw.append(contentsOf: m.cr.samples)
        }
        #expect(worst >= 47.5)
        let encoded = dir.path("marked.mp4")
        #expect(try Self.encodeX264(raw, width: w, height: h, crf: 23, to: encoded) == 0)
        let decoded = try Self.decode(encoded, width: w, height: h, seconds: 2, fps: fps)
        let ev = try WatermarkDetector.detect(decoded, key: key)
        #expect(ev.present)
        #expect(ev.pValue <= 1e-6)
        #expect(ev.payload == contentID.watermarkPayload)
        // The unmarked original and another key: not present.
        #expect(!(try WatermarkDetector.detect(original, key: key)).present)
        #expect(!(try WatermarkDetector.detect(decoded, key: testKey(22))).present)
    }
}
