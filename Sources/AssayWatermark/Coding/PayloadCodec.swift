/// Channel coding of the 64-bit payload: CRC-16-CCITT, then a terminated K=7 rate-1/2
/// convolutional code (generators 133/171 octal), decoded with a soft-decision Viterbi.
///
/// 64 data bits + 16 CRC bits + 6 tail bits = 86 trellis steps = 172 coded bits.
public enum PayloadCodec {
    /// Data bits carried.
    public static let dataBits = 64
    /// CRC bits appended.
    public static let crcBits = 16
    /// Constraint length of the convolutional code.
    static let constraint = 7
    /// Coded bits per payload.
    public static let codedBits = (dataBits + crcBits + constraint - 1) * 2
    static let generators: (UInt32, UInt32) = (0o133, 0o171)
    static let stateCount = 1 << (constraint - 1)

    /// CRC-16-CCITT (poly 0x1021, init 0xFFFF, MSB first) over a bit sequence.
    static func crc16(_ bits: [UInt8]) -> [UInt8] {
        var reg: UInt16 = 0xFFFF
        for b in bits {
            let feedback = ((reg >> 15) & 1) ^ UInt16(b & 1)
            reg <<= 1
            if feedback == 1 { reg ^= 0x1021 }
        }
        return (0..<16).map { UInt8((reg >> (15 - $0)) & 1) }
    }

    /// The payload's bits, most significant first.
    static func bits(of payload: UInt64) -> [UInt8] { (0..<64).map { UInt8((payload >> (63 - UInt64($0))) & 1) } }

    @inline(__always)
    static func parity(_ x: UInt32) -> UInt8 { UInt8(x.nonzeroBitCount & 1) }

    /// Encodes a payload into ``codedBits`` bits (0/1).
    public static func encode(_ payload: UInt64) -> [UInt8] {
        let data = bits(of: payload)
        let input = data + crc16(data) + [UInt8](repeating: 0, count: constraint - 1)
        var out = [UInt8]()
        out.reserveCapacity(codedBits)
        var state: UInt32 = 0
        for b in input {
            let reg = state << 1 | UInt32(b)
            out.append(parity(reg & generators.0))
            out.append(parity(reg & generators.1))
            state = reg & UInt32(stateCount - 1)
        }
        return out
    }

    /// The result of decoding soft bits.
    public struct Decoded: Sendable, Hashable {
        /// The 64 data bits as a number (meaningful only when ``crcValid``).
        public var payload: UInt64
        /// Whether the decoded CRC matches the decoded data.
        public var crcValid: Bool
        /// The path's rank in the list decoder's metric order (1 = the plain Viterbi path).
        public var rank: Int

        /// Creates a result.
        public init(payload: UInt64, crcValid: Bool, rank: Int = 1) {
            self.payload = payload
            self.crcValid = crcValid
            self.rank = rank
        }
    }

    /// How the detector uses the CRC-aided list decoder (see ``decode(_:listSize:)``).
    public struct ListPolicy: Sendable, Hashable {
        /// Paths kept per trellis state and checked against the CRC (1 = plain Viterbi).
        public var listSize: Int
        /// Whether a CRC-valid path of rank > 1 needs the same payload from a second, distinct present window
        /// of the clip before it is reported (rank-1 paths are reported as by plain Viterbi).
        public var requiresConfirmation: Bool

        /// List size for the unconfirmed candidates a present clip without a payload reports
        /// (``crcValidPaths(_:listSize:)``; 0 = none beyond the list paths of `listSize`). A candidate is never a
        /// payload by itself, so this list may be longer than `listSize`: its wrong paths (up to L x 2^-16 per
        /// decode) only matter if they also match an expected ID.
        public var candidateListSize: Int

        /// Creates a policy.
        public init(listSize: Int, requiresConfirmation: Bool, candidateListSize: Int = PayloadCodec.maximumListSize) {
            self.listSize = max(1, min(maximumListSize, listSize))
            self.requiresConfirmation = requiresConfirmation
            self.candidateListSize = max(0, min(maximumListSize, candidateListSize))
        }

        /// Plain Viterbi (the decoder before session 4 part 2).
        public static let plain = ListPolicy(listSize: 1, requiresConfirmation: false, candidateListSize: 0)
        /// The default: L = 8, list-only payloads confirmed by a second window.
        public static let `default` = ListPolicy(listSize: 8, requiresConfirmation: true)
    }

    /// Upper bound on the list size (back pointers store the rank in a byte).
    public static let maximumListSize = 64

