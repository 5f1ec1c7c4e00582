/// The clip-level test on the pooled residual (the sum of every window's residual at the last window's frame
/// size): grid and native geometry, plus the candidates of ``GeometrySearch``. It runs once per clip, when the
/// analysis finishes, and each of its ``slotCount`` slots counts in the clip's Bonferroni factor (fixed, whether
/// or not every slot produced a spectrum).
struct PooledAnalysis: Sendable {
    /// Windows pooled.
    var windows: Int
    /// The search's candidates (for diagnostics).
    var candidates: [GeometrySearch.Candidate]
    /// Whitened tile spectra per hypothesis (slots ``firstSlot`` ...).
    var spectra: [(hypothesis: GeometryHypothesis, re: [Double], im: [Double])]

    /// Slots of the pooled test with the extended search (session 5) and its large-crop region (session 11): grid,
    /// native and the search's candidates, each read plain and mirrored (the comb cannot tell a mirrored frame from
    /// a rotated one).
    static let extendedSlotCount = 2 + 2 * extendedCandidates
    /// Slots of the pooled test with the extended search but without the large-crop region (sessions 6-10).
    static let extendedSlotCountWithoutLargeCrops = extendedSlotCount - 2 * GeometrySearch.extraCandidateCount
    /// Search candidates with the extension: 3 from session 4's region, 2 from each of the extension's three
    /// regions (larger rotations, zoom-outs, large crops). Mirrored twins are numbered after all of them.
    static let extendedCandidates = GeometrySearch.candidateCount + 3 * GeometrySearch.extraCandidateCount
    /// Slots without the extended search (grid, native, candidates read plain).
    static let slotCount = 2 + GeometrySearch.candidateCount
    /// Slots paid for by a configuration.
    static func slots(extended: Bool, largeCrops: Bool = true) -> Int {
        extended ? (largeCrops ? extendedSlotCount : extendedSlotCountWithoutLargeCrops) : slotCount
    }
    /// Slot number of the pooled grid hypothesis (window slots are 0..<8).
    static let firstSlot = GeometryHypothesis.slotCount

    init(residual: FloatImage, windows: Int, gridPeriod: Double, nativePeriod: Double, extended: Bool = false,
         largeCrops: Bool = false)
    {
        self.windows = windows
        let n = Double(TileGeometry.size)
        var hypotheses = [GeometryHypothesis(slot: Self.firstSlot, a00: gridPeriod / n, a01: 0, a10: 0,
                                             a11: gridPeriod / n, mirrored: false)]
        let native = GeometryHypothesis(slot: Self.firstSlot + 1, a00: nativePeriod / n, a01: 0, a10: 0,
                                        a11: nativePeriod / n, mirrored: false)
        if !native.isClose(to: hypotheses[0]) { hypotheses.append(native) }
        candidates = GeometrySearch.candidates(residual, basePeriod: gridPeriod, extended: extended,
                                               largeCrops: largeCrops)
        var twins: [(plain: Int, hypothesis: GeometryHypothesis)] = []
        var readings = [Reading](repeating: .whole, count: hypotheses.count)
        for (i, c) in candidates.enumerated() {
            let h = GeometrySearch.hypothesis(c, basePeriod: gridPeriod, slot: Self.firstSlot + 2 + i)
            let plain = hypotheses.firstIndex { $0.isClose(to: h) } ?? hypotheses.count
            if plain == hypotheses.count {
                hypotheses.append(h)
                readings.append(Self.reading(c, step: c.scale * gridPeriod / n))
            }
            guard extended else { continue }
            // Mirrored twin: the reflected geometry (F A F) read on the mirrored residual.
            let m = GeometryHypothesis(slot: Self.firstSlot + 2 + Self.extendedCandidates + i, a00: h.a00, a01: -h.a01,
                                       a10: -h.a10, a11: h.a11, mirrored: true)
            if !twins.contains(where: { $0.hypothesis.isClose(to: m) }) { twins.append((plain, m)) }
        }
        // Folds by reading: whole tile; decimated; decimated on the smoothed residual.
        var byIndex: [(Int, (hypothesis: GeometryHypothesis, re: [Double], im: [Double]))] = []
        for reading in [Reading.whole, .decimated, .smoothedDecimated] {
            let indices = readings.indices.filter { readings[$0] == reading }
            guard !indices.isEmpty else { continue }
            let image = reading == .smoothedDecimated ? residual.binomialSmoothed() : residual
            byIndex += zip(indices, WindowAnalysis.spectra(image, indices.map { hypotheses[$0] },
                                                           decimations: indices.map { _ in reading == .whole ? 1 : 2 }))
        }
        spectra = byIndex.sorted { $0.0 < $1.0 }.map(\.1)
        for (plain, hypothesis) in twins {
            let (re, im) = Self.mirrored(re: spectra[plain].re, im: spectra[plain].im)
            spectra.append((hypothesis, re, im))
        }
    }

