#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Cross-scale residual bands of the luma tiles of one segment (group `bands`): the "too clean for
/// its resolution" signature of learned super-resolution and latent decoders.
///
/// Each 64×64 tile is decomposed into a small Laplacian pyramid with classical kernels: level k+1 is
/// the 2×2 box average of level k, and band k is level k minus the bilinear re-upscale of level k+1
/// (downscale by the suspected factor, re-upscale with a classical kernel, keep what is left). Camera
/// footage leaves sensor noise in every band, spread over flat and textured areas alike; classical
/// upscaling leaves the finest band nearly empty; learned upscalers and decoders fill the fine bands
/// with detail that is sharp at edges but absent in flat areas (high kurtosis, a low flat-area floor)
/// and tightly tied to the coarser band (cross-scale correlation).
struct BandAccumulator {
    static let n = TileGrid.tileSize
    static let bandCount = 3
    private var energy = [Double](repeating: 0, count: 3)
    private var fourth = [Double](repeating: 0, count: 3)
    private var count = [Double](repeating: 0, count: 3)
    private var crossAB = [Double](repeating: 0, count: 2), crossAA = [Double](repeating: 0, count: 2)
    private var crossBB = [Double](repeating: 0, count: 2), crossA = [Double](repeating: 0, count: 2)
    private var crossB = [Double](repeating: 0, count: 2), crossN = [Double](repeating: 0, count: 2)
    /// Per 16×16 region of a tile: (gradient energy, band-0 energy, band-1 energy).
    private var regions: [(gradient: Double, e0: Double, e1: Double)] = []
    /// Tiles accumulated so far.
    private(set) var tileCount = 0

    /// Number of band features.
    static let featureCount = 9

    /// Adds one luma tile (n×n, row-major doubles).
    mutating func add(luma t: [Double]) {
        let n = Self.n
        tileCount += 1
        // Pyramid levels 0...3 (64, 32, 16, 8).
        var levels: [[Double]] = [t]
        var side = n
        for _ in 0..<Self.bandCount {
            let prev = levels[levels.count - 1]
            let h = side / 2
            var next = [Double](repeating: 0, count: h * h)
            for y in 0..<h {
                for x in 0..<h {
                    let i = 2 * y * side + 2 * x
                    next[y * h + x] = 0.25 * (prev[i] + prev[i + 1] + prev[i + side] + prev[i + side + 1])
                }
            }
            levels.append(next)
            side = h
        }
        // Bands: level k minus the bilinear (half-pixel centred) ×2 upscale of level k+1: output sample
        // 2j takes 1/4 of coarse j−1 and 3/4 of coarse j, sample 2j+1 3/4 of j and 1/4 of j+1 (clamped).
        var bands: [[Double]] = []
        side = n
        for k in 0..<Self.bandCount {
            let fine = levels[k], coarse = levels[k + 1]
            let h = side / 2
            var near = [Int](repeating: 0, count: side), far = [Int](repeating: 0, count: side)
            for x in 0..<side {
                let j = x / 2
                near[x] = j
                far[x] = x & 1 == 0 ? max(j - 1, 0) : min(j + 1, h - 1)
            }
            // Horizontal pass on coarse rows, then vertical.
            var wide = [Double](repeating: 0, count: h * side)
            for y in 0..<h {
                for x in 0..<side { wide[y * side + x] = 0.75 * coarse[y * h + near[x]] + 0.25 * coarse[y * h + far[x]] }
            }
            var band = [Double](repeating: 0, count: side * side)
            for y in 0..<side {
                let a = near[y] * side, b = far[y] * side
                for x in 0..<side {
                    band[y * side + x] = fine[y * side + x] - (0.75 * wide[a + x] + 0.25 * wide[b + x])
                }
            }
            // Moments on the interior (the border of each level is extrapolated).
            for y in 1..<(side - 1) {
                for x in 1..<(side - 1) {
                    let v = band[y * side + x]
                    let v2 = v * v
                    energy[k] += v2
                    fourth[k] += v2 * v2
                    count[k] += 1
                }
            }
            bands.append(band)
            side = h
        }
        // Cross-scale correlation of magnitudes: |band k| against |band k+1| at the parent position.
        side = n
        for k in 0..<2 {
            let a = bands[k], b = bands[k + 1], h = side / 2
            for y in 2..<(side - 2) {
                for x in 2..<(side - 2) {
                    let va = abs(a[y * side + x]), vb = abs(b[(y / 2) * h + x / 2])
                    crossAB[k] += va * vb
                    crossAA[k] += va * va
                    crossBB[k] += vb * vb
                    crossA[k] += va
                    crossB[k] += vb
                    crossN[k] += 1
                }
            }
            side = h
        }
        // Flat-vs-textured floor per 16×16 region (band 0) / 8×8 (band 1).
        for ry in 0..<(n / 16) {
            for rx in 0..<(n / 16) {
                var g = 0.0, e0 = 0.0, e1 = 0.0
                for y in (ry * 16)..<(ry * 16 + 16) {
                    for x in (rx * 16)..<(rx * 16 + 16) {
                        let i = y * n + x
                        if x + 1 < n { g += abs(t[i + 1] - t[i]) }
                        if y + 1 < n { g += abs(t[i + n] - t[i]) }
                        e0 += bands[0][i] * bands[0][i]
                    }
                }
                let h = n / 2
                for y in (ry * 8)..<(ry * 8 + 8) {
                    for x in (rx * 8)..<(rx * 8 + 8) { e1 += bands[1][y * h + x] * bands[1][y * h + x] }
                }
                regions.append((g / 256, e0 / 256, e1 / 64))
            }
        }
    }

    /// The band features in ``FeatureSet`` order (9 values), `nil` if no tile was added.
    func features() -> [Double]? {
        guard tileCount > 0 else { return nil }
        let m2 = (0..<3).map { energy[$0] / max(count[$0], 1) }
        let m4 = (0..<3).map { fourth[$0] / max(count[$0], 1) }
        let ratio01 = log((m2[0] + 1e-3) / (m2[1] + 1e-3))
        let ratio12 = log((m2[1] + 1e-3) / (m2[2] + 1e-3))
        let kurtosis = (0..<3).map { log((m4[$0] + 1e-6) / (m2[$0] * m2[$0] + 1e-6)) }
        let correlation = (0..<2).map { k -> Double in
            let nn = max(crossN[k], 1)
            let cov = crossAB[k] / nn - (crossA[k] / nn) * (crossB[k] / nn)
            let va = crossAA[k] / nn - (crossA[k] / nn) * (crossA[k] / nn)
            let vb = crossBB[k] / nn - (crossB[k] / nn) * (crossB[k] / nn)
            return va > 1e-12 && vb > 1e-12 ? cov / (va * vb).squareRoot() : 0
        }
        let sorted = regions.sorted { $0.gradient < $1.gradient }
        let q = max(sorted.count / 4, 1)
        let flat = sorted.prefix(q), textured = sorted.suffix(q)
        func floorRatio(_ value: ((gradient: Double, e0: Double, e1: Double)) -> Double) -> Double {
            let f = flat.map(value).reduce(0, +) / Double(q)
            let t = textured.map(value).reduce(0, +) / Double(q)
            return 0.5 * log((f + 1e-2) / (t + 1e-2))
        }
        return [ratio01, ratio12, kurtosis[0], kurtosis[1], kurtosis[2], floorRatio { $0.e0 }, floorRatio { $0.e1 },
                correlation[0], correlation[1]]
    }
}
