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
    /// Slot numbers of the window's intra-frame test are the window slot plus this (32...39; session 12). The pooled
    /// test's slots are 8 and up, fewer than 32.
    static let intraSlotOffset = 32

    /// Whether this hypothesis reads the window's intra frame alone rather than the window mean.
    var isIntra: Bool { slot >= Self.intraSlotOffset }

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

    /// Analyses the mean luma of a window and, when given, its first intra frame on its own.
    /// - Parameter intra: the luma of the window's first intra-coded frame (session 12): its residual is folded
    ///   under the same hypotheses as the mean's, with slots offset by ``GeometryHypothesis/intraSlotOffset``. Its
    ///   geometry comes from the window (never from the frame or a key), and it does not enter `history`.
    /// - Parameter history: running sum of earlier windows' residuals at the same size (updated here); its
    ///   lattice is used when it is more significant than this window's own (static geometry across a clip).
    /// - Parameter normalized: whether the residual is normalised by its local RMS (``residual(_:normalized:)``).
    init(mean: FloatImage, intra: FloatImage? = nil, start: Double, end: Double, frames: Int, normalized: Bool,
         history: inout FloatImage?)
    {
        self.start = start
        self.end = end
        self.frames = frames
        let scale = min(1.0, TileGeometry.gridHeight / Double(mean.height))
        let aw = max(1, Int((Double(mean.width) * scale).rounded()))
        let ah = max(1, Int((Double(mean.height) * scale).rounded()))
        let analysis = mean.downscaled(width: aw, height: ah)
        let residual = Self.residual(analysis, normalized: normalized)
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
        if let intra, intra.width == mean.width, intra.height == mean.height {
            let intraResidual = Self.residual(intra.downscaled(width: aw, height: ah), normalized: normalized)
            var shifted = kept
            for i in shifted.indices { shifted[i].slot += GeometryHypothesis.intraSlotOffset }
            spectra += Self.spectra(intraResidual, shifted)
        }
    }

    /// Folds and whitens a residual under each hypothesis; the hypotheses are independent, so they run on both
    /// cores (same result, less wall time).
    /// - Parameter decimations: per hypothesis, 1 (the whole tile) or 2 (every second tile sample each way; see
    ///   ``fold(_:_:decimation:)``); 1 for all when empty.
    static func spectra(_ residual: FloatImage, _ hypotheses: [GeometryHypothesis], decimations: [Int] = [])
        -> [(hypothesis: GeometryHypothesis, re: [Double], im: [Double])]
    {
        var folded = [(re: [Double], im: [Double])](repeating: ([], []), count: hypotheses.count)
        folded.withUnsafeMutableBufferPointer { out in
            nonisolated(unsafe) let slots = out.baseAddress!
            let image = residual
            DispatchQueue.concurrentPerform(iterations: hypotheses.count) { i in
                let d = decimations.isEmpty ? 1 : decimations[i]
                slots[i] = Self.whitenedBand(Self.fold(image, hypotheses[i], decimation: d),
                                             size: TileGeometry.size / d)
            }
        }
        return zip(hypotheses, folded).map { ($0, $1.re, $1.im) }
    }

    /// High-pass residual: Y - blur(Y), clipped, zero on black fill (eroded), then (when `normalized`) divided by its
    /// local RMS.
    /// - Parameter normalized: divide by the local RMS (``normalizedLocally(_:)``; the default since session 7).
    static func residual(_ y: FloatImage, normalized: Bool) -> FloatImage {
        var blur = y
        for _ in 0..<3 { blur = blur.boxBlurred(radius: 3) }
        let count = y.pixels.count
        var valid = FloatImage(width: y.width, height: y.height)
        y.pixels.withUnsafeBufferPointer { src in
            valid.pixels.withUnsafeMutableBufferPointer { dst in
                for i in 0..<count { dst[i] = src[i] > 20 ? 1 : 0 }
            }
        }
        valid = valid.boxBlurred(radius: 4)
        var out = FloatImage(width: y.width, height: y.height)
        y.pixels.withUnsafeBufferPointer { src in
            blur.pixels.withUnsafeBufferPointer { low in
                valid.pixels.withUnsafeBufferPointer { mask in
                    out.pixels.withUnsafeMutableBufferPointer { dst in
                        for i in 0..<count where mask[i] > 0.999 { dst[i] = max(-10, min(10, src[i] - low[i])) }
                    }
                }
            }
        }
        return normalized ? Self.normalizedLocally(out) : out
    }

    /// Radius of the box filters that estimate the residual's local energy (applied twice: a 17 x 17 tent).
    static let normalizationRadius = 4
    /// Floor added to the local RMS (grey levels) so that flat areas, where the residual is mostly the mark or
    /// nothing, are not amplified without bound.
    static let normalizationFloor: Float = 0.5

    /// Local contrast normalisation (session 7): the residual divided by its local RMS plus a floor.
    ///
    /// The embedder scales the mark with the local texture, and the content left in the residual grows with it too;
    /// weighting each pixel by about `1 / sigma` (its mark amplitude over its noise variance) is the maximum-ratio
    /// combination across space, as ``whitenedBand(_:size:)`` is across frequency. The weights depend on the video
    /// alone, never on a key, so the null distribution of the pilot statistic, and with it the p-value bound, is
    /// unchanged.
    static func normalizedLocally(_ r: FloatImage) -> FloatImage {
        var energy = r
        let count = r.pixels.count
        energy.pixels.withUnsafeMutableBufferPointer { e in
            for i in 0..<count { e[i] *= e[i] }
        }
        energy = energy.boxBlurred(radius: normalizationRadius).boxBlurred(radius: normalizationRadius)
        var out = r
        energy.pixels.withUnsafeBufferPointer { e in
            out.pixels.withUnsafeMutableBufferPointer { o in
                for i in 0..<count {
                    // The running sums of the box filter leave tiny negative values where a loud area meets an
                    // exactly zero one (black fill): clamp, or the square root is NaN and so is every fold of the
                    // window.
                    o[i] /= max(0, e[i]).squareRoot() + normalizationFloor
                }
            }
        }
        return out
    }

    /// Folds the residual onto one canonical tile under a hypothesis (bilinear sampling).
    ///
    /// With `decimation` 2 (session 6, zoom-out candidates), only the tile points with even coordinates are read:
    /// a `128 x 128` tile whose spectrum holds the band (radius <= 40 < 64) unchanged, with the tile's frequencies
    /// 128 apart added together. When the tile step is under about 0.75 analysis pixels (a zoom-out) the full
    /// tile samples each pixel several times over and the added frequencies lie past the pixels' own Nyquist
    /// limit, so little is lost, for a quarter of the samples.
    ///
    /// An axis-aligned hypothesis (the grid and native ones, plain or mirrored, which every window folds) takes
    /// ``foldAxisAligned(_:_:decimation:)``, the same arithmetic in the same order with the per-column and per-row
    /// work done once (session 13: bit-identical output, about a third of the time); others take
    /// ``foldGeneral(_:_:decimation:)``.
    static func fold(_ r: FloatImage, _ h: GeometryHypothesis, decimation: Int = 1) -> [Double] {
        if h.a01 == 0 && h.a10 == 0 && h.a00 > 0 && h.a11 > 0 {
            return foldAxisAligned(r, h, decimation: decimation)
        }
        return foldGeneral(r, h, decimation: decimation)
    }

    /// The tile-coordinate bounding box of the image under a hypothesis (decimated tile points), or nil when the
    /// hypothesis is singular.
    private static func foldBounds(_ r: FloatImage, _ h: GeometryHypothesis, step: Double)
        -> (u0: Int, u1: Int, v0: Int, v1: Int)?
    {
        let det = h.a00 * h.a11 - h.a01 * h.a10
        guard abs(det) > 1e-9 else { return nil }
        let i00 = h.a11 / det, i01 = -h.a01 / det, i10 = -h.a10 / det, i11 = h.a00 / det
        var umin = Double.infinity, umax = -Double.infinity, vmin = Double.infinity, vmax = -Double.infinity
        for (cx, cy) in [(0.0, 0.0), (Double(r.width), 0.0), (0.0, Double(r.height)), (Double(r.width), Double(r.height))] {
            // Decimated tile coordinates (tile point (d u, d v)).
            let u = (i00 * cx + i01 * cy) / step, v = (i10 * cx + i11 * cy) / step
            umin = min(umin, u)
            umax = max(umax, u)
            vmin = min(vmin, v)
            vmax = max(vmax, v)
        }
        return (Int(umin.rounded(.down)), Int(umax.rounded(.up)), Int(vmin.rounded(.down)), Int(vmax.rounded(.up)))
    }

    /// ``fold(_:_:decimation:)`` for a hypothesis without shear or rotation (`a01 == a10 == 0`, positive scales).
    ///
    /// ``foldGeneral(_:_:decimation:)`` walks each row from `x = b00 u0 + b01 v` adding `b00`, and `y = b10 u0 +
    /// b11 v` adding `b10`; with `b01` and `b10` zero, every row sees the same sequence of `x` (so the column's
    /// source index and weight are computed once) and `y` is constant along a row. The samples are then added in the
    /// same order with the same `Float` and `Double` operations, and the counts are products of the valid rows and
    /// columns of each tile bin (sums of ones, exact), so the result equals the general fold's to the bit
    /// (`FastPathTests`).
    static func foldAxisAligned(_ r: FloatImage, _ h: GeometryHypothesis, decimation: Int = 1) -> [Double] {
        let d = decimation
        let n = TileGeometry.size / d
        var sum = [Double](repeating: 0, count: n * n)
        let step = Double(d)
        guard let (u0, u1, v0, v1) = foldBounds(r, h, step: step) else { return sum }
        let w = r.width, hh = r.height
        let maxX = Double(w - 1), maxY = Double(hh - 1)
        let b00 = h.a00 * step, b01 = h.a01 * step, b10 = h.a10 * step, b11 = h.a11 * step
        // Columns: the x sequence of every row (as the general fold accumulates it), kept where in range.
        var colIndex = [Int](), colNext = [Int](), colWeight = [Float](), colBin = [Int]()
        var colsPerBin = [Double](repeating: 0, count: n)
        var x = b00 * Double(u0) + b01 * Double(v0)
        var tu = ((u0 % n) + n) % n
        for _ in u0...u1 {
            if x >= 0 && x < maxX {
                let sx = h.mirrored ? maxX - x : x
                let ix = Int(sx)
                colIndex.append(ix)
                colNext.append(ix + 1 < w ? 1 : 0)
                colWeight.append(Float(sx - Double(ix)))
                colBin.append(tu)
                colsPerBin[tu] += 1
            }
            x += b00
            tu += 1
            if tu == n { tu = 0 }
        }
        var rowsPerBin = [Double](repeating: 0, count: n)
        r.pixels.withUnsafeBufferPointer { px in
            sum.withUnsafeMutableBufferPointer { s in
                colIndex.withUnsafeBufferPointer { ci in
                    colNext.withUnsafeBufferPointer { cn in
                        colWeight.withUnsafeBufferPointer { cw in
                            colBin.withUnsafeBufferPointer { cb in
                                for v in v0...v1 {
                                    let y = b10 * Double(u0) + b11 * Double(v)
                                    guard y >= 0 && y < maxY else { continue }
                                    let tvBin = ((v % n) + n) % n
                                    rowsPerBin[tvBin] += 1
                                    let tv = tvBin * n
                                    let iy = Int(y)
                                    let fy = Float(y - Double(iy))
                                    let rowBase = iy &* w
                                    for k in 0..<ci.count {
                                        let p = rowBase &+ ci[k]
                                        let q = p &+ cn[k]
                                        let fx = cw[k]
                                        let top = px[p] + fx * (px[q] - px[p])
                                        let bottom = px[p &+ w] + fx * (px[q &+ w] - px[p &+ w])
                                        s[tv &+ cb[k]] += Double(top + fy * (bottom - top))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        for row in 0..<n where rowsPerBin[row] > 0 {
            for col in 0..<n where colsPerBin[col] > 0 {
                sum[row * n + col] /= rowsPerBin[row] * colsPerBin[col]
            }
        }
        return sum
    }

    /// ``fold(_:_:decimation:)`` for any hypothesis: bilinear samples along each row of tile points.
    static func foldGeneral(_ r: FloatImage, _ h: GeometryHypothesis, decimation: Int = 1) -> [Double] {
        let d = decimation
        let n = TileGeometry.size / d
        var sum = [Double](repeating: 0, count: n * n)
        var count = [Double](repeating: 0, count: n * n)
        let w = r.width, hh = r.height
        let step = Double(d)
        guard let (u0, u1, v0, v1) = foldBounds(r, h, step: step) else { return sum }
        let maxX = Double(w - 1), maxY = Double(hh - 1)
        r.pixels.withUnsafeBufferPointer { px in
            sum.withUnsafeMutableBufferPointer { s in
                count.withUnsafeMutableBufferPointer { c in
                    let b00 = h.a00 * step, b01 = h.a01 * step, b10 = h.a10 * step, b11 = h.a11 * step
                    let mirrored = h.mirrored
                    for v in v0...v1 {
                        let tv = ((v % n) + n) % n * n
                        var x = b00 * Double(u0) + b01 * Double(v)
                        var y = b10 * Double(u0) + b11 * Double(v)
                        var tu = ((u0 % n) + n) % n
                        for _ in u0...u1 {
                            if x >= 0 && x < maxX && y >= 0 && y < maxY {
                                // In range, so the indices cannot overflow (session
                                // 6: wrapping arithmetic; the same values as before).
                                let sx = mirrored ? maxX - x : x
                                let ix = Int(sx)
                                let iy = Int(y)
                                let fx = Float(sx - Double(ix)), fy = Float(y - Double(iy))
                                let p = iy &* w &+ ix
                                let q = ix &+ 1 < w ? p &+ 1 : p
                                let top = px[p] + fx * (px[q] - px[p])
                                let bottom = px[p &+ w] + fx * (px[q &+ w] - px[p &+ w])
                                s[tv &+ tu] += Double(top + fy * (bottom - top))
                                c[tv &+ tu] += 1
                            }
                            x += b00
                            y += b10
                            tu &+= 1
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
    /// - Parameter size: the tile's side (``TileGeometry/size``, or half of it for a decimated fold).
    static func whitenedBand(_ tile: [Double], size n: Int = TileGeometry.size) -> ([Double], [Double]) {
        var re = tile
        var im = [Double](repeating: 0, count: n * n)
        FFT2D(rows: n, cols: n).transform(re: &re, im: &im, inverse: false)
        var power = [Double](repeating: 0, count: n * n)
        for i in 0..<(n * n) { power[i] = re[i] * re[i] + im[i] * im[i] }
        let band = TileGeometry.band
        var outRe = [Double](repeating: 0, count: band.count)
        var outIm = [Double](repeating: 0, count: band.count)
        let size = TileGeometry.size
        for (k, bin) in band.enumerated() {
            // The bin's frequency (u, v) on a tile of side n (the band's radius is under n / 2).
            let row = (TileGeometry.signedFrequency(Int(bin) / size) + n) % n
            let col = (TileGeometry.signedFrequency(Int(bin) % size) + n) % n
            let index = row * n + col
            var local = 0.0
            for dy in -2...2 {
                let rr = (row + dy + n) % n * n
                for dx in -2...2 { local += power[rr + (col + dx + n) % n] }
            }
            local /= 25
            guard local > 1e-24 else { continue }
            // Maximum-ratio weighting: F / sigma^2 (sigma^2 = local mean power, key-independent).
            outRe[k] = re[index] / local
            outIm[k] = im[index] / local
        }
        return (outRe, outIm)
    }
}
