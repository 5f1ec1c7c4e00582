import AssayCore
import AssayMedia
import AssayTestSupport
import Foundation
import Testing

@Suite("VideoReader")
struct VideoReaderTests {
    static let clips = [
        "h264_aac.mp4", "h264_faststart.mp4", "h264_fragmented.mp4", "h264_aac.mov", "video_only.mkv", "vp9.webm",
        "mpeg4.avi", "odd_size.mp4", "odd_size_ffv1.mkv", "yuv444.mp4", "yuv420p10.mp4", "yuv422.mkv", "gray.mkv",
        "vfr.mp4",
        "single_frame.mp4",
    ]

    private func readAll(_ url: URL, _ options: VideoReader.Options = VideoReader.Options()) throws -> [Frame] {
        let reader = try VideoReader(path: url.path, options: options)
        var frames: [Frame] = []
        while let f = try reader.nextFrame() { frames.append(f) }
        return frames
    }

    @Test("frame count and timestamps match ffprobe", arguments: clips)
    func countsAndTimes(name: String) throws {
        let url = try TestFixtures.generated(name)
        let expected = try FFprobe.frameTimestamps(url)
        let tb = try FFprobe.timeBase(url, "v")
        #expect(try FFprobe.countFrames(url) == expected.count)
        let frames = try readAll(url)
        #expect(frames.count == expected.count)
        #expect(frames.map(\.time) == expected.map { expectedTime($0, tb) })
        #expect(frames.map(\.index) == Array(0..<frames.count))
        let w = Int(try FFprobe.streamEntry(url, "v", "width"))!
        let h = Int(try FFprobe.streamEntry(url, "v", "height"))!
        for f in frames {
            #expect(f.width == w && f.height == h)
            #expect(f.cb.width == (w + 1) / 2 && f.cb.height == (h + 1) / 2)
        }
    }

    @Test("bundled bikes.mp4 decodes every frame with the ffprobe timestamps")
    func bikes() throws {
        let url = TestFixtures.bundled("bikes.mp4")
        let expected = try FFprobe.frameTimestamps(url)
        let tb = try FFprobe.timeBase(url, "v")
        let frames = try readAll(url)
        #expect(frames.count == expected.count)
        #expect(frames.map(\.time) == expected.map { expectedTime($0, tb) })
        // Natural footage is not flat.
        let luma = try #require(frames.first?.luma)
        #expect(Set(luma.samples).count > 100)
    }

    @Test("one and two decoder threads give identical frames")
    func threadsAgree() throws {
        let url = try TestFixtures.generated("h264_aac.mp4")
        let one = try readAll(url, VideoReader.Options(threads: 1))
        let two = try readAll(url, VideoReader.Options(threads: 2))
        #expect(one.count == two.count)
        #expect(one == two, "threaded decode differs")
    }

    @Test("every Nth frame", arguments: [2, 3, 7])
    func everyNth(n: Int) throws {
        let url = try TestFixtures.generated("h264_aac.mp4")
        let all = try readAll(url)
        let some = try readAll(url, VideoReader.Options(mode: .everyNthFrame(n)))
        let expected = all.enumerated().filter { $0.offset % n == 0 }.map(\.element)
        #expect(some.count == (all.count + n - 1) / n)
        #expect(some == expected, "every-Nth frames differ")
    }

