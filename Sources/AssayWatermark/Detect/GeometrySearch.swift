#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Geometry search for crops with rescale (scale 1.0...1.357; to 2.5 since session 11), zoom-outs (scale 0.5...1.0,
/// session 5) and rotations (±10.2°, session 5; ±4.2° before), for video where the autocorrelation lattice finds no
/// tile peak.
///
/// The tile occupies a known set of DFT bins (``TileGeometry/band``, the same for every key). Under a
/// hypothesis (scale `s`, rotation `θ`) those bins land on known frequencies of the frame,
/// `f = R(θ) k / (s · P)` for a tile period of `P` pixels. The search scores each hypothesis by the whitened
/// power of the pooled residual at those 2,458 frequencies (a comb matched to the band), coarse on a grid
/// of 0.5 % x 0.3° against a 3x3 max-filtered power spectrum, then fine (0.1 % x 0.05°) around the best local
/// maxima against the plain one. Scales >= 1 read the spectrum of the residual at half resolution (frames of
/// 540 lines and more); zoom-outs read it at 3/4 resolution at 720 analysis lines (1024 x 512, the whole frame;
/// session 6; full resolution, central 1024 x 720 pixels, in session 5), because a zoom-out shrinks the period and
/// the band's top frequency must stay under about 0.42 cycles/pixel: scales where it does not
/// (`s · P < 2.4 · bandHigh`) are skipped. Session 6 made the extension's regions cheaper (a quick coarse comb, a
/// two-pass refinement) without touching session 4's region, whose candidates are the same with the extension on
/// or off. It never looks at the key: the key only scores the few candidates it returns (``candidateCount`` and
/// ``extraCandidateCount``), each read plain and, with the extension, mirrored, so each is one or two more
/// geometry slots in the Bonferroni factor, exactly as the lattice slots are.
enum GeometrySearch {
    /// Scales searched (tile period relative to the grid period).
    static let minimumScale = 0.5
    static let maximumScale = 1.35
    /// Largest scale of the large-crop region (session 11: scales above session 4's region, to a crop keeping 40 % of
    /// each side rescaled back), searched at rotations to ±4.2°.
    static let maximumCropScale = 2.5
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
    /// Largest transform of the spectrum read for zoom-outs (a larger residual is cropped around its centre, where a
    /// shrunk picture sits): 1024 x 512 at 3/4 resolution since session 6 (the 720-line frame is 960 x 540 there:
    /// 512 of its lines); 1024 x 1024 at full resolution in session 5.
    static let zoomOutTransform = (width: 1024, height: 512)

    /// A geometry candidate: tile period scale relative to `basePeriod`, rotation (radians), comb score
    /// (whitened power summed over the band, minus its null mean, over the null sd).
    struct Candidate: Sendable {
        var scale: Double
        var rotation: Double
        var score: Double
        /// Whether it comes from the zoom-out region (scale < 1).
        var zoomOut = false
    }

    /// Zoom-out candidates whose tile step is under this many analysis pixels are folded decimated; from there to
    /// 1 pixel, decimated on the smoothed residual (``PooledAnalysis/Reading``, session 6).
    static let decimatedFoldBelowStep = 0.75

