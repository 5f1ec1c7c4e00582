#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import AssayCore

/// Detects the watermark of one key in a stream of frames and reports calibrated evidence.
///
/// Feed frames in presentation order (the caller decodes; ``wantsFrame(at:)`` says which frames are
/// needed), then call ``finish()``. Presence is a p-value under "no watermark with this key": the
/// pilot correlation over all 65,536 cyclic shifts of the tile is, for a random key, a sum of
/// cosines of independent uniform phases, so `P(z > t) <= exp(-t^2/2)` per shift; the p-value is that
/// bound times every test of the clip (Bonferroni): 65,536 shifts x (8 geometry slots x windows (16 with the
/// intra-frame test, 8 more on each window's first intra frame; see
/// ``WatermarkAnalyzer/Configuration/intraFrameTest``, on by default) + 20 slots of the
/// pooled test that ``finish()`` runs on the sum of all windows, with the geometry search for crop with rescale,
/// rotation, zoom-out and flip; see ``WatermarkAnalyzer/Configuration/geometrySearch``). The payload is decoded
/// (soft Viterbi + CRC-16, then a CRC-aided list Viterbi whose list-only payloads need a second window; see
/// ``PayloadCodec/ListPolicy``) only in tests that pass the threshold.
public struct WatermarkDetector: Sendable {
    /// Default decision threshold: false-positive rate per clip.
    public static let defaultFalsePositiveRate = 1e-6

    /// The key's public fingerprint.
    public let keyFingerprint: String
    /// The decision threshold on the clip p-value.
    public let falsePositiveRate: Double
    private let key: WatermarkKey
    private var analyzer: WatermarkAnalyzer

    /// Creates a detector.
    /// - Throws: ``WatermarkError/Code/invalidOption`` for a bad configuration or rate outside (0, 1).
    public init(key: WatermarkKey, configuration: WatermarkAnalyzer.Configuration = .init(),
                falsePositiveRate: Double = WatermarkDetector.defaultFalsePositiveRate) throws
    {
        guard falsePositiveRate > 0, falsePositiveRate < 1 else {
            throw WatermarkError.invalidOption("false-positive rate must be in (0, 1), got \(falsePositiveRate)")
        }
        self.key = key
        self.keyFingerprint = key.fingerprint
        self.falsePositiveRate = falsePositiveRate
        self.analyzer = try WatermarkAnalyzer(configuration: configuration)
    }

    /// Whether a frame at `time` is needed on the sampling schedule (see ``wants(_:)``).
    public func wantsFrame(at time: MediaTime) -> Bool { analyzer.wantsFrame(at: time) }

    /// Whether a decoded frame is needed: on the sampling schedule, or a window's first intra frame
    /// (``WatermarkAnalyzer/wants(_:)``).
    public func wants(_ frame: Frame) -> Bool { analyzer.wants(frame) }

    /// The sampling and windowing configuration.
    public var configuration: WatermarkAnalyzer.Configuration { analyzer.configuration }

    /// Adds a frame (skipped unless wanted).
    /// - Returns: whether the frame was used.
    /// - Throws: ``WatermarkError/Code/unsupportedFrame`` for frames under 64 px on a side, and for frames under
    ///   ``WatermarkEmbedder/minimumReadablePixels`` (the lane cannot judge them; see
    ///   ``WatermarkAnalyzer/Configuration/allowsUnreadableFrames``).
    @discardableResult
    public mutating func add(_ frame: Frame) throws -> Bool { try analyzer.add(frame) }

