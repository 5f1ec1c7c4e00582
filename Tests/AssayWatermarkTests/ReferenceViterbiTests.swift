import Foundation
import Testing
@testable import AssayWatermark

/// Session 5 folded the plain Viterbi decoder into the list Viterbi with L = 1 (one trellis). The plain decoder
/// that shipped until then is kept here, as it was, as the reference: the single trellis must return its path
/// bit for bit, including on exact ties.
@Suite("One trellis: list Viterbi with L = 1 equals plain Viterbi")
struct ReferenceViterbiTests {
    /// The plain soft-decision Viterbi of sessions 1-4 (input bits: data, CRC, tail).
    static func referenceViterbi(_ soft: [Double]) -> [UInt8] {
        let steps = PayloadCodec.codedBits / 2
        let ns = PayloadCodec.stateCount
        var metric = [Double](repeating: -.infinity, count: ns)
        metric[0] = 0
        var next = [Double](repeating: 0, count: ns)
        var survivor = [UInt8](repeating: 0, count: steps * ns)
        var out0 = [UInt8](repeating: 0, count: ns * 2)
        var out1 = [UInt8](repeating: 0, count: ns * 2)
        for s in 0..<ns {
            for b in 0..<2 {
                let reg = UInt32(s) << 1 | UInt32(b)
                out0[s * 2 + b] = PayloadCodec.parity(reg & PayloadCodec.generators.0)
                out1[s * 2 + b] = PayloadCodec.parity(reg & PayloadCodec.generators.1)
            }
        }
        for t in 0..<steps {
            let s0 = soft[2 * t], s1 = soft[2 * t + 1]
            for i in 0..<ns { next[i] = -.infinity }
            for s in 0..<ns where metric[s] > -.infinity {
                for b in 0..<2 {
                    let m = metric[s] + (out0[s * 2 + b] == 0 ? s0 : -s0) + (out1[s * 2 + b] == 0 ? s1 : -s1)
                    let target = (s << 1 | b) & (ns - 1)
                    if m > next[target] {
                        next[target] = m
                        survivor[t * ns + target] = UInt8(s)
                    }
                }
            }
            swap(&metric, &next)
        }
        var state = 0
        var decoded = [UInt8](repeating: 0, count: steps)
        for t in stride(from: steps - 1, through: 0, by: -1) {
            decoded[t] = UInt8(state & 1)
            state = Int(survivor[t * ns + state])
        }
        return decoded
    }

    static func check(_ soft: [Double]) -> Bool {
        let reference = referenceViterbi(soft)
        let one = PayloadCodec.listPaths(soft, listSize: 1)
        let decoded = PayloadCodec.decode(soft)
        return one.count == 1 && one[0] == reference && decoded == PayloadCodec.result(of: reference, rank: 1)
            && PayloadCodec.listPaths(soft, listSize: 8).first == reference
    }

    @Test("noisy codewords at several noise levels and pure noise: the same path")
    func noisy() {
        var rng = SeededGenerator(seed: 55)
        var mismatches = 0, valid = 0
        for sigma in [0.3, 0.8, 1.2, 2.0] {
            for _ in 0..<500 {
                let soft = ListDecoderTests.noisy(rng.next(), sigma: sigma, rng: &rng)
                if !Self.check(soft) { mismatches += 1 }
                if PayloadCodec.decode(soft).crcValid { valid += 1 }
            }
        }
        for _ in 0..<500 where !Self.check((0..<PayloadCodec.codedBits).map { _ in ListDecoderTests.gaussian(&rng) }) {
            mismatches += 1
        }
        #expect(mismatches == 0)
        #expect(valid > 900)  // 988 of 2000 with this seed: the comparison covers real decodes, not only failures
    }

    @Test("ternary soft bits (-1, 0, +1) full of exact ties: the same tie rule")
    func ties() {
        var rng = SeededGenerator(seed: 56)
        var mismatches = 0
        for _ in 0..<1000 {
            let soft = (0..<PayloadCodec.codedBits).map { _ in Double(Int(rng.next() % 3) - 1) }
            if !Self.check(soft) { mismatches += 1 }
        }
        #expect(mismatches == 0)
        #expect(Self.check([Double](repeating: 0, count: PayloadCodec.codedBits)))
    }
}
