import Foundation

/// Identifies a payload among a set of expected ones (the manifest repository's) from soft bits that no decoder
/// could decode on its own (session 9; `docs/watermark.md`).
///
/// Decoding must find the payload among all 2⁶⁴; a verifier with a manifest repository only needs to know which of
/// its N stored IDs, if any, the clip carries. For soft-bit vector `s` and stored payload `c` the statistic is the
/// normalised correlation `r = <x(c), s> / (|s| · √172)` with `x(c)` the ±1 codeword of `c` (coded bit 0 → +1,
/// the decoder's sign convention). The best pair is taken when `r ≥ τ` (``threshold(vectors:payloads:rate:)``)
/// and no other payload also reaches `τ`.
///
/// *Why τ bounds a wrong match.* A stored ID that is not the clip's (content IDs are random) has a codeword that is
/// random and independent of `s`. Were its 172 bits independent, Hoeffding's inequality would give
/// `P(r ≥ t) ≤ exp(−172 t² / 2)` for every `s`; a union over the `k · N` pairs tested bounds the wrong-match rate
/// by `rate`. The code's bits are pairwise independent but not independent: two codewords are close more often
/// than two random strings (the exact distance distribution, ``codewordDistanceProbability``, exceeds the Hoeffding
/// bound for correlations above about 0.53), and a stored payload whose codeword is close to the clip's gains from
/// the clip's signal. So `τ` is also at least the threshold at which, for soft bits that are the clip's codeword
/// plus white Gaussian noise of any strength (none included), another payload passes with probability at most
/// `rate / (k · N)` (``codewordThreshold(pairProbability:)``; `docs/watermark.md`, "Session 9":
/// `Benchmarks/watermark/code_distance.py`, `match_risk.py`). `N` is counted as at least
/// ``assumedMinimumPayloads``, so the guarantee does not weaken for a small repository.
public enum PayloadMatcher {
    /// The stored payload that matched and how strongly.
    public struct Match: Sendable, Hashable {
        /// The matched payload.
        public var payload: UInt64
        /// Its normalised correlation `r` with the best soft-bit vector (in −1...1).
        public var correlation: Double
        /// The threshold `τ` it passed.
        public var threshold: Double
        /// Soft-bit vectors and payloads compared (`k` and `N` before the floor).
        public var vectors: Int
        /// Distinct payloads compared.
        public var payloads: Int
    }

    /// The smallest payload count the threshold assumes (2²⁰ ≈ a million stored manifests).
    public static let assumedMinimumPayloads = 1 << 20

    /// The default bound on a wrong match per present clip (the lane's false-positive rate).
    public static let defaultRate = 1e-6

    /// `τ`: the larger of `√(2 · ln(k · max(N, 2²⁰) / rate) / 172)` (a random codeword reaches it with probability
    /// at most `p = rate / (k · max(N, 2²⁰))` under the independent-bits bound) and the code's own threshold for `p`
    /// (``codewordThreshold(pairProbability:)``), which is the larger at every rate.
    ///
    /// Memoised per (k, max(N, 2²⁰), rate): the bisection behind the code's threshold costs about 6 ms, and a scan
    /// asks for the same few values for every present clip without a payload.
    public static func threshold(vectors: Int, payloads: Int, rate: Double = defaultRate) -> Double {
        let key = ThresholdKey(vectors: max(1, vectors), payloads: max(payloads, assumedMinimumPayloads), rate: rate)
        if let tau = thresholdCache.value(for: key) { return tau }
        let tau = computeThreshold(key)
        thresholdCache.store(tau, for: key)
        return tau
    }

    struct ThresholdKey: Hashable {
        var vectors: Int
        var payloads: Int
        var rate: Double
    }

    /// A small locked dictionary (NSLock: `Mutex` needs macOS 15, the package supports 14).
    final class ThresholdCache: @unchecked Sendable {
        private let lock = NSLock()
        private var values: [ThresholdKey: Double] = [:]

