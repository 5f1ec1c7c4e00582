import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One geometry hypothesis: how the canonical tile maps onto the analysis grid.
struct GeometryHypothesis: Sendable, Hashable {
    /// Which slot of ``slotCount`` this is (fixed, for the Bonferroni correction).
    var slot: Int
    /// Column-major 2x2: canonical (u, v) -> analysis (x, y) = (a00 u + a01 v, a10 u + a11 v).
    var a00: Double
    var a01: Double
    var a10: Double
    var a11: Double
    /// Whether the residual is mirrored horizontally (for horizontally flipped video).
    var mirrored: Bool

    /// Geometry slots per window: {grid, native, lattice, lattice-square} x {plain, mirrored}.
    static let slotCount = 8

    func isClose(to other: GeometryHypothesis) -> Bool {
        mirrored == other.mirrored && abs(a00 - other.a00) < 1e-3 && abs(a01 - other.a01) < 1e-3
            && abs(a10 - other.a10) < 1e-3 && abs(a11 - other.a11) < 1e-3
    }
}

/// The key-independent analysis of one window: whitened tile spectra (band bins only) for every
/// geometry hypothesis.
struct WindowAnalysis: Sendable {
    var start: Double
    var end: Double
    var frames: Int
    /// One entry per evaluated hypothesis.
    var spectra: [(hypothesis: GeometryHypothesis, re: [Double], im: [Double])]
    /// The lattice found by autocorrelation, if any (analysis pixels).
    var lattice: Lattice.Estimate?
    /// Tile periods (analysis pixels) of the grid and native hypotheses.
    var gridPeriod: Double
    var nativePeriod: Double

    /// A window made of given spectra, without a residual (tests of the detector's decision rules).
    init(start: Double, end: Double, frames: Int,
         spectra: [(hypothesis: GeometryHypothesis, re: [Double], im: [Double])], gridPeriod: Double)
    {
        self.start = start
        self.end = end
        self.frames = frames
        self.spectra = spectra
        self.lattice = nil
        self.gridPeriod = gridPeriod
        self.nativePeriod = gridPeriod
    }

    /// Analyses the mean luma of a window.
    /// - Parameter history: running sum of earlier windows' residuals at the same size (updated here); its
    ///   lattice is used when it is more significant than this window's own (static geometry across a clip).
    init(mean: FloatImage, start: Double, end: Double, frames: Int, history: inout FloatImage?) {
        self.start = start
        self.end = end
        self.frames = frames
        let scale = min(1.0, TileGeometry.gridHeight / Double(mean.height))
        let aw = max(1, Int((Double(mean.width) * scale).rounded()))
        let ah = max(1, Int((Double(mean.height) * scale).rounded()))
        let analysis = mean.downscaled(width: aw, height: ah)
        let residual = Self.residual(analysis)
        let n = Double(TileGeometry.size)

        // Hypotheses.
        var base: [GeometryHypothesis] = []
        let gridPeriod = n * Double(mean.height) / TileGeometry.gridHeight * scale
        self.gridPeriod = gridPeriod
        base.append(GeometryHypothesis(slot: 0, a00: gridPeriod / n, a01: 0, a10: 0, a11: gridPeriod / n, mirrored: false))
        // Native: not rescaled since embedding (cropped from a larger frame when >= 720 lines).
        let nativePeriod = Double(mean.height) < TileGeometry.gridHeight
            ? TileGeometry.period(width: mean.width, height: mean.height) : n * scale
        self.nativePeriod = nativePeriod
        base.append(GeometryHypothesis(slot: 1, a00: nativePeriod / n, a01: 0, a10: 0, a11: nativePeriod / n, mirrored: false))
        lattice = Lattice.plausible(Lattice.estimate(residual), gridPeriod: gridPeriod)
        if var sum = history, sum.width == residual.width, sum.height == residual.height {
            for i in 0..<sum.pixels.count { sum.pixels[i] += residual.pixels[i] }
            history = sum
            if let pooled = Lattice.plausible(Lattice.estimate(sum), gridPeriod: gridPeriod),
                pooled.significance > (lattice?.significance ?? 0)
            {
                lattice = pooled
            }
        } else {
            history = residual
        }
        if let estimate = lattice {
            let v1 = estimate.v1, v2 = estimate.v2
            base.append(GeometryHypothesis(slot: 2, a00: v1.x / n, a01: v2.x / n, a10: v1.y / n, a11: v2.y / n, mirrored: false))
            // Square completion of the x vector (rotation + isotropic scale).
            base.append(GeometryHypothesis(slot: 3, a00: v1.x / n, a01: -v1.y / n, a10: v1.y / n, a11: v1.x / n, mirrored: false))
        }
        var all: [GeometryHypothesis] = []
        for h in base {
            all.append(h)
            // Mirror: reflect the lattice (F A F) and read the residual mirrored.
            all.append(GeometryHypothesis(slot: h.slot + 4, a00: h.a00, a01: -h.a01, a10: -h.a10, a11: h.a11, mirrored: true))
        }
        var kept: [GeometryHypothesis] = []
        for h in all where !kept.contains(where: { $0.isClose(to: h) }) {
            kept.append(h)
        }
        spectra = Self.spectra(residual, kept)
    }