    /// Sequential early decision: the evidence of the windows closed so far, if it already shows the mark
    /// present **and** its payload decoded, else `nil` (keep feeding frames).
    ///
    /// The p-value's Bonferroni factor is `plannedWindows` (the windows a full read would analyse), not
    /// the windows seen so far, so stopping at the first settled window keeps the false-positive bound of
    /// a full read: every window that could ever be tested is paid for. Only the newest closed window is
    /// scored on each call (cheap), and the returned evidence covers the closed windows.
    /// - Parameter plannedWindows: windows a full read of the requested span would analyse (at least 1).
    public mutating func settledEvidence(plannedWindows: Int) -> WatermarkEvidence? {
        let closed = analyzer.closedWindowCount
        guard closed > checkedWindows else { return nil }
        checkedWindows = closed
        let analysis = analyzer.closedWindows()
        let factor = max(plannedWindows, closed)
        guard analysis.newestWindowSettles(key: key, falsePositiveRate: falsePositiveRate, bonferroniWindows: factor)
        else { return nil }
        let e = analysis.evidence(key: key, falsePositiveRate: falsePositiveRate, bonferroniWindows: factor)
        return e.present && e.payload != nil ? e : nil
    }

    private var checkedWindows = 0

    /// Finishes and returns the evidence.
    public mutating func finish() -> WatermarkEvidence {
        analyzer.finish().evidence(key: key, falsePositiveRate: falsePositiveRate)
    }

    /// Convenience: detects over a sequence of frames.
    public static func detect(_ frames: some Sequence<Frame>, key: WatermarkKey,
                              configuration: WatermarkAnalyzer.Configuration = .init()) throws -> WatermarkEvidence
    {
        var detector = try WatermarkDetector(key: key, configuration: configuration)
        for frame in frames { try detector.add(frame) }
        return detector.finish()
    }

    /// The p-value bound for a pilot z-score tested over `hypotheses` shifts x geometries.
    public static func pValue(z: Double, hypotheses: Double) -> Double {
        guard z > 0 else { return 1 }
        // exp underflows for z > ~38; report the smallest normal double rather than an exact zero.
        return max(Double.leastNormalMagnitude, min(1, hypotheses * exp(-z * z / 2)))
    }
}

/// Scores window analyses against one key.
struct KeyScorer {
    let layout: KeyLayout
    /// Band positions of the pilot and message bins.
    let pilotPositions: [Int32]
    let messagePositions: [Int32]

    static let bandPosition: [Int32] = {
        var map = [Int32](repeating: -1, count: TileGeometry.size * TileGeometry.size)
        for (k, bin) in TileGeometry.band.enumerated() { map[Int(bin)] = Int32(k) }
        return map
    }()

    /// cos and sin of the pilot phases.
    let pilotCos: [Double]
    let pilotSin: [Double]

    init(key: WatermarkKey) {
        layout = KeyLayout(key: key)
        pilotCos = layout.pilotPhase.map { cos($0) }
        pilotSin = layout.pilotPhase.map { sin($0) }
        pilotPositions = layout.pilotBins.map { Self.bandPosition[Int($0)] }
        messagePositions = layout.messageBins.map { Self.bandPosition[Int($0)] }
    }

    struct WindowScore {
        var z: Double
        var slot: Int
        var decoded: PayloadCodec.Decoded
        var soft: [Double]
        var candidates: [(z: Double, index: Int, shift: (Int, Int))]
    }

    /// Hypotheses tested per window (shifts x geometry slots; `windowSlots` is 16 with the intra-frame test).
    static func hypothesesPerWindow(windowSlots: Int = GeometryHypothesis.slotCount) -> Double {
        Double(TileGeometry.size * TileGeometry.size * windowSlots)
    }

    /// Hypotheses a clip's p-value pays for: every shift of every window slot of `windows` windows (`windowSlots`
    /// each: 8, or 16 with the intra-frame test), and of every slot of the pooled test.
    static func clipHypotheses(windows: Int, windowSlots: Int = GeometryHypothesis.slotCount, pooledSlots: Int)
        -> Double
    {
        Double(TileGeometry.size * TileGeometry.size) * Double(windowSlots * windows + pooledSlots)
    }

    typealias Spectra = [(hypothesis: GeometryHypothesis, re: [Double], im: [Double])]

