import AssayCore
import AssayMedia
import AssayTestSupport
import Foundation
import Testing

@Suite("VideoWriter")
struct VideoWriterTests {
    /// Frame `i` of a synthetic clip: flat luma `30 + 6 i`, a horizontal ramp in the top 8 rows, neutral chroma.
    static func synthetic(_ i: Int, width: Int, height: Int, fps: Int = 30) throws -> Frame {
        var f = try Frame(
            width: width,
            height: height,
            y: UInt8(30 + 6 * i),
            time: MediaTime(value: Int64(i), timescale: Int32(fps)),
            index: i
        )
        for y in 0..<min(8, height) {
            for x in 0..<width { f.luma[x, y] = UInt8(16 + (x * 200) / max(width - 1, 1)) }
        }
        return f
    }

    private func decodeAll(_ url: URL) throws -> [Frame] {
        let reader = try VideoReader(path: url.path)
        var frames: [Frame] = []
        while let f = try reader.nextFrame() { frames.append(f) }
        return frames
    }

    /// Mean of the luma rows below the ramp.
    private func bodyMean(_ f: Frame) -> Double {
        var total = 0
        var n = 0
        for y in 8..<f.height {
            for x in 0..<f.width {
                total += Int(f.luma[x, y])
                n += 1
            }
        }
        return Double(total) / Double(n)
    }

    @Test("round trip: 30 frames with a known luma pattern decode back with size, count, times and mean luma")
    func roundTrip() throws {
        let dir = try TemporaryDirectory()
        let out = dir.path("round.mp4")
        let writer = try VideoWriter(
            path: out.path,
            width: 160,
            height: 120,
            options: VideoWriter.Options(crf: 18, threads: 1, gopSize: 10)
        )
        for i in 0..<30 { try writer.write(try Self.synthetic(i, width: 160, height: 120)) }
        try writer.finish()
        #expect(writer.framesWritten == 30)
        #expect(writer.packetsWritten == 30)  // the flush delivered every delayed packet
        let frames = try decodeAll(out)
        #expect(frames.count == 30)
        #expect(try FFprobe.countFrames(out) == 30)
        for (i, f) in frames.enumerated() {
            #expect(f.width == 160 && f.height == 120)
            #expect(abs(f.time.seconds - Double(i) / 30) < 1e-6, "frame \(i) at \(f.time)")
            #expect(abs(bodyMean(f) - Double(30 + 6 * i)) < 2, "frame \(i) mean \(bodyMean(f))")
            #expect(abs(Double(f.luma[150, 2]) - Double(16 + 150 * 200 / 159)) < 8)
        }
        #expect(try FFprobe.streamEntry(out, "v", "codec_name") == "h264")
        #expect(try FFprobe.streamEntry(out, "v", "pix_fmt") == "yuv420p")
    }

    @Test("frames without increasing times get times at the nominal frame rate (generator use)")
    func generatorTimes() throws {
        let dir = try TemporaryDirectory()
        let out = dir.path("gen.mp4")
        let writer = try VideoWriter(
            path: out.path,
            width: 64,
            height: 64,
            options: VideoWriter.Options(threads: 1, frameRate: Rational(25, 1))
        )
        for _ in 0..<10 { try writer.write(try Frame(width: 64, height: 64, y: 100)) }  // all at time zero
        try writer.finish()
        let frames = try decodeAll(out)
        #expect(frames.map { ($0.time.seconds * 25).rounded() } == (0..<10).map(Double.init))
    }

    @Test("odd sizes are padded by one pixel, repeating the last column and row")
    func oddSizePadding() throws {
        let dir = try TemporaryDirectory()
        let out = dir.path("odd.mp4")
        let writer = try VideoWriter(
            path: out.path,
            width: 161,
            height: 121,
            options: VideoWriter.Options(crf: 10, threads: 1)
        )
        #expect(writer.encodedWidth == 162 && writer.encodedHeight == 122)
        for i in 0..<5 {
            var f = try Frame(width: 161, height: 121, y: 60, time: MediaTime(value: Int64(i), timescale: 30))
            for y in 0..<121 { f.luma[160, y] = 220 }  // bright last column
            for x in 0..<161 { f.luma[x, 120] = 200 }  // bright last row (overwrites the corner)
            try writer.write(f)
        }
        try writer.finish()
        let frames = try decodeAll(out)
        let f = try #require(frames.first)
        #expect(frames.count == 5)
        #expect(f.width == 162 && f.height == 122)
        #expect(abs(Int(f.luma[161, 50]) - 220) < 12)  // padded column repeats the last column
        #expect(abs(Int(f.luma[80, 121]) - 200) < 12)  // padded row repeats the last row
        #expect(abs(Int(f.luma[80, 50]) - 60) < 6)
    }

    @Test("faststart puts moov before mdat; without it moov follows mdat")
    func faststartBoxOrder() throws {
        let dir = try TemporaryDirectory()
        for faststart in [true, false] {
            let out = dir.path("fs-\(faststart).mp4")
            let writer = try VideoWriter(
                path: out.path,
                width: 64,
                height: 48,
                options: VideoWriter.Options(threads: 1, faststart: faststart)
            )
            for i in 0..<5 { try writer.write(try Self.synthetic(i, width: 64, height: 48)) }
            try writer.finish()
            let boxes = try topLevelBoxTypes(out)
            let moov = try #require(boxes.firstIndex(of: "moov"))
            let mdat = try #require(boxes.firstIndex(of: "mdat"))
            #expect(boxes.first == "ftyp")
            if faststart {
                #expect(moov == 1 && moov < mdat, "\(boxes)")
            } else {
                #expect(mdat < moov, "\(boxes)")
            }
        }
    }

