import Testing
@testable import AssayWatermark

@Suite("Payload coding")
struct PayloadCodecTests {
    @Test("encode then decode recovers random payloads", arguments: [0, 1, 0xDEAD_BEEF_0123_4567, UInt64.max])
    func roundTrip(payload: UInt64) {
        let coded = PayloadCodec.encode(payload)
        #expect(coded.count == PayloadCodec.codedBits)
        let soft = coded.map { $0 == 0 ? 1.0 : -1.0 }
        let decoded = PayloadCodec.decode(soft)
        #expect(decoded.crcValid)
        #expect(decoded.payload == payload)
    }

    @Test("soft Viterbi corrects scattered bit errors")
    func correctsErrors() {
        var rng = SeededGenerator(seed: 9)
        for _ in 0..<20 {
            let payload = rng.next()
            var soft = PayloadCodec.encode(payload).map { $0 == 0 ? 1.0 : -1.0 }
            // Flip 8 coded bits spread over the block, plus noise on every bit.
            for i in stride(from: 5, to: soft.count, by: 21) { soft[i] = -soft[i] }
            for i in 0..<soft.count { soft[i] += (Double(rng.next() % 1000) / 1000 - 0.5) * 0.6 }
            let decoded = PayloadCodec.decode(soft)
            #expect(decoded.crcValid)
            #expect(decoded.payload == payload)
        }
    }

    @Test("noise does not decode to a valid CRC")
    func crcRejectsNoise() {
        var rng = SeededGenerator(seed: 11)
        var valid = 0
        for _ in 0..<200 {
            let soft = (0..<PayloadCodec.codedBits).map { _ in Double(rng.next() % 2001) / 1000 - 1 }
            if PayloadCodec.decode(soft).crcValid { valid += 1 }
        }
        // Expected 200 / 65536 = 0.003 false CRC passes.
        #expect(valid == 0)
    }

    @Test("a corrupted payload fails the CRC")
    func crcDetectsCorruption() {
        let payload: UInt64 = 0x0123_4567_89AB_CDEF
        var soft = PayloadCodec.encode(payload).map { $0 == 0 ? 1.0 : -1.0 }
        // Invert a long run: beyond the code's correction power.
        for i in 20..<60 { soft[i] = -soft[i] }
        let decoded = PayloadCodec.decode(soft)
        #expect(!(decoded.crcValid && decoded.payload == payload))
        #expect(!decoded.crcValid || decoded.payload != payload)
    }

    @Test("wrong-length or non-finite input is rejected")
    func rejectsBadInput() {
        #expect(!PayloadCodec.decode([1, 2, 3]).crcValid)
        var soft = PayloadCodec.encode(7).map { $0 == 0 ? 1.0 : -1.0 }
        soft[3] = .nan
        #expect(!PayloadCodec.decode(soft).crcValid)
    }
}
