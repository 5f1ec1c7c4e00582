import AssayCore
import AssayWatermark
import Foundation

/// Embed throughput at 720p, 1080p and 4K, the CPU of one SSIM-Y (label's quality report), and detector CPU time for a 10 s 1080p clip; with `ssimLossBudget`, the
/// embedder runs with the SSIM cap.
func speedBenchmark(frames: Int, source: String, ssimLossBudget: Double? = nil) throws {
    let key = benchKey(1)
    for (w, h) in [(1280, 720), (1920, 1080), (3840, 2160)] {
        // Natural-looking content: a real clip scaled by ffmpeg if given, else a synthetic texture.
        var base: [Frame] = []
        if !source.isEmpty {
            let tmp = NSTemporaryDirectory() + "wm-speed-\(h).mp4"
            _ = try VideoIO.run("/usr/bin/ffmpeg", ["-v", "error", "-y", "-i", source, "-vf", "scale=\(w):\(h)",
                                                    "-frames:v", "30", "-c:v", "libx264", "-crf", "18", tmp])
            _ = try VideoIO.decode(tmp) { base.append($0); return true }
        }
        if base.isEmpty {
            var rng = SplitMix64(seed: 5)
            var f = try Frame(width: w, height: h, y: 128)
            for i in 0..<(w * h) { f.luma.samples[i] = UInt8(truncatingIfNeeded: 64 + Int(rng.next() % 128)) }
            base = [f]
        }
        var embedder = try WatermarkEmbedder(key: key, payload: 42, ssimLossBudget: ssimLossBudget)
        var warm = base[0]
        try embedder.embed(&warm)  // pattern precompute
        var total = 0.0
        var cpu = 0.0
        for i in 0..<frames {
            var f = base[i % base.count]
            f.luma.samples[0] ^= 1  // force the copy outside the timed region
            let t0 = now(), c0 = cpuTime()
            try embedder.embed(&f)
            total += now() - t0
            cpu += cpuTime() - c0
        }
        print(String(format: "| embed %dx%d | %.1f frames/s wall | %.2f ms/frame wall | %.2f ms/frame CPU (both threads) | %.0f frames/s if 2 idle cores |",
                     w, h, Double(frames) / total, 1000 * total / Double(frames), 1000 * cpu / Double(frames),
                     2 * Double(frames) / cpu))
        // One SSIM-Y of a marked frame against its original: what `assay label`'s quality report costs per measured
        // frame (one every 2 s of video).
        var marked = base[0]
        try embedder.embed(&marked)
        let repeats = 3
        let c1 = cpuTime()
        var ssim = 0.0
        for _ in 0..<repeats { ssim += StructuralSimilarity.mean(base[0].luma, marked.luma) }
        let ssimCPU = (cpuTime() - c1) / Double(repeats)
        print(String(format: "| SSIM-Y %dx%d (label's quality report, one frame per 2 s) | %.1f ms CPU per frame | SSIM-Y %.5f |",
                     w, h, 1000 * ssimCPU, ssim / Double(repeats)))
        if h == 1080 {
            // Detection over 10 s at 30 fps; the detector samples frames itself.
            var detector = try WatermarkDetector(key: key)
            var frames: [Frame] = []
            for i in 0..<300 {
                var f = base[i % base.count]
                f.time = MediaTime(seconds: Double(i) / 30)
                if detector.wantsFrame(at: f.time) { try embedder.embed(&f) }
                frames.append(f)
            }
            let t1 = cpuTime()
            var kept = 0
            for f in frames where detector.wantsFrame(at: f.time) {
                try detector.add(f)
                kept += 1
            }
            let t2 = cpuTime()
            let ev = detector.finish()
            let t3 = cpuTime()
            print(String(format: "| detect 10 s 1080p30 (%d frames sampled, %d windows) | accumulate %.3f s + analyse/score %.3f s = %.3f s CPU | present=%@ |",
                         kept, ev.segments.count, t2 - t1, t3 - t2, t3 - t1, ev.present ? "yes" : "no"))
        }
    }
}
