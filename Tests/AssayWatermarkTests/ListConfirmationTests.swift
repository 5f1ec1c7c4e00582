import AssayCore
import Foundation
import Testing
@testable import AssayWatermark

/// The list decoder's confirmation rule at detector level (session 5): a payload that only a list path of rank > 1
/// decodes, from a single window, is not reported until a second, distinct window decodes the same payload.
///
/// The windows are built in the tile's spectrum: every pilot bin at its key phase (pilot z about 46, far past the
/// threshold) and every message bin carrying a chosen soft value, so the detector's own soft-bit path
/// (`KeyScorer.softBits`, per-ring weights, summing 8 bins per coded bit) reads exactly the soft vector the test
/// chose. The soft vectors are codewords with a burst of strong flips that plain Viterbi cannot correct and the
/// CRC-aided list (L = 8) can.
@Suite("List decoder confirmation rule in the detector")
struct ListConfirmationTests {
    static let key = testKey(404)
    static let payload: UInt64 = 0x5EED_C0DE_1234_ABCD

    /// A soft vector for `payload` that plain Viterbi fails (CRC) and the list decodes at rank > 1, different for
    /// each seed.
    static func listOnlySoft(_ payload: UInt64, seed: UInt64) -> [Double] {
        var rng = SeededGenerator(seed: seed)
        for _ in 0..<10_000 {
            let soft = ListDecoderTests.burstSoft(payload, rng: &rng)
            let list = PayloadCodec.decode(soft, listSize: 8)
            if !PayloadCodec.decode(soft).crcValid, list.crcValid, list.payload == payload, list.rank > 1 {
                return soft
            }
        }
        Issue.record("no list-only soft vector found")
        return []
    }

    /// A window whose band spectrum makes the detector read `soft` at the grid slot, shift (0, 0).
    static func window(_ soft: [Double], index: Int) -> WindowAnalysis {
        let layout = KeyLayout(key: key)
        let count = TileGeometry.band.count
        var re = [Double](repeating: 0, count: count), im = [Double](repeating: 0, count: count)
        for (i, bin) in layout.pilotBins.enumerated() {
            let pos = Int(KeyScorer.bandPosition[Int(bin)])
            re[pos] = cos(layout.pilotPhase[i])
            im[pos] = sin(layout.pilotPhase[i])
        }
        for (i, bin) in layout.messageBins.enumerated() {
            let pos = Int(KeyScorer.bandPosition[Int(bin)])
            let a = soft[Int(layout.messageBit[i])] / Double(TileGeometry.binsPerCodedBit)
            re[pos] = a * cos(layout.messagePhase[i])
            im[pos] = a * sin(layout.messagePhase[i])
        }
        let grid = GeometryHypothesis(slot: 0, a00: 1, a01: 0, a10: 0, a11: 1, mirrored: false)
        return WindowAnalysis(start: Double(index) * 2, end: Double(index + 1) * 2, frames: 30,
                              spectra: [(grid, re, im)], gridPeriod: 256)
    }

    static func evidence(_ windows: [WindowAnalysis], policy: PayloadCodec.ListPolicy = .default) -> WatermarkEvidence {
        WatermarkAnalysis(windows: windows, pooled: nil, pooledSlots: PooledAnalysis.slotCount)
            .evidence(key: key, payloadList: policy)
    }

