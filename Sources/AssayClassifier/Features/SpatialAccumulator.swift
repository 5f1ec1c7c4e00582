#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Accumulates per-tile statistics over all tiles of one segment, then turns the sums into the
/// spatial features (groups `npr`, `spectrum`, `noise`, `chroma`, `resampling`).
///
/// Sums, not per-tile ratios, are accumulated: periodic traces add up coherently across tiles
/// because every tile sits on the same 64-pixel grid.
struct SpatialAccumulator {
    static let n = TileGrid.tileSize
    private let fft: FFT2D
    private let window: [Double]

    // npr
    private var dxPhase = [Double](repeating: 0, count: 4), dxCount = [Double](repeating: 0, count: 4)
    private var dyPhase = [Double](repeating: 0, count: 4), dyCount = [Double](repeating: 0, count: 4)
    private var d2h = [Double](repeating: 0, count: 2), d2v = [Double](repeating: 0, count: 2)
    private var blockResidual = [Double](repeating: 0, count: 4)
    // spectra (normalised per tile)
    private var residualSpectrum: [Double]
    private var rawSpectrum: [Double]
    private var resamplingSpectrum: [Double]
    /// The resampling map of an odd tile, waiting to share a complex FFT with the next tile's.
    private var pendingResampling: [Double]?
    // noise
    private var e2 = 0.0, e4 = 0.0, eCount = 0.0, lag1 = 0.0, lag2 = 0.0
    private var blockStats: [(gradient: Double, variance: Double)] = []
    // chroma
    private var yy = 0.0, bb = 0.0, rr = 0.0, yb = 0.0, yr = 0.0, br = 0.0
    /// Tiles accumulated so far.
    private(set) var tileCount = 0

    init(fft: FFT2D, window: [Double]) {
        self.fft = fft
        self.window = window
        let count = Self.n * Self.n
        residualSpectrum = [Double](repeating: 0, count: count)
        rawSpectrum = [Double](repeating: 0, count: count)
        resamplingSpectrum = [Double](repeating: 0, count: count)
    }

    /// Adds one tile: `luma` is n×n, `cb`/`cr` are (n/2)×(n/2), all as doubles.
    mutating func add(luma t: [Double], cb: [Double], cr: [Double]) {
        let n = Self.n
        tileCount += 1
        addNPR(t)
        // Laplacian residual (4-neighbour), also the noise residual.
        var residual = [Double](repeating: 0, count: n * n)
        var kirchner = [Double](repeating: 0, count: n * n)
        for y in 1..<(n - 1) {
            for x in 1..<(n - 1) {
                let i = y * n + x
                let c = t[i], l = t[i - 1], r = t[i + 1], u = t[i - n], d = t[i + n]
                let e = c - 0.25 * (l + r + u + d)
                residual[i] = e
                let diag = t[i - n - 1] + t[i - n + 1] + t[i + n - 1] + t[i + n + 1]
                let k = c - (0.5 * (l + r + u + d) - 0.25 * diag)
                kirchner[i] = exp(-k * k / 8)
            }
        }
        addNoise(residual, tile: t)
        var raw = t
        let mean = raw.reduce(0, +) / Double(raw.count)
        for i in raw.indices { raw[i] -= mean }
        // Resampling map: only the interior carries predictor values.
        var pmean = 0.0
        for y in 1..<(n - 1) { for x in 1..<(n - 1) { pmean += kirchner[y * n + x] } }
        pmean /= Double((n - 2) * (n - 2))
        for y in 1..<(n - 1) { for x in 1..<(n - 1) { kirchner[y * n + x] -= pmean } }
        // Two real transforms share one complex FFT; the third runs alone.
        var windowed = residual, windowedRaw = raw
        for i in windowed.indices {
            windowed[i] *= window[i]
            windowedRaw[i] *= window[i]
        }
        let pair = fft.powerSpectra(of: windowed, and: windowedRaw)
        Self.accumulate(pair.a, into: &residualSpectrum)
        Self.accumulate(pair.b, into: &rawSpectrum)
        if let pending = pendingResampling {
            var a = pending
            for i in a.indices {
                a[i] *= window[i]
                kirchner[i] *= window[i]
            }
            let maps = fft.powerSpectra(of: a, and: kirchner)
            Self.accumulate(maps.a, into: &resamplingSpectrum)
            Self.accumulate(maps.b, into: &resamplingSpectrum)
            pendingResampling = nil
        } else {
            pendingResampling = kirchner
        }
        addChroma(luma: t, cb: cb, cr: cr)
    }