    @Test("MOV container from the extension")
    func movContainer() throws {
        let dir = try TemporaryDirectory()
        let out = dir.path("clip.mov")
        let writer = try VideoWriter(path: out.path, width: 64, height: 48, options: VideoWriter.Options(threads: 1))
        for i in 0..<3 { try writer.write(try Self.synthetic(i, width: 64, height: 48)) }
        try writer.finish()
        let info = try MediaInfo.probe(out.path)
        #expect(info.formatName.contains("mov"))
        let brand = try FFprobe.run(["-show_entries", "format_tags=major_brand", "-of", "csv=p=0", out.path])
        #expect(brand.contains("qt"))
    }

    @Test("x264 options reach the encoder (GOP, tune, x264-params)")
    func encoderOptions() throws {
        let dir = try TemporaryDirectory()
        let out = dir.path("gop.mp4")
        let options = VideoWriter.Options(
            crf: 30,
            preset: "ultrafast",
            tune: "zerolatency",
            threads: 1,
            gopSize: 5,
            x264Params: "bframes=0"
        )
        let writer = try VideoWriter(path: out.path, width: 64, height: 48, options: options)
        for i in 0..<20 { try writer.write(try Self.synthetic(i, width: 64, height: 48)) }
        try writer.finish()
        let keys = try FFprobe.frameTimestamps(out, keyframesOnly: true)
        #expect(keys.count == 4)  // frames 0, 5, 10, 15
        #expect(try FFprobe.streamEntry(out, "v", "has_b_frames") == "0")
        #expect(throws: MediaError.invalidArgument("")) {
            try VideoWriter(
                path: dir.path("bad.mp4").path,
                width: 64,
                height: 48,
                options: VideoWriter.Options(crf: 99)
            )
        }
        #expect(throws: MediaError.encodeFailed("", location: nil)) {
            try VideoWriter(
                path: dir.path("bad.mp4").path,
                width: 64,
                height: 48,
                options: VideoWriter.Options(preset: "no-such-preset")
            )
        }
        #expect(folderContents(dir.url).sorted() == ["gop.mp4"])
    }

    @Test("abandoning a writer leaves no file and no temp file")
    func abandonment() throws {
        let dir = try TemporaryDirectory()
        let out = dir.path("dropped.mp4")
        do {
            let writer = try VideoWriter(
                path: out.path,
                width: 64,
                height: 48,
                options: VideoWriter.Options(threads: 1)
            )
            for i in 0..<5 { try writer.write(try Self.synthetic(i, width: 64, height: 48)) }
            #expect(folderContents(dir.url).count == 1)  // the temp file exists while writing
            #expect(!fileExists(out))
        }
        #expect(!fileExists(out))
        #expect(folderContents(dir.url).isEmpty)
    }

    @Test("an error mid-way cancels the writer: no file, existing destination untouched")
    func errorLeavesNoFile() throws {
        let dir = try TemporaryDirectory()
        let out = dir.path("existing.mp4")
        try Data("old contents".utf8).write(to: out)
        let writer = try VideoWriter(path: out.path, width: 64, height: 48, options: VideoWriter.Options(threads: 1))
        try writer.write(try Self.synthetic(0, width: 64, height: 48))
        #expect(throws: MediaError.invalidArgument("")) { try writer.write(try Frame(width: 32, height: 32)) }
        #expect(throws: MediaError.invalidArgument("")) { try writer.finish() }
        #expect(try String(contentsOf: out, encoding: .utf8) == "old contents")
        #expect(folderContents(dir.url) == ["existing.mp4"])
        // Explicit cancel behaves the same.
        let second = try VideoWriter(path: out.path, width: 64, height: 48, options: VideoWriter.Options(threads: 1))
        try second.write(try Self.synthetic(0, width: 64, height: 48))
        second.cancel()
        #expect(try String(contentsOf: out, encoding: .utf8) == "old contents")
        #expect(folderContents(dir.url) == ["existing.mp4"])
    }

    @Test("destination in a missing folder is a typed error")
    func missingFolder() throws {
        let dir = try TemporaryDirectory()
        let out = dir.path("no/such/folder/out.mp4")
        #expect(throws: MediaError.ioFailure("", location: nil)) {
            try VideoWriter(path: out.path, width: 64, height: 48)
        }
        #expect(folderContents(dir.url).isEmpty)
    }

    @Test("invalid sizes are typed errors")
    func invalidSizes() throws {
        let dir = try TemporaryDirectory()
        for (w, h) in [(0, 10), (10, 0), (20_000, 10)] {
            #expect(throws: MediaError.invalidArgument("")) {
                try VideoWriter(path: dir.path("x.mp4").path, width: w, height: h)
            }
        }
        #expect(folderContents(dir.url).isEmpty)
    }
}
