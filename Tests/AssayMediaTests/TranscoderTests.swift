import AssayCore
import AssayMedia
import AssayTestSupport
import Foundation
import Testing

@Suite("Transcoder")
struct TranscoderTests {
    @Test("decode → closure → encode keeps frames, times and the audio packets")
    func transcodeWithAudio() throws {
        let input = try TestFixtures.generated("h264_aac.mp4")
        let dir = try TemporaryDirectory()
        let out = dir.path("out.mp4")
        var calls = 0
        let summary = try Transcoder.transcode(
            input: input.path,
            output: out.path,
            options: Transcoder.Options(writer: VideoWriter.Options(crf: 18, threads: 1))
        ) { frame in
            calls += 1
            for y in 0..<32 { for x in 0..<32 { frame.luma[x, y] = 235 } }  // a bright block the output must show
        }
        let inputTimes = try FFprobe.frameTimestamps(input)
        #expect(calls == inputTimes.count)
        #expect(summary.framesProcessed == inputTimes.count)
        let tbIn = try FFprobe.timeBase(input, "v")
        let tbOut = try FFprobe.timeBase(out, "v")
        let outTimes = try FFprobe.frameTimestamps(out)
        #expect(outTimes.count == inputTimes.count)
        let inSeconds = inputTimes.map { Double($0 * tbIn.0) / Double(tbIn.1) }
        let outSeconds = outTimes.map { Double($0 * tbOut.0) / Double(tbOut.1) }
        #expect(
            zip(inSeconds, outSeconds).allSatisfy { abs($0 - $1) < 1e-3 },
            "\(inSeconds.prefix(3)) vs \(outSeconds.prefix(3))"
        )

        // Audio: same packet sizes and the same times (in seconds) as the input.
        let audioIn = try FFprobe.audioPackets(input)
        let audioOut = try FFprobe.audioPackets(out)
        let atbIn = try FFprobe.timeBase(input, "a")
        let atbOut = try FFprobe.timeBase(out, "a")
        #expect(!audioIn.isEmpty)
        #expect(summary.audioPackets == audioIn.count)
        #expect(audioOut.map(\.size) == audioIn.map(\.size))
        #expect(
            audioOut.map { Double($0.pts * atbOut.0) / Double(atbOut.1) }
                == audioIn.map { Double($0.pts * atbIn.0) / Double(atbIn.1) }
        )
        #expect(try FFprobe.streamEntry(out, "a", "codec_name") == "aac")

        // The closure's change is in the output.
        let reader = try VideoReader(path: out.path)
        let first = try #require(try reader.nextFrame())
        #expect(first.luma[10, 10] > 200)
        let boxes = try topLevelBoxTypes(out)
        #expect(Array(boxes.prefix(2)) == ["ftyp", "moov"])
    }

    @Test("time range: output starts at zero, video and audio cut to the range")
    func timeRange() throws {
        let input = try TestFixtures.generated("h264_aac.mp4")
        let dir = try TemporaryDirectory()
        let out = dir.path("cut.mp4")
        let options = Transcoder.Options(
            reader: VideoReader.Options(mode: .timeRange(start: MediaTime(seconds: 0.5), end: MediaTime(seconds: 1.5))),
            writer: VideoWriter.Options(threads: 1)
        )
        let summary = try Transcoder.transcode(input: input.path, output: out.path, options: options)
        #expect(summary.framesProcessed == 30)  // 1 s at 30 fps
        let frames = try FFprobe.frameTimestamps(out)
        let tb = try FFprobe.timeBase(out, "v")
        #expect(frames.count == 30)
        #expect(abs(Double(frames.first ?? -1) * Double(tb.0) / Double(tb.1)) < 0.04)
        let audio = try FFprobe.audioPackets(out)
        let atb = try FFprobe.timeBase(out, "a")
        let audioSeconds = Double(audio.count * 1024) / 48_000
        #expect(abs(audioSeconds - 1.0) < 0.1, "\(audio.count) audio packets")
        #expect(abs(Double(audio.first?.pts ?? -99_999) * Double(atb.0) / Double(atb.1)) < 0.05)
    }

    @Test("a throwing closure leaves no output")
    func closureError() throws {
        struct Stop: Error {}
        let input = try TestFixtures.generated("h264_aac.mp4")
        let dir = try TemporaryDirectory()
        let out = dir.path("never.mp4")
        var n = 0
        #expect(throws: Stop.self) {
            try Transcoder.transcode(
                input: input.path,
                output: out.path,
                options: Transcoder.Options(writer: VideoWriter.Options(threads: 1))
            ) { _ in
                n += 1
                if n == 10 { throw Stop() }
            }
        }
        #expect(folderContents(dir.url).isEmpty)
    }

    @Test("output over the input is refused")
    func sameFile() throws {
        let dir = try TemporaryDirectory()
        let copy = dir.path("in.mp4")
        try FileManager.default.copyItem(at: try TestFixtures.generated("single_frame.mp4"), to: copy)
        let before = try Data(contentsOf: copy)
        #expect(throws: MediaError.invalidArgument("")) {
            try Transcoder.transcode(input: copy.path, output: copy.path)
        }
        #expect(try Data(contentsOf: copy) == before)
    }

    @Test("video-only and odd-size inputs transcode")
    func videoOnlyOdd() throws {
        let dir = try TemporaryDirectory()
        let out = dir.path("odd.mp4")
        let input = try TestFixtures.generated("odd_size_ffv1.mkv")
        let summary = try Transcoder.transcode(
            input: input.path,
            output: out.path,
            options: Transcoder.Options(writer: VideoWriter.Options(threads: 1))
        )
        #expect(summary.audioPackets == 0)
        #expect(summary.framesProcessed == (try FFprobe.countFrames(input)))
        #expect(try FFprobe.streamEntry(out, "v", "width") == "322")
        #expect(try FFprobe.streamEntry(out, "v", "height") == "182")
    }
}

