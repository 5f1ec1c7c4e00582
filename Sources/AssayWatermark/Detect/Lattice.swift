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

    /// Shortest lattice vector accepted, as a fraction of the grid period (session 5). A mark embedded by
    /// ``WatermarkEmbedder`` has a period of at least the grid period of any frame it ends up in, unless the frame was
    /// shrunk inside a larger one (zoom-out, not supported): a frame of 720 lines and more carries `256 * h / 720` px,
    /// a smaller one at least its grid period, and any later uniform rescale scales both alike. The margin covers an
    /// anamorphic squeeze to 4:3 (0.75) and measurement error. On unmarked video the autocorrelation often peaks at
    /// the search region's shortest lags (about 72 analysis px); such a lattice cannot come from the mark, and
    /// folding under it roughly doubled the detector's CPU.
    static let minimumGridFraction = 0.7

    /// The estimate with implausible vectors removed: nil when the x vector is shorter than
    /// `minimumGridFraction * gridPeriod`; an implausible y vector is replaced by the x vector's square completion.
    static func plausible(_ estimate: Estimate?, gridPeriod: Double) -> Estimate? {
        guard var e = estimate else { return nil }
        let minimum = minimumGridFraction * gridPeriod
        func length(_ v: SIMD2<Double>) -> Double { (v.x * v.x + v.y * v.y).squareRoot() }
        guard length(e.v1) >= minimum else { return nil }
        if length(e.v2) < minimum { e.v2 = SIMD2(-e.v1.y, e.v1.x) }
        return e
    }

    /// A lattice estimate: two basis vectors (analysis pixels) and the x-peak's significance (sd above its region).
    struct Estimate: Sendable {
        var v1: SIMD2<Double>
        var v2: SIMD2<Double>
        var significance: Double
    }

    /// Estimates the lattice (analysis pixels) or returns nil when no peak stands out.
    static func estimate(_ residual: FloatImage) -> Estimate? {
        let half = residual.downscaled(width: max(1, residual.width / 2), height: max(1, residual.height / 2))
        let cw = min(half.width, 1024 - maximumLagX - 16), ch = min(half.height, 256)
        guard cw >= 32, ch >= 32 else { return nil }
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
        var xSignificance = 0.0
        func search(alongX: Bool) -> SIMD2<Double>? {
            let limit = alongX ? limitX : limitY
            guard limit > minimumLag else { return nil }
            var best = -Double.infinity
            var bestLag = (0, 0)
            var total = 0.0, totalSquares = 0.0, count = 0.0
            for major in minimumLag...limit {
                let spread = Int(Double(major) * angleTolerance)
                for minor in -spread...spread {
                    let (ly, lx) = alongX ? (minor, major) : (major, minor)
                    let value = at(ly, lx)
                    total += value
                    totalSquares += value * value
                    count += 1
                    if value > best {
                        best = value
                        bestLag = (ly, lx)
                    }
                }
            }
            let mu = total / count
            let sd = max(1e-30, (totalSquares / count - mu * mu).squareRoot())
            guard (best - mu) / sd >= significance else { return nil }
            if alongX { xSignificance = (best - mu) / sd }
            var v = subpixel(bestLag.0, bestLag.1)
            // Refine on harmonics while they stay inside the clean lag range.
            let length = (v.x * v.x + v.y * v.y).squareRoot()
            var m = 2
            while Double(m) * length < Double(alongX ? limitX : limitY) {
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
            return v * 2  // half resolution -> analysis pixels
        }
        func subpixel(_ ly: Int, _ lx: Int) -> SIMD2<Double> {
            let c = at(ly, lx)
            let l = at(ly, lx - 1), r = at(ly, lx + 1), u = at(ly - 1, lx), d = at(ly + 1, lx)
            let denX = l - 2 * c + r, denY = u - 2 * c + d
            let dx = denX < 0 ? max(-0.5, min(0.5, 0.5 * (l - r) / denX)) : 0
            let dy = denY < 0 ? max(-0.5, min(0.5, 0.5 * (u - d) / denY)) : 0
            return SIMD2(Double(lx) + dx, Double(ly) + dy)
        }
        guard var v1 = search(alongX: true) else { return nil }
        var v2 = search(alongX: false) ?? SIMD2(-v1.y, v1.x)
        if v1.x < 0 { v1 = -v1 }
        if v2.y < 0 { v2 = -v2 }
        return Estimate(v1: v1, v2: v2, significance: xSignificance)
    }

    static func nextPowerOfTwo(_ n: Int) -> Int {
        var p = 1
        while p < n { p <<= 1 }
        return p
    }
}
