import AssayCore
import AssayTestSupport
import Foundation
import Testing
@testable import AssayWatermark

/// Small frames (session 5): a size the detector cannot read is refused by the embedder (no silent, unreadable
/// mark) and reported as "cannot judge" by the detector; a small size above the threshold is marked and read.
@Suite("Small frames")
struct SmallFrameTests {
    static let ffmpeg = Subprocess.which("ffmpeg")

    static func decode(_ url: URL, filter: String, width: Int, height: Int, seconds: Double, fps: Double) throws
        -> [Frame]
    {
        let r = try Subprocess.run(ffmpeg!, ["-v", "error", "-i", url.path, "-t", String(seconds), "-vf", filter,
                                             "-f", "rawvideo", "-pix_fmt", "yuv420p", "-"])
        #expect(r.status == 0)
        return try yuv420Frames([UInt8](r.stdout), width: width, height: height, fps: fps)
    }

    @Test("the readable-size rule: 256x144 and up carry the mark, 176x144 and 64x64 do not")
    func rule() {
        #expect(WatermarkEmbedder.unreadableReason(width: 256, height: 144) == nil)
        #expect(WatermarkEmbedder.unreadableReason(width: 320, height: 136) == nil)
        #expect(WatermarkEmbedder.unreadableReason(width: 1280, height: 720) == nil)
        let reason = WatermarkEmbedder.unreadableReason(width: 176, height: 144)
        #expect(reason?.contains("176x144") == true)
        #expect(reason?.contains("\(WatermarkEmbedder.minimumReadablePixels)") == true)
        #expect(WatermarkEmbedder.unreadableReason(width: 64, height: 64) != nil)
        #expect(WatermarkEmbedder.unreadableReason(width: 63, height: 1000) != nil)
        #expect(WatermarkEmbedder.unreadableReason(width: 9000, height: 100) != nil)
    }

    @Test("carphone 176x144 (native): the embedder refuses and leaves the frame as it was; the detector cannot judge",
          .enabled(if: ffmpeg != nil))
    func carphoneRefused() throws {
        let frames = try Self.decode(TestFixtures.bundled("carphone.mp4"), filter: "null", width: 176, height: 144,
                                     seconds: 3, fps: 30)
        #expect(frames.count >= 80)
        let key = testKey(31)
        var embedder = try WatermarkEmbedder(key: key, payload: 77)
        var frame = frames[0]
        do {
            try embedder.embed(&frame)
            Issue.record("a 176x144 frame was marked")
        } catch let error as WatermarkError {
            #expect(error.code == .unsupportedFrame)
            #expect(error.reason.contains("176x144") && error.reason.contains("cannot be read back"))
        }
        #expect(frame.luma.samples == frames[0].luma.samples)
        var detector = try WatermarkDetector(key: key)
        do {
            try detector.add(frames[0])
            Issue.record("the detector judged a 176x144 frame")
        } catch let error as WatermarkError {
            #expect(error.code == .unsupportedFrame)
            #expect(error.reason.contains("judge"))
        }
        // Why: marked anyway (opt-in), it reads back only as long as it is not re-encoded; after label's own
        // x264 CRF 18 encode the payload is gone.
        embedder.allowsUnreadableFrames = true
        let marked = try frames.map { f in
            var m = f
            try embedder.embed(&m)
            return m
        }
        let loose = WatermarkAnalyzer.Configuration(allowsUnreadableFrames: true)
        #expect(try WatermarkDetector.detect(marked, key: key, configuration: loose).payload == 77)
        let dir = try TemporaryDirectory()
        let decoded = try Self.decode(try Self.encode(marked, crf: 18, in: dir), filter: "null", width: 176, height: 144,
                                      seconds: 3, fps: 30)
        #expect(try WatermarkDetector.detect(decoded, key: key, configuration: loose).payload == nil)
    }

    /// Encodes frames with x264 (medium) at `crf` into the directory.
    static func encode(_ frames: [Frame], crf: Int, in dir: TemporaryDirectory) throws -> URL {
        var raw = Data()
        for m in frames {
            raw.append(contentsOf: m.luma.samples)
            raw.append(contentsOf: m.cb.samples)
            raw.append(contentsOf: m.cr.samples)
        }
        let encoded = dir.path("marked.mp4")
        let r = try Subprocess.run(ffmpeg!, ["-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "yuv420p",
                                             "-s", "\(frames[0].luma.width)x\(frames[0].luma.height)", "-r", "25",
                                             "-i", "-", "-c:v", "libx264", "-preset", "medium", "-crf", String(crf),
                                             "-pix_fmt", "yuv420p", encoded.path], stdin: raw)
        #expect(r.status == 0)
        return encoded
    }

    @Test("bikes at 320x136 (43,520 px): marked, x264 CRF 18 (label's default), decoded: payload exact",
          .enabled(if: ffmpeg != nil))
    func smallReadableClip() throws {
        let dir = try TemporaryDirectory()
        let (w, h) = (320, 136)
        let original = try Self.decode(TestFixtures.bundled("bikes.mp4"), filter: "scale=\(w):\(h):flags=area",
                                       width: w, height: h, seconds: 2, fps: 25)
        #expect(original.count == 50)
        let key = testKey(32)
        let marked = try EmbedDetectTests.marked(original, key: key)
        let encoded = try Self.encode(marked, crf: 18, in: dir)
        let decoded = try Self.decode(encoded, filter: "null", width: w, height: h, seconds: 2, fps: 25)
        let ev = try WatermarkDetector.detect(decoded, key: key)
        #expect(ev.present)
        #expect(ev.payload == EmbedDetectTests.payload)
        #expect(!(try WatermarkDetector.detect(original, key: key)).present)
    }
}