    /// How a candidate's tile is folded (session 6).
    enum Reading {
        /// Every tile sample (``WindowAnalysis/fold(_:_:decimation:)`` with decimation 1): grid, native, and the
        /// candidates at scales >= 1.
        case whole
        /// Every second tile sample each way, for zoom-outs with a tile step under
        /// ``GeometrySearch/decimatedFoldBelowStep`` analysis pixels: the whole tile would read each pixel more
        /// than 4 times, and what the decimated one adds into the band lies past the pixels' Nyquist limit.
        case decimated
        /// Every second tile sample on the residual smoothed by `[1, 2, 1] / 4`, for zoom-outs with a tile step from
        /// ``GeometrySearch/decimatedFoldBelowStep`` to 1: the smoothing keeps what lies past the decimated
        /// sampling limit (0.45 to 0.8 cycles per pixel there) out of the band.
        case smoothedDecimated
    }

    /// The reading of a candidate whose tile step is `step` analysis pixels.
    static func reading(_ c: GeometrySearch.Candidate, step: Double) -> Reading {
        guard c.zoomOut && step < 1 else { return .whole }
        return step < GeometrySearch.decimatedFoldBelowStep ? .decimated : .smoothedDecimated
    }

    /// The whitened band of a mirrored reading, from the plain reading's band (session 6, instead of a second fold).
    ///
    /// The mirrored reading of geometry `A` samples the residual at `(W-1) - x` for the tile point whose plain
    /// position is `(x, y) = A (u, v)`, i.e. at `A (-u, v) + (W-1, 0)`: the plain fold read at `(-u, v)`, up to a
    /// translation of the tile, which the pilot correlation searches anyway (every cyclic shift). So the mirrored
    /// tile is the plain one with its columns reversed, and its spectrum is the plain spectrum at `(-u, v)`, which is
    /// in the half-plane band for `v > 0` and the conjugate of the band bin `(u, 0)` for `v = 0`. The whitening (a 5x5
    /// mean of power around each bin) commutes with the reversal. Like the folded twin, it depends on the video only,
    /// never on the key, so the twin stays one key-independent slot of the clip's Bonferroni factor.
    static func mirrored(re: [Double], im: [Double]) -> (re: [Double], im: [Double]) {
        var outRe = [Double](repeating: 0, count: re.count), outIm = [Double](repeating: 0, count: im.count)
        for (k, source) in mirrorSource.enumerated() {
            outRe[k] = re[Int(source.index)]
            outIm[k] = source.conjugate ? -im[Int(source.index)] : im[Int(source.index)]
        }
        return (outRe, outIm)
    }

    /// For each band bin `(u, v)`, the band position holding the plain spectrum at `(-u, v)` and whether it is
    /// that bin's conjugate.
    static let mirrorSource: [(index: Int32, conjugate: Bool)] = {
        let n = TileGeometry.size
        return TileGeometry.band.map { bin in
            let row = Int(bin) / n, col = Int(bin) % n
            if row != 0 { return (KeyScorer.bandPosition[row * n + (n - col) % n], false) }
            return (KeyScorer.bandPosition[Int(bin)], true)
        }
    }()
}