    /// Folds and whitens a residual under each hypothesis; the hypotheses are independent, so they run on both
    /// cores (same result, less wall time).
    static func spectra(_ residual: FloatImage, _ hypotheses: [GeometryHypothesis])
        -> [(hypothesis: GeometryHypothesis, re: [Double], im: [Double])]
    {
        var folded = [(re: [Double], im: [Double])](repeating: ([], []), count: hypotheses.count)
        folded.withUnsafeMutableBufferPointer { out in
            nonisolated(unsafe) let slots = out.baseAddress!
            let image = residual
            DispatchQueue.concurrentPerform(iterations: hypotheses.count) { i in
                slots[i] = Self.whitenedBand(Self.fold(image, hypotheses[i]))
            }
        }
        return zip(hypotheses, folded).map { ($0, $1.re, $1.im) }
    }

    /// High-pass residual: Y - blur(Y), clipped, zero on black fill (eroded).
    static func residual(_ y: FloatImage) -> FloatImage {
        var blur = y
        for _ in 0..<3 { blur = blur.boxBlurred(radius: 3) }
        var valid = FloatImage(width: y.width, height: y.height)
        for i in 0..<y.pixels.count { valid.pixels[i] = y.pixels[i] > 20 ? 1 : 0 }
        valid = valid.boxBlurred(radius: 4)
        var out = FloatImage(width: y.width, height: y.height)
        for i in 0..<y.pixels.count {
            if valid.pixels[i] > 0.999 {
                out.pixels[i] = max(-10, min(10, y.pixels[i] - blur.pixels[i]))
            }
        }
        return out
    }

    /// Folds the residual onto one canonical tile under a hypothesis (bilinear sampling).
    static func fold(_ r: FloatImage, _ h: GeometryHypothesis) -> [Double] {
        let n = TileGeometry.size
        var sum = [Double](repeating: 0, count: n * n)
        var count = [Double](repeating: 0, count: n * n)
        let w = r.width, hh = r.height
        let det = h.a00 * h.a11 - h.a01 * h.a10
        guard abs(det) > 1e-9 else { return sum }
        let i00 = h.a11 / det, i01 = -h.a01 / det, i10 = -h.a10 / det, i11 = h.a00 / det
        var umin = Double.infinity, umax = -Double.infinity, vmin = Double.infinity, vmax = -Double.infinity
        for (cx, cy) in [(0.0, 0.0), (Double(w), 0.0), (0.0, Double(hh)), (Double(w), Double(hh))] {
            let u = i00 * cx + i01 * cy, v = i10 * cx + i11 * cy
            umin = min(umin, u)
            umax = max(umax, u)
            vmin = min(vmin, v)
            vmax = max(vmax, v)
        }
        let u0 = Int(umin.rounded(.down)), u1 = Int(umax.rounded(.up))
        let v0 = Int(vmin.rounded(.down)), v1 = Int(vmax.rounded(.up))
        let maxX = Double(w - 1), maxY = Double(hh - 1)
        r.pixels.withUnsafeBufferPointer { px in
            sum.withUnsafeMutableBufferPointer { s in
                count.withUnsafeMutableBufferPointer { c in
                    for v in v0...v1 {
                        let tv = ((v % n) + n) % n * n
                        var x = h.a00 * Double(u0) + h.a01 * Double(v)
                        var y = h.a10 * Double(u0) + h.a11 * Double(v)
                        var tu = ((u0 % n) + n) % n
                        for _ in u0...u1 {
                            if x >= 0 && x < maxX && y >= 0 && y < maxY {
                                let sx = h.mirrored ? maxX - x : x
                                let ix = Int(sx), iy = Int(y)
                                let fx = Float(sx - Double(ix)), fy = Float(y - Double(iy))
                                let p = iy * w + ix
                                let ixr = min(ix + 1, w - 1)
                                let q = iy * w + ixr
                                let top = px[p] + fx * (px[q] - px[p])
                                let bottom = px[p + w] + fx * (px[q + w] - px[p + w])
                                s[tv + tu] += Double(top + fy * (bottom - top))
                                c[tv + tu] += 1
                            }
                            x += h.a00
                            y += h.a10
                            tu += 1
                            if tu == n { tu = 0 }
                        }
                    }
                }
            }
        }
        for i in 0..<(n * n) where count[i] > 0 { sum[i] /= count[i] }
        return sum
    }