        func value(for key: ThresholdKey) -> Double? { lock.withLock { values[key] } }

        func store(_ tau: Double, for key: ThresholdKey) {
            lock.withLock {
                if values.count >= 4096 { values.removeAll() }   // bounded: no caller grows it without limit
                values[key] = tau
            }
        }
    }

    static let thresholdCache = ThresholdCache()

    /// `threshold(vectors:payloads:rate:)` without the memo.
    static func computeThreshold(_ key: ThresholdKey) -> Double {
        let pairs = Double(key.vectors) * Double(key.payloads)
        let r = min(max(key.rate, .leastNormalMagnitude), 1)
        let hoeffding = (2 * log(pairs / r) / Double(PayloadCodec.codedBits)).squareRoot()
        return max(hoeffding, codewordThreshold(pairProbability: r / pairs))
    }

    /// `codewordDistanceProbability[j]` is the probability that the codewords of two independent uniform payloads
    /// are at Hamming distance `20 + 2j` (j = 0...33: distances 20...86; the code has only even distances and none
    /// below 20). Exact: the code is affine, so the distance is the weight of the linear code's codeword of a uniform
    /// 64-bit difference, whose distribution `Benchmarks/watermark/code_distance.py` computes over the trellis (64
    /// convolutional × 65,536 CRC states); 10⁹ sampled pairs reproduce it (`wm-bench match-null`), and a test samples
    /// it. The rest of the mass (distances 88...172, correlation below 0) is counted as if at distance 88.
    static let codewordDistanceProbability: [Double] = [
        3.252607e-18, 1.165517e-17, 4.082021e-17, 3.779529e-16, 1.904076e-15, 1.067137e-14,
        5.678493e-14, 2.996659e-13, 1.567991e-12, 8.074156e-12, 4.102450e-11, 2.046665e-10,
        9.979011e-10, 4.732313e-09, 2.168309e-08, 9.529316e-08, 3.986384e-07, 1.575699e-06,
        5.845867e-06, 2.024111e-05, 6.510325e-05, 1.937955e-04, 5.323553e-04, 1.346498e-03,
        3.130453e-03, 6.680766e-03, 1.307404e-02, 2.344223e-02, 3.848623e-02, 5.782162e-02,
        7.946000e-02, 9.983786e-02, 1.146448e-01, 1.202677e-01,
    ]

    /// The probability that a stored payload which is not the clip's reaches `r ≥ t`, for soft bits that are the
    /// clip's codeword plus white Gaussian noise, with `alpha` the correlation of the clip's own codeword
    /// (`alpha = 1`: the clean codeword, exactly; below 1: `r ≈ alpha · ρ + N(0, (1 − alpha²) / 172)` with `ρ` the
    /// two codewords' correlation, averaged over the code's distance distribution).
    static func wrongMatchProbability(threshold t: Double, alpha: Double) -> Double {
        let n = Double(PayloadCodec.codedBits)
        let a = min(alpha, 1)
        let scale = ((1 - a * a) / n * 2).squareRoot()  // σ√2 of the Gaussian term
        var total = 0.0
        for (j, probability) in (codewordDistanceProbability + [remainingDistanceProbability]).enumerated() {
            let rho = 1 - Double(2 * (20 + 2 * j)) / n
            if a >= 1 {
                if rho >= t { total += probability }
            } else {
                total += probability * 0.5 * erfc((t - a * rho) / scale)
            }
        }
        return total
    }

    /// The mass of distances 88...172, beyond ``codewordDistanceProbability``.
    static let remainingDistanceProbability = max(0, 1 - codewordDistanceProbability.reduce(0, +))

    /// The signal strengths ``codewordThreshold(pairProbability:)`` takes the worst case over: 0...0.97 by 0.01,
    /// then 0.98...1 by 0.001.
    static let signalGrid: [Double] = {
        let coarse: [Double] = (0..<98).map { Double($0) * 0.01 }
        let fine: [Double] = (0...20).map { 0.98 + Double($0) * 0.001 }
        return coarse + fine
    }()

