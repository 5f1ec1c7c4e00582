import AssayCore
import AssayWatermark
import Foundation

// wm-bench: benchmark harness for AssayWatermark (release build; see Benchmarks/watermark/README.md).
//   wm-bench embed IN OUT [--key S] [--payload S] [--strength X] [--crf N] [--crops PREFIX] [--frames N] [--allow-small]
//                 [--ssim-budget B]   SSIM cap (B = 0.0045 is label's --ssim-cap)
//   wm-bench detect FILE... [--key S] [--payload S] [--no-search] [--no-extended-search] [--no-large-crop-search] [--no-intra-test] [--intra-frames I,J] [--no-normalization] [--list N] [--list-unconfirmed] [--allow-small]
//                                                              one JSON line per file
//   (--allow-small: mark / analyse frames under WatermarkEmbedder.minimumReadablePixels, for small_sizes.sh;
//    --no-extended-search: session 4's geometry search, the default before session 6; --no-large-crop-search:
//    sessions 6-10's extended search (no scales past 1.357); --no-intra-test: without session 12's per-window intra-frame
//    test (on by default since session 13; frame types from ffprobe); --no-normalization: the
//    residual without session 7's local normalisation; FILE may be a .y4m)
//   (detect --match-decoys N: for a present file without a payload, session 9's repository match against N random
//    decoy payloads with and without the embedded one; default 10000)
//   wm-bench codec [--trials N] [--sigma X]                  payload decode CPU and CRC pass rate per list size
//   wm-bench match-null [--pairs N] [--ids N] [--key S] FILE...   tail of the repository-match statistic for random
//                                                              payloads against exp(-172 x^2 / 2) (session 9)
//   wm-bench fp FILE... [--keys N] [--key-base S] [--no-extended-search] [--no-large-crop-search] [--no-intra-test] [--no-normalization]      wrong/random-key false positives
//   wm-bench speed [--frames N] [--ssim-budget B]            embed fps at 720p/1080p, detect time 10 s 1080p

var args = Array(CommandLine.arguments.dropFirst())
@MainActor func option(_ name: String, _ fallback: String) -> String {
    if let i = args.firstIndex(of: name), i + 1 < args.count {
        let v = args[i + 1]
        args.removeSubrange(i...(i + 1))
        return v
    }
    return fallback
}

/// Whether the flag `name` was given; removes it, and any of the accepted-but-ignored `aliases`, from `args`.
@MainActor func flag(_ name: String, ignoring aliases: [String] = []) -> Bool {
    let given = args.contains(name)
    args.removeAll { $0 == name || aliases.contains($0) }
    return given
}

/// The intra-frame test is the library's default since session 13: `--no-intra-test` turns it off (session 11's
/// detector), `--intra-test` (session 12's opt-in) is still accepted and changes nothing.
@MainActor func intraTestOption() -> Bool {
    !flag("--no-intra-test", ignoring: ["--intra-test"])
}

/// `--intra-frames 0,60`: these frame indices are intra, instead of ffprobe's picture types (session 13: a `.y4m`
/// under callgrind, which cannot run ffprobe); nil when not given.
@MainActor func intraFramesOption() -> Set<Int>? {
    let list = option("--intra-frames", "")
    return list.isEmpty ? nil : Set(list.split(separator: ",").compactMap { Int($0) })
}

/// The extended geometry search is the library's default since session 6: `--no-extended-search` turns it off
/// (session 4's search), `--extended-search` (session 5's opt-in) is still accepted and changes nothing.
@MainActor func extendedSearchOption() -> Bool {
    !flag("--no-extended-search", ignoring: ["--extended-search"])
}

/// The residual's local normalisation is the library's default since session 7: `--no-normalization` turns it off
/// (session 6's detector).
@MainActor func normalizationOption() -> Bool {
    !flag("--no-normalization")
}

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

func cpuTime() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