    @Test("the built window reads back the chosen soft bits, and a clean codeword decodes at rank 1")
    func windowReadsChosenSoftBits() throws {
        let soft = Self.listOnlySoft(Self.payload, seed: 1)
        let w = Self.window(soft, index: 0)
        let score = KeyScorer(key: Self.key).score(w.spectra)
        #expect(score.z > 40)
        #expect(score.soft.count == soft.count)
        // Same soft bits up to the uniform ring weight (pilot coherence 1, clipped to 0.95).
        for (a, b) in zip(score.soft, soft) { #expect(abs(a - 0.95 * b) < 1e-9) }
        let clean = Self.evidence([Self.window(PayloadCodec.encode(Self.payload).map { $0 == 0 ? 1 : -1 }, index: 0)])
        #expect(clean.present)
        #expect(clean.payload == Self.payload)
        #expect(clean.segments.first?.payload == Self.payload)
    }

    @Test("a list-only payload from one window is not reported without a second window")
    func singleWindowListPayloadNeedsConfirmation() {
        let w = Self.window(Self.listOnlySoft(Self.payload, seed: 1), index: 0)
        let confirmed = Self.evidence([w])
        #expect(confirmed.present)
        #expect(confirmed.payload == nil)
        #expect(confirmed.segments.count == 1)
        #expect(confirmed.segments[0].payload == nil)
        // It is reported as a candidate (for the manifest repository to confirm), never as the payload.
        #expect(confirmed.candidatePayloads == [Self.payload])
        // The same window with the rule off: the list path is there, so the rule is what withholds it.
        let unconfirmed = Self.evidence([w], policy: PayloadCodec.ListPolicy(listSize: 8, requiresConfirmation: false))
        #expect(unconfirmed.payload == Self.payload)
        #expect(unconfirmed.segments[0].payload == Self.payload)
        #expect(unconfirmed.candidatePayloads == nil)
        // Plain Viterbi alone finds nothing in it, not even a candidate without the candidate list.
        let plain = Self.evidence([w], policy: PayloadCodec.ListPolicy(listSize: 1, requiresConfirmation: true,
                                                                       candidateListSize: 0))
        #expect(plain.present && plain.payload == nil)
        #expect(plain.candidatePayloads == nil)
        // With plain Viterbi for payloads, the longer candidate list still offers the path as a candidate.
        let plainWithCandidates = Self.evidence([w], policy: PayloadCodec.ListPolicy(listSize: 1, requiresConfirmation: true))
        #expect(plainWithCandidates.payload == nil)
        #expect(plainWithCandidates.candidatePayloads?.contains(Self.payload) == true)
    }

    @Test("a second, distinct window with the same list-only payload confirms it")
    func secondWindowConfirms() {
        let a = Self.listOnlySoft(Self.payload, seed: 1), b = Self.listOnlySoft(Self.payload, seed: 2)
        #expect(a != b)
        let e = Self.evidence([Self.window(a, index: 0), Self.window(b, index: 1)])
        #expect(e.present)
        #expect(e.payload == Self.payload)
        #expect(e.segments.map(\.payload) == [Self.payload, Self.payload])
        #expect(e.candidatePayloads == nil)
    }

    @Test("a rank-1 window confirms a list-only window of the same payload")
    func rankOneWindowConfirms() {
        let clean = PayloadCodec.encode(Self.payload).map { $0 == 0 ? 1.0 : -1.0 }
        let e = Self.evidence([Self.window(Self.listOnlySoft(Self.payload, seed: 3), index: 0),
                               Self.window(clean, index: 1)])
        #expect(e.payload == Self.payload)
        #expect(e.segments.map(\.payload) == [Self.payload, Self.payload])
    }

    @Test("a second window with a different list-only payload confirms neither")
    func differentPayloadsDoNotConfirm() {
        let other: UInt64 = 0x0123_4567_89AB_CDEF
        let e = Self.evidence([Self.window(Self.listOnlySoft(Self.payload, seed: 4), index: 0),
                               Self.window(Self.listOnlySoft(other, seed: 5), index: 1)])
        #expect(e.present)
        #expect(e.segments.map(\.payload) == [nil, nil])
        #expect(e.payload == nil)
        // Both stay candidates; a decode of the windows' combined soft bits may add its own list path.
        let candidates = e.candidatePayloads ?? []
        #expect(candidates.prefix(2) == [Self.payload, other])
    }

    @Test("an absent clip reports no candidates, and a decoded clip none either")
    func candidatesOnlyForPresentClipsWithoutPayload() {
        // The same list-only message bins, but the pilot bins at random phases: no presence, so nothing is decoded.
        var w = Self.window(Self.listOnlySoft(Self.payload, seed: 6), index: 0)
        var rng = SeededGenerator(seed: 99)
        let pilots = KeyLayout(key: Self.key).pilotBins.map { Int(KeyScorer.bandPosition[Int($0)]) }
        var (hypothesis, re, im) = w.spectra[0]
        for pos in pilots {
            let phase = Double.random(in: 0..<(2 * Double.pi), using: &rng)
            re[pos] = cos(phase)
            im[pos] = sin(phase)
        }
        w.spectra = [(hypothesis, re, im)]
        let absent = Self.evidence([w])
        #expect(!absent.present)
        #expect(absent.payload == nil)
        #expect(absent.candidatePayloads == nil)
        #expect(absent.payloadSoftBits == nil)
        let clean = PayloadCodec.encode(Self.payload).map { $0 == 0 ? 1.0 : -1.0 }
        let decoded = Self.evidence([Self.window(clean, index: 0)])
        #expect(decoded.payload == Self.payload)
        #expect(decoded.candidatePayloads == nil)
    }
}
