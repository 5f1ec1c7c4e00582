import AssayCore
import AssayTestSupport
import Foundation
import Testing
@testable import AssayWatermark

/// The intra-frame test (session 12, ``WatermarkAnalyzer/Configuration/intraFrameTest``, on by default since
/// session 13): each
/// window's first intra-coded frame is also read on its own, under the window's geometry hypotheses.
///
/// The clip stands in for what x264 does to a marked clip under heavy compression: after the I-frame, motion
/// compensation carries the mark along with the content, so later frames hold it at other shifts. Here the marked
/// Big Buck Bunny frames after the first are moved by seeded random whole-pixel shifts (cyclic, so the frame size
/// and the tile lattice stay), which smears the mark in the window mean; the first frame, flagged intra, is not moved.
@Suite("Watermark: the intra frame of each window read on its own")
struct IntraFrameTests {
    typealias Base = GeometrySearchTests

    /// `frame` moved by (dx, dy) pixels, cyclically (chroma by half, so dx and dy are even).
    static func shifted(_ frame: Frame, dx: Int, dy: Int) throws -> Frame {
        func move(_ p: Plane, _ dx: Int, _ dy: Int) throws -> Plane {
            var out = p.samples
            for y in 0..<p.height {
                let sy = ((y - dy) % p.height + p.height) % p.height
                for x in 0..<p.width { out[y * p.width + x] = p.samples[sy * p.width + ((x - dx) % p.width + p.width) % p.width] }
            }
            return try Plane(width: p.width, height: p.height, samples: out)
        }
        var f = try Frame(luma: try move(frame.luma, dx, dy), cb: try move(frame.cb, dx / 2, dy / 2),
                          cr: try move(frame.cr, dx / 2, dy / 2), time: frame.time, duration: frame.duration,
                          index: frame.index)
        f.isIntra = frame.isIntra
        return f
    }

    /// The marked segment with every frame after the first moved at random (seeded); the first is flagged intra.
    static let jittered: Result<[Frame], Error> = Result {
        let (_, marked) = try Base.clips.get()
        var rng = SeededGenerator(seed: 12)
        var frames: [Frame] = []
        for (i, frame) in marked.enumerated() {
            if i == 0 {
                var f = frame
                f.isIntra = true
                frames.append(f)
            } else {
                let dx = Int(rng.next() % 65) * 2 - 64, dy = Int(rng.next() % 65) * 2 - 64
                frames.append(try shifted(frame, dx: dx, dy: dy))
            }
        }
        return frames
    }

    static func analyse(_ frames: [Frame], intra: Bool) throws -> WatermarkAnalysis {
        var configuration = WatermarkAnalyzer.Configuration()
        configuration.intraFrameTest = intra
        var analyzer = try WatermarkAnalyzer(configuration: configuration)
        for frame in frames { try analyzer.add(frame) }
        return analyzer.finish()
    }

    @Test("a mark smeared in the window mean is read from the intra frame, and only with the intra test",
          .enabled(if: Base.ffmpeg != nil))
    func smearedWindowIsReadFromItsIntraFrame() throws {
        let frames = try Self.jittered.get()
        let off = try Self.analyse(frames, intra: false)
        let offEvidence = off.evidence(key: Base.key)
        #expect(!offEvidence.present)
        #expect(offEvidence.payload == nil)

        let on = try Self.analyse(frames, intra: true)
        let evidence = on.evidence(key: Base.key)
        #expect(evidence.present)
        #expect(evidence.payload == Base.contentID.watermarkPayload)
        let window = try #require(on.diagnostics(key: Base.key).first)
        #expect((GeometryHypothesis.intraSlotOffset..<(GeometryHypothesis.intraSlotOffset + 8)).contains(window.slot))
        // The window mean's own slots score as they do without the test (the mean is unchanged).
        let offWindow = try #require(off.diagnostics(key: Base.key).first)
        #expect(window.z > offWindow.z + 5)
        // Other keys: not present, with the 8 extra slots paid for.
        for seed in UInt64(200)..<220 { #expect(!on.evidence(key: testKey(seed)).present) }
    }

    @Test("an intra frame between samples is taken for its own test and leaves the window mean as it was",
          .enabled(if: Base.ffmpeg != nil))
    func offScheduleIntraFrame() throws {
        let (_, marked) = try Base.clips.get()
        // 30 frames/s timing: the analyzer samples every second frame; frame 3 is off its schedule.
        var frames = marked.prefix(20).enumerated().map { i, f in
            var g = f
            g.time = MediaTime(seconds: Double(i) / 30)
            return g
        }
        var on = WatermarkAnalyzer.Configuration()
        on.intraFrameTest = true
        var analyzer = try WatermarkAnalyzer(configuration: on)
        var plain = try WatermarkAnalyzer(configuration: on)
        var taken: [Int] = []
        frames[3].isIntra = true
        frames[9].isIntra = true  // a second intra frame in the same window is not taken
        for (i, f) in frames.enumerated() {
            if analyzer.wants(f) { taken.append(i) }
            try analyzer.add(f)
            var g = f
            g.isIntra = false
            try plain.add(g)
        }
        #expect(taken == [0, 2, 3, 4, 6, 8, 10, 12, 14, 16, 18])
        let a = analyzer.finish(), b = plain.finish()
        let mean = a.windows[0].spectra.filter { !$0.hypothesis.isIntra }
        #expect(mean.count == b.windows[0].spectra.count)
        for (x, y) in zip(mean, b.windows[0].spectra) {
            #expect(x.hypothesis == y.hypothesis && x.re == y.re && x.im == y.im)
        }
        let intra = a.windows[0].spectra.filter { $0.hypothesis.isIntra }
        #expect(intra.count == mean.count)
        #expect(intra.map { $0.hypothesis.slot - GeometryHypothesis.intraSlotOffset } == mean.map(\.hypothesis.slot))
        // Frames from a generator (never flagged) get no intra test.
        #expect(!b.windows[0].spectra.contains { $0.hypothesis.isIntra })
    }

    @Test("Bonferroni: 16 slots per window with the intra test (the default), whether or not a window had an intra frame; 8 without")
    func slotsAndThresholds() throws {
        #expect(WatermarkAnalyzer.Configuration().intraFrameTest)  // on by default since session 13
        #expect(try WatermarkAnalyzer().closedWindows().windowSlots == 16)
        var off = WatermarkAnalyzer.Configuration()
        off.intraFrameTest = false
        #expect(try WatermarkAnalyzer(configuration: off).closedWindows().windowSlots == 8)
        #expect(KeyScorer.clipHypotheses(windows: 2, windowSlots: 16, pooledSlots: 20) == 65_536 * 52)
        #expect(KeyScorer.hypothesesPerWindow(windowSlots: 16) == 65_536 * 16)
        // Presence thresholds at 1e-6 for 3 s, 6 s and 10 s clips (2, 3 and 5 windows).
        for (windows, expected) in [(2, 7.60), (3, 7.63), (5, 7.68)] {
            let z = (2 * log(KeyScorer.clipHypotheses(windows: windows, windowSlots: 16, pooledSlots: 20) / 1e-6))
                .squareRoot()
            #expect(abs(z - expected) < 0.005, "\(windows) windows: z \(z)")
        }
    }
}