    func score(_ spectra: Spectra) -> WindowScore {
        var candidates: [(z: Double, index: Int, shift: (Int, Int))] = []
        for (index, spectrum) in spectra.enumerated() {
            let (z, shift) = pilotPeak(re: spectrum.re, im: spectrum.im)
            candidates.append((z, index, shift))
        }
        candidates.sort { $0.z > $1.z }
        guard let best = candidates.first else {
            return WindowScore(z: 0, slot: -1, decoded: .init(payload: 0, crcValid: false), soft: [], candidates: [])
        }
        let s = spectra[best.index]
        let soft = softBits(re: s.re, im: s.im, shift: best.shift)
        return WindowScore(z: best.z, slot: s.hypothesis.slot, decoded: PayloadCodec.decode(soft), soft: soft,
                           candidates: candidates)
    }

    /// Decodes the best hypothesis whose z passes `threshold` and whose CRC holds, trying them in order of z.
    /// Plain Viterbi is tried on every such hypothesis first; only when none decodes does the list decoder
    /// (`listSize` > 1) try them again in the same order, so a rank-1 result is always preferred.
    func decodeFirstValid(_ score: WindowScore, _ spectra: Spectra, tests: Double,
                          falsePositiveRate: Double, listSize: Int = 1) -> PayloadCodec.Decoded?
    {
        if score.decoded.crcValid { return score.decoded }
        var passing: [[Double]] = [score.soft]
        for c in score.candidates.dropFirst() {
            guard WatermarkDetector.pValue(z: c.z, hypotheses: tests) <= falsePositiveRate else { break }
            let s = spectra[c.index]
            let soft = softBits(re: s.re, im: s.im, shift: c.shift)
            let d = PayloadCodec.decode(soft)
            if d.crcValid { return d }
            passing.append(soft)
        }
        guard listSize > 1 else { return nil }
        for soft in passing {
            let d = PayloadCodec.decode(soft, listSize: listSize)
            if d.crcValid { return d }
        }
        return nil
    }