let allowSmall = flag("--allow-small")

guard let command = args.first else {
    print("usage: wm-bench embed|detect|fp|speed ...")
    exit(2)
}
args.removeFirst()

do {
    switch command {
    case "embed":
        let keySeed = UInt64(option("--key", "1"))!
        let payload = benchPayload(UInt64(option("--payload", "1"))!)
        let strength = Double(option("--strength", "1"))!
        let crf = Int(option("--crf", "12"))!
        let crops = option("--crops", "")
        let maxFrames = Int(option("--frames", "0"))!
        let (input, output) = (args[0], args[1])
        let info = try VideoIO.probe(input)
        let budget = option("--ssim-budget", "")
        var embedder = try WatermarkEmbedder(key: benchKey(keySeed), payload: payload, strength: strength,
                                             ssimLossBudget: budget.isEmpty ? nil : Double(budget)!)
        embedder.allowsUnreadableFrames = allowSmall
        let encoder = try VideoIO.Encoder(path: output, width: info.width, height: info.height, fps: info.fps, crf: crf)
        var meter = MarkQualityMeter()
        var embedTime = 0.0
        var n = 0
        _ = try VideoIO.decode(input, maxFrames: maxFrames > 0 ? maxFrames : nil) { frame in
            var marked = frame
            let t0 = now()
            try embedder.embed(&marked)
            embedTime += now() - t0
            meter.add(original: frame.luma, marked: marked.luma, measuresSSIM: n % 15 == 0)
            if !crops.isEmpty && n == 30 { saveFlatCrops(original: frame.luma, marked: marked.luma, prefix: crops) }
            encoder.write(marked)
            n += 1
            return true
        }
        encoder.finish()
        print(String(format: "{\"file\":\"%@\",\"frames\":%d,\"psnr_y\":%.2f,\"ssim_y\":%.5f,\"max_abs\":%d,\"embed_fps\":%.1f}",
                     (input as NSString).lastPathComponent, n, meter.psnr, meter.ssimMean, meter.maxAbs,
                     Double(n) / max(embedTime, 1e-9)))
    case "detect":
        let key = benchKey(UInt64(option("--key", "1"))!)
        let payload = benchPayload(UInt64(option("--payload", "1"))!)
        let sps = Double(option("--sps", "15"))!
        let geometrySearch = !flag("--no-search")
        let extendedSearch = extendedSearchOption()
        let largeCropSearch = !flag("--no-large-crop-search")
        let intraTest = intraTestOption()
        let intraFrames = intraFramesOption()
        let normalization = normalizationOption()
        // --list N (1 = plain Viterbi), --list-unconfirmed: the payload list-decoding policy (default: the library's).
        let listSize = Int(option("--list", String(PayloadCodec.ListPolicy.default.listSize)))!
        let unconfirmed = flag("--list-unconfirmed")
        let listPolicy = PayloadCodec.ListPolicy(listSize: listSize, requiresConfirmation: !unconfirmed)
        // Session 9: fixed random decoys (seeded), the stand-in for the other payloads of a repository.
        var decoyRNG = SplitMix64(seed: 0x5E55_1009)
        let decoys = (0..<Int(option("--match-decoys", "10000"))!).map { _ in decoyRNG.next() }.filter { $0 != payload }
        for file in args {
            var configuration = WatermarkAnalyzer.Configuration(samplesPerSecond: sps, geometrySearch: geometrySearch,
                                                                allowsUnreadableFrames: allowSmall)
            configuration.extendedGeometrySearch = extendedSearch
            configuration.largeCropSearch = largeCropSearch
            configuration.intraFrameTest = intraTest
            configuration.residualNormalization = normalization
            var analyzer = try WatermarkAnalyzer(configuration: configuration)
            var detectCPU = 0.0
            _ = try VideoIO.decode(file, frameTypes: intraTest, intraFrames: intraFrames) { frame in
                if analyzer.wants(frame) {
                    let t0 = cpuTime()
                    try analyzer.add(frame)
                    detectCPU += cpuTime() - t0
                }
                return true
            }
            let t0 = cpuTime()
            let analysis = analyzer.finish()
            let ev = analysis.evidence(key: key, payloadList: listPolicy)
            detectCPU += cpuTime() - t0
            let diag = analysis.diagnostics(key: key)
            let zs = diag.map { String(format: "%.1f", $0.z) }.joined(separator: ",")
            let slots = diag.map { String($0.slot) }.joined(separator: ",")
            let okSegs = ev.segments.filter { $0.payload == payload }.count
            let wrongSegs = ev.segments.filter { $0.payload != nil && $0.payload != payload }.count
            let wrong = ev.payload != nil && ev.payload != payload
            let pooled = analysis.pooledDiagnostics(key: key)
            let candidates = analysis.searchCandidates.map { String(format: "[%.4f,%.2f,%.1f]", $0.scale, $0.degrees, $0.score) }
                .joined(separator: ",")
            let lattice = analysis.latticeDiagnostics.map { String(format: "%.1f", $0.length) }.joined(separator: ",")
            let folds = analysis.latticeDiagnostics.map { String($0.folds) }.joined(separator: ",")
            // (String(format:) with an empty %@ argument crashes Foundation on Linux: strings are interpolated.)
            let name = (file as NSString).lastPathComponent
            // Session 6: unconfirmed list candidates (present clips without a payload) and whether one is right.
            let candidateJSON = ",\"candidates\":\(ev.candidatePayloads?.count ?? 0),"
                + "\"candidate_ok\":\(ev.candidatePayloads?.contains(payload) ?? false)"
            let matchJSON = matchFields(ev, payload: payload, decoys: decoys)
            print("{\"file\":\"\(name)\",\"present\":\(ev.present),\"p\":" + String(format: "%.3g", ev.pValue)
                + ",\"payload_ok\":\(ev.payload == payload),\"segments\":\(ev.segments.count),\"segments_ok\":\(okSegs),"
                + "\"payload_wrong\":\(wrong),\"segments_wrong\":\(wrongSegs),"
                + "\"z\":[\(zs)],\"slots\":[\(slots)],\"pooled_z\":" + String(format: "%.1f", pooled?.z ?? 0)
                + ",\"pooled_slot\":\(pooled?.slot ?? -1),\"search\":[\(candidates)],\"lattice\":[\(lattice)],"
                + "\"folds\":[\(folds)],\"cpu_s\":"
                + String(format: "%.3f", detectCPU) + candidateJSON + matchJSON + "}")
        }
    case "codec":
        // CPU per payload decode attempt (plain Viterbi vs list sizes) on noisy codewords, and the CRC pass rate
        // of each list size on pure-noise soft vectors (the per-attempt wrong-payload rate on undecodable input).
        let trials = Int(option("--trials", "20000"))!
        var rng = SystemRandomNumberGenerator()
        func gaussian() -> Double {
            let u1 = (Double(rng.next() >> 11) + 0.5) / Double(1 << 53), u2 = Double(rng.next() >> 11) / Double(1 << 53)
            return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
        }
        let noise = (0..<trials).map { _ in (0..<PayloadCodec.codedBits).map { _ in gaussian() } }
        let payloads = (0..<trials).map { _ in rng.next() }
        let sigma = Double(option("--sigma", "1.0"))!
        let coded = payloads.enumerated().map { i, p in
            PayloadCodec.encode(p).enumerated().map { j, c in (c == 0 ? 1.0 : -1.0) + sigma * noise[(i + 1) % trials][j] }
        }
        // "among CRC-valid paths": the embedded payload is one of the list's CRC-valid paths (what a repository
        // look-up of unconfirmed candidates can confirm); "CRC-valid paths on noise": all of them, per attempt.
        print("| list size | us per decode (noise input) | CRC-valid on noise | per attempt | bound L x 2^-16 |"
            + " exact at sigma \(sigma) | wrong at sigma \(sigma) | among CRC-valid paths at sigma \(sigma) |"
            + " CRC-valid paths on noise |")
        print("|---|---|---|---|---|---|---|---|---|")
        for l in [1, 4, 8, 16, 32, 64] {
            var valid = 0, exact = 0, wrong = 0, among = 0, allValid = 0
            let t0 = cpuTime()
            for soft in noise where PayloadCodec.decode(soft, listSize: l).crcValid { valid += 1 }
            let perDecode = (cpuTime() - t0) / Double(trials) * 1e6
            for (i, soft) in coded.enumerated() {
                let d = PayloadCodec.decode(soft, listSize: l)
                if d.crcValid { if d.payload == payloads[i] { exact += 1 } else { wrong += 1 } }
                if PayloadCodec.crcValidPaths(soft, listSize: l).contains(where: { $0.payload == payloads[i] }) {
                    among += 1
                }
            }
            for soft in noise { allValid += PayloadCodec.crcValidPaths(soft, listSize: l).count }
            print(String(format: "| %d | %.1f | %d / %d | %.2g | %.2g | %d / %d | %d | %d / %d | %d |", l, perDecode,
                         valid, trials, Double(valid) / Double(trials), Double(l) / 65536, exact, trials, wrong, among,
                         trials, allValid))
        }
    case "match-null":
        let pairs = Int(option("--pairs", "100000000"))!, ids = Int(option("--ids", "1000000"))!
        let key = benchKey(UInt64(option("--key", "1"))!)
        try matchNull(files: args, pairs: pairs, ids: ids, key: key)
    case "fp":
        let keys = Int(option("--keys", "100"))!
        let base = UInt64(option("--key-base", "1000000"))!
        let sps = Double(option("--sps", "15"))!
        let extendedSearch = extendedSearchOption()
        let largeCropSearch = !flag("--no-large-crop-search")
        let intraTest = intraTestOption()
        let intraFrames = intraFramesOption()
        let normalization = normalizationOption()
        for file in args {
            var configuration = WatermarkAnalyzer.Configuration(samplesPerSecond: sps)
            configuration.extendedGeometrySearch = extendedSearch
            configuration.largeCropSearch = largeCropSearch
            configuration.intraFrameTest = intraTest
            configuration.residualNormalization = normalization
            var analyzer = try WatermarkAnalyzer(configuration: configuration)
            _ = try VideoIO.decode(file, frameTypes: intraTest, intraFrames: intraFrames) { frame in
                try analyzer.add(frame)
                return true
            }
            let analysis = analyzer.finish()
            var present = 0
            var maxZ = 0.0
            var minP = 1.0
            for k in 0..<keys {
                let key = benchKey(base + UInt64(k))
                let ev = analysis.evidence(key: key)
                if ev.present { present += 1 }
                minP = min(minP, ev.pValue)
                if k < 25 {
                    maxZ = max(maxZ, analysis.diagnostics(key: key).map(\.z).max() ?? 0,
                               analysis.pooledDiagnostics(key: key)?.z ?? 0)
                }
            }
            print(String(format: "{\"file\":\"%@\",\"keys\":%d,\"windows\":%d,\"present\":%d,\"min_p\":%.3g,\"max_z_first25\":%.2f}",
                         (file as NSString).lastPathComponent, keys, analysis.windowCount, present, minP, maxZ))
        }
    case "speed":
        let budget = option("--ssim-budget", "")
        try speedBenchmark(frames: Int(option("--frames", "60"))!, source: option("--source", ""),
                           ssimLossBudget: budget.isEmpty ? nil : Double(budget)!)
    default:
        print("unknown command \(command)")
        exit(2)
    }
} catch {
    print("error: \(error)")
    exit(1)
}
