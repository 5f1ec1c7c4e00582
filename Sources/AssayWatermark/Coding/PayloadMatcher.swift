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
/// by `rate`. The code's bits are pairwise independent (the variance is exact) but not independent, so the tail
/// is measured against this bound (`wm-bench match-null`), not assumed. `N` is counted as at least
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

    /// `τ = √(2 · ln(k · max(N, 2²⁰) / rate) / 172)`: the correlation a random codeword reaches with probability
    /// at most `rate / (k · max(N, 2²⁰))` under the independent-bits bound.
    public static func threshold(vectors: Int, payloads: Int, rate: Double = defaultRate) -> Double {
        let pairs = Double(max(1, vectors)) * Double(max(payloads, assumedMinimumPayloads))
        let r = min(max(rate, .leastNormalMagnitude), 1)
        return (2 * log(pairs / r) / Double(PayloadCodec.codedBits)).squareRoot()
    }

    /// A codeword as 172 bits: coded bit `i` is bit `i % 64` of word `i / 64` (1 = coded bit 1).
    public typealias CodewordBits = (UInt64, UInt64, UInt64)

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
