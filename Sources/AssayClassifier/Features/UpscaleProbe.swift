import AssayCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How well a segment is explained as a classical interpolation upscale by 2, 3 or 4.
///
/// An upscale by an integer factor s with a fixed kernel K is Y(f) = L(s f) G(f), so the spectrum at each image
/// frequency f + j/s is the kernel's deterministic image of the base band: Y(f + j/s) = T(f) Y(f) with
/// T = G(f + j/s) / G(f). For each factor the measure is the share of the image bins' energy that the best
/// kernel of a small bank (Keys bicubic a = −0.5, −0.6, −0.75; Lanczos-3; bilinear) and the best grid phase
/// explain. It is near zero or negative for native footage (a stationary spectrum has no such coherence) and for
/// outputs whose images do not follow a classical kernel. See
/// `Classifiers/experiments/s5-upscale/RESULTS.md`.
public struct UpscaleMeasure: Sendable, Hashable, Codable {
    /// Explained share of the image-bin energy for a ×2 upscale (best kernel and phase).
    public var explained2: Double
    /// The same for ×3.
    public var explained3: Double
    /// The same for ×4.
    public var explained4: Double
    /// The best kernel for ×2, ×3 and ×4, in that order.
    public var kernels: [String]
}

/// Measures ``UpscaleMeasure`` on runs of luma pixels at native resolution (nothing is resized).
///
/// Runs of ``runLength`` = 96 pixels along rows and columns start on multiples of 96, so factors 2, 3 and 4 have
/// the same grid phase in every run. The work is bounded: at most ``maximumRunsPerAxis`` runs per axis per frame.
struct UpscaleProbe: Sendable {
    static let runLength = 96
    static let maximumRunsPerAxis = 128
    static let factors = [2, 3, 4]
    static let lowBin = 4
    static let half = runLength / 2

    struct Kernel: Sendable {
        var name: String
        var support: Double
        var weight: @Sendable (Double) -> Double
    }

    static let kernels: [Kernel] = [
        cubic(-0.5), cubic(-0.6), cubic(-0.75),
        Kernel(name: "lanczos3", support: 3) { x in
            let a = abs(x)
            if a < 1e-12 { return 1 }
            guard a < 3 else { return 0 }
            let p = Double.pi * a
            return 3 * sin(p) * sin(p / 3) / (p * p)
        },
        Kernel(name: "bilinear", support: 1) { x in max(0, 1 - abs(x)) },
    ]

    static func cubic(_ a: Double) -> Kernel {
        Kernel(name: "bicubic\(a)", support: 2) { x in
            let t = abs(x)
            if t <= 1 { return (a + 2) * t * t * t - (a + 3) * t * t + 1 }
            if t < 2 { return a * t * t * t - 5 * a * t * t + 8 * a * t - 4 * a }
            return 0
        }
    }

    /// Image-to-base transfer T for every (factor, kernel, phase, j, k) the measure uses, computed once.
    struct Transfer: Sendable {
        /// transfer[factorIndex][kernel][phase][j - 1][k - lowBin] = (re, im)
        var values: [[[[[(Double, Double)]]]]]
    }

    let transfer: Transfer
    let window: [Double]
    let cosTable: [Double]
    let sinTable: [Double]