    /// - Parameters:
    ///   - pooled: the clip-level pooled test, when it ran.
    ///   - pooledSlots: its slots in the Bonferroni factor (paid for whether or not it ran).
    ///   - bonferroniWindows: windows paid for in the p-value (at least `windows.count`; more when a
    ///     sequential read stops before analysing every planned window).
    ///   - payloadList: how the CRC-aided list decoder is used (see ``PayloadCodec/ListPolicy``).
    func evidence(windows: [WindowAnalysis], pooled: PooledAnalysis?, windowSlots: Int = GeometryHypothesis.slotCount,
                  pooledSlots: Int, falsePositiveRate: Double,
                  fingerprint: String, bonferroniWindows: Int = 0,
                  payloadList: PayloadCodec.ListPolicy = .default) -> WatermarkEvidence
    {
        let listSize = payloadList.listSize
        guard !windows.isEmpty else {
            return WatermarkEvidence(present: false, pValue: 1, threshold: falsePositiveRate, keyFingerprint: fingerprint)
        }
        // Every test of the clip (window slots x windows, pooled slots, x shifts) is paid for in each p-value.
        let tests = Self.clipHypotheses(windows: max(windows.count, bonferroniWindows), windowSlots: windowSlots,
                                        pooledSlots: pooledSlots)
        var segments: [WatermarkEvidence.Segment] = []
        var clipP = 1.0
        var votes: [UInt64: Int] = [:]
        // Segment index -> payload from a list path of rank > 1 awaiting a second window (confirmation policy).
        var pending: [(segment: Int, payload: UInt64)] = []
        var rankOne: [(segment: Int, payload: UInt64)] = []
        // List-only payloads that nothing in the clip confirmed (reported as candidates, never as the payload), and
        // the soft bits a present clip without a payload is list-decoded from once more for candidates.
        var candidates: [UInt64] = []
        var candidateSoft: [[Double]] = []
        // A clip-level decode (pooled, combined, re-aligned) cannot be confirmed by a second window: a list-only
        // path from it is a candidate unless the policy accepts list paths alone.
        func clipLevel(_ decoded: PayloadCodec.Decoded?) -> UInt64? {
            guard let decoded, decoded.crcValid else { return nil }
            if decoded.rank > 1 && payloadList.requiresConfirmation {
                if !candidates.contains(decoded.payload) { candidates.append(decoded.payload) }
                return nil
            }
            return decoded.payload
        }
        var combined = [Double](repeating: 0, count: PayloadCodec.codedBits)
        var combinedWindows = 0
        var best: (z: Double, slot: Int, shift: (Int, Int))?
        for window in windows {
            let score = score(window.spectra)
            if let top = score.candidates.first, top.z > (best?.z ?? -1) {
                best = (top.z, window.spectra[top.index].hypothesis.slot, top.shift)
            }
            let p = WatermarkDetector.pValue(z: score.z, hypotheses: Self.hypothesesPerWindow(windowSlots: windowSlots))
            let adjusted = WatermarkDetector.pValue(z: score.z, hypotheses: tests)
            let present = adjusted <= falsePositiveRate
            var payload: UInt64?
            if present {
                if let decoded = decodeFirstValid(score, window.spectra, tests: tests,
                                                  falsePositiveRate: falsePositiveRate, listSize: listSize)
                {
                    if decoded.rank > 1 && payloadList.requiresConfirmation {
                        pending.append((segments.count, decoded.payload))
                    } else {
                        payload = decoded.payload
                        votes[decoded.payload, default: 0] += 1
                        if decoded.rank == 1 { rankOne.append((segments.count, decoded.payload)) }
                    }
                }
                candidateSoft.append(score.soft)
                // Soft combining across present windows (normalised so each window weighs by its SNR).
                let rms = (score.soft.reduce(0) { $0 + $1 * $1 } / Double(max(1, score.soft.count))).squareRoot()
                if rms > 0 && score.soft.count == combined.count {
                    for i in 0..<combined.count { combined[i] += score.soft[i] / rms * score.z }
                    combinedWindows += 1
                }
            }
            clipP = min(clipP, adjusted)
            segments.append(
                WatermarkEvidence.Segment(
                    start: MediaTime(seconds: window.start), end: MediaTime(seconds: window.end), pValue: p,
                    present: present, payload: payload))
        }
        // A list-only payload counts once a second, distinct window decoded the same payload (at any rank).
        for p in pending {
            let others = (pending + rankOne).filter { $0.payload == p.payload && $0.segment != p.segment }
            guard !others.isEmpty else {
                if !candidates.contains(p.payload) { candidates.append(p.payload) }
                continue
            }
            segments[p.segment].payload = p.payload
            votes[p.payload, default: 0] += 1
        }
        // The pooled test: once per clip, on the sum of every window's residual.
        var pooledPayload: UInt64?
        if let pooled, !pooled.spectra.isEmpty {
            let score = score(pooled.spectra)
            let adjusted = WatermarkDetector.pValue(z: score.z, hypotheses: tests)
            clipP = min(clipP, adjusted)
            if adjusted <= falsePositiveRate {
                candidateSoft.append(score.soft)
                pooledPayload = clipLevel(decodeFirstValid(score, pooled.spectra, tests: tests,
                                                           falsePositiveRate: falsePositiveRate, listSize: listSize))
            }
        }
        var payload = votes.max { a, b in a.value < b.value || (a.value == b.value && a.key > b.key) }?.key
        if payload == nil { payload = pooledPayload }
        if payload == nil && combinedWindows > 1 {
            payload = clipLevel(PayloadCodec.decode(combined, listSize: listSize))
            candidateSoft.append(combined)
        }
        if payload == nil, clipP <= falsePositiveRate, windows.count > 1, let best {
            // Presence is established: read every window at the strongest window's geometry and shift, weight each
            // by its pilot correlation there, and decode the sum (helps when single windows are too weak).
            var sum = [Double](repeating: 0, count: PayloadCodec.codedBits)
            for window in windows {
                guard let s = window.spectra.first(where: { $0.hypothesis.slot == best.slot }) else { continue }
                let z = pilotZ(re: s.re, im: s.im, shift: best.shift)
                guard z > 0 else { continue }
                let soft = softBits(re: s.re, im: s.im, shift: best.shift)
                let rms = (soft.reduce(0) { $0 + $1 * $1 } / Double(soft.count)).squareRoot()
                guard rms > 0 else { continue }
                for i in 0..<sum.count { sum[i] += soft[i] / rms * z }
            }
            payload = clipLevel(PayloadCodec.decode(sum, listSize: listSize))
            candidateSoft.append(sum)
        }
        let present = clipP <= falsePositiveRate
        // A candidate is worth reporting only for a present clip without a payload (it may be the payload). Such a
        // clip is list-decoded once more with the longer candidate list, every CRC-valid path kept.
        if present && payload == nil && payloadList.candidateListSize > 0 {
            for soft in candidateSoft {
                for d in PayloadCodec.crcValidPaths(soft, listSize: payloadList.candidateListSize)
                where !candidates.contains(d.payload) {
                    candidates.append(d.payload)
                }
            }
        }
        let unconfirmed = present && payload == nil && !candidates.isEmpty
            ? Array(candidates.prefix(Self.maximumCandidates)) : nil
        var evidence = WatermarkEvidence(
            present: present, pValue: clipP, threshold: falsePositiveRate,
            payload: present ? payload : nil, segments: segments, keyFingerprint: fingerprint,
            candidatePayloads: unconfirmed)
        // The same vectors, for a caller that matches them against expected payloads (PayloadMatcher).
        if present && payload == nil && !candidateSoft.isEmpty { evidence.payloadSoftBits = candidateSoft }
        return evidence
    }

