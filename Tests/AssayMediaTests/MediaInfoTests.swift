import AssayCore
import AssayMedia
import AssayTestSupport
import Foundation
import Testing

@Suite("MediaInfo probe")
struct MediaInfoTests {
    static let videoFixtures = [
        "h264_aac.mp4", "h264_faststart.mp4", "h264_fragmented.mp4", "h264_aac.mov", "video_only.mkv", "vp9.webm",
        "mpeg4.avi", "odd_size.mp4", "yuv444.mp4", "yuv420p10.mp4", "vfr.mp4", "single_frame.mp4", "rotated.mp4",
        "clip_720p.mp4", "rotated_90.mp4", "yuv422.mkv", "gray.mkv", "odd_size_ffv1.mkv",
    ]

    @Test("every generated video fixture probes like ffprobe", arguments: videoFixtures)
    func probeMatchesFFprobe(name: String) throws {
        let url = try TestFixtures.generated(name)
        let info = try MediaInfo.probe(url.path)
        let video = try #require(info.bestVideoStream)
        #expect(video.kind == .video)
        #expect(video.codecName == (try FFprobe.streamEntry(url, "v", "codec_name")))
        #expect("\(video.width ?? -1)" == (try FFprobe.streamEntry(url, "v", "width")))
        #expect("\(video.height ?? -1)" == (try FFprobe.streamEntry(url, "v", "height")))
        #expect(video.pixelFormat == (try FFprobe.streamEntry(url, "v", "pix_fmt")))
        let tb = try FFprobe.timeBase(url, "v")
        #expect(Int64(video.timeBase.numerator) == tb.0 && Int64(video.timeBase.denominator) == tb.1)
        let rate = try #require(video.frameRate)
        #expect(rate.doubleValue > 0 && rate.doubleValue <= 60)
        let duration = try #require(info.duration)
        #expect(duration.seconds > 0 && duration.seconds < 3.5)
        let hasAudio =
            !(try FFprobe.run([
                "-select_streams", "a", "-show_entries", "stream=index", "-of", "csv=p=0",
                url.path,
            ]).isEmpty)
        #expect((info.firstAudioStream != nil) == hasAudio)
        if let audio = info.firstAudioStream {
            #expect(audio.sampleRate == 48_000)
            #expect(audio.channels == 1)
            #expect(audio.codecName == "aac")
        }
        // Codable round trip (what `assay info --json` prints).
        let decoded = try JSONDecoder().decode(MediaInfo.self, from: JSONEncoder().encode(info))
        #expect(decoded == info)
    }

    @Test("container names")
    func containerNames() throws {
        #expect(try MediaInfo.probe(TestFixtures.generated("h264_aac.mp4").path).formatName.contains("mp4"))
        #expect(try MediaInfo.probe(TestFixtures.generated("video_only.mkv").path).formatName.contains("matroska"))
        #expect(try MediaInfo.probe(TestFixtures.generated("vp9.webm").path).formatName.contains("webm"))
        #expect(try MediaInfo.probe(TestFixtures.generated("mpeg4.avi").path).formatName == "avi")
    }

    @Test("rotation from the display matrix")
    func rotation() throws {
        let url = try TestFixtures.generated("rotated_90.mp4")
        let rotated = try MediaInfo.probe(url.path)
        let expected = try FFprobe.run([
            "-select_streams", "v:0", "-show_entries", "stream_side_data=rotation",
            "-of", "csv=p=0", url.path,
        ]).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(expected == "90")
        #expect(rotated.bestVideoStream?.rotation == 90)
        let plain = try MediaInfo.probe(TestFixtures.generated("h264_aac.mp4").path)
        #expect(plain.bestVideoStream?.rotation == nil)
    }

    @Test("frame count stated by the container")
    func frameCount() throws {
        let url = try TestFixtures.generated("h264_aac.mp4")
        let info = try MediaInfo.probe(url.path)
        #expect(info.bestVideoStream?.frameCount == Int64(try FFprobe.countFrames(url)))
    }

    @Test("bundled natural clip")
    func bundled() throws {
        let info = try MediaInfo.probe(TestFixtures.bundled("bikes.mp4").path)
        #expect(info.bestVideoStream?.width == 640)
        #expect(info.bestVideoStream?.height == 272)
        #expect(info.bestVideoStream?.codecName == "h264")
    }

    @Test("audio-only file: noVideoStream, or audio info when video is not required")
    func audioOnly() throws {
        let url = try TestFixtures.generated("audio_only.m4a")
        #expect(throws: MediaError.noVideoStream("", location: nil)) { try MediaInfo.probe(url.path) }
        let info = try MediaInfo.probe(url.path, requiringVideo: false)
        #expect(info.bestVideoStreamIndex == nil)
        #expect(info.firstAudioStream?.sampleRate == 48_000)
    }
}
