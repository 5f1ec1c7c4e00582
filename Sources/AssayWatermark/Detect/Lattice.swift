/// Key-independent geometry synchronisation: the periodic tile makes the autocorrelation of the
/// residual peak on a lattice; its two basis vectors give scale, aspect and rotation.
enum Lattice {
    /// Smallest and largest lattice vector length searched, in half-resolution pixels.
    static let minimumLag = 36
    static let maximumLag = 240
    /// Horizontal lags may go further (the crop is wider): small originals upscaled ~2.7x.
    static let maximumLagX = 400
    /// Angular tolerance around each axis (tan 8 degrees).
    static let angleTolerance = 0.1405
    /// A peak must stand this many standard deviations above the searched region.
    static let significance = 5.0

    /// A lattice estimate: two basis vectors (analysis pixels) and the x-peak's significance (sd above its region).
    struct Estimate: Sendable {
        var v1: SIMD2<Double>
        var v2: SIMD2<Double>
        var significance: Double
    }

    /// Candidate peaks kept per axis: periodic host structure (an upscaled block grid, a tiled texture) can
    /// outshine the tile's own peak, so the few strongest distinct peaks each become a hypothesis.
    static let candidatesPerAxis = 3

    /// Estimates the lattice (analysis pixels): up to ``candidatesPerAxis`` estimates, most significant first;
    /// empty when no peak stands out.
    static func estimate(_ residual: FloatImage) -> [Estimate] {
        let half = residual.downscaled(width: max(1, residual.width / 2), height: max(1, residual.height / 2))
        let cw = min(half.width, 1024 - maximumLagX - 16), ch = min(half.height, 256)
        guard cw >= 32, ch >= 32 else { return [] }
        let mx = min(1024, nextPowerOfTwo(cw + maximumLagX + 16))
        let my = min(512, nextPowerOfTwo(ch + maximumLag + 16))
        let x0 = (half.width - cw) / 2, y0 = (half.height - ch) / 2
        var re = [Double](repeating: 0, count: mx * my)
        var im = [Double](repeating: 0, count: mx * my)
        var mean = 0.0
        for y in 0..<ch { for x in 0..<cw { mean += Double(half.pixels[(y0 + y) * half.width + x0 + x]) } }
        mean /= Double(cw * ch)
        for y in 0..<ch {
            for x in 0..<cw { re[y * mx + x] = Double(half.pixels[(y0 + y) * half.width + x0 + x]) - mean }
        }
        let plan = FFT2D(rows: my, cols: mx)
        plan.transform(re: &re, im: &im, inverse: false)
        for i in 0..<(mx * my) {
            re[i] = (re[i] * re[i] + im[i] * im[i]).squareRoot()  // generalised (sqrt-power) ACF
            im[i] = 0
        }
        plan.transform(re: &re, im: &im, inverse: true)
        let acf = re
        @inline(__always) func at(_ ly: Int, _ lx: Int) -> Double { acf[((ly % my) + my) % my * mx + ((lx % mx) + mx) % mx] }

        // Lag limits that stay clear of cyclic wrap-around.
        let limitX = min(maximumLagX, mx - cw - 1, cw - 8), limitY = min(maximumLag, my - ch - 1, ch - 8)
        /// The strongest distinct local maxima along one axis: (vector in analysis pixels, significance).
        func search(alongX: Bool) -> [(SIMD2<Double>, Double)] {
            let limit = alongX ? limitX : limitY
            guard limit > minimumLag else { return [] }
            var total = 0.0, totalSquares = 0.0, count = 0.0
            var peaks: [(value: Double, ly: Int, lx: Int)] = []
            for major in minimumLag...limit {
                let spread = Int(Double(major) * angleTolerance)
                for minor in -spread...spread {
                    let (ly, lx) = alongX ? (minor, major) : (major, minor)
                    let value = at(ly, lx)
                    total += value
                    totalSquares += value * value
                    count += 1
                    guard value > at(ly, lx - 1), value >= at(ly, lx + 1), value > at(ly - 1, lx),
                        value >= at(ly + 1, lx)
                    else { continue }
                    peaks.append((value, ly, lx))
                }
            }
            let mu = total / count
            let sd = max(1e-30, (totalSquares / count - mu * mu).squareRoot())
            peaks.sort { $0.value > $1.value }
            var out: [(SIMD2<Double>, Double)] = []
            var taken: [(Int, Int)] = []
            for peak in peaks {
                let sigma = (peak.value - mu) / sd
                guard sigma >= significance, out.count < candidatesPerAxis else { break }
                if taken.contains(where: { abs($0.0 - peak.ly) <= 3 && abs($0.1 - peak.lx) <= 3 }) { continue }
                if isHarmonic(peak.ly, peak.lx, height: peak.value - mu, mean: mu) { continue }
                taken.append((peak.ly, peak.lx))
                out.append((refine(peak.ly, peak.lx, limit: limit) * 2, sigma))  // half resolution -> analysis pixels
            }
            return out
        }
        /// Whether a peak is a multiple (2...6) of a shorter period that is at least half as strong (a host grid's
        /// harmonics would otherwise crowd out the tile's peak).
        func isHarmonic(_ ly: Int, _ lx: Int, height: Double, mean mu: Double) -> Bool {
            for k in 2...6 {
                let cy = Int((Double(ly) / Double(k)).rounded()), cx = Int((Double(lx) / Double(k)).rounded())
                guard cx * cx + cy * cy >= 64 else { break }  // too short to be a distinct period (the zero-lag lobe)
                var best = -Double.infinity
                for dy in -1...1 { for dx in -1...1 { best = max(best, at(cy + dy, cx + dx)) } }
                // It must be a peak of its own, not a point on a ridge (lines along an axis make ridges).
                var ring = -Double.infinity
                for (dy, dx) in [(-3, 0), (3, 0), (0, -3), (0, 3), (-3, -3), (-3, 3), (3, -3), (3, 3)] {
                    ring = max(ring, at(cy + dy, cx + dx))
                }
                if best - mu >= 0.5 * height && best - ring >= 0.25 * height { return true }
            }
            return false
        }
        /// Sub-pixel position, refined on harmonics while they stay inside the clean lag range.
        func refine(_ ly: Int, _ lx: Int, limit: Int) -> SIMD2<Double> {
            var v = subpixel(ly, lx)
            let length = (v.x * v.x + v.y * v.y).squareRoot()
            var m = 2
            while Double(m) * length < Double(limit) {
                let cy = Int((Double(m) * v.y).rounded()), cx = Int((Double(m) * v.x).rounded())
                var peak = (cy, cx)
                var peakValue = -Double.infinity
                for dy in -2...2 {
                    for dx in -2...2 where at(cy + dy, cx + dx) > peakValue {
                        peakValue = at(cy + dy, cx + dx)
                        peak = (cy + dy, cx + dx)
                    }
                }
                v = subpixel(peak.0, peak.1) / Double(m)
                m += 1
            }
            return v
        }
        func subpixel(_ ly: Int, _ lx: Int) -> SIMD2<Double> {
            let c = at(ly, lx)
            let l = at(ly, lx - 1), r = at(ly, lx + 1), u = at(ly - 1, lx), d = at(ly + 1, lx)
            let denX = l - 2 * c + r, denY = u - 2 * c + d
            let dx = denX < 0 ? max(-0.5, min(0.5, 0.5 * (l - r) / denX)) : 0
            let dy = denY < 0 ? max(-0.5, min(0.5, 0.5 * (u - d) / denY)) : 0
            return SIMD2(Double(lx) + dx, Double(ly) + dy)
        }
        let xs = search(alongX: true)
        guard !xs.isEmpty else { return [] }
        let ys = search(alongX: false)
        return xs.map { candidate in
            var v1 = candidate.0
            if v1.x < 0 { v1 = -v1 }
            // Pair with the y peak closest to a rotated copy of v1 (rotation + mild aspect change), else complete it.
            let ideal = SIMD2(-v1.y, v1.x)
            var v2 = ideal
            var bestDistance = Double.infinity
            for y in ys {
                var c = y.0
                if c.y < 0 { c = -c }
                let d = c - ideal
                let distance = (d.x * d.x + d.y * d.y).squareRoot() / (ideal.x * ideal.x + ideal.y * ideal.y).squareRoot()
                if distance < 0.35 && distance < bestDistance {
                    bestDistance = distance
                    v2 = c
                }
            }
            if v2.y < 0 { v2 = -v2 }
            return Estimate(v1: v1, v2: v2, significance: candidate.1)
        }
    }

    /// Merges estimate lists (for example a window's own and the running sum's), most significant first, without
    /// near-duplicates, keeping at most ``candidatesPerAxis``.
    static func merge(_ lists: [Estimate]...) -> [Estimate] {
        var out: [Estimate] = []
        for e in lists.joined().sorted(by: { $0.significance > $1.significance }) {
            let duplicate = out.contains { o in
                let d = o.v1 - e.v1
                return d.x * d.x + d.y * d.y < 4
            }
            if duplicate { continue }
            out.append(e)
            if out.count == candidatesPerAxis { break }
        }
        return out
    }

    static func nextPowerOfTwo(_ n: Int) -> Int {
        var p = 1
        while p < n { p <<= 1 }
        return p
    }
}