    private mutating func addNPR(_ t: [Double]) {
        let n = Self.n
        for y in 0..<n {
            for x in 0..<(n - 1) {
                let i = y * n + x
                dxPhase[x & 3] += abs(t[i + 1] - t[i])
                dxCount[x & 3] += 1
            }
        }
        for y in 0..<(n - 1) {
            for x in 0..<n {
                let i = y * n + x
                dyPhase[y & 3] += abs(t[i + n] - t[i])
                dyCount[y & 3] += 1
            }
        }
        for y in 1..<(n - 1) {
            for x in 1..<(n - 1) {
                let i = y * n + x
                d2h[x & 1] += abs(t[i - 1] - 2 * t[i] + t[i + 1])
                d2v[y & 1] += abs(t[i - n] - 2 * t[i] + t[i + n])
            }
        }
        for oy in 0..<2 {
            for ox in 0..<2 {
                var total = 0.0
                var y = oy
                while y + 1 < n {
                    var x = ox
                    while x + 1 < n {
                        let i = y * n + x
                        let a = t[i], b = t[i + 1], c = t[i + n], d = t[i + n + 1]
                        let m = 0.25 * (a + b + c + d)
                        total += abs(a - m) + abs(b - m) + abs(c - m) + abs(d - m)
                        x += 2
                    }
                    y += 2
                }
                blockResidual[oy * 2 + ox] += total
            }
        }
    }

    private mutating func addNoise(_ e: [Double], tile t: [Double]) {
        let n = Self.n
        for y in 1..<(n - 1) {
            for x in 1..<(n - 1) {
                let v = e[y * n + x]
                let v2 = v * v
                e2 += v2
                e4 += v2 * v2
                eCount += 1
                if x + 1 < n - 1 { lag1 += v * e[y * n + x + 1] }
                if y + 1 < n - 1 { lag1 += v * e[(y + 1) * n + x] }
                if x + 2 < n - 1 { lag2 += v * e[y * n + x + 2] }
                if y + 2 < n - 1 { lag2 += v * e[(y + 2) * n + x] }
            }
        }
        // 8×8 blocks: gradient energy vs residual variance.
        var by = 8
        while by + 8 <= n - 8 {
            var bx = 8
            while bx + 8 <= n - 8 {
                var g = 0.0, s = 0.0, s2 = 0.0
                for y in by..<(by + 8) {
                    for x in bx..<(bx + 8) {
                        let i = y * n + x
                        g += abs(t[i + 1] - t[i]) + abs(t[i + n] - t[i])
                        s += e[i]
                        s2 += e[i] * e[i]
                    }
                }
                let m = s / 64
                blockStats.append((g / 64, max(s2 / 64 - m * m, 0)))
                bx += 8
            }
            by += 8
        }
    }

    private mutating func addChroma(luma t: [Double], cb: [Double], cr: [Double]) {
        let n = Self.n, h = n / 2
        var down = [Double](repeating: 0, count: h * h)
        for y in 0..<h {
            for x in 0..<h {
                let i = 2 * y * n + 2 * x
                down[y * h + x] = 0.25 * (t[i] + t[i + 1] + t[i + n] + t[i + n + 1])
            }
        }
        func res(_ p: [Double], _ i: Int) -> Double { p[i] - 0.25 * (p[i - 1] + p[i + 1] + p[i - h] + p[i + h]) }
        for y in 1..<(h - 1) {
            for x in 1..<(h - 1) {
                let i = y * h + x
                let a = res(down, i), b = res(cb, i), c = res(cr, i)
                yy += a * a
                bb += b * b
                rr += c * c
                yb += a * b
                yr += a * c
                br += b * c
            }
        }
    }