    /// The code's threshold for a per-pair probability `p`: the smallest `t` at which
    /// ``wrongMatchProbability(threshold:alpha:)`` is at most `p` for every signal strength `alpha` in 0...1
    /// (``signalGrid``; the worst case is a nearly clean codeword, alpha about 0.99). For a clean
    /// codeword it is exact; with noise it rests on the Gaussian model. Bisection to 1e-9; about 120 × 35 × 30
    /// error-function evaluations.
    static func codewordThreshold(pairProbability p: Double) -> Double {
        func worst(_ t: Double) -> Double { signalGrid.map { wrongMatchProbability(threshold: t, alpha: $0) }.max()! }
        var low = 0.0, high = 1.0
        while high - low > 1e-9 {
            let mid = (low + high) / 2
            if worst(mid) > p { low = mid } else { high = mid }
        }
        return high
    }

    /// A codeword as 172 bits: coded bit `i` is bit `i % 64` of word `i / 64` (1 = coded bit 1).
    public typealias CodewordBits = (UInt64, UInt64, UInt64)

    /// The Hamming distance between two codewords (a clean codeword's correlation with another is `1 − 2d/172`).
    public static func distance(_ a: CodewordBits, _ b: CodewordBits) -> Int {
        (a.0 ^ b.0).nonzeroBitCount + (a.1 ^ b.1).nonzeroBitCount + (a.2 ^ b.2).nonzeroBitCount
    }

    /// The codeword of `payload`: the same bits as ``PayloadCodec/encode(_:)``, without allocating (a byte at a
    /// time through two tables: about 20 times faster than the bit loop, which matters for a large repository).
    public static func codewordBits(_ payload: UInt64) -> CodewordBits {
        var crc: UInt16 = 0xFFFF
        for j in 0..<8 {
            let byte = UInt8(truncatingIfNeeded: payload >> UInt64(56 - 8 * j))
            crc = crc << 8 ^ crcTable[Int(UInt8(truncatingIfNeeded: crc >> 8) ^ byte)]
        }
        var words: CodewordBits = (0, 0, 0)
        var state = 0
        // Input bytes: 8 data bytes, then the CRC's 2 bytes; each gives 16 coded bits (never across a word).
        for j in 0..<10 {
            let byte = j < 8 ? Int(UInt8(truncatingIfNeeded: payload >> UInt64(56 - 8 * j)))
                : Int(UInt8(truncatingIfNeeded: crc >> UInt16(j == 8 ? 8 : 0)))
            let entry = encoderTable[state << 8 | byte]
            let out = UInt64(entry & 0xFFFF) << UInt64((16 * j) % 64)
            switch j >> 2 {
            case 0: words.0 |= out
            case 1: words.1 |= out
            default: words.2 |= out
            }
            state = Int(entry >> 16)
        }
        // The 6 tail zeros: 12 coded bits at 160...171.
        words.2 |= UInt64(tailTable[state]) << 32
        return words
    }

    /// CRC-16-CCITT (poly 0x1021, MSB first) of one byte, as ``PayloadCodec/crc16(_:)`` computes it bit by bit.
    static let crcTable: [UInt16] = (0..<256).map { b in
        var reg = UInt16(b) << 8
        for _ in 0..<8 { reg = reg & 0x8000 != 0 ? reg << 1 ^ 0x1021 : reg << 1 }
        return reg
    }

