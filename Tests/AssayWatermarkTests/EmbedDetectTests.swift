import AssayCore
import Testing
@testable import AssayWatermark

@Suite("Embed and detect on synthetic frames")
struct EmbedDetectTests {
    static let payload: UInt64 = 0x5EED_CAFE_F00D_0042

    static func marked(_ frames: [Frame], key: WatermarkKey, strength: Double = 1,
                       ssimLossBudget: Double? = nil) throws -> [Frame]
    {
        var embedder = try WatermarkEmbedder(key: key, payload: payload, strength: strength,
                                             ssimLossBudget: ssimLossBudget)
        return try frames.map { f in
            var m = f
            try embedder.embed(&m)
            return m
        }
    }

    @Test("marked frames: present, tiny p-value, payload exact; wrong key and unmarked: not present")
    func roundTrip() throws {
        let key = testKey(1)
        let frames = try syntheticFrames(width: 384, height: 288, count: 12)
        let marked = try Self.marked(frames, key: key)
        let analysis = try Self.analyse(marked)
        let ev = analysis.evidence(key: key)
        #expect(ev.present)
        #expect(ev.pValue < 1e-12)
        #expect(ev.payload == Self.payload)
        #expect(ev.keyFingerprint == key.fingerprint)
        #expect(ev.segments.count == 1)
        #expect(ev.segments.first?.payload == Self.payload)

        let wrong = analysis.evidence(key: testKey(2))
        #expect(!wrong.present)
        #expect(wrong.payload == nil)
        #expect(wrong.pValue > 1e-3)

        let unmarked = try Self.analyse(frames).evidence(key: key)
        #expect(!unmarked.present)
        #expect(unmarked.payload == nil)
        #expect(unmarked.pValue > 0.01)
    }

    @Test("quality: PSNR-Y at least 48 dB at the default strength; chroma untouched")
    func quality() throws {
        let frames = try syntheticFrames(width: 320, height: 240, count: 2)
        let marked = try Self.marked(frames, key: testKey(5))
        for (a, b) in zip(frames, marked) {
            let value = psnr(a.luma, b.luma)
            #expect(value >= 48)
            #expect(value < 70)  // something was embedded
            #expect(a.cb == b.cb && a.cr == b.cr)
        }
    }

    @Test("null sanity: 40 random keys on unmarked and other-key video are never called present")
    func nullKeys() throws {
        let frames = try syntheticFrames(width: 320, height: 256, count: 6, seed: 7)
        let otherMarked = try Self.marked(frames, key: testKey(99))
        for analysis in [try Self.analyse(frames), try Self.analyse(otherMarked)] {
            var maxZ = 0.0
            for k in 0..<20 {
                let key = testKey(1000 + UInt64(k))
                #expect(!analysis.evidence(key: key).present)
                maxZ = max(maxZ, analysis.diagnostics(key: key).map(\.z).max() ?? 0)
            }
            // Max of ~500k N(0,1)-bounded values: about 4.4 +- 0.3; the threshold is near 7.4.
            #expect(maxZ < 6.5)
            #expect(maxZ > 2.5)  // the statistic is alive
        }
    }

    @Test("horizontally flipped video is detected through the mirrored hypothesis")
    func mirrored() throws {
        let key = testKey(1)
        let marked = try Self.marked(try syntheticFrames(width: 320, height: 256, count: 6), key: key)
        let flipped = try marked.map { f -> Frame in
            var g = f
            for y in 0..<f.height {
                for x in 0..<f.width { g.luma.samples[y * f.width + x] = f.luma.samples[y * f.width + f.width - 1 - x] }
            }
            return try Frame(luma: g.luma, cb: g.cb, cr: g.cr, time: g.time, index: g.index)
        }
        let ev = try Self.analyse(flipped).evidence(key: key)
        #expect(ev.present)
    }

    static func analyse(_ frames: [Frame], configuration: WatermarkAnalyzer.Configuration = .init()) throws
        -> WatermarkAnalysis
    {
        var analyzer = try WatermarkAnalyzer(configuration: configuration)
        for f in frames { try analyzer.add(f) }
        return analyzer.finish()
    }
}

@Suite("Awkward input")
struct AwkwardInputTests {
    @Test("frames under 64 px or over 8192 px on a side are refused clearly by embedder and detector")
    func tiny() throws {
        var embedder = try WatermarkEmbedder(key: testKey(1), payload: 1)
        var frame = try Frame(width: 63, height: 200, y: 100)
        #expect(throws: WatermarkError.unsupportedFrame("")) { try embedder.embed(&frame) }
        var detector = try WatermarkDetector(key: testKey(1))
        #expect(throws: WatermarkError.unsupportedFrame("")) { try detector.add(try Frame(width: 200, height: 40)) }
        // Over 8K on a side: refused before any large allocation.
        var wide = try Frame(width: 8200, height: 64, y: 100)
        #expect(throws: WatermarkError.unsupportedFrame("")) { try embedder.embed(&wide) }
        #expect(throws: WatermarkError.unsupportedFrame("")) { try detector.add(wide) }
    }

