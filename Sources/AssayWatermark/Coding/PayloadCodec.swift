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
    }

    /// Soft-decision Viterbi decode. `soft[i] > 0` favours coded bit `i` = 0; magnitudes are confidences.
    /// - Precondition: `soft.count == codedBits` (otherwise the result has `crcValid == false`).
    public static func decode(_ soft: [Double]) -> Decoded {
        guard soft.count == codedBits, soft.allSatisfy({ $0.isFinite }) else {
            return Decoded(payload: 0, crcValid: false)
        }
        let steps = codedBits / 2
        let ns = stateCount
        var metric = [Double](repeating: -.infinity, count: ns)
        metric[0] = 0
        var next = [Double](repeating: 0, count: ns)
        // survivor[t * ns + s] = predecessor state; the input bit is the low bit of s.
        var survivor = [UInt8](repeating: 0, count: steps * ns)
        // Precompute the branch outputs for (state, bit).
        var out0 = [UInt8](repeating: 0, count: ns * 2)
        var out1 = [UInt8](repeating: 0, count: ns * 2)
        for s in 0..<ns {
            for b in 0..<2 {
                let reg = UInt32(s) << 1 | UInt32(b)
                out0[s * 2 + b] = parity(reg & generators.0)
                out1[s * 2 + b] = parity(reg & generators.1)
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
        var state = 0  // terminated code ends in state 0
        var decoded = [UInt8](repeating: 0, count: steps)
        for t in stride(from: steps - 1, through: 0, by: -1) {
            decoded[t] = UInt8(state & 1)
            state = Int(survivor[t * ns + state])
        }
        let data = Array(decoded[0..<dataBits])
        let crc = Array(decoded[dataBits..<(dataBits + crcBits)])
        var payload: UInt64 = 0
        for b in data { payload = payload << 1 | UInt64(b) }
        return Decoded(payload: payload, crcValid: crc16(data) == crc)
    }
}
