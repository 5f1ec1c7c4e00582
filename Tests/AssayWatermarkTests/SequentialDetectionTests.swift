import AssayCore
import Testing
@testable import AssayWatermark

/// The sequential early decision (``WatermarkDetector/settledEvidence(plannedWindows:)``): it may stop at the
/// first window that shows the payload, but it pays for every planned window in the p-value, and it never
/// settles on unmarked or other-key video.
@Suite("Sequential detection")
struct SequentialDetectionTests {
    /// 5.5 s of frames at 4 fps: windows [0, 2), [2, 4), [4, 5.5].
    static func frames(seed: UInt64 = 3) throws -> [Frame] {
        try syntheticFrames(width: 320, height: 256, count: 22, fps: 4, seed: seed)
    }

    /// Feeds `frames` and returns the first settled evidence with the index of the frame that settled it.
    static func firstSettled(_ frames: [Frame], key: WatermarkKey, planned: Int) throws
        -> (evidence: WatermarkEvidence, frame: Int)?
    {
        var detector = try WatermarkDetector(key: key, configuration: .init(samplesPerSecond: 4))
        for (i, f) in frames.enumerated() {
            try detector.add(f)
            if let e = detector.settledEvidence(plannedWindows: planned) { return (e, i) }
        }
        return nil
    }

    @Test("marked video settles when the first window closes, with its payload and the planned windows paid for")
    func settlesEarly() throws {
        let key = testKey(11)
        let marked = try EmbedDetectTests.marked(try Self.frames(), key: key)
        let settled = try #require(try Self.firstSettled(marked, key: key, planned: 3))
        // The first window closes when the frame at t = 2 s (index 8) arrives.
        #expect(settled.frame == 8)
        #expect(settled.evidence.present)
        #expect(settled.evidence.payload == EmbedDetectTests.payload)
        #expect(settled.evidence.segments.count == 1)
        // The same window scored alone, without the pooled test, pays for its 16 slots; the sequential read pays
        // for 16 slots in each of the three planned windows and for the 20 pooled slots a full read would test (5
        // before session 6 made the extended geometry search the default, 16 before session 11's large crops; 8
        // slots per window before session 13 made the intra-frame test the default, when the ratio was 44 / 8).
        let alone = try EmbedDetectTests.analyse(Array(marked.prefix(8)),
                                                 configuration: .init(samplesPerSecond: 4, geometrySearch: false))
            .evidence(key: key)
        #expect(alone.pValue > 0)
        #expect(abs(settled.evidence.pValue / alone.pValue - 68.0 / 16) < 1e-9 || settled.evidence.pValue == 1)
    }

    @Test("unmarked and other-key video never settle; the full read still works after the checks")
    func neverSettlesOnNull() throws {
        let frames = try Self.frames(seed: 5)
        let other = try EmbedDetectTests.marked(frames, key: testKey(12))
        for video in [frames, other] {
            #expect(try Self.firstSettled(video, key: testKey(13), planned: 3) == nil)
        }
        var detector = try WatermarkDetector(key: testKey(12), configuration: .init(samplesPerSecond: 4))
        for f in other {
            try detector.add(f)
            _ = detector.settledEvidence(plannedWindows: 3)
        }
        let full = detector.finish()
        #expect(full.present)
        #expect(full.segments.count == 3)
    }
}