    /// One encoder step per input bit, MSB first: the coded bits (as `out` bits from `position` up) and next state.
    static func encode(bits: Int, count: Int, state: Int) -> (out: UInt32, state: Int) {
        var s = UInt32(state), out: UInt32 = 0
        for k in 0..<count {
            let reg = s << 1 | UInt32((bits >> (count - 1 - k)) & 1)
            out |= UInt32(PayloadCodec.parity(reg & PayloadCodec.generators.0)) << UInt32(2 * k)
            out |= UInt32(PayloadCodec.parity(reg & PayloadCodec.generators.1)) << UInt32(2 * k + 1)
            s = reg & UInt32(PayloadCodec.stateCount - 1)
        }
        return (out, Int(s))
    }

    /// `state << 8 | byte` → the byte's 16 coded bits (low half) and the next state (high half).
    static let encoderTable: [UInt32] = (0..<(PayloadCodec.stateCount << 8)).map { index in
        let r = encode(bits: index & 0xFF, count: 8, state: index >> 8)
        return r.out | UInt32(r.state) << 16
    }

    /// State → the 12 coded bits of the 6 tail zeros.
    static let tailTable: [UInt16] = (0..<PayloadCodec.stateCount).map {
        UInt16(encode(bits: 0, count: PayloadCodec.constraint - 1, state: $0).out)
    }

    /// A soft-bit vector prepared for matching: scaled by `1 / (|s| · √172)`, so that a codeword's correlation is
    /// the sum minus twice the weights of its 1 bits.
    public struct Weights: Sendable {
        let w: [Double]
        let total: Double

        /// Prepares `soft`; `nil` when it does not have 172 finite values with some energy.
        public init?(_ soft: [Double]) {
            guard soft.count == PayloadCodec.codedBits, soft.allSatisfy({ $0.isFinite }) else { return nil }
            let norm = soft.reduce(0) { $0 + $1 * $1 }.squareRoot()
            guard norm > 0, norm.isFinite else { return nil }
            let scale = 1 / (norm * Double(PayloadCodec.codedBits).squareRoot())
            w = soft.map { $0 * scale }
            total = w.reduce(0, +)
        }

        /// The normalised correlation `r` (−1...1) of a codeword with this vector.
        @inline(__always)
        public func correlation(_ bits: CodewordBits) -> Double {
            w.withUnsafeBufferPointer { p in
                @inline(__always) func sum(_ word: UInt64, _ base: Int) -> Double {
                    var m = word, s = 0.0
                    while m != 0 {
                        s += p[base + m.trailingZeroBitCount]
                        m &= m - 1
                    }
                    return s
                }
                return total - 2 * (sum(bits.0, 0) + sum(bits.1, 64) + sum(bits.2, 128))
            }
        }
    }

    /// The normalised correlation `r` of `payload`'s codeword with `soft` (0 for an unusable vector).
    public static func correlation(_ soft: [Double], payload: UInt64) -> Double {
        Weights(soft)?.correlation(codewordBits(payload)) ?? 0
    }

    /// The one payload of `payloads` whose codeword correlates with some vector of `soft` at `τ` or more, or `nil`
    /// when none does or more than one distinct payload does (ambiguous). Vectors that are unusable (wrong length,
    /// non-finite, zero) are not counted in `k`; duplicate payloads are counted once.
    public static func bestMatch(soft: [[Double]], payloads: [UInt64], rate: Double = defaultRate) -> Match? {
        let prepared = soft.compactMap(Weights.init)
        let distinct = Array(Set(payloads))
        guard !prepared.isEmpty, !distinct.isEmpty else { return nil }
        let tau = threshold(vectors: prepared.count, payloads: distinct.count, rate: rate)
        var best: (payload: UInt64, r: Double)?
        var passing = 0
        for payload in distinct {
            let bits = codewordBits(payload)
            var top = -Double.infinity
            for p in prepared { top = max(top, p.correlation(bits)) }
            if top >= tau { passing += 1 }
            if top > (best?.r ?? -.infinity) { best = (payload, top) }
        }
        guard passing == 1, let best, best.r >= tau else { return nil }
        return Match(payload: best.payload, correlation: best.r, threshold: tau, vectors: prepared.count,
                     payloads: distinct.count)
    }
}