    /// FFT of the tile divided by the local 5x5 mean power (maximum-ratio weights); band bins only.
    static func whitenedBand(_ tile: [Double]) -> ([Double], [Double]) {
        let n = TileGeometry.size
        var re = tile
        var im = [Double](repeating: 0, count: n * n)
        FFT2D(rows: n, cols: n).transform(re: &re, im: &im, inverse: false)
        var power = [Double](repeating: 0, count: n * n)
        for i in 0..<(n * n) { power[i] = re[i] * re[i] + im[i] * im[i] }
        let band = TileGeometry.band
        var outRe = [Double](repeating: 0, count: band.count)
        var outIm = [Double](repeating: 0, count: band.count)
        for (k, bin) in band.enumerated() {
            let row = Int(bin) / n, col = Int(bin) % n
            var local = 0.0
            for dy in -2...2 {
                let rr = (row + dy + n) % n * n
                for dx in -2...2 { local += power[rr + (col + dx + n) % n] }
            }
            local /= 25
            guard local > 1e-24 else { continue }
            // Maximum-ratio weighting: F / sigma^2 (sigma^2 = local mean power, key-independent).
            outRe[k] = re[Int(bin)] / local
            outIm[k] = im[Int(bin)] / local
        }
        return (outRe, outIm)
    }
}

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

    /// Slots of the pooled test with the extended search (session 5): grid, native and the search's candidates,
    /// each read plain and mirrored (the comb cannot tell a mirrored frame from a rotated one).
    static let extendedSlotCount = 2 + 2 * extendedCandidates
    /// Search candidates with the extension: 3 from session 4's region, 2 from each of the extension's regions.
    static let extendedCandidates = GeometrySearch.candidateCount + 2 * GeometrySearch.extraCandidateCount
    /// Slots without the extended search (grid, native, candidates read plain).
    static let slotCount = 2 + GeometrySearch.candidateCount
    /// Slots paid for by a configuration.
    static func slots(extended: Bool) -> Int { extended ? extendedSlotCount : slotCount }
    /// Slot number of the pooled grid hypothesis (window slots are 0..<8).
    static let firstSlot = GeometryHypothesis.slotCount

    init(residual: FloatImage, windows: Int, gridPeriod: Double, nativePeriod: Double, extended: Bool = false) {
        self.windows = windows
        let n = Double(TileGeometry.size)
        var hypotheses = [GeometryHypothesis(slot: Self.firstSlot, a00: gridPeriod / n, a01: 0, a10: 0,
                                             a11: gridPeriod / n, mirrored: false)]
        let native = GeometryHypothesis(slot: Self.firstSlot + 1, a00: nativePeriod / n, a01: 0, a10: 0,
                                        a11: nativePeriod / n, mirrored: false)
        if !native.isClose(to: hypotheses[0]) { hypotheses.append(native) }
        candidates = GeometrySearch.candidates(residual, basePeriod: gridPeriod, extended: extended)
        for (i, c) in candidates.enumerated() {
            let h = GeometrySearch.hypothesis(c, basePeriod: gridPeriod, slot: Self.firstSlot + 2 + i)
            if !hypotheses.contains(where: { $0.isClose(to: h) }) { hypotheses.append(h) }
            guard extended else { continue }
            // Mirrored twin: reflect the geometry (F A F) and read the residual mirrored.
            let twin = Self.firstSlot + 2 + Self.extendedCandidates + i
            let m = GeometryHypothesis(slot: twin, a00: h.a00,
                                       a01: -h.a01, a10: -h.a10, a11: h.a11, mirrored: true)
            if !hypotheses.contains(where: { $0.isClose(to: m) }) { hypotheses.append(m) }
        }
        spectra = WindowAnalysis.spectra(residual, hypotheses)
    }
}