    private static func accumulate(_ p: [Double], into target: inout [Double]) {
        let total = p.reduce(0, +)
        guard total > 1e-12 else { return }
        for i in target.indices { target[i] += p[i] / total }
    }

    private func accumulateSpectrum(_ values: [Double], into target: inout [Double], removeMean: Bool) {
        var w = values
        for i in w.indices { w[i] *= window[i] }
        let p = fft.powerSpectrum(of: w)
        let total = p.reduce(0, +)
        guard total > 1e-12 else { return }
        for i in target.indices { target[i] += p[i] / total }
    }

    // MARK: - Turning sums into features

    /// The spatial features in ``FeatureSet`` order (indices 0...19). `nil` if no tile was added.
    func features() -> [Double]? {
        guard tileCount > 0 else { return nil }
        let eps = 1e-9
        func phaseMeans(_ s: [Double], _ c: [Double]) -> [Double] { (0..<s.count).map { s[$0] / max(c[$0], 1) + eps } }
        let hx = phaseMeans(dxPhase, dxCount), vy = phaseMeans(dyPhase, dyCount)
        let h2 = abs(log((hx[0] + hx[2]) / (hx[1] + hx[3])))
        let v2 = abs(log((vy[0] + vy[2]) / (vy[1] + vy[3])))
        func logStd(_ m: [Double]) -> Double {
            let l = m.map { log($0) }
            let mu = l.reduce(0, +) / Double(l.count)
            return (l.map { ($0 - mu) * ($0 - mu) }.reduce(0, +) / Double(l.count)).squareRoot()
        }
        let p4 = 0.5 * (logStd(hx) + logStd(vy))
        let sd2 = 0.5 * (abs(log((d2h[0] + eps) / (d2h[1] + eps))) + abs(log((d2v[0] + eps) / (d2v[1] + eps))))
        let bmin = blockResidual.min()! + eps, bmax = blockResidual.max()! + eps
        let blockContrast = log(bmax / bmin)

        let nyq = [(32, 0), (0, 32), (32, 32)].map { localPeak(residualSpectrum, $0.0, $0.1) }
        let quarter = [(16, 0), (0, 16), (16, 16), (16, 48)].map { localPeak(residualSpectrum, $0.0, $0.1) }
        let peakMax = maxPeaks(residualSpectrum, minRadius: 8).all
        var high = 0.0, mid = 0.0
        for v in 0..<Self.n {
            for u in 0..<Self.n {
                let r = radius(u, v)
                let p = residualSpectrum[v * Self.n + u]
                if r >= 24 { high += p } else if r >= 4 { mid += p }
            }
        }
        let highBand = log((high + eps) / (mid + eps))
        let slope = spectralSlope(rawSpectrum)

        let m2 = e2 / max(eCount, 1)
        let m4 = e4 / max(eCount, 1)
        let noiseStd = 0.5 * log(m2 + 1e-6)
        let kurt = log((m4 + eps) / (m2 * m2 + eps))
        let ac1 = lag1 / (2 * e2 + eps)
        let ac2 = lag2 / (2 * e2 + eps)
        let sorted = blockStats.sorted { $0.gradient < $1.gradient }
        let q = max(sorted.count / 4, 1)
        let flatVar = sorted.prefix(q).map(\.variance).reduce(0, +) / Double(q)
        let textVar = sorted.suffix(q).map(\.variance).reduce(0, +) / Double(q)
        let flatTexture = 0.5 * log((flatVar + 1e-3) / (textVar + 1e-3))

        let lumaChroma = 0.5 * (yb / ((yy * bb).squareRoot() + eps) + yr / ((yy * rr).squareRoot() + eps))
        let cbcr = br / ((bb * rr).squareRoot() + eps)
        let chromaRatio = 0.5 * log((0.5 * (bb + rr) + 1e-3) / (yy + 1e-3))

        var resampling = resamplingSpectrum
        if let pending = pendingResampling { accumulateSpectrum(pending, into: &resampling, removeMean: false) }
        let rs = maxPeaks(resampling, minRadius: 6)
        let rsMax = rs.all, rsOff = rs.offGrid
        return [
            h2, v2, p4, sd2, blockContrast,
            nyq.reduce(0, +) / Double(nyq.count), quarter.reduce(0, +) / Double(quarter.count), peakMax, highBand,
            slope,
            noiseStd, kurt, ac1, ac2, flatTexture,
            lumaChroma, cbcr, chromaRatio,
            rsMax, rsOff,
        ]
    }