@Suite("Transcoder metadata")
struct TranscoderMetadataTests {
    @Test("display rotation carries over")
    func rotationCarriesOver() throws {
        let input = try TestFixtures.generated("rotated_90.mp4")
        let dir = try TemporaryDirectory()
        let out = dir.path("rot.mp4")
        try Transcoder.transcode(input: input.path, output: out.path,
                                 options: Transcoder.Options(writer: VideoWriter.Options(threads: 1)))
        let rotation = try FFprobe.run([
            "-select_streams", "v:0", "-show_entries", "stream_side_data=rotation", "-of", "csv=p=0", out.path,
        ]).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(rotation == "90")
        #expect(try MediaInfo.probe(out.path).bestVideoStream?.rotation == 90)
    }

    @Test("VFR timestamps survive a transcode")
    func vfrTranscode() throws {
        let input = try TestFixtures.generated("vfr.mp4")
        let dir = try TemporaryDirectory()
        let out = dir.path("vfr-out.mp4")
        try Transcoder.transcode(input: input.path, output: out.path,
                                 options: Transcoder.Options(writer: VideoWriter.Options(threads: 1)))
        let tbIn = try FFprobe.timeBase(input, "v")
        let tbOut = try FFprobe.timeBase(out, "v")
        let a = try FFprobe.frameTimestamps(input).map { Double($0 * tbIn.0) / Double(tbIn.1) }
        let b = try FFprobe.frameTimestamps(out).map { Double($0 * tbOut.0) / Double(tbOut.1) }
        #expect(a.count == b.count)
        #expect(zip(a, b).allSatisfy { abs($0 - $1) < 1e-3 }, "\(a) vs \(b)")
    }

    @Test("pixel aspect ratio is written")
    func sampleAspectRatio() throws {
        let dir = try TemporaryDirectory()
        let out = dir.path("sar.mp4")
        let writer = try VideoWriter(path: out.path, width: 64, height: 48,
                                     options: VideoWriter.Options(threads: 1, sampleAspectRatio: Rational(4, 3)))
        for i in 0..<3 { try writer.write(try Frame(width: 64, height: 48, y: 90, time: MediaTime(value: Int64(i), timescale: 30))) }
        try writer.finish()
        #expect(try FFprobe.streamEntry(out, "v", "sample_aspect_ratio") == "4:3")
        #expect(try MediaInfo.probe(out.path).bestVideoStream?.sampleAspectRatio == Rational(4, 3))
    }
}