    @Test("odd sizes embed and detect")
    func oddSize() throws {
        let key = testKey(4)
        let frames = try syntheticFrames(width: 333, height: 257, count: 8)
        let marked = try EmbedDetectTests.marked(frames, key: key)
        let ev = try EmbedDetectTests.analyse(marked).evidence(key: key)
        #expect(ev.present)
        #expect(ev.payload == EmbedDetectTests.payload)
    }

    @Test("4K: one UHD frame embeds (period 768 px) and is detected after downscaling to the 720-line grid")
    func uhd() throws {
        let key = testKey(12)
        // A coarse texture upsampled to 3840x2160 (cheap to build in a debug test).
        let small = try syntheticFrames(width: 480, height: 270, count: 1)[0]
        var frame = try Frame(width: 3840, height: 2160, y: 128)
        for y in 0..<2160 {
            for x in 0..<3840 { frame.luma.samples[y * 3840 + x] = small.luma.samples[(y / 8) * 480 + x / 8] }
        }
        let original = frame
        var embedder = try WatermarkEmbedder(key: key, payload: EmbedDetectTests.payload)
        try embedder.embed(&frame)
        #expect(psnr(original.luma, frame.luma) >= 48)
        let ev = try WatermarkDetector.detect([frame], key: key)
        #expect(ev.present)
        #expect(!(try WatermarkDetector.detect([original], key: key)).present)
    }

    @Test("a single frame: presence is detected (the payload needs a few frames on strong texture)")
    func singleFrame() throws {
        let key = testKey(6)
        let marked = try EmbedDetectTests.marked(try syntheticFrames(width: 320, height: 256, count: 1), key: key)
        let ev = try WatermarkDetector.detect(marked, key: key)
        #expect(ev.segments.count == 1)
        #expect(ev.present)
        #expect(ev.payload == nil || ev.payload == EmbedDetectTests.payload)
        #expect(!(try WatermarkDetector.detect(marked, key: testKey(16))).present)
    }

    @Test("black and flat grey frames: embedding runs and stays within a grey level; detection says not present")
    func blackAndGrey() throws {
        let key = testKey(7)
        var embedder = try WatermarkEmbedder(key: key, payload: 9)
        for value: UInt8 in [16, 128] {
            var frames: [Frame] = []
            for i in 0..<4 {
                var f = try Frame(width: 256, height: 192, y: value, time: MediaTime(seconds: Double(i) / 10))
                try embedder.embed(&f)
                #expect(f.luma.samples.allSatisfy { abs(Int($0) - Int(value)) <= 6 })
                frames.append(f)
            }
            let ev = try WatermarkDetector.detect(try (0..<4).map { i in
                try Frame(width: 256, height: 192, y: value, time: MediaTime(seconds: Double(i) / 10))
            }, key: key)
            #expect(!ev.present)
            #expect(ev.pValue > 0.01)
        }
    }

    @Test("variable frame rate: windows follow frame times, not indices")
    func variableFrameRate() throws {
        let key = testKey(8)
        var frames = try EmbedDetectTests.marked(try syntheticFrames(width: 320, height: 256, count: 10), key: key)
        // Irregular times spanning 5 s: 0, 0.1, 0.15, 0.9, 1.0, 2.2, 2.25, 3.5, 4.1, 4.9.
        let times = [0, 0.1, 0.15, 0.9, 1.0, 2.2, 2.25, 3.5, 4.1, 4.9]
        for i in 0..<frames.count { frames[i].time = MediaTime(seconds: times[i]) }
        let ev = try WatermarkDetector.detect(frames, key: key, configuration: .init(samplesPerSecond: 30))
        #expect(ev.segments.count == 3)
        #expect(ev.segments.map { $0.start.seconds } == [0, 2.2, 4.9])  // 4.1 falls in [2.2, 4.2)
        #expect(ev.present)
    }

    @Test("invalid options are refused")
    func options() throws {
        #expect(throws: WatermarkError.invalidOption("")) { try WatermarkEmbedder(key: testKey(1), payload: 1, strength: 0) }
        #expect(throws: WatermarkError.invalidOption("")) {
            try WatermarkDetector(key: testKey(1), falsePositiveRate: 2)
        }
        #expect(throws: WatermarkError.invalidOption("")) {
            try WatermarkAnalyzer(configuration: .init(windowDuration: -1))
        }
    }
}