    private func radius(_ u: Int, _ v: Int) -> Double {
        let n = Self.n
        let fu = Double(u <= n / 2 ? u : u - n), fv = Double(v <= n / 2 ? v : v - n)
        return (fu * fu + fv * fv).squareRoot()
    }

    /// log(S(u,v) / median of the 9×9 neighbourhood without its 3×3 centre), wrapping around.
    private func localPeak(_ s: [Double], _ u: Int, _ v: Int) -> Double {
        let n = Self.n
        var ring = [Double](repeating: 0, count: 72)
        var k = 0
        for dv in -4...4 {
            for du in -4...4 where abs(du) > 1 || abs(dv) > 1 {
                ring[k] = s[((v + dv + n) % n) * n + (u + du + n) % n]
                k += 1
            }
        }
        let median = Self.select(&ring, rank: 36)
        return log((s[v * n + u] + 1e-12) / (median + 1e-12))
    }

    /// The element of rank `rank` (0-based, ascending) of `values`, reordering them (quickselect).
    static func select(_ values: inout [Double], rank: Int) -> Double {
        var lo = 0, hi = values.count - 1
        while lo < hi {
            let pivot = values[(lo + hi) / 2]
            var i = lo, j = hi
            while i <= j {
                while values[i] < pivot { i += 1 }
                while values[j] > pivot { j -= 1 }
                if i <= j {
                    values.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            if rank <= j { hi = j } else if rank >= i { lo = i } else { return values[rank] }
        }
        return values[rank]
    }

    /// The largest local peak over half the plane (real input: the spectrum is symmetric), over all
    /// frequencies and over those off the 16-sample grid.
    private func maxPeaks(_ s: [Double], minRadius: Double) -> (all: Double, offGrid: Double) {
        let n = Self.n
        var best = -Double.infinity, bestOff = -Double.infinity
        for v in 0...(n / 2) {
            for u in 0..<n where radius(u, v) >= minRadius {
                let p = localPeak(s, u, v)
                best = max(best, p)
                if u % 16 != 0 && v % 16 != 0 { bestOff = max(bestOff, p) }
            }
        }
        return (best.isFinite ? best : 0, bestOff.isFinite ? bestOff : 0)
    }

    /// Least-squares slope of log radial power against log radius over radii 2...28.
    private func spectralSlope(_ s: [Double]) -> Double {
        let n = Self.n
        var sums = [Double](repeating: 0, count: 32), counts = [Double](repeating: 0, count: 32)
        for v in 0..<n {
            for u in 0..<n {
                let r = Int(radius(u, v).rounded())
                if r >= 2 && r <= 28 {
                    sums[r] += s[v * n + u]
                    counts[r] += 1
                }
            }
        }
        var xs: [Double] = [], ys: [Double] = []
        for r in 2...28 where counts[r] > 0 {
            xs.append(log(Double(r)))
            ys.append(log(sums[r] / counts[r] + 1e-12))
        }
        let mx = xs.reduce(0, +) / Double(xs.count), my = ys.reduce(0, +) / Double(ys.count)
        var sxy = 0.0, sxx = 0.0
        for i in xs.indices {
            sxy += (xs[i] - mx) * (ys[i] - my)
            sxx += (xs[i] - mx) * (xs[i] - mx)
        }
        return sxx > 0 ? sxy / sxx : 0
    }
}