    @Test(
        "keyframes only: the key frames of a full ffprobe decode, and nothing else is decoded",
        arguments: ["h264_fragmented.mp4", "h264_aac.mp4", "video_only.mkv", "vp9.webm"]
    )
    func keyframes(name: String) throws {
        let url = try TestFixtures.generated(name)
        let tb = try FFprobe.timeBase(url, "v")
        let expected = try FFprobe.frameTimestamps(url, keyframesOnly: true)
        let reader = try VideoReader(path: url.path, options: VideoReader.Options(mode: .keyframesOnly))
        var frames: [Frame] = []
        while let f = try reader.nextFrame() { frames.append(f) }
        if name == "h264_fragmented.mp4" { #expect(expected.count == 5) }  // GOP 15 over 2 s
        #expect(frames.map(\.time) == expected.map { expectedTime($0, tb) })
        #expect(reader.decodedFrameCount == expected.count)  // nothing else was decoded
        // The keyframes are the same pictures as in a full decode.
        let all = try readAll(url)
        for f in frames {
            let twin = try #require(all.first { $0.time == f.time })
            #expect(twin.luma == f.luma, "keyframe at \(f.time) differs from the full decode")
        }
    }

    @Test("intra-coded frames are flagged as ffprobe reports them, and only those",
          arguments: ["h264_fragmented.mp4", "h264_aac.mp4", "vp9.webm", "odd_size_ffv1.mkv"])
    func intraFlags(name: String) throws {
        let url = try TestFixtures.generated(name)
        let expected = try FFprobe.intraFrames(url)
        let frames = try readAll(url)
        #expect(frames.map(\.isIntra) == expected)
        #expect(frames.first?.isIntra == true)
        if name == "h264_fragmented.mp4" { #expect(expected.filter { $0 }.count == 5) }  // GOP 15 over 2 s
        if name == "odd_size_ffv1.mkv" { #expect(!expected.contains(false)) }  // FFV1 codes every frame alone
    }

    @Test("time range: frames with start <= t < end, same pixels as a full decode")
    func timeRange() throws {
        let url = try TestFixtures.generated("h264_aac.mp4")
        let all = try readAll(url)
        let start = MediaTime(seconds: 0.75)
        let end = MediaTime(seconds: 1.5)
        let ranged = try readAll(url, VideoReader.Options(mode: .timeRange(start: start, end: end)))
        let expected = all.filter { $0.time >= start && $0.time < end }
        #expect(!expected.isEmpty)
        #expect(ranged.map(\.time) == expected.map(\.time))
        #expect(ranged.map(\.luma) == expected.map(\.luma), "ranged frames differ from the full decode")
        let open = try readAll(url, VideoReader.Options(mode: .timeRange(start: start, end: nil)))
        #expect(open.map(\.time) == all.filter { $0.time >= start }.map(\.time))
    }

    @Test("10-bit, 4:2:2, 4:4:4 and gray are converted to 8-bit 4:2:0 with the same picture")
    func conversions() throws {
        // Same testsrc2 picture in yuv444p / yuv420p10le / yuv422p / gray: luma means of the first frame agree
        // with the 8-bit 4:2:0 mpeg4 encode of the same source (lossy codecs: loose tolerance).
        let reference = try #require(try readAll(try TestFixtures.generated("mpeg4.avi")).first)
        for name in ["yuv444.mp4", "yuv420p10.mp4", "yuv422.mkv", "gray.mkv"] {
            let frame = try #require(try readAll(try TestFixtures.generated(name)).first)
            #expect(frame.width == 320 && frame.height == 240 && frame.cb.width == 160 && frame.cb.height == 120)
            #expect(
                abs(frame.luma.mean - reference.luma.mean) < 3,
                "\(name): \(frame.luma.mean) vs \(reference.luma.mean)"
            )
            if name == "gray.mkv" {
                #expect(frame.cb.samples.allSatisfy { $0 == 128 } && frame.cr.samples.allSatisfy { $0 == 128 })
            } else {
                #expect(abs(frame.cb.mean - reference.cb.mean) < 4, "\(name) cb")
            }
        }
    }

    @Test("odd size keeps its size, chroma rounds up")
    func oddSize() throws {
        let frames = try readAll(try TestFixtures.generated("odd_size_ffv1.mkv"))
        let f = try #require(frames.first)
        #expect(f.width == 321 && f.height == 181)
        #expect(f.cb.width == 161 && f.cb.height == 91)
    }

    @Test("single-frame clip")
    func singleFrame() throws {
        let frames = try readAll(try TestFixtures.generated("single_frame.mp4"))
        #expect(frames.count == 1)
        #expect(frames.first?.time == .zero)
    }

    @Test("VFR timestamps are preserved (the 0.1 s gap after frame 15)")
    func vfr() throws {
        let frames = try readAll(try TestFixtures.generated("vfr.mp4"))
        let deltas = zip(frames.dropFirst(), frames).map { $0.time.seconds - $1.time.seconds }
        #expect(deltas.count > 20)
        #expect(deltas.filter { abs($0 - 1.0 / 30) < 0.002 }.count == deltas.count - 1)
        #expect(deltas.contains { abs($0 - (1.0 / 30 + 0.1)) < 0.002 })
    }

    @Test("invalid options are typed errors")
    func invalidOptions() throws {
        let path = try TestFixtures.generated("h264_aac.mp4").path
        #expect(throws: MediaError.invalidArgument("")) {
            try VideoReader(path: path, options: VideoReader.Options(mode: .everyNthFrame(0)))
        }
        #expect(throws: MediaError.invalidArgument("")) {
            try VideoReader(path: path, options: VideoReader.Options(threads: -1))
        }
        #expect(throws: MediaError.invalidArgument("")) {
            try VideoReader(
                path: path,
                options: VideoReader.Options(
                    mode: .timeRange(start: MediaTime(seconds: 1), end: MediaTime(seconds: 1))
                )
            )
        }
    }

    @Test("a reader can be used from a task and hands Sendable frames across")
    func concurrency() async throws {
        let path = try TestFixtures.generated("single_frame.mp4").path
        let count = try await Task.detached { () throws -> Int in
            let reader = try VideoReader(path: path)
            var n = 0
            while try reader.nextFrame() != nil { n += 1 }
            return n
        }.value
        #expect(count == 1)
    }
}
