import AssayCore
import AssayWatermark
import Foundation

// Session 9: the repository match (PayloadMatcher) in the benchmark harness.

/// Extra `detect` fields for a present file without a payload: the embedded payload's correlation, the best decoy's,
/// the threshold for decoys + 1 payloads, and what `PayloadMatcher.bestMatch` decides with the embedded payload among
/// the decoys (`match_ok`, `match_wrong`) and without it (`match_wrong_without`: must always be false).
func matchFields(_ ev: WatermarkEvidence, payload: UInt64, decoys: [UInt64]) -> String {
    guard ev.present, ev.payload == nil, let soft = ev.payloadSoftBits else { return ",\"match_ran\":false" }
    let trueR = soft.map { PayloadMatcher.correlation($0, payload: payload) }.max() ?? 0
    var decoyR = -1.0
    for d in decoys { for s in soft { decoyR = max(decoyR, PayloadMatcher.correlation(s, payload: d)) } }
    let t0 = cpuTime()
    let with = PayloadMatcher.bestMatch(soft: soft, payloads: decoys + [payload])
    let cpu = cpuTime() - t0
    let without = PayloadMatcher.bestMatch(soft: soft, payloads: decoys)
    let tau = PayloadMatcher.threshold(vectors: soft.count, payloads: decoys.count + 1)
    return ",\"match_ran\":true,\"match_vectors\":\(soft.count),\"match_r\":" + String(format: "%.4f", trueR)
        + ",\"match_decoy_max_r\":" + String(format: "%.4f", decoyR) + ",\"match_tau\":" + String(format: "%.4f", tau)
        + ",\"match_ok\":\(with?.payload == payload),\"match_wrong\":\(with != nil && with?.payload != payload)"
        + ",\"match_wrong_without\":\(without != nil),\"match_cpu_s\":" + String(format: "%.4f", cpu)
}

/// The tail of the match statistic for payloads that are not the clip's, against the bound `exp(−172 x² / 2)`
/// the threshold assumes: (a) codeword against codeword for `pairs` random payload pairs (the strongest-signal
/// case: the soft bits are a codeword), (b) `ids` random payloads against every soft-bit vector of each file
/// (each window's and the pooled test's best hypothesis, present or not, and a present clip's decoding vectors).
func matchNull(files: [String], pairs: Int, ids: Int, key: WatermarkKey) throws {
    let grid = stride(from: 0.20, through: 0.451, by: 0.05).map { $0 }
    let n = Double(PayloadCodec.codedBits)
    // (a) cw(a) xor cw(b) = cw(a xor b) xor cw(0): the encoder is affine (CRC initial value), so a random pair's
    // distance is the weight of cw(d) xor cw(0) for a uniform d.
    var rng = SplitMix64(seed: 0x0009_A11)
    let zero = PayloadMatcher.codewordBits(0)
    var pairCounts = [Int](repeating: 0, count: grid.count)
    let thresholds = grid.map { Int(((1 - $0) * n / 2).rounded(.down)) }  // r >= x  <=>  distance <= (1 - x) 172 / 2
    var t0 = cpuTime()
    for _ in 0..<pairs {
        let d = PayloadMatcher.distance(PayloadMatcher.codewordBits(rng.next()), zero)
        for (i, t) in thresholds.enumerated() where d <= t { pairCounts[i] += 1 }
    }
    FileHandle.standardError.write("codeword pairs: \(pairs) in \(String(format: "%.1f", cpuTime() - t0)) s CPU\n".data(using: .utf8)!)
    // (b) real soft vectors.
    var vectors: [[Double]] = []
    for file in files {
        var analyzer = try WatermarkAnalyzer(configuration: .init())
        _ = try VideoIO.decode(file) { frame in
            if analyzer.wants(frame) { try analyzer.add(frame) }
            return true
        }
        let analysis = analyzer.finish()
        vectors += analysis.softBitDiagnostics(key: key)
        vectors += analysis.evidence(key: key).payloadSoftBits ?? []
    }
    var softCounts = [Int](repeating: 0, count: grid.count)
    var draws = 0
    t0 = cpuTime()
    if !vectors.isEmpty && ids > 0 {
        let codewords = (0..<ids).map { _ in PayloadMatcher.codewordBits(rng.next()) }
        for v in vectors.compactMap(PayloadMatcher.Weights.init) {
            for c in codewords {
                let r = v.correlation(c)
                for (i, x) in grid.enumerated() where r >= x { softCounts[i] += 1 }
            }
            draws += codewords.count
        }
    }
    FileHandle.standardError.write("soft vectors: \(vectors.count) x \(ids) in \(String(format: "%.1f", cpuTime() - t0)) s CPU\n".data(using: .utf8)!)
    print("| x | bound exp(-172 x^2/2) | (a) codeword pairs: expected at bound / observed | (b) real soft vectors x random IDs: expected at bound / observed |")
    print("|---|---|---|---|")
    for (i, x) in grid.enumerated() {
        let b = exp(-n * x * x / 2)
        func cell(_ draws: Int, _ observed: Int) -> String {
            String(format: "%.3g / %d", b * Double(draws), observed) + (b * Double(draws) >= 10 ? "" : " (not judged: < 10 expected)")
        }
        print(String(format: "| %.2f | %.3g | ", x, b) + cell(pairs, pairCounts[i]) + " | " + cell(draws, softCounts[i]) + " |")
    }
    // Cost of one repository match (release): 4 noise vectors against N random stored payloads.
    var noiseRNG = SplitMix64(seed: 0x0009_C057)
    let noise = (0..<4).map { _ in (0..<PayloadCodec.codedBits).map { _ in Double(noiseRNG.next() >> 11) / Double(1 << 53) - 0.5 } }
    // The first call computes tau (a ~6 ms bisection); later calls with the same (k, max(N, 2^20)) reuse it.
    for (n, note) in [(10_000, "first call"), (10_000, "tau memoised"), (100_000, "tau memoised"),
                      (1_000_000, "tau memoised")] {
        let stored = (0..<n).map { _ in noiseRNG.next() }
        let t = cpuTime()
        let m = PayloadMatcher.bestMatch(soft: noise, payloads: stored)
        print(String(format: "match cost: %d stored payloads x 4 vectors (%@): %.1f ms CPU", n, note,
                     (cpuTime() - t) * 1000) + (m == nil ? "" : " (matched noise!)"))
    }
    print("pairs \(pairs); soft vectors \(vectors.count) from \(files.count) files x \(ids) IDs = \(draws) draws")
}
