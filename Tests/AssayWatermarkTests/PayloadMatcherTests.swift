import AssayCore
import Foundation
import Testing
@testable import AssayWatermark

/// Session 9: matching undecodable soft bits against the payloads a repository holds (`PayloadMatcher`).
@Suite("Payload matching against expected payloads")
struct PayloadMatcherTests {
    static let payload: UInt64 = 0x0BAD_F00D_5EED_2026

    /// The payload's codeword (+1 for coded bit 0) plus Gaussian noise of `sigma`.
    static func noisy(_ payload: UInt64, sigma: Double, rng: inout SeededGenerator) -> [Double] {
        PayloadCodec.encode(payload).map { ($0 == 0 ? 1.0 : -1.0) + sigma * ListDecoderTests.gaussian(&rng) }
    }

    static func decoys(_ count: Int, seed: UInt64) -> [UInt64] {
        var rng = SeededGenerator(seed: seed)
        return (0..<count).map { _ in rng.next() }
    }

    @Test("the allocation-free codeword equals the encoder's, and a clean codeword correlates at 1 and -1")
    func codewordMatchesEncoder() {
        var rng = SeededGenerator(seed: 9)
        for payload in [0, UInt64.max, Self.payload] + (0..<200).map({ _ in rng.next() }) {
            let bits = PayloadMatcher.codewordBits(payload)
            let reference = PayloadCodec.encode(payload)
            let fromBits = (0..<PayloadCodec.codedBits).map { i -> UInt8 in
                let word = i < 64 ? bits.0 : i < 128 ? bits.1 : bits.2
                return UInt8((word >> UInt64(i % 64)) & 1)
            }
            #expect(fromBits == reference)
        }
        let clean = PayloadCodec.encode(Self.payload).map { $0 == 0 ? 1.0 : -1.0 }
        #expect(abs(PayloadMatcher.correlation(clean, payload: Self.payload) - 1) < 1e-12)
        #expect(abs(PayloadMatcher.correlation(clean.map { -$0 }, payload: Self.payload) + 1) < 1e-12)
    }