    /// At most this many unconfirmed candidates are reported (each costs the verifier one repository look-up).
    static let maximumCandidates = 16

    /// The pilot z-score maximised over all cyclic shifts, and the shift (row, col).
    func pilotPeak(re: [Double], im: [Double]) -> (Double, (Int, Int)) {
        let n = TileGeometry.size
        var gr = [Double](repeating: 0, count: n * n)
        var gi = [Double](repeating: 0, count: n * n)
        var energy = 0.0
        for (i, pos) in pilotPositions.enumerated() {
            let fr = re[Int(pos)], fi = im[Int(pos)]
            let c = pilotCos[i], s = pilotSin[i]
            // g = F * e^{-i theta}
            let xr = fr * c + fi * s, xi = fi * c - fr * s
            let bin = Int(layout.pilotBins[i])
            gr[bin] = xr
            gi[bin] = xi
            let k = TileGeometry.conjugate(bin)
            gr[k] = xr
            gi[k] = -xi
            energy += xr * xr + xi * xi
        }
        guard energy > 1e-30 else { return (0, (0, 0)) }
        let (best, at) = Self.realInverseBandFFT(&gr, &gi)
        return (best / (2 * energy).squareRoot(), (at / n, at % n))
    }

    /// Columns of the tile spectrum that can hold band bins (|u| <= bandHigh), as two contiguous ranges.
    static let bandColumnRanges: [Range<Int>] = {
        let n = TileGeometry.size, high = Int(TileGeometry.bandHigh)
        return [0..<(high + 1), (n - high)..<n]
    }()
    static let tilePlan = FFT(count: TileGeometry.size)