    /// The best distinct comb maxima, best first: at most ``candidateCount`` from the region of session 4, then (with
    /// `extended`) at most ``extraCandidateCount`` from each of the extension's regions (larger rotations, zoom-outs),
    /// then (with `extended` and `largeCrops`) at most ``extraCandidateCount`` from the large-crop region.
    /// - Parameters:
    ///   - residual: the pooled high-pass residual (analysis pixels).
    ///   - basePeriod: the tile period at scale 1, analysis pixels.
    ///   - extended: whether zoom-outs and rotations beyond ±4.2° are searched (session 5; else scale 1.0...1.357
    ///     and ±4.2°, the grid of session 4).
    ///   - largeCrops: whether scales 1.357...2.5 (±4.2°) are searched too (session 11; only with `extended`). The
    ///     other regions' grids and candidates do not depend on it.
    static func candidates(_ residual: FloatImage, basePeriod: Double, extended: Bool = false,
                           largeCrops: Bool = false) -> [Candidate]
    {
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
        // Zoom-outs: the resolution at which the smallest scale searched (0.5) just stays clear of aliasing, 3/4 of
        // the analysis resolution at 720 lines (session 6; full resolution before), full resolution for frames
        // whose period is under 192 px (the same spectrum as scales >= 1 when the frame is small).
        let zoomFactor = min(1, 2 * alias / basePeriod)
        let zoomPeriod = basePeriod * zoomFactor
        let zoom = factor == 1 || !extended
            ? half
            : WhitenedSpectrum(
                residual.downscaled(width: max(1, Int((Double(residual.width) * zoomFactor).rounded())),
                                    height: max(1, Int((Double(residual.height) * zoomFactor).rounded()))),
                maximumWidth: zoomOutTransform.width, maximumHeight: zoomOutTransform.height, realTransform: true)
        let halfPeaks = half.maxFiltered()
        let zoomPeaks = factor == 1 || !extended ? halfPeaks : zoom.maxFiltered()
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
            return factor == 1 || !extended
                ? (halfPeriod * s >= alias ? (half, halfPeaks, halfPeriod) : nil)
                : (zoomPeriod * s >= alias ? (zoom, zoomPeaks, zoomPeriod) : nil)
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
        // The coarse comb of the extension's regions (session 6): nearest bin of the max-filtered spectrum (whose
        // 3x3 maximum already spans the bilinear neighbourhood), every second band bin (a checkerboard in (u, v), so
        // every radius and direction keeps half its bins), single precision. It only ranks the coarse grid of the
        // extension's regions; candidates are refined with ``score`` on every band bin, and session 4's region is
        // scored exactly as before.
        let sparse = band.filter { (Int($0.0) + Int($0.1)) & 1 == 0 }
        let sparseU = sparse.map { Float($0.0) }, sparseV = sparse.map { Float($0.1) }
        let sparseNull = Float(sparse.count)
        func quickScore(_ spectrum: WhitenedSpectrum, _ table: [Float], _ period: Double, _ s: Double,
                        _ theta: Double) -> Double
        {
            let c = cos(theta) / (s * period), d = sin(theta) / (s * period)
            let cx = Float(c * Double(spectrum.width)), dx = Float(d * Double(spectrum.width))
            let cy = Float(c * Double(spectrum.height)), dy = Float(d * Double(spectrum.height))
            let mw = UInt32(spectrum.width - 1), mh = UInt32(spectrum.height - 1), w = UInt32(spectrum.width)
            let count = sparse.count
            var a0: Float = 0, a1: Float = 0
            table.withUnsafeBufferPointer { t in
                sparseU.withUnsafeBufferPointer { us in
                    sparseV.withUnsafeBufferPointer { vs in
                        /// The table entry at the nearest bin, cyclic (see ``GeometrySearch/nearestBin(_:)``).
                        @inline(__always) func at(_ u: Float, _ v: Float) -> Float {
                            let x = nearestBin(cx * u - dx * v) & mw, y = nearestBin(dy * u + cy * v) & mh
                            return t[Int(y &* w &+ x)]
                        }
                        var k = 0
                        while k + 1 < count {
                            a0 += at(us[k], vs[k])
                            a1 += at(us[k + 1], vs[k + 1])
                            k += 2
                        }
                        if k < count { a0 += at(us[k], vs[k]) }
                    }
                }
            }
            return Double((a0 + a1 - sparseNull) / sparseNull.squareRoot())
        }
        // The refinement's comb in the extension's regions: ``score`` (bilinear, every band bin) in single
        // precision, with the floor taken by truncation after a positive offset (no libm call).
        let bandU = band.map { Float($0.0) }, bandV = band.map { Float($0.1) }
        let bandNull = Float(band.count)
        func fineScore(_ spectrum: WhitenedSpectrum, _ period: Double, _ s: Double, _ theta: Double) -> Double {
            let c = cos(theta) / (s * period), d = sin(theta) / (s * period)
            let cx = Float(c * Double(spectrum.width)), dx = Float(d * Double(spectrum.width))
            let cy = Float(c * Double(spectrum.height)), dy = Float(d * Double(spectrum.height))
            let mw = UInt32(spectrum.width - 1), mh = UInt32(spectrum.height - 1), w = UInt32(spectrum.width)
            var total: Float = 0
            spectrum.power.withUnsafeBufferPointer { t in
                bandU.withUnsafeBufferPointer { us in
                    bandV.withUnsafeBufferPointer { vs in
                        for k in 0..<us.count {
                            let x = cx * us[k] - dx * vs[k], y = dy * us[k] + cy * vs[k]
                            // The bin below (or, at an exact integer, the one before with weight 1: same value).
                            let fx = nearestBin(x - 0.5), fy = nearestBin(y - 0.5)
                            let ax = x - Float(Int32(bitPattern: fx &- magicBias)),
                                ay = y - Float(Int32(bitPattern: fy &- magicBias))
                            let ix = fx & mw, iy = fy & mh, jx = (fx &+ 1) & mw, jy = (fy &+ 1) & mh
                            let r0 = Int(iy &* w), r1 = Int(jy &* w)
                            let t00 = t[r0 + Int(ix)], t01 = t[r0 + Int(jx)], t10 = t[r1 + Int(ix)], t11 = t[r1 + Int(jx)]
                            let top = t00 + ax * (t01 - t00)
                            let bottom = t10 + ax * (t11 - t10)
                            total += top + ay * (bottom - top)
                        }
                    }
                }
            }
            return Double((total - bandNull) / bandNull.squareRoot())
        }

        // Coarse grid: scale exp(i * step) for i in lowest...highest (the grid of earlier sessions for i >= 0).
        let lowest = extended ? -Int((log(1 / minimumScale) / coarseScaleStep).rounded(.down)) : 0
        let regularHighest = Int((log(maximumScale) / coarseScaleStep).rounded(.up))
        let searchesCrops = extended && largeCrops
        let highest = searchesCrops ? Int((log(maximumCropScale) / coarseScaleStep).rounded(.up)) : regularHighest
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
            // Zoom-outs and the large-crop region (session 11) are searched to ±4.2°.
            let steps = i + lowest < 0 || i + lowest > regularHighest ? zoomOutRotationSteps : rotationSteps
            for j in -steps...steps {
                let theta = Double(j) * coarseRotationStep
                // Session 4's region: the bilinear comb on every band bin, as before; the extension: the quick comb.
                coarse[i * columns + j + rotationSteps] = i + lowest >= 0 && i + lowest <= regularHighest
                    && abs(j) <= zoomOutRotationSteps
                    ? score(src.spectrum, src.peaks, src.period, s, theta)
                    : quickScore(src.spectrum, src.peaks, src.period, s, theta)
            }
        }
        // The region of session 4 (scale >= 1, ±4.2°) keeps its own candidates exactly as before; each region of the
        // extension (larger rotations at scales >= 1; zoom-outs) adds ``extraCandidateCount`` of its own. Regions do
        // not compete: the full-resolution spectrum has more and sharper null maxima, and a weak true peak in one
        // region must not be crowded out by null maxima of a larger one.
        let defaultSteps = zoomOutRotationSteps
        /// 0: session 4's region; 1: rotations beyond ±4.2° at scales >= 1; 2: zoom-outs; 3: large crops (scales
        /// above session 4's grid, session 11).
        func regionOf(_ i: Int, _ j: Int) -> Int {
            i + lowest < 0 ? 2 : (i + lowest > regularHighest ? 3 : (abs(j - rotationSteps) <= defaultSteps ? 0 : 1))
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
                /// Scores the fine grid points (s0' e^(a step), t0' + b step) around (s0', t0') and keeps the best.
                func scan(_ s0: Double, _ t0: Double, _ a: ClosedRange<Int>, _ b: ClosedRange<Int>,
                          scaleStep: Double, rotationStep: Double)
                {
                    for a in a {
                        let s = s0 * exp(Double(a) * scaleStep)
                        // The extension's regions skip scales where the band aliases; session 4's region reads its
                        // grid as it always did (with the extension on too: on 270-line frames, period 96 px, session
                        // 5 skipped its fine points just under scale 1 and changed the candidates there).
                        if region != 0 && src.period * s < alias { continue }
                        for b in b {
                            let t = t0 + Double(b) * rotationStep
                            let value = region == 0 ? score(src.spectrum, src.spectrum.power, src.period, s, t)
                                : fineScore(src.spectrum, src.period, s, t)
                            if value > best.score { best = Candidate(scale: s, rotation: t, score: value) }
                        }
                    }
                }
                if region == 0 {
                    // Session 4: every fine point within one coarse step (11 x 13).
                    scan(s0, t0, -5...5, -6...6, scaleStep: fineScaleStep, rotationStep: fineRotationStep)
                } else {
                    // The extension (session 6): the same span in two passes, 5 x 5 points 2.5 and 3 fine steps
                    // apart, then 5 x 5 fine points around the best of those (50 points instead of 143).
                    scan(s0, t0, -2...2, -2...2, scaleStep: 2.5 * fineScaleStep, rotationStep: 3 * fineRotationStep)
                    if best.score > -Double.infinity {
                        scan(best.scale, best.rotation, -2...2, -2...2, scaleStep: fineScaleStep,
                             rotationStep: fineRotationStep)
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
        let zoomedOut = search(region: 2, count: extraCandidateCount, refine: 4 * extraCandidateCount,
                               known: kept + rotated)
            .map { Candidate(scale: $0.scale, rotation: $0.rotation, score: $0.score, zoomOut: true) }
        guard searchesCrops else { return kept + rotated + zoomedOut }
        return kept + rotated + zoomedOut
            + search(region: 3, count: extraCandidateCount, refine: 2 * extraCandidateCount,
                     known: kept + rotated + zoomedOut)
    }

    /// `x` rounded to the nearest integer (ties to even), plus ``magicBias``, in the low bits of a `UInt32`, for
    /// `|x| < 2^22`: adding 1.5 x 2^23 leaves a float whose unit in the last place is 1 (no conversion, no libm call).
    /// Masked with `side - 1` (a power of two up to 2^22) it is the cyclic bin index.
    @inline(__always)
    static func nearestBin(_ x: Float) -> UInt32 { (x + 12_582_912).bitPattern }

    /// What ``nearestBin(_:)`` adds to the rounded value, modulo 2^32 (1.5 x 2^23 as a float: 0x4B400000).
    static let magicBias: UInt32 = 0x4B40_0000

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
    /// - Parameter realTransform: transform two rows at once and only half of the columns, using the symmetry of
    ///   a real image's spectrum (session 6, the zoom-out spectrum): about half the work, the same power up to
    ///   rounding.
    init(_ image: FloatImage, maximumWidth: Int = Self.maximumWidth, maximumHeight: Int = Self.maximumHeight,
         realTransform: Bool = false)
    {
        let mx = min(maximumWidth, Lattice.nextPowerOfTwo(image.width * 3 / 2))
        let my = min(maximumHeight, Lattice.nextPowerOfTwo(image.height * 3 / 2))
        let cw = min(image.width, mx), ch = min(image.height, my)
        let x0 = (image.width - cw) / 2, y0 = (image.height - ch) / 2
        var mean = 0.0
        for y in 0..<ch { for x in 0..<cw { mean += Double(image.pixels[(y0 + y) * image.width + x0 + x]) } }
        mean /= Double(cw * ch)
        var re = [Double](repeating: 0, count: mx * my)
        var im = [Double](repeating: 0, count: mx * my)
        // Centred: pixel (x, y) of the crop goes to ((x - cw/2) mod mx, (y - ch/2) mod my); sides are powers of two.
        let mw = mx - 1, mh = my - 1
        image.pixels.withUnsafeBufferPointer { px in
            re.withUnsafeMutableBufferPointer { re in
                for y in 0..<ch {
                    let row = ((y - ch / 2) & mh) * mx, source = (y0 + y) * image.width + x0
                    for x in 0..<cw { re[row + ((x - cw / 2) & mw)] = Double(px[source + x]) - mean }
                }
            }
        }
        var p = [Float](repeating: 0, count: mx * my)
        if realTransform && my >= 2 && mx >= 4 {
            Self.realPower(&re, &im, width: mx, height: my, into: &p)
        } else {
            FFT2D(rows: my, cols: mx).transform(re: &re, im: &im, inverse: false)
            for i in 0..<(mx * my) { p[i] = Float(re[i] * re[i] + im[i] * im[i]) }
        }
        let local = Self.boxMean(p, width: mx, height: my, radius: 5)
        for i in 0..<(mx * my) { p[i] = local[i] > 0 ? p[i] / local[i] : 0 }
        width = mx
        height = my
        power = p
    }

    /// The power spectrum of the real `height x width` image in `re` (`im` is zero and used as scratch): each pair
    /// of rows is transformed as one complex row and split by symmetry, then only the columns 0...width/2 are
    /// transformed; the other half is the mirror image, `P(u, v) = P(-u, -v)`.
    static func realPower(_ re: inout [Double], _ im: inout [Double], width mx: Int, height my: Int,
                          into p: inout [Float])
    {
        let rowPlan = FFT(count: mx), columnPlan = FFT(count: my)
        var ar = [Double](repeating: 0, count: max(mx, my)), ai = ar
        re.withUnsafeMutableBufferPointer { rp in
            im.withUnsafeMutableBufferPointer { ip in
                ar.withUnsafeMutableBufferPointer { arp in
                    ai.withUnsafeMutableBufferPointer { aip in
                        let r = rp.baseAddress!, i = ip.baseAddress!, a = arp.baseAddress!, b = aip.baseAddress!
                        for y in stride(from: 0, to: my - 1, by: 2) {
                            let p0 = y * mx, p1 = p0 + mx
                            for x in 0..<mx {
                                a[x] = r[p0 + x]
                                b[x] = r[p1 + x]
                            }
                            rowPlan.transform(a, b, inverse: false)
                            // Z = X1 + i X2 with X1, X2 the spectra of the two real rows.
                            for k in 0...(mx / 2) {
                                let j = (mx - k) & (mx - 1)
                                let zr = a[k], zi = b[k], cr = a[j], ci = -b[j]
                                r[p0 + k] = (zr + cr) / 2
                                i[p0 + k] = (zi + ci) / 2
                                r[p1 + k] = (zi - ci) / 2
                                i[p1 + k] = -(zr - cr) / 2
                            }
                        }
                        columnPlan.transformColumns(r, i, stride: mx, columns: 0..<(mx / 2 + 1), inverse: false)
                    }
                }
            }
        }
        for y in 0..<my {
            for x in 0...(mx / 2) {
                let k = y * mx + x
                p[k] = Float(re[k] * re[k] + im[k] * im[k])
            }
        }
        for y in 0..<my {
            let mirrorRow = (my - y) & (my - 1)
            for x in (mx / 2 + 1)..<mx { p[y * mx + x] = p[mirrorRow * mx + mx - x] }
        }
    }

    /// Cyclic box mean of side `2r+1` (sides are powers of two: indices wrap with masks; session 6, the same sums
    /// in the same order as with `%` before).
    static func boxMean(_ p: [Float], width w: Int, height h: Int, radius r: Int) -> [Float] {
        precondition(w & (w - 1) == 0 && h & (h - 1) == 0 && w > 2 * r && h > 2 * r)
        let mw = w - 1, mh = h - 1
        var tmp = [Float](repeating: 0, count: w * h)
        let norm = 1 / Float((2 * r + 1) * (2 * r + 1))
        p.withUnsafeBufferPointer { p in
            tmp.withUnsafeMutableBufferPointer { tmp in
                for y in 0..<h {
                    let row = y * w
                    var acc: Float = 0
                    for k in -r...r { acc += p[row + ((k + w) & mw)] }
                    for x in 0..<w {
                        tmp[row + x] = acc
                        acc += p[row + ((x + r + 1) & mw)] - p[row + ((x - r + w) & mw)]
                    }
                }
            }
        }
        var out = [Float](repeating: 0, count: w * h)
        var acc = [Float](repeating: 0, count: w)
        tmp.withUnsafeBufferPointer { tmp in
            out.withUnsafeMutableBufferPointer { out in
                acc.withUnsafeMutableBufferPointer { acc in
                    for k in -r...r {
                        let row = ((k + h) & mh) * w
                        for x in 0..<w { acc[x] += tmp[row + x] }
                    }
                    for y in 0..<h {
                        let add = ((y + r + 1) & mh) * w, sub = ((y - r + h) & mh) * w
                        for x in 0..<w {
                            out[y * w + x] = acc[x] * norm
                            acc[x] += tmp[add + x] - tmp[sub + x]
                        }
                    }
                }
            }
        }
        return out
    }

    /// The 3x3 cyclic maximum of ``power`` (widens each peak by a bin for the coarse grid).
    func maxFiltered() -> [Float] {
        let w = width, h = height, mw = w - 1, mh = h - 1
        var rows = [Float](repeating: 0, count: w * h)
        var out = [Float](repeating: 0, count: w * h)
        power.withUnsafeBufferPointer { power in
            rows.withUnsafeMutableBufferPointer { rows in
                for y in 0..<h {
                    let r = y * w
                    for x in 0..<w {
                        rows[r + x] = max(power[r + ((x + mw) & mw)], power[r + x], power[r + ((x + 1) & mw)])
                    }
                }
            }
        }
        rows.withUnsafeBufferPointer { rows in
            out.withUnsafeMutableBufferPointer { out in
                for y in 0..<h {
                    let up = ((y + mh) & mh) * w, mid = y * w, down = ((y + 1) & mh) * w
                    for x in 0..<w { out[mid + x] = max(rows[up + x], rows[mid + x], rows[down + x]) }
                }
            }
        }
        return out
    }
}
