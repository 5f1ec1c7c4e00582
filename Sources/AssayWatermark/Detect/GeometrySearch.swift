#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Geometry search for crops with rescale (scale 1.0...1.357), zoom-outs (scale 0.5...1.0, session 5) and rotations
/// (±10.2°, session 5; ±4.2° before), for video where the autocorrelation lattice finds no tile peak.
///
/// The tile occupies a known set of DFT bins (``TileGeometry/band``, the same for every key). Under a
/// hypothesis (scale `s`, rotation `θ`) those bins land on known frequencies of the frame,
/// `f = R(θ) k / (s · P)` for a tile period of `P` pixels. The search scores each hypothesis by the whitened
/// power of the pooled residual at those 2,458 frequencies (a comb matched to the band), coarse on a grid
/// of 0.5 % x 0.3° against a 3x3 max-filtered power spectrum, then fine (0.1 % x 0.05°) around the best local
/// maxima against the plain one. Scales >= 1 read the spectrum of the residual at half resolution (frames of
/// 540 lines and more); zoom-outs read it at full resolution (central 1024 x 720 pixels), because a zoom-out
/// shrinks the period and the band's top frequency must stay under about 0.42 cycles/pixel: scales where it
/// does not (`s · P < 2.4 · bandHigh`) are skipped. It never looks at the key: the key only scores the few
/// candidates it returns (``candidateCount``), each read plain and mirrored, so each is two more geometry slots
/// in the Bonferroni factor, exactly as the lattice slots are.
enum GeometrySearch {
    /// Scales searched (tile period relative to the grid period).
    static let minimumScale = 0.5
    static let maximumScale = 1.35
    /// Rotations searched, in radians either way: at scales >= 1, and at zoom-outs (scale < 1).
    static let maximumRotation = 10.0 * Double.pi / 180
    static let zoomOutRotation = 4.0 * Double.pi / 180
    /// Scales searched without the extension (session 4).
    static let defaultMinimumScale = 1.0
    /// Candidates returned from the region of session 4 (the best distinct comb maxima there).
    static let candidateCount = 3
    /// Candidates added by each of the extension's two regions (session 5).
    static let extraCandidateCount = 2
    /// Coarse steps: relative scale and rotation (radians).
    static let coarseScaleStep = 0.005
    static let coarseRotationStep = 0.3 * Double.pi / 180
    /// Fine steps around each coarse maximum (±5 and ±6 steps).
    static let fineScaleStep = 0.001
    static let fineRotationStep = 0.05 * Double.pi / 180
    /// Largest transform of the full-resolution spectrum read for zoom-outs (a larger residual is cropped around
    /// its centre, where a shrunk picture sits).
    static let zoomOutTransform = 1024

    /// A geometry candidate: tile period scale relative to `basePeriod`, rotation (radians), comb score
    /// (whitened power summed over the band, minus its null mean, over the null sd).
    struct Candidate: Sendable {
        var scale: Double
        var rotation: Double
        var score: Double
    }