    /// The unscaled inverse 2-D DFT of a Hermitian `size x size` spectrum whose bins lie in the band, and the
    /// maximum of its (real) result with the position (row-major). Same values as `FFT2D` (times `size²`), at
    /// about 40 % of the cost: the column pass skips the columns outside the band, and the row pass transforms
    /// two rows at once (each row is Hermitian after the column pass, so its inverse is real: ifft(A + iB) = a + ib).
    static func realInverseBandFFT(_ gr: inout [Double], _ gi: inout [Double]) -> (Double, Int) {
        let n = TileGeometry.size
        let plan = tilePlan
        var best = -Double.infinity
        var at = 0
        var ar = [Double](repeating: 0, count: n), ai = [Double](repeating: 0, count: n)
        gr.withUnsafeMutableBufferPointer { rp in
            gi.withUnsafeMutableBufferPointer { ip in
                ar.withUnsafeMutableBufferPointer { abr in
                    ai.withUnsafeMutableBufferPointer { abi in
                        let r = rp.baseAddress!, i = ip.baseAddress!, a = abr.baseAddress!, b = abi.baseAddress!
                        for range in bandColumnRanges {
                            plan.transformColumns(r, i, stride: n, columns: range, inverse: true)
                        }
                        for y in stride(from: 0, to: n, by: 2) {
                            let p = y * n, q = p + n
                            for u in 0..<n {
                                a[u] = r[p + u] - i[q + u]
                                b[u] = i[p + u] + r[q + u]
                            }
                            plan.transform(a, b, inverse: true)
                            for x in 0..<n {
                                if a[x] > best {
                                    best = a[x]
                                    at = p + x
                                }
                                if b[x] > best {
                                    best = b[x]
                                    at = q + x
                                }
                            }
                        }
                    }
                }
            }
        }
        return (best, at)
    }

    /// The pilot z-score at one shift (row, col).
    func pilotZ(re: [Double], im: [Double], shift: (Int, Int)) -> Double {
        let n = TileGeometry.size
        var total = 0.0, energy = 0.0
        for (i, pos) in pilotPositions.enumerated() {
            let bin = Int(layout.pilotBins[i])
            let v = TileGeometry.signedFrequency(bin / n), u = TileGeometry.signedFrequency(bin % n)
            let angle = 2 * Double.pi * Double(u * shift.1 + v * shift.0) / Double(n) - layout.pilotPhase[i]
            let fr = re[Int(pos)], fi = im[Int(pos)]
            total += fr * cos(angle) - fi * sin(angle)
            energy += fr * fr + fi * fi
        }
        return energy > 0 ? 2 * total / (2 * energy).squareRoot() : 0
    }

    /// Soft values per coded bit at a shift, weighted per radial ring by pilot coherence.
    func softBits(re: [Double], im: [Double], shift: (Int, Int)) -> [Double] {
        let n = TileGeometry.size
        func aligned(_ pos: Int32, _ bin: Int32, _ theta: Double) -> (value: Double, magnitude: Double, ring: Int) {
            let row = Int(bin) / n, col = Int(bin) % n
            let v = TileGeometry.signedFrequency(row), u = TileGeometry.signedFrequency(col)
            let angle = 2 * Double.pi * Double(u * shift.1 + v * shift.0) / Double(n) - theta
            let fr = re[Int(pos)], fi = im[Int(pos)]
            let value = fr * cos(angle) - fi * sin(angle)
            let radius = Double(u * u + v * v).squareRoot()
            let ring = max(0, Int((radius - TileGeometry.bandLow) / 4))
            return (value, (fr * fr + fi * fi).squareRoot(), ring)
        }
        let rings = Int((TileGeometry.bandHigh - TileGeometry.bandLow) / 4) + 2
        var coherence = [Double](repeating: 0, count: rings)
        var count = [Double](repeating: 0, count: rings)
        for i in 0..<pilotPositions.count {
            let a = aligned(pilotPositions[i], layout.pilotBins[i], layout.pilotPhase[i])
            guard a.magnitude > 0 else { continue }
            coherence[a.ring] += a.value / a.magnitude
            count[a.ring] += 1
        }
        let rho = (0..<rings).map { count[$0] > 0 ? max(0, min(0.95, coherence[$0] / count[$0])) : 0 }
        var soft = [Double](repeating: 0, count: PayloadCodec.codedBits)
        for i in 0..<messagePositions.count {
            let a = aligned(messagePositions[i], layout.messageBins[i], layout.messagePhase[i])
            soft[Int(layout.messageBit[i])] += a.value * rho[a.ring]
        }
        return soft
    }
}
