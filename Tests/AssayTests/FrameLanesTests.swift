import AssayClassifier
import AssayCore
import AssayTestSupport
import Foundation
import Testing

@testable import Assay

/// verify decodes once for every frame lane and lets the decoder skip unreferenced frames between the
/// classifier's runs; the runs themselves must still be consecutive frames.
@Suite struct FrameLanesTests {
    @Test func classifierRunsStayConsecutiveWhileOtherFramesAreSkipped() throws {
        let env = try LabelEnvironment.shared.get()
        let clip = env.output("bframes.mp4")
        // 10 s at 30 fps with x264's default B-frame pyramid: half the frames are unreferenced.
        try LabelEnvironment.ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30", "-t", "10",
                                     "-c:v", "libx264", "-preset", "medium", "-pix_fmt", "yuv420p", clip])
        let verifier = try Verifier(options: VerifyOptions(watermark: false, classifier: true, decodeSeconds: 10,
                                                           environment: env.environment))
        var lanes = FrameLanes(verifier: verifier, thumbnails: 0, decodeSeconds: 10, watermark: false)
        try lanes.decode(path: clip, threads: 2, duration: 10)
        let times = lanes.classifierFrames.map(\.time.seconds)
        let run = ArtifactClassifier.segmentLength
        #expect(times.count == run * ArtifactClassifier.maximumSegments)
        for start in stride(from: 0, to: times.count, by: run) {
            let gaps = zip(times[start..<min(start + run, times.count)].dropFirst(), times[start..<min(start + run, times.count)])
                .map { $0 - $1 }
            #expect(gaps.allSatisfy { abs($0 - 1.0 / 30) < 1e-3 }, "run at \(times[start]) s is not consecutive: \(gaps)")
        }
        // Between runs the decoder did skip frames: fewer frames came out than the 300 in the clip.
        #expect(lanes.decodedFrames < 280, "\(lanes.decodedFrames) frames decoded")
    }
}