    /// Soft-decision decode. `soft[i] > 0` favours coded bit `i` = 0; magnitudes are confidences.
    ///
    /// With `listSize` 1 this is the plain Viterbi decoder. With `listSize` L > 1 it is a parallel list Viterbi
    /// (the L best paths into every state are kept); the L best terminated paths are checked in metric order and
    /// the first whose CRC holds is returned with its ``Decoded/rank``. When none holds, the best path is returned
    /// with `crcValid == false`. A wrong path passes the CRC with probability about 2^-16 per path checked, so a
    /// list accepts a wrong payload with probability up to about L x 2^-16 on soft bits that carry no payload.
    /// - Precondition: `soft.count == codedBits` (otherwise the result has `crcValid == false`).
    public static func decode(_ soft: [Double], listSize: Int = 1) -> Decoded {
        guard soft.count == codedBits, soft.allSatisfy({ $0.isFinite }) else {
            return Decoded(payload: 0, crcValid: false)
        }
        // One trellis for every list size (session 5): with L = 1 the list Viterbi is plain Viterbi, with the same
        // additions in the same order and the same tie rule (the lower predecessor state wins), so it returns the
        // same path; the tests keep a plain reference Viterbi and compare.
        let paths = listPaths(soft, listSize: max(1, min(listSize, maximumListSize)))
        for (index, path) in paths.enumerated() {
            let d = result(of: path, rank: index + 1)
            if d.crcValid { return d }
        }
        return paths.first.map { result(of: $0, rank: 1) } ?? Decoded(payload: 0, crcValid: false)
    }

    /// Every CRC-valid path among the `listSize` best terminated paths, best first, with their ranks (empty when
    /// none passes). On soft bits that carry no payload each path passes the CRC with probability about 2^-16, so
    /// the result holds a wrong payload with probability up to about L x 2^-16: use it only where payloads are
    /// checked against a set of expected IDs (the manifest repository), never as a payload on its own.
    public static func crcValidPaths(_ soft: [Double], listSize: Int) -> [Decoded] {
        guard soft.count == codedBits, soft.allSatisfy({ $0.isFinite }) else { return [] }
        let paths = listPaths(soft, listSize: max(1, min(listSize, maximumListSize)))
        return paths.enumerated().map { result(of: $1, rank: $0 + 1) }.filter(\.crcValid)
    }

    /// The payload and CRC check of a decoded input sequence (data, CRC, tail).
    static func result(of decoded: [UInt8], rank: Int) -> Decoded {
        let data = Array(decoded[0..<dataBits])
        let crc = Array(decoded[dataBits..<(dataBits + crcBits)])
        var payload: UInt64 = 0
        for b in data { payload = payload << 1 | UInt64(b) }
        return Decoded(payload: payload, crcValid: crc16(data) == crc, rank: rank)
    }

    /// Parallel list Viterbi: the (up to) `listSize` best terminated paths, best first, as input bit sequences.
    /// Memory is steps x 64 states x L back pointers (L ≤ 64), independent of the input values.
    static func listPaths(_ soft: [Double], listSize: Int) -> [[UInt8]] {
        let steps = codedBits / 2
        let ns = stateCount
        let l = listSize
        // metric[s * l + r]: the r-th best metric into state s (descending, -inf when absent).
        var metric = [Double](repeating: -.infinity, count: ns * l)
        metric[0] = 0
        var next = [Double](repeating: -.infinity, count: ns * l)
        // back[(t * ns + s) * l + r] = predecessor state << 8 | predecessor rank.
        var back = [UInt16](repeating: 0, count: steps * ns * l)
        for t in 0..<steps {
            let s0 = soft[2 * t], s1 = soft[2 * t + 1]
            for target in 0..<ns {
                let b = target & 1
                let pa = target >> 1, pb = target >> 1 | ns >> 1
                let regA = UInt32(pa) << 1 | UInt32(b), regB = UInt32(pb) << 1 | UInt32(b)
                // Branch terms added one at a time, (metric + c0) + c1, as plain Viterbi adds them.
                let a0 = parity(regA & generators.0) == 0 ? s0 : -s0, a1 = parity(regA & generators.1) == 0 ? s1 : -s1
                let b0 = parity(regB & generators.0) == 0 ? s0 : -s0, b1 = parity(regB & generators.1) == 0 ? s1 : -s1
                // Merge the two predecessors' sorted lists; on a tie the lower predecessor state (pa) goes first.
                var ia = 0, ib = 0
                for r in 0..<l {
                    let ma = ia < l ? metric[pa * l + ia] + a0 + a1 : -.infinity
                    let mb = ib < l ? metric[pb * l + ib] + b0 + b1 : -.infinity
                    let slot = target * l + r
                    if ma == -.infinity && mb == -.infinity {
                        next[slot] = -.infinity
                    } else if ma >= mb {
                        next[slot] = ma
                        back[t * ns * l + slot] = UInt16(pa) << 8 | UInt16(ia)
                        ia += 1
                    } else {
                        next[slot] = mb
                        back[t * ns * l + slot] = UInt16(pb) << 8 | UInt16(ib)
                        ib += 1
                    }
                }
            }
            swap(&metric, &next)
        }
        var paths: [[UInt8]] = []
        for r in 0..<l where metric[r] > -.infinity {  // terminated: end in state 0
            var state = 0, rank = r
            var decoded = [UInt8](repeating: 0, count: steps)
            for t in stride(from: steps - 1, through: 0, by: -1) {
                decoded[t] = UInt8(state & 1)
                let entry = back[(t * ns + state) * l + rank]
                state = Int(entry >> 8)
                rank = Int(entry & 0xFF)
            }
            paths.append(decoded)
        }
        return paths
    }
}