    /// The best distinct comb maxima, best first: at most ``candidateCount`` from the region of session 4, then (with
    /// `extended`) at most ``extraCandidateCount`` from the extension's region.
    /// - Parameters:
    ///   - residual: the pooled high-pass residual (analysis pixels).
    ///   - basePeriod: the tile period at scale 1, analysis pixels.
    ///   - extended: whether zoom-outs and rotations beyond ±4.2° are searched (session 5; else scale 1.0...1.357
    ///     and ±4.2°, the grid of session 4).
    static func candidates(_ residual: FloatImage, basePeriod: Double, extended: Bool = false) -> [Candidate] {
        let alias = 2.4 * TileGeometry.bandHigh
        // Scales >= 1: half resolution when the band's top frequency stays well under Nyquist there.
        let factor = basePeriod >= 192 ? 2 : 1
        let image = factor == 1
            ? residual
            : residual.downscaled(width: max(1, residual.width / 2), height: max(1, residual.height / 2))
        let halfPeriod = basePeriod / Double(factor)
        // Without the extension the whole search is skipped when scale 1 aliases (as in session 4).
        guard image.width >= 32, image.height >= 32, extended || halfPeriod >= alias else { return [] }
        let half = WhitenedSpectrum(image)
        // Zoom-outs: full resolution (the same spectrum when the frame is small).
        let full = factor == 1 || !extended
            ? half
            : WhitenedSpectrum(residual, maximumWidth: zoomOutTransform, maximumHeight: zoomOutTransform)
        let halfPeaks = half.maxFiltered()
        let fullPeaks = factor == 1 || !extended ? halfPeaks : full.maxFiltered()
        let band = TileGeometry.band.map { bin -> (Double, Double) in
            let n = TileGeometry.size
            return (Double(TileGeometry.signedFrequency(Int(bin) % n)), Double(TileGeometry.signedFrequency(Int(bin) / n)))
        }
        let null = Double(band.count)
        /// The spectrum (and its period) a scale reads, or nil when the band aliases there.
        func source(_ s: Double) -> (spectrum: WhitenedSpectrum, peaks: [Float], period: Double)? {
            if s >= 1 {
                return halfPeriod * s >= alias ? (half, halfPeaks, halfPeriod) : nil
            }
            return basePeriod * s >= alias ? (full, fullPeaks, basePeriod) : nil
        }
        func score(_ spectrum: WhitenedSpectrum, _ table: [Float], _ period: Double, _ s: Double, _ theta: Double)
            -> Double
        {
            let c = cos(theta) / (s * period), d = sin(theta) / (s * period)
            let mx = Double(spectrum.width), my = Double(spectrum.height)
            let mw = spectrum.width - 1, mh = spectrum.height - 1, w = spectrum.width
            var total = 0.0
            table.withUnsafeBufferPointer { t in
                for (u, v) in band {
                    // Bilinear sample at a fractional bin, cyclic (sides are powers of two: wrap with masks).
                    let x = (c * u - d * v) * mx, y = (d * u + c * v) * my
                    let fx = x.rounded(.down), fy = y.rounded(.down)
                    let ax = x - fx, ay = y - fy
                    let ix = Int(fx) & mw, iy = Int(fy) & mh
                    let jx = (ix + 1) & mw, jy = (iy + 1) & mh
                    let top = Double(t[iy * w + ix]) * (1 - ax) + Double(t[iy * w + jx]) * ax
                    let bottom = Double(t[jy * w + ix]) * (1 - ax) + Double(t[jy * w + jx]) * ax
                    total += top * (1 - ay) + bottom * ay
                }
            }
            return (total - null) / null.squareRoot()
        }

        // Coarse grid: scale exp(i * step) for i in lowest...highest (the grid of earlier sessions for i >= 0).
        let lowest = extended ? -Int((log(1 / minimumScale) / coarseScaleStep).rounded(.down)) : 0
        let highest = Int((log(maximumScale) / coarseScaleStep).rounded(.up))
        let rows = highest - lowest + 1
        let rotationSteps = Int(((extended ? maximumRotation : zoomOutRotation) / coarseRotationStep).rounded(.up))
        let columns = 2 * rotationSteps + 1
        var coarse = [Double](repeating: -Double.infinity, count: rows * columns)
        // Rotations beyond ±4.2° are searched at scales >= 1 only (rotated video keeps its size, or is cropped and
        // rescaled up); zoom-outs are searched to ±4.2°.
        let zoomOutRotationSteps = Int((zoomOutRotation / coarseRotationStep).rounded(.up))
        for i in 0..<rows {
            let s = exp(Double(i + lowest) * coarseScaleStep)
            guard let src = source(s) else { continue }
            let steps = i + lowest < 0 ? zoomOutRotationSteps : rotationSteps
            for j in -steps...steps {
                coarse[i * columns + j + rotationSteps] = score(src.spectrum, src.peaks, src.period, s,
                                                                Double(j) * coarseRotationStep)
            }
        }
        // The region of session 4 (scale >= 1, ±4.2°) keeps its own candidates exactly as before; each region of the
        // extension (larger rotations at scales >= 1; zoom-outs) adds ``extraCandidateCount`` of its own. Regions do
        // not compete: the full-resolution spectrum has more and sharper null maxima, and a weak true peak in one
        // region must not be crowded out by null maxima of a larger one.
        let defaultSteps = zoomOutRotationSteps
        /// 0: session 4's region; 1: rotations beyond ±4.2° at scales >= 1; 2: zoom-outs.
        func regionOf(_ i: Int, _ j: Int) -> Int {
            i + lowest < 0 ? 2 : (abs(j - rotationSteps) <= defaultSteps ? 0 : 1)
        }
        func search(region: Int, count: Int, refine: Int, known: [Candidate]) -> [Candidate] {
            // Local maxima of the coarse grid within the region, best first.
            var maxima: [(score: Double, i: Int, j: Int)] = []
            for i in 0..<rows {
                for j in 0..<columns where regionOf(i, j) == region {
                    let value = coarse[i * columns + j]
                    guard value > -Double.infinity else { continue }
                    var isMaximum = true
                    for di in -1...1 {
                        for dj in -1...1 where (di, dj) != (0, 0) {
                            let ii = i + di, jj = j + dj
                            if ii >= 0 && ii < rows && jj >= 0 && jj < columns && regionOf(ii, jj) == region
                                && coarse[ii * columns + jj] > value
                            {
                                isMaximum = false
                            }
                        }
                    }
                    if isMaximum { maxima.append((value, i + lowest, j - rotationSteps)) }
                }
            }
            maxima.sort { $0.score > $1.score }

            // Fine refinement of the best coarse maxima on the plain whitened spectrum.
            var refined: [Candidate] = []
            for m in maxima.prefix(refine) {
                let s0 = exp(Double(m.i) * coarseScaleStep)
                let t0 = Double(m.j) * coarseRotationStep
                guard let src = source(s0) else { continue }
                var best = Candidate(scale: s0, rotation: t0, score: -Double.infinity)
                for a in -5...5 {
                    let s = s0 * exp(Double(a) * fineScaleStep)
                    if extended && src.period * s < alias { continue }
                    for b in -6...6 {
                        let t = t0 + Double(b) * fineRotationStep
                        let value = score(src.spectrum, src.spectrum.power, src.period, s, t)
                        if value > best.score { best = Candidate(scale: s, rotation: t, score: value) }
                    }
                }
                refined.append(best)
            }
            refined.sort { $0.score > $1.score }
            var kept: [Candidate] = []
            // Distinct maxima only; in the extension's region, a maximum at half the scale of a kept one (same
            // rotation) is its ghost (band bins 6...20 doubled land on 12...40) and is dropped too.
            // (Only against this region's own maxima: scores of the two spectra are not comparable.)
            for c in refined where !(known + kept).contains(where: {
                abs($0.rotation - c.rotation) < 2 * coarseRotationStep && abs(log($0.scale / c.scale)) < 2 * coarseScaleStep
            }) && !kept.contains(where: {
                region == 2 && abs($0.rotation - c.rotation) < 2 * coarseRotationStep
                    && abs(log($0.scale / (2 * c.scale))) < 2 * coarseScaleStep
            }) {
                kept.append(c)
                if kept.count == count { break }
            }
            return kept
        }
        let kept = search(region: 0, count: candidateCount, refine: 2 * candidateCount, known: [])
        guard extended else { return kept }
        let rotated = search(region: 1, count: extraCandidateCount, refine: 2 * extraCandidateCount, known: kept)
        return kept + rotated
            + search(region: 2, count: extraCandidateCount, refine: 4 * extraCandidateCount, known: kept + rotated)
    }