    @Test("the memoised threshold equals the computed one, for repeated and new keys")
    func thresholdMemo() {
        for (k, n, rate) in [(2, 10, 1e-6), (2, 10, 1e-6), (3, 1 << 22, 1e-6), (1, 5, 1e-3), (2, 10, 1e-6)] {
            let key = PayloadMatcher.ThresholdKey(vectors: k, payloads: max(n, 1 << 20), rate: rate)
            #expect(PayloadMatcher.threshold(vectors: k, payloads: n, rate: rate)
                == PayloadMatcher.computeThreshold(key))
        }
        // N below the 2^20 floor shares the floor's entry; a different rate does not.
        #expect(PayloadMatcher.threshold(vectors: 2, payloads: 7) == PayloadMatcher.threshold(vectors: 2, payloads: 1 << 20))
        #expect(PayloadMatcher.threshold(vectors: 2, payloads: 7, rate: 1e-3) < PayloadMatcher.threshold(vectors: 2, payloads: 7))
    }

    @Test("the threshold is the stricter of the Hoeffding union bound and the code's own, with a floor of 2^20 payloads")
    func thresholdFormula() {
        let hoeffding = { (pairs: Double, rate: Double) in (2 * log(pairs / rate) / 172).squareRoot() }
        // k = 2, N <= 2^20, rate 1e-6: the code's threshold (0.5894, code_distance.py + match_risk.py) is above
        // Hoeffding's 0.5744, which a codeword at distance 36 (r = 0.5814, tail 1.9e-12 > 1e-6 / 2^21) passes.
        let t = PayloadMatcher.threshold(vectors: 2, payloads: 10)
        #expect(abs(t - 0.5894) < 5e-4)
        #expect(t > hoeffding(2 * Double(1 << 20), 1e-6) && t > 1 - 72.0 / 172)
        #expect(PayloadMatcher.threshold(vectors: 2, payloads: 1 << 20) == t)
        #expect(PayloadMatcher.threshold(vectors: 1, payloads: 1) < t)
        // k = 3: 1e-6 / (3 · 2^20) = 3.2e-13 is below the distance-34 tail (3.7e-13): just above 1 - 68/172.
        let t3 = PayloadMatcher.threshold(vectors: 3, payloads: 10)
        #expect(t3 > 1 - 68.0 / 172 && t3 < 1 - 68.0 / 172 + 1e-6)
        #expect(PayloadMatcher.threshold(vectors: 2, payloads: 1 << 24) > t)
        // At τ the worst case over the signal strength is the pair probability asked for; just below, it is more.
        let p = 1e-6 / Double(2 << 20)
        let worst = { (x: Double) in stride(from: 0.0, through: 1.0, by: 0.001).map {
            PayloadMatcher.wrongMatchProbability(threshold: x, alpha: $0) }.max()! }
        #expect(worst(t) <= p * 1.01)
        #expect(worst(t - 0.002) > p)
        // A clean codeword (alpha = 1) is exact: the distance distribution's tail.
        #expect(PayloadMatcher.wrongMatchProbability(threshold: 1 - 72.0 / 172, alpha: 1) > 1.9e-12)
        #expect(PayloadMatcher.wrongMatchProbability(threshold: (1 - 72.0 / 172).nextUp, alpha: 1) < 3.7e-13)
        // Smaller rates raise τ; the code's threshold stays above Hoeffding's.
        let strict = PayloadMatcher.threshold(vectors: 2, payloads: 1, rate: 1e-18)
        #expect(strict > hoeffding(2 * Double(1 << 20), 1e-18) && strict > 1 - 40.0 / 172)
    }

    @Test("the code's distance distribution agrees with sampled codeword pairs, and the noisy-codeword model with the encoder")
    func distanceDistributionMatchesSampling() {
        // cw(a) xor cw(b) = cw(a xor b) xor cw(0): the distance of a random pair is the weight of cw(d) xor cw(0).
        let zero = PayloadMatcher.codewordBits(0)
        var rng = SeededGenerator(seed: 0x5EED_0009)
        let draws = 2_000_000
        var count = [Int](repeating: 0, count: 173)
        for _ in 0..<draws {
            count[PayloadMatcher.distance(PayloadMatcher.codewordBits(rng.next()), zero)] += 1
        }
        #expect(count[..<20].allSatisfy { $0 == 0 } && stride(from: 21, to: 173, by: 2).allSatisfy { count[$0] == 0 })
        // Distances <= 56, 58, 60 (about 16, 56, 187 pairs) and the central 80, 86: within 5 standard deviations (+1).
        let table = PayloadMatcher.codewordDistanceProbability
        for (distance, cumulative) in [(56, true), (58, true), (60, true), (80, false), (86, false)] {
            let range = cumulative ? 20...distance : distance...distance
            let expected = range.filter { $0 % 2 == 0 }.map { table[($0 - 20) / 2] }.reduce(0, +) * Double(draws)
            let observed = range.map { count[$0] }.reduce(0, +)
            #expect(abs(Double(observed) - expected) <= 5 * expected.squareRoot() + 1,
                    "distance \(cumulative ? "<= " : "")\(distance): \(observed) sampled, \(expected) expected")
        }
        // The model behind τ, r' = alpha rho + N(0, (1 - alpha^2) / 172), against real noisy codewords and decoys at
        // alpha = 0.9 and a threshold where it predicts about 100 passes.
        var noise = SeededGenerator(seed: 0x5EED_0010)
        let alpha = 0.9, sigma = (1 / (alpha * alpha) - 1).squareRoot()
        let decoys = Self.decoys(10_000, seed: 0x5EED_0011).map(PayloadMatcher.codewordBits)
        var passes = 0
        let t = 0.28
        for _ in 0..<100 {
            let payload = noise.next()
            let soft = Self.noisy(payload, sigma: sigma, rng: &noise)
            guard let w = PayloadMatcher.Weights(soft) else { continue }
            for d in decoys where w.correlation(d) >= t { passes += 1 }
        }
        let expected = PayloadMatcher.wrongMatchProbability(threshold: t, alpha: alpha) * 1_000_000
        #expect(expected > 50 && abs(Double(passes) - expected) <= 5 * expected.squareRoot() + 1,
                "\(passes) decoys passed \(t), model \(expected)")
    }

    @Test("a noisy codeword that the decoders miss is found among 5,000 decoys")
    func findsNoisyCodewordAmongDecoys() {
        let decoys = Self.decoys(5_000, seed: 77)
        var rng = SeededGenerator(seed: 2026)
        var decoderMissed = 0
        for _ in 0..<10 {
            let soft = Self.noisy(Self.payload, sigma: 1.0, rng: &rng)
            let d = PayloadCodec.decode(soft, listSize: 8)
            if !(d.crcValid && d.payload == Self.payload) { decoderMissed += 1 }
            let match = PayloadMatcher.bestMatch(soft: [soft], payloads: decoys + [Self.payload])
            #expect(match?.payload == Self.payload)
            if let match {
                #expect(match.correlation >= match.threshold)
                #expect(match.payloads == 5_001 && match.vectors == 1)
            }
        }
        // The point of matching: at this noise the list decoder misses some of these.
        #expect(decoderMissed >= 2, "decoder missed \(decoderMissed) of 10")
    }

    @Test("noise, or a strong codeword of a payload that is not in the list, matches nothing")
    func refusesWhatIsNotThere() {
        let decoys = Self.decoys(10_000, seed: 78)
        var rng = SeededGenerator(seed: 31)
        for _ in 0..<20 {
            let noise = (0..<PayloadCodec.codedBits).map { _ in ListDecoderTests.gaussian(&rng) }
            #expect(PayloadMatcher.bestMatch(soft: [noise], payloads: decoys) == nil)
            let other = Self.noisy(rng.next(), sigma: 0.3, rng: &rng)
            #expect(PayloadMatcher.bestMatch(soft: [other, noise], payloads: decoys) == nil)
        }
    }

    @Test("two payloads above the threshold are ambiguous, and unusable vectors are ignored")
    func ambiguousAndUnusable() {
        let other: UInt64 = 0x1234_5678_9ABC_DEF0
        let a = PayloadCodec.encode(Self.payload).map { $0 == 0 ? 1.0 : -1.0 }
        let b = PayloadCodec.encode(other).map { $0 == 0 ? 1.0 : -1.0 }
        // One vector per payload, each clean: both pass τ, so neither is taken.
        #expect(PayloadMatcher.bestMatch(soft: [a, b], payloads: [Self.payload, other]) == nil)
        #expect(PayloadMatcher.bestMatch(soft: [a, b], payloads: [Self.payload])?.payload == Self.payload)
        // Wrong length, NaN or zero vectors are not vectors; with only those nothing is matched.
        let unusable = [Array(a.prefix(100)), a.map { _ in .nan }, a.map { _ in 0 }]
        #expect(PayloadMatcher.bestMatch(soft: unusable, payloads: [Self.payload]) == nil)
        #expect(PayloadMatcher.bestMatch(soft: unusable + [a], payloads: [Self.payload])?.vectors == 1)
        #expect(PayloadMatcher.bestMatch(soft: [a], payloads: []) == nil)
        #expect(PayloadMatcher.bestMatch(soft: [], payloads: [Self.payload]) == nil)
    }

    @Test("a present window without a payload carries its soft bits, a decoded one none")
    func detectorKeepsSoftBitsForMatching() {
        var rng = SeededGenerator(seed: 4)
        // A window (built in the tile spectrum, pilot far past the threshold) whose soft bits no list decodes.
        var soft: [Double] = []
        for _ in 0..<200 {
            let s = Self.noisy(ListConfirmationTests.payload, sigma: 1.1, rng: &rng)
            if PayloadCodec.crcValidPaths(s, listSize: PayloadCodec.maximumListSize).isEmpty { soft = s; break }
        }
        #expect(!soft.isEmpty)
        let ev = ListConfirmationTests.evidence([ListConfirmationTests.window(soft, index: 0)])
        #expect(ev.present && ev.payload == nil)
        let vectors = ev.payloadSoftBits
        #expect(vectors?.isEmpty == false)
        let match = PayloadMatcher.bestMatch(soft: vectors ?? [],
                                             payloads: Self.decoys(2_000, seed: 5) + [ListConfirmationTests.payload])
        #expect(match?.payload == ListConfirmationTests.payload)

        let clean = PayloadCodec.encode(ListConfirmationTests.payload).map { $0 == 0 ? 1.0 : -1.0 }
        let decoded = ListConfirmationTests.evidence([ListConfirmationTests.window(clean, index: 0)])
        #expect(decoded.payload == ListConfirmationTests.payload)
        #expect(decoded.payloadSoftBits == nil)
    }
}
