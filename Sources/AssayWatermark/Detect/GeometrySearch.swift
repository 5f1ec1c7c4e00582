#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Geometry search for crops with rescale (scale 1.0...1.35) and small rotations (±4°), for video where the
/// autocorrelation lattice finds no tile peak.
///
/// The tile occupies a known set of DFT bins (``TileGeometry/band``, the same for every key). Under a
/// hypothesis (scale `s`, rotation `θ`) those bins land on known frequencies of the frame,
/// `f = R(θ) k / (s · P)` for a tile period of `P` pixels. The search scores each hypothesis by the whitened
/// power of the pooled residual at those 2,458 frequencies (a comb matched to the band), coarse on a grid
/// of 0.5 % x 0.3° against a 3x3 max-filtered power spectrum, then fine (0.1 % x 0.05°) around the best local
/// maxima against the plain one. It never looks at the key: the key only scores the few candidates it returns
/// (``candidateCount``), so each candidate is one more geometry slot in the Bonferroni factor, exactly as
/// the lattice slots are.
enum GeometrySearch {
    /// Scales searched (tile period relative to the grid period).
    static let minimumScale = 1.0
    static let maximumScale = 1.35
    /// Rotations searched, in radians either way.
    static let maximumRotation = 4.0 * Double.pi / 180
    /// Candidates returned (the best distinct comb maxima).
    static let candidateCount = 3
    /// Coarse steps: relative scale and rotation (radians).
    static let coarseScaleStep = 0.005
    static let coarseRotationStep = 0.3 * Double.pi / 180
    /// Fine steps around each coarse maximum (±5 and ±6 steps).
    static let fineScaleStep = 0.001
    static let fineRotationStep = 0.05 * Double.pi / 180

    /// A geometry candidate: tile period scale relative to `basePeriod`, rotation (radians), comb score
    /// (whitened power summed over the band, minus its null mean, over the null sd).
    struct Candidate: Sendable {
        var scale: Double
        var rotation: Double
        var score: Double
    }

    /// The best distinct comb maxima, best first (at most ``candidateCount``).
    /// - Parameters:
    ///   - residual: the pooled high-pass residual (analysis pixels).
    ///   - basePeriod: the tile period at scale 1, analysis pixels.
    static func candidates(_ residual: FloatImage, basePeriod: Double) -> [Candidate] {
        // Half resolution when the band's top frequency stays well under Nyquist there.
        let factor = basePeriod >= 192 ? 2 : 1
        let image = factor == 1
            ? residual
            : residual.downscaled(width: max(1, residual.width / 2), height: max(1, residual.height / 2))
        let period = basePeriod / Double(factor)
        // The band's top frequency must stay under about 0.42 cycles/pixel (else the comb reads aliases).
        guard image.width >= 32, image.height >= 32, period * minimumScale >= 2.4 * TileGeometry.bandHigh else {
            return []
        }
        let spectrum = WhitenedSpectrum(image)
        let peaks = spectrum.maxFiltered()
        let band = TileGeometry.band.map { bin -> (Double, Double) in
            let n = TileGeometry.size
            return (Double(TileGeometry.signedFrequency(Int(bin) % n)), Double(TileGeometry.signedFrequency(Int(bin) / n)))
        }
        let null = Double(band.count)
        func score(_ table: [Float], _ s: Double, _ theta: Double) -> Double {
            let c = cos(theta) / (s * period), d = sin(theta) / (s * period)
            let mx = Double(spectrum.width), my = Double(spectrum.height)
            var total = 0.0
            for (u, v) in band {
                total += spectrum.sample(table, x: (c * u - d * v) * mx, y: (d * u + c * v) * my)
            }
            return (total - null) / null.squareRoot()
        }

        // Coarse grid.
        let scaleSteps = Int((log(maximumScale / minimumScale) / coarseScaleStep).rounded(.up))
        let rotationSteps = Int((maximumRotation / coarseRotationStep).rounded(.up))
        let columns = 2 * rotationSteps + 1
        var coarse = [Double](repeating: 0, count: (scaleSteps + 1) * columns)
        for i in 0...scaleSteps {
            let s = minimumScale * exp(Double(i) * coarseScaleStep)
            for j in -rotationSteps...rotationSteps {
                coarse[i * columns + j + rotationSteps] = score(peaks, s, Double(j) * coarseRotationStep)
            }
        }
        // Local maxima of the coarse grid, best first.
        var maxima: [(score: Double, i: Int, j: Int)] = []
        for i in 0...scaleSteps {
            for j in 0..<columns {
                let value = coarse[i * columns + j]
                var isMaximum = true
                for di in -1...1 {
                    for dj in -1...1 where (di, dj) != (0, 0) {
                        let ii = i + di, jj = j + dj
                        if ii >= 0 && ii <= scaleSteps && jj >= 0 && jj < columns && coarse[ii * columns + jj] > value {
                            isMaximum = false
                        }
                    }
                }
                if isMaximum { maxima.append((value, i, j - rotationSteps)) }
            }
        }
        maxima.sort { $0.score > $1.score }

        // Fine refinement of the best coarse maxima on the plain whitened spectrum.
        var refined: [Candidate] = []
        for m in maxima.prefix(2 * candidateCount) {
            let s0 = minimumScale * exp(Double(m.i) * coarseScaleStep)
            let t0 = Double(m.j) * coarseRotationStep
            var best = Candidate(scale: s0, rotation: t0, score: -Double.infinity)
            for a in -5...5 {
                let s = s0 * exp(Double(a) * fineScaleStep)
                for b in -6...6 {
                    let t = t0 + Double(b) * fineRotationStep
                    let value = score(spectrum.power, s, t)
                    if value > best.score { best = Candidate(scale: s, rotation: t, score: value) }
                }
            }
            refined.append(best)
        }
        refined.sort { $0.score > $1.score }
        var kept: [Candidate] = []
        for c in refined where !kept.contains(where: {
            abs(log($0.scale / c.scale)) < 2 * coarseScaleStep && abs($0.rotation - c.rotation) < 2 * coarseRotationStep
        }) {
            kept.append(c)
            if kept.count == candidateCount { break }
        }
        return kept
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

    init(_ image: FloatImage) {
        let mx = min(Self.maximumWidth, Lattice.nextPowerOfTwo(image.width * 3 / 2))
        let my = min(Self.maximumHeight, Lattice.nextPowerOfTwo(image.height * 3 / 2))
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
        let ix = (Int(fx) % width + width) % width, iy = (Int(fy) % height + height) % height
        let jx = ix + 1 == width ? 0 : ix + 1, jy = iy + 1 == height ? 0 : iy + 1
        let top = Double(table[iy * width + ix]) * (1 - ax) + Double(table[iy * width + jx]) * ax
        let bottom = Double(table[jy * width + ix]) * (1 - ax) + Double(table[jy * width + jx]) * ax
        return top * (1 - ay) + bottom * ay
    }
}