    /// The hypothesis for a candidate (canonical tile -> analysis pixels).
    static func hypothesis(_ c: Candidate, basePeriod: Double, slot: Int) -> GeometryHypothesis {
        let a = c.scale * basePeriod / Double(TileGeometry.size)
        return GeometryHypothesis(slot: slot, a00: a * cos(c.rotation), a01: -a * sin(c.rotation),
                                  a10: a * sin(c.rotation), a11: a * cos(c.rotation), mirrored: false)
    }
}

/// The power spectrum of an image, centred on the image centre, zero-padded to powers of two, and divided by
/// its local 11x11 mean (so the host's 1/f slope and texture peaks weigh like white noise).
struct WhitenedSpectrum {
    let width: Int
    let height: Int
    /// Whitened power, row-major `height x width` (row = vertical frequency).
    let power: [Float]

    /// Largest transform sides (a larger image is cropped around its centre).
    static let maximumWidth = 2048
    static let maximumHeight = 1024

    /// Whitens the spectrum of `image`, zero-padded to 1.5x its sides (powers of two) but not past the maxima.
    init(_ image: FloatImage, maximumWidth: Int = Self.maximumWidth, maximumHeight: Int = Self.maximumHeight) {
        let mx = min(maximumWidth, Lattice.nextPowerOfTwo(image.width * 3 / 2))
        let my = min(maximumHeight, Lattice.nextPowerOfTwo(image.height * 3 / 2))
        let cw = min(image.width, mx), ch = min(image.height, my)
        let x0 = (image.width - cw) / 2, y0 = (image.height - ch) / 2
        var mean = 0.0
        for y in 0..<ch { for x in 0..<cw { mean += Double(image.pixels[(y0 + y) * image.width + x0 + x]) } }
        mean /= Double(cw * ch)
        var re = [Double](repeating: 0, count: mx * my)
        var im = [Double](repeating: 0, count: mx * my)
        for y in 0..<ch {
            let row = ((y - ch / 2) % my + my) % my * mx
            for x in 0..<cw {
                re[row + ((x - cw / 2) % mx + mx) % mx] = Double(image.pixels[(y0 + y) * image.width + x0 + x]) - mean
            }
        }
        FFT2D(rows: my, cols: mx).transform(re: &re, im: &im, inverse: false)
        var p = [Float](repeating: 0, count: mx * my)
        for i in 0..<(mx * my) { p[i] = Float(re[i] * re[i] + im[i] * im[i]) }
        let local = Self.boxMean(p, width: mx, height: my, radius: 5)
        for i in 0..<(mx * my) { p[i] = local[i] > 0 ? p[i] / local[i] : 0 }
        width = mx
        height = my
        power = p
    }

