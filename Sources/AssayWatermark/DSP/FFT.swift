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
        forEachSwap { i, j in Self.swap(re + i, im + i, re + j, im + j, at: 0) }
        forEachButterfly(inverse: inverse) { a, b, wr, wi in
            Self.butterfly(re + a, im + a, re + b, im + b, at: 0, wr, wi)
        }
    }

    /// Exchanges the complex values at offset `x` of two points (or rows).
    @inline(__always)
    fileprivate static func swap(_ ar: UnsafeMutablePointer<Double>, _ ai: UnsafeMutablePointer<Double>,
                                 _ br: UnsafeMutablePointer<Double>, _ bi: UnsafeMutablePointer<Double>, at x: Int) {
        let tr = ar[x]
        ar[x] = br[x]
        br[x] = tr
        let ti = ai[x]
        ai[x] = bi[x]
        bi[x] = ti
    }

    /// One radix-2 butterfly on the values at offset `x`: `(A, B) <- (A + wB, A - wB)` with `w = wr + i wi`.
    @inline(__always)
    fileprivate static func butterfly(_ ar: UnsafeMutablePointer<Double>, _ ai: UnsafeMutablePointer<Double>,
                                      _ br: UnsafeMutablePointer<Double>, _ bi: UnsafeMutablePointer<Double>,
                                      at x: Int, _ wr: Double, _ wi: Double) {
        let xr = br[x] * wr - bi[x] * wi
        let xi = br[x] * wi + bi[x] * wr
        br[x] = ar[x] - xr
        bi[x] = ai[x] - xi
        ar[x] += xr
        ai[x] += xi
    }

    /// The bit-reversal permutation, as the swaps `(i, j)` with `i < j`, in order.
    @inline(__always)
    fileprivate func forEachSwap(_ body: (Int, Int) -> Void) {
        reversed.withUnsafeBufferPointer { rev in
            for i in 0..<count {
                let j = Int(rev[i])
                if j > i { body(i, j) }
            }
        }
    }

    /// Every radix-2 butterfly in order, stage by stage: the points `a` and `b = a + half` and the twiddle
    /// `(wr, wi)`. ``transform(_:_:inverse:)`` applies each to one point pair,
    /// ``transformColumns(_:_:stride:columns:inverse:)`` to a pair of rows.
    @inline(__always)
    fileprivate func forEachButterfly(inverse: Bool, _ body: (Int, Int, Double, Double) -> Void) {
        let n = count
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
                            body(start + j, start + j + half, ct[k], sign * st[k])
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
    /// In-place transform of the contiguous `columns` of a row-major complex image of `count` rows and `stride`
    /// columns, all columns at once (session 13): each butterfly of ``transform(_:_:inverse:)`` becomes a loop along
    /// the row, which the compiler vectorises, and no column is copied out. Every column goes through the same
    /// operations with the same operands as when it is copied out and given to ``transform(_:_:inverse:)`` one
    /// column at a time (the code before session 13), so the result is the same to the bit (`FastPathTests`);
    /// unscaled.
    func transformColumns(_ re: UnsafeMutablePointer<Double>, _ im: UnsafeMutablePointer<Double>, stride: Int,
                          columns: Range<Int>, inverse: Bool) {
        precondition(columns.lowerBound >= 0 && columns.upperBound <= stride, "columns outside the row")
        let width = columns.count
        guard width > 0 else { return }
        let re = re + columns.lowerBound, im = im + columns.lowerBound
        forEachSwap { i, j in
            let ri = re + i * stride, ii = im + i * stride, rj = re + j * stride, ij = im + j * stride
            for x in 0..<width { Self.swap(ri, ii, rj, ij, at: x) }
        }
        forEachButterfly(inverse: inverse) { a, b, wr, wi in
            let ar = re + a * stride, ai = im + a * stride, br = re + b * stride, bi = im + b * stride
            for x in 0..<width { Self.butterfly(ar, ai, br, bi, at: x, wr, wi) }
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
                colPlan.transformColumns(r, i, stride: cols, columns: 0..<cols, inverse: inverse)
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
