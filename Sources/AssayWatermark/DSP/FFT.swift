#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A radix-2 complex FFT on split real/imaginary `Double` buffers (pure Swift).
///
/// Forward: `X[k] = sum x[n] e^{-2 pi i k n / N}`. Inverse: `x[n] = (1/N) sum X[k] e^{+2 pi i k n / N}`.
struct FFT: Sendable {
    let count: Int
    private let cosTable: [Double]
    private let sinTable: [Double]
    private let reversed: [Int32]

    /// A plan for `count` points (a power of two, at least 2).
    init(count: Int) {
        precondition(count >= 2 && count & (count - 1) == 0, "FFT size must be a power of two")
        self.count = count
        cosTable = (0..<(count / 2)).map { cos(2 * Double.pi * Double($0) / Double(count)) }
        sinTable = (0..<(count / 2)).map { sin(2 * Double.pi * Double($0) / Double(count)) }
        let bits = count.trailingZeroBitCount
        reversed = (0..<count).map { i in
            var r = 0
            var v = i
            for _ in 0..<bits {
                r = r << 1 | (v & 1)
                v >>= 1
            }
            return Int32(r)
        }
    }

    /// In-place transform of `count` points (unscaled in both directions; callers scale).
    func transform(_ re: UnsafeMutablePointer<Double>, _ im: UnsafeMutablePointer<Double>, inverse: Bool) {
        let n = count
        reversed.withUnsafeBufferPointer { rev in
            for i in 0..<n {
                let j = Int(rev[i])
                if j > i {
                    let tr = re[i]
                    re[i] = re[j]
                    re[j] = tr
                    let ti = im[i]
                    im[i] = im[j]
                    im[j] = ti
                }
            }
        }
        let sign: Double = inverse ? 1 : -1
        cosTable.withUnsafeBufferPointer { ct in
            sinTable.withUnsafeBufferPointer { st in
                var size = 2
                while size <= n {
                    let half = size / 2
                    let step = n / size
                    var start = 0
                    while start < n {
                        var k = 0
                        for j in 0..<half {
                            let wr = ct[k]
                            let wi = sign * st[k]
                            let a = start + j
                            let b = a + half
                            let xr = re[b] * wr - im[b] * wi
                            let xi = re[b] * wi + im[b] * wr
                            re[b] = re[a] - xr
                            im[b] = im[a] - xi
                            re[a] += xr
                            im[a] += xi
                            k += step
                        }
                        start += size
                    }
                    size <<= 1
                }
            }
        }
    }
}

extension FFT {
    /// In-place transform of the given `columns` of a row-major complex image of `count` rows and `stride` columns,
    /// one column at a time through the scratch buffers `a` and `b` (`count` values each); unscaled.
    func transformColumns(_ re: UnsafeMutablePointer<Double>, _ im: UnsafeMutablePointer<Double>, stride: Int,
                          columns: some Sequence<Int>, scratch a: UnsafeMutablePointer<Double>,
                          _ b: UnsafeMutablePointer<Double>, inverse: Bool) {
        let rows = count
        for x in columns {
            for y in 0..<rows {
                a[y] = re[y * stride + x]
                b[y] = im[y * stride + x]
            }
            transform(a, b, inverse: inverse)
            for y in 0..<rows {
                re[y * stride + x] = a[y]
                im[y * stride + x] = b[y]
            }
        }
    }
}

/// A 2-D FFT of a `rows x cols` row-major complex image (both powers of two).
struct FFT2D: Sendable {
    let rows: Int
    let cols: Int
    private let rowPlan: FFT
    private let colPlan: FFT

    init(rows: Int, cols: Int) {
        self.rows = rows
        self.cols = cols
        rowPlan = FFT(count: cols)
        colPlan = rows == cols ? rowPlan : FFT(count: rows)
    }

    /// In-place 2-D transform; the inverse is scaled by 1/(rows*cols).
    func transform(re: inout [Double], im: inout [Double], inverse: Bool) {
        precondition(re.count == rows * cols && im.count == rows * cols)
        let rows = rows, cols = cols
        re.withUnsafeMutableBufferPointer { rp in
            im.withUnsafeMutableBufferPointer { ip in
                let r = rp.baseAddress!, i = ip.baseAddress!
                for y in 0..<rows { rowPlan.transform(r + y * cols, i + y * cols, inverse: inverse) }
                var tr = [Double](repeating: 0, count: rows)
                var ti = [Double](repeating: 0, count: rows)
                tr.withUnsafeMutableBufferPointer { trp in
                    ti.withUnsafeMutableBufferPointer { tip in
                        colPlan.transformColumns(r, i, stride: cols, columns: 0..<cols, scratch: trp.baseAddress!,
                                                 tip.baseAddress!, inverse: inverse)
                    }
                }
                if inverse {
                    let scale = 1.0 / Double(rows * cols)
                    for k in 0..<(rows * cols) {
                        r[k] *= scale
                        i[k] *= scale
                    }
                }
            }
        }
    }
}
