#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A small radix-2 complex FFT for square power-of-two tiles (pure Swift, no dependencies).
///
/// Used on 64×64 tiles for the residual spectrum and the resampling map. Twiddles and the
/// bit-reversal table are computed once per size.
struct FFT2D: Sendable {
    /// Side length (a power of two, 8...1024).
    let size: Int
    private let log2Size: Int
    private let cosTable: [Double]
    private let sinTable: [Double]
    private let bitReversed: [Int]

    /// Creates an FFT for `size`×`size` tiles; `size` must be a power of two between 8 and 1024.
    init(size: Int) {
        precondition(size >= 8 && size <= 1024 && size & (size - 1) == 0, "FFT size must be a power of two")
        self.size = size
        var bits = 0
        while 1 << bits < size { bits += 1 }
        log2Size = bits
        cosTable = (0..<size / 2).map { cos(-2 * Double.pi * Double($0) / Double(size)) }
        sinTable = (0..<size / 2).map { sin(-2 * Double.pi * Double($0) / Double(size)) }
        bitReversed = (0..<size).map { i in
            var r = 0
            for b in 0..<bits where i & (1 << b) != 0 { r |= 1 << (bits - 1 - b) }
            return r
        }
    }

    /// One in-place 1-D transform of `size` complex values at `start` with `stride`.
    private func transform1D(
        _ re: UnsafeMutablePointer<Double>, _ im: UnsafeMutablePointer<Double>, start: Int, stride: Int,
        cosines: UnsafePointer<Double>, sines: UnsafePointer<Double>, reversed: UnsafePointer<Int>
    ) {
        let n = size
        for i in 0..<n {
            let j = reversed[i]
            if j > i {
                let a = start + i * stride, b = start + j * stride
                let tr = re[a], ti = im[a]
                re[a] = re[b]
                im[a] = im[b]
                re[b] = tr
                im[b] = ti
            }
        }
        var half = 1
        while half < n {
            let step = n / (half * 2)
            var blockStart = 0
            while blockStart < n {
                for k in 0..<half {
                    let wr = cosines[k * step], wi = sines[k * step]
                    let a = start + (blockStart + k) * stride
                    let b = start + (blockStart + k + half) * stride
                    let tr = wr * re[b] - wi * im[b]
                    let ti = wr * im[b] + wi * re[b]
                    re[b] = re[a] - tr
                    im[b] = im[a] - ti
                    re[a] += tr
                    im[a] += ti
                }
                blockStart += half * 2
            }
            half *= 2
        }
    }

    /// In-place 2-D transform of a `size`×`size` complex array (rows, then columns).
    private func transform2D(_ re: inout [Double], _ im: inout [Double]) {
        let n = size
        re.withUnsafeMutableBufferPointer { rp in
            im.withUnsafeMutableBufferPointer { ip in
                cosTable.withUnsafeBufferPointer { c in
                    sinTable.withUnsafeBufferPointer { s in
                        bitReversed.withUnsafeBufferPointer { r in
                            let re = rp.baseAddress!, im = ip.baseAddress!
                            let c = c.baseAddress!, s = s.baseAddress!, r = r.baseAddress!
                            for row in 0..<n {
                                transform1D(re, im, start: row * n, stride: 1, cosines: c, sines: s, reversed: r)
                            }
                            for col in 0..<n {
                                transform1D(re, im, start: col, stride: n, cosines: c, sines: s, reversed: r)
                            }
                        }
                    }
                }
            }
        }
    }

    /// The power spectrum `|F(u,v)|²` of a real `size`×`size` tile (row-major), unshifted (DC at 0).
    func powerSpectrum(of tile: [Double]) -> [Double] {
        precondition(tile.count == size * size)
        var re = tile
        var im = [Double](repeating: 0, count: size * size)
        transform2D(&re, &im)
        var power = [Double](repeating: 0, count: size * size)
        for i in 0..<(size * size) { power[i] = re[i] * re[i] + im[i] * im[i] }
        return power
    }

    /// The power spectra of two real tiles with one complex transform (`a` as the real part, `b` as
    /// the imaginary part, separated by conjugate symmetry); equal to two ``powerSpectrum(of:)`` calls.
    func powerSpectra(of a: [Double], and b: [Double]) -> (a: [Double], b: [Double]) {
        precondition(a.count == size * size && b.count == size * size)
        var re = a, im = b
        transform2D(&re, &im)
        let n = size
        var pa = [Double](repeating: 0, count: n * n), pb = [Double](repeating: 0, count: n * n)
        for v in 0..<n {
            let mv = (n - v) & (n - 1)
            for u in 0..<n {
                let k = v * n + u, m = mv * n + ((n - u) & (n - 1))
                let sr = re[k] + re[m], di = im[k] - im[m], dr = re[k] - re[m], si = im[k] + im[m]
                pa[k] = 0.25 * (sr * sr + di * di)
                pb[k] = 0.25 * (dr * dr + si * si)
            }
        }
        return (pa, pb)
    }

    /// A separable Hann window of this size (row-major), applied before transforms to avoid edge leakage.
    func hannWindow() -> [Double] {
        let w1 = (0..<size).map { 0.5 - 0.5 * cos(2 * Double.pi * (Double($0) + 0.5) / Double(size)) }
        var w = [Double](repeating: 0, count: size * size)
        for y in 0..<size { for x in 0..<size { w[y * size + x] = w1[y] * w1[x] } }
        return w
    }
}