    init() {
        let n = Self.runLength
        window = (0..<n).map { 0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(n - 1)) }
        cosTable = (0..<n).map { cos(2 * Double.pi * Double($0) / Double(n)) }
        sinTable = (0..<n).map { sin(2 * Double.pi * Double($0) / Double(n)) }
        var all: [[[[[(Double, Double)]]]]] = []
        for s in Self.factors {
            var perKernel: [[[[(Double, Double)]]]] = []
            for kernel in Self.kernels {
                let reach = Int((kernel.support * Double(s)).rounded(.up)) + s
                let taps = (-reach...reach).map { d in
                    (Double(d), kernel.weight((Double(d) + Double(1 - s) / 2) / Double(s)))
                }
                func gain(_ f: Double) -> (Double, Double) {
                    var re = 0.0, im = 0.0
                    for (d, g) in taps {
                        re += g * cos(-2 * Double.pi * f * d)
                        im += g * sin(-2 * Double.pi * f * d)
                    }
                    return (re, im)
                }
                var perPhase: [[[(Double, Double)]]] = []
                for phase in 0..<s {
                    var perJ: [[(Double, Double)]] = []
                    for j in 1..<s {
                        var row: [(Double, Double)] = []
                        for k in Self.lowBin..<(Self.half / s) {
                            let f = Double(k) / Double(n)
                            let g0 = gain(f), g1 = gain(f + Double(j) / Double(s))
                            let d = max(g0.0 * g0.0 + g0.1 * g0.1, 1e-12)
                            // g1 / g0, then the phase factor e^{2πi j φ / s}.
                            let tr = (g1.0 * g0.0 + g1.1 * g0.1) / d, ti = (g1.1 * g0.0 - g1.0 * g0.1) / d
                            let a = 2 * Double.pi * Double(j * phase) / Double(s)
                            row.append((tr * cos(a) - ti * sin(a), tr * sin(a) + ti * cos(a)))
                        }
                        perJ.append(row)
                    }
                    perPhase.append(perJ)
                }
                perKernel.append(perPhase)
            }
            all.append(perKernel)
        }
        transfer = Transfer(values: all)
    }

    /// Spectral sums over all runs: base power p[k], image power q[b], cross c = X[b]·conj(X[k]).
    struct Sums {
        var power = [Double](repeating: 0, count: UpscaleProbe.half + 1)
        /// cross[factorIndex][j - 1][k - lowBin] = (re, im)
        var cross: [[[(Double, Double)]]] = UpscaleProbe.factors.map { s in
            let bins = UpscaleProbe.half / s - UpscaleProbe.lowBin
            return (1..<s).map { _ in [(Double, Double)](repeating: (0, 0), count: bins) }
        }
        var runs = 0
    }

    /// Measures the frames; `nil` when no frame has a run of ``runLength`` pixels in either direction.
    func measure(_ planes: [Plane]) -> UpscaleMeasure? {
        var sums = Sums()
        for plane in planes {
            accumulate(plane, transposed: false, into: &sums)
            accumulate(plane, transposed: true, into: &sums)
        }
        guard sums.runs > 0 else { return nil }
        var explained: [Double] = []
        var names: [String] = []
        for (fi, s) in Self.factors.enumerated() {
            var best = -Double.infinity, bestName = ""
            for (ki, kernel) in Self.kernels.enumerated() {
                for phase in 0..<s {
                    var num = 0.0, den = 0.0
                    for j in 1..<s {
                        for k in Self.lowBin..<(Self.half / s) {
                            let t = transfer.values[fi][ki][phase][j - 1][k - Self.lowBin]
                            let c = sums.cross[fi][j - 1][k - Self.lowBin]
                            let b = Self.fold(k + j * Self.runLength / s)
                            num += 2 * (t.0 * c.0 + t.1 * c.1) - (t.0 * t.0 + t.1 * t.1) * sums.power[k]
                            den += sums.power[b]
                        }
                    }
                    let e = num / max(den, 1e-9)
                    if e > best { best = e; bestName = kernel.name }
                }
            }
            explained.append(best)
            names.append(bestName)
        }
        return UpscaleMeasure(
            explained2: explained[0], explained3: explained[1], explained4: explained[2], kernels: names)
    }

    /// The non-negative bin (≤ N/2) whose value is `b`'s or its conjugate.
    static func fold(_ b: Int) -> Int { b <= half ? b : runLength - b }

    private func accumulate(_ plane: Plane, transposed: Bool, into sums: inout Sums) {
        let n = Self.runLength
        let w = plane.width, h = plane.height
        let along = transposed ? h : w, across = transposed ? w : h
        let perLine = along / n
        guard perLine > 0, across > 0 else { return }
        let lineStep = max(1, (across * perLine + Self.maximumRunsPerAxis - 1) / Self.maximumRunsPerAxis)
        var seg = [Double](repeating: 0, count: n)
        var re = [Double](repeating: 0, count: Self.half + 1)
        var im = [Double](repeating: 0, count: Self.half + 1)
        plane.samples.withUnsafeBufferPointer { p in
            var line = lineStep / 2
            while line < across {
                for r in 0..<perLine {
                    var mean = 0.0
                    for i in 0..<n {
                        let pos = r * n + i
                        let v = transposed ? p[pos * w + line] : p[line * w + pos]
                        seg[i] = Double(v)
                        mean += seg[i]
                    }
                    mean /= Double(n)
                    for i in 0..<n { seg[i] = (seg[i] - mean) * window[i] }
                    for k in 0...Self.half {
                        var a = 0.0, b = 0.0, idx = 0
                        for i in 0..<n {
                            a += seg[i] * cosTable[idx]
                            b -= seg[i] * sinTable[idx]
                            idx += k
                            if idx >= n { idx -= n }
                        }
                        re[k] = a
                        im[k] = b
                        sums.power[k] += a * a + b * b
                    }
                    for (fi, s) in Self.factors.enumerated() {
                        for j in 1..<s {
                            for k in Self.lowBin..<(Self.half / s) {
                                let raw = k + j * n / s
                                let bb = Self.fold(raw)
                                let br = re[bb], bi = raw <= Self.half ? im[bb] : -im[bb]
                                // X[b] · conj(X[k])
                                let cr = br * re[k] + bi * im[k], ci = bi * re[k] - br * im[k]
                                sums.cross[fi][j - 1][k - Self.lowBin].0 += cr
                                sums.cross[fi][j - 1][k - Self.lowBin].1 += ci
                            }
                        }
                    }
                    sums.runs += 1
                }
                line += lineStep
            }
        }
    }
}
