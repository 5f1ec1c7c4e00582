import AssayCore
import AssayMedia
import AssayTestSupport
import Foundation
import Testing

@Suite("Hostile input")
struct HostileInputTests {
    /// Opens with probe and with a reader that decodes everything; returns the error if any, and checks the time.
    private func attempt(_ url: URL) -> (error: Error?, seconds: Double) {
        let start = Date()
        var caught: Error?
        do {
            _ = try MediaInfo.probe(url.path)
            let reader = try VideoReader(path: url.path, options: VideoReader.Options(timeoutSeconds: 10))
            while try reader.nextFrame() != nil {}
        } catch {
            caught = error
        }
        return (caught, Date().timeIntervalSince(start))
    }

    private func expectTypedError(_ url: URL, _ code: MediaError.Code? = nil) {
        let (error, seconds) = attempt(url)
        #expect(seconds < 10, "\(url.lastPathComponent) took \(seconds) s")
        guard let media = error as? MediaError else {
            Issue.record("\(url.lastPathComponent): expected a MediaError, got \(String(describing: error))")
            return
        }
        #expect(media.location?.path == url.path, "error names the file: \(media)")
        if let code { #expect(media.code == code, "\(media)") }
    }

    @Test("zero-length file")
    func zeroLength() throws {
        let dir = try TemporaryDirectory()
        expectTypedError(try dir.write("empty.mp4", []), .openFailed)
    }

    @Test("missing file")
    func missing() throws {
        let dir = try TemporaryDirectory()
        expectTypedError(dir.path("nope.mp4"), .openFailed)
    }

    @Test("random bytes", arguments: [1, 2, 3, 4])
    func randomBytes(seed: UInt64) throws {
        var rng = SplitMix(seed: seed)
        let bytes = (0..<65_536).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        let dir = try TemporaryDirectory()
        expectTypedError(try dir.write("random.mp4", bytes))
    }

    @Test("a text file")
    func textFile() throws {
        let dir = try TemporaryDirectory()
        let text = Array(String(repeating: "This is not a video, just words.\n", count: 200).utf8)
        expectTypedError(try dir.write("notes.mp4", text), .openFailed)
    }

    @Test("a playlist naming other files is not followed")
    func playlist() throws {
        let dir = try TemporaryDirectory()
        let clip = try TestFixtures.generated("h264_aac.mp4").path
        let m3u8 = "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\n\(clip)\n#EXT-X-ENDLIST\n"
        expectTypedError(try dir.write("list.m3u8", Array(m3u8.utf8)), .openFailed)
        let concat = "ffconcat version 1.0\nfile '\(clip)'\n"
        expectTypedError(try dir.write("list.ffconcat", Array(concat.utf8)), .openFailed)
    }

    @Test("audio-only m4a is noVideoStream")
    func audioOnly() throws {
        let url = try TestFixtures.generated("audio_only.m4a")
        expectTypedError(url, .noVideoStream)
        #expect(throws: MediaError.noVideoStream("", location: nil)) { try VideoReader(path: url.path) }
    }

    @Test(
        "truncated MP4 (moov at the end) is openFailed at every cut",
        arguments: [0.01, 0.25, 0.5, 0.9, 0.99]
    )
    func truncatedMoovLast(fraction: Double) throws {
        let data = try Data(contentsOf: try TestFixtures.generated("h264_aac.mp4"))
        let dir = try TemporaryDirectory()
        let url = try dir.write("cut.mp4", Array(data.prefix(Int(Double(data.count) * fraction))))
        expectTypedError(url, .openFailed)
    }

    @Test(
        "truncated faststart MP4 gives fewer frames or a typed error, never a crash or hang",
        arguments: [0.002, 0.01, 0.3, 0.6, 0.95]
    )
    func truncatedFaststart(fraction: Double) throws {
        let original = try TestFixtures.generated("h264_faststart.mp4")
        let full = try FFprobe.countFrames(original)
        let data = try Data(contentsOf: original)
        let dir = try TemporaryDirectory()
        let url = try dir.write("cut.mp4", Array(data.prefix(Int(Double(data.count) * fraction))))
        let start = Date()
        var frames = 0
        do {
            let reader = try VideoReader(path: url.path)
            while try reader.nextFrame() != nil { frames += 1 }
            #expect(frames < full)
        } catch {
            #expect(error.location?.path == url.path)
        }
        #expect(Date().timeIntervalSince(start) < 10)
    }

    @Test("corrupted payload bytes in the middle of mdat decode without crashing")
    func corruptedPayload() throws {
        var data = Array(try Data(contentsOf: try TestFixtures.generated("h264_faststart.mp4")))
        var rng = SplitMix(seed: 7)
        let from = data.count / 3
        for i in stride(from: from, to: from + 20_000, by: 7) { data[i] = UInt8(truncatingIfNeeded: rng.next()) }
        let dir = try TemporaryDirectory()
        let url = try dir.write("corrupt.mp4", data)
        let (error, seconds) = attempt(url)
        #expect(seconds < 10)
        if let error { #expect(error is MediaError) }
    }

    @Test("the input file is never modified")
    func inputUntouched() throws {
        let url = try TestFixtures.generated("h264_aac.mp4")
        let before = try Data(contentsOf: url)
        let reader = try VideoReader(path: url.path)
        while try reader.nextFrame() != nil {}
        _ = try MediaInfo.probe(url.path)
        #expect(try Data(contentsOf: url) == before)
    }
}

/// A small deterministic generator for test bytes.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("MediaLog")
struct MediaLogTests {
    /// Collects log lines (the handler runs on FFmpeg's threads).
    final class Collector: @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [String] = []
        func add(_ line: String) { lock.withLock { lines.append(line) } }
        var all: [String] { lock.withLock { lines } }
    }

    @Test("FFmpeg messages go to the installed handler")
    func handlerReceivesMessages() throws {
        let collector = Collector()
        MediaLog.handler = { _, line in collector.add(line) }
        defer { MediaLog.handler = nil }
        let dir = try TemporaryDirectory()
        let data = try Data(contentsOf: try TestFixtures.generated("h264_aac.mp4"))
        let url = try dir.write("cut.mp4", Array(data.prefix(data.count / 2)))
        #expect(throws: MediaError.openFailed("", location: nil)) { try MediaInfo.probe(url.path) }
        #expect(collector.all.contains { $0.contains("moov atom not found") }, "\(collector.all)")
        #expect(MediaLog.level == .error)
    }
}

@Suite("Deadlines")
struct DeadlineTests {
    @Test("a deadline that has passed stops opening with timedOut (the interrupt callback works)")
    func openDeadline() throws {
        let url = try TestFixtures.generated("h264_aac.mp4")
        #expect(throws: MediaError.timedOut("", location: nil)) {
            try VideoReader(path: url.path, options: VideoReader.Options(timeoutSeconds: 0))
        }
        #expect(throws: MediaError.timedOut("", location: nil)) {
            try MediaInfo.probe(url.path, timeoutSeconds: 0)
        }
        // Nonsense deadlines do not trap; they fall back to the default or clamp.
        #expect(try MediaInfo.probe(url.path, timeoutSeconds: .nan).bestVideoStream != nil)
        #expect(try MediaInfo.probe(url.path, timeoutSeconds: .infinity).bestVideoStream != nil)
        #expect(throws: MediaError.timedOut("", location: nil)) { try MediaInfo.probe(url.path, timeoutSeconds: -5) }
        #expect(try VideoReader(path: url.path, options: VideoReader.Options(timeoutSeconds: 30)).nextFrame() != nil)
    }
}