    /// Cyclic box mean of side `2r+1`.
    static func boxMean(_ p: [Float], width w: Int, height h: Int, radius r: Int) -> [Float] {
        var tmp = [Float](repeating: 0, count: w * h)
        let norm = 1 / Float((2 * r + 1) * (2 * r + 1))
        for y in 0..<h {
            let row = y * w
            var acc: Float = 0
            for k in -r...r { acc += p[row + (k + w) % w] }
            for x in 0..<w {
                tmp[row + x] = acc
                acc += p[row + (x + r + 1) % w] - p[row + (x - r + w) % w]
            }
        }
        var out = [Float](repeating: 0, count: w * h)
        var acc = [Float](repeating: 0, count: w)
        for k in -r...r {
            let row = (k + h) % h * w
            for x in 0..<w { acc[x] += tmp[row + x] }
        }
        for y in 0..<h {
            let add = (y + r + 1) % h * w, sub = (y - r + h) % h * w
            for x in 0..<w {
                out[y * w + x] = acc[x] * norm
                acc[x] += tmp[add + x] - tmp[sub + x]
            }
        }
        return out
    }

    /// The 3x3 cyclic maximum of ``power`` (widens each peak by a bin for the coarse grid).
    func maxFiltered() -> [Float] {
        let w = width, h = height
        var rows = [Float](repeating: 0, count: w * h)
        for y in 0..<h {
            let r = y * w
            for x in 0..<w { rows[r + x] = max(power[r + (x + w - 1) % w], power[r + x], power[r + (x + 1) % w]) }
        }
        var out = [Float](repeating: 0, count: w * h)
        for y in 0..<h {
            let up = (y + h - 1) % h * w, mid = y * w, down = (y + 1) % h * w
            for x in 0..<w { out[mid + x] = max(rows[up + x], rows[mid + x], rows[down + x]) }
        }
        return out
    }

    /// Bilinear sample of `table` at fractional bin (x, y), cyclic.
    @inline(__always)
    func sample(_ table: [Float], x: Double, y: Double) -> Double {
        let fx = x.rounded(.down), fy = y.rounded(.down)
        let ax = x - fx, ay = y - fy
        // Sides are powers of two: wrap with masks.
        let mw = width - 1, mh = height - 1
        let ix = Int(fx) & mw, iy = Int(fy) & mh
        let jx = (ix + 1) & mw, jy = (iy + 1) & mh
        let top = Double(table[iy * width + ix]) * (1 - ax) + Double(table[iy * width + jx]) * ax
        let bottom = Double(table[jy * width + ix]) * (1 - ax) + Double(table[jy * width + jx]) * ax
        return top * (1 - ay) + bottom * ay
    }
}
