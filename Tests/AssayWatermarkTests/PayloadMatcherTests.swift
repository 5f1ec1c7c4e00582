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

    @Test("the threshold follows the Hoeffding union bound, with a floor of 2^20 payloads")
    func thresholdFormula() {
        let t = PayloadMatcher.threshold(vectors: 1, payloads: 1)
        #expect(abs(t - (2 * log(Double(1 << 20) / 1e-6) / 172).squareRoot()) < 1e-12)
        #expect(PayloadMatcher.threshold(vectors: 1, payloads: 10) == t)
        #expect(PayloadMatcher.threshold(vectors: 4, payloads: 10) > t)
        #expect(PayloadMatcher.threshold(vectors: 1, payloads: 1 << 24) > t)
        #expect(PayloadMatcher.threshold(vectors: 1, payloads: 1, rate: 1e-9) > t)
        // At τ the bound is what was asked for: k · max(N, 2^20) · exp(−172 τ² / 2) = rate.
        let tau = PayloadMatcher.threshold(vectors: 3, payloads: 5_000_000)
        #expect(abs(3 * 5e6 * exp(-172 * tau * tau / 2) - 1e-6) < 1e-12)
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
        let vectors = try? #require(ev.payloadSoftBits)
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
