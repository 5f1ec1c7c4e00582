/// Float image helpers for the detector (row-major, `width x height`).
struct FloatImage: Sendable {
    var width: Int
    var height: Int
    var pixels: [Float]

    init(width: Int, height: Int, pixels: [Float]) {
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    init(width: Int, height: Int) {
        self.init(width: width, height: height, pixels: [Float](repeating: 0, count: width * height))
    }

    /// Area-averaging downscale to `newWidth x newHeight` (each no larger than the source).
    ///
    /// The weights are laid out flat (``AreaWeights``) and each output sample adds its source samples in the same
    /// order as before session 13, so the result is the same to the bit, with less work per sample.
    func downscaled(width newWidth: Int, height newHeight: Int) -> FloatImage {
        if newWidth == width && newHeight == height { return self }
        let wx = AreaWeights(from: width, to: newWidth)
        let wy = AreaWeights(from: height, to: newHeight)
        let width = width, height = height
        // Horizontal pass.
        var tmp = [Float](repeating: 0, count: newWidth * height)
        pixels.withUnsafeBufferPointer { src in
            tmp.withUnsafeMutableBufferPointer { dst in
                wx.index.withUnsafeBufferPointer { index in
                    wx.weight.withUnsafeBufferPointer { weight in
                        wx.start.withUnsafeBufferPointer { start in
                            for y in 0..<height {
                                let row = y * width
                                for x in 0..<newWidth {
                                    var acc: Float = 0
                                    for k in start[x]..<start[x + 1] { acc += src[row + index[k]] * weight[k] }
                                    dst[y * newWidth + x] = acc
                                }
                            }
                        }
                    }
                }
            }
        }
        var out = FloatImage(width: newWidth, height: newHeight)
        tmp.withUnsafeBufferPointer { src in
            out.pixels.withUnsafeMutableBufferPointer { dst in
                for y in 0..<newHeight {
                    for k in wy.start[y]..<wy.start[y + 1] {
                        let s = wy.index[k] * newWidth
                        let weight = wy.weight[k]
                        let d = y * newWidth
                        for x in 0..<newWidth { dst[d + x] += src[s + x] * weight }
                    }
                }
            }
        }
        return out
    }

    /// ``areaWeights(from:to:)`` laid out flat: output sample `j` covers `index[start[j] ..< start[j + 1]]` with
    /// the weights at the same positions.
    struct AreaWeights {
        var start: [Int] = [0]
        var index: [Int] = []
        var weight: [Float] = []

        init(from n: Int, to m: Int) {
            for list in FloatImage.areaWeights(from: n, to: m) {
                for (i, w) in list {
                    index.append(i)
                    weight.append(w)
                }
                start.append(index.count)
            }
        }
    }

    /// For each output sample, the source samples it covers and their weights (summing to 1).
    static func areaWeights(from n: Int, to m: Int) -> [[(Int, Float)]] {
        let ratio = Double(n) / Double(m)
        return (0..<m).map { j in
            let a = Double(j) * ratio, b = Double(j + 1) * ratio
            var list = [(Int, Float)]()
            var i = Int(a.rounded(.down))
            while Double(i) < b && i < n {
                let overlap = min(b, Double(i + 1)) - max(a, Double(i))
                if overlap > 0 { list.append((i, Float(overlap / ratio))) }
                i += 1
            }
            return list
        }
    }

    /// Separable box blur of radius `r` (window `2r+1`), edges clamped.
    ///
    /// Running sums along rows, then down columns. Since session 13 the sums run on raw pointers, and the columns
    /// whose window lies inside the row skip the clamping; every sum adds the same values in the same order as
    /// before, so the result is the same to the bit (`FastPathTests` compares it with a plain implementation).
    func boxBlurred(radius r: Int) -> FloatImage {
        var out = FloatImage(width: width, height: height)
        let w = width, h = height
        guard w > 0, h > 0 else { return out }
        var tmp = [Float](repeating: 0, count: w * h)
        let norm = 1 / Float(2 * r + 1)
        // Columns 0 ..< e1 and e2 ..< w clamp an index; e1 ..< e2 read inside the row.
        let e1 = min(w, r), e2 = max(e1, w - r - 1)
        pixels.withUnsafeBufferPointer { srcBuffer in
            tmp.withUnsafeMutableBufferPointer { dstBuffer in
                for y in 0..<h {
                    let src = srcBuffer.baseAddress! + y * w, dst = dstBuffer.baseAddress! + y * w
                    var acc: Float = 0
                    for k in -r...r { acc += src[min(w - 1, max(0, k))] }
                    for x in 0..<e1 {
                        dst[x] = acc * norm
                        acc += src[min(w - 1, x + r + 1)] - src[max(0, x - r)]
                    }
                    for x in e1..<e2 {
                        dst[x] = acc * norm
                        acc += src[x + r + 1] - src[x - r]
                    }
                    for x in e2..<w {
                        dst[x] = acc * norm
                        acc += src[min(w - 1, x + r + 1)] - src[max(0, x - r)]
                    }
                }
            }
        }
        var acc = [Float](repeating: 0, count: w)
        tmp.withUnsafeBufferPointer { srcBuffer in
            out.pixels.withUnsafeMutableBufferPointer { dstBuffer in
                acc.withUnsafeMutableBufferPointer { accBuffer in
                    let src = srcBuffer.baseAddress!, dst = dstBuffer.baseAddress!, acc = accBuffer.baseAddress!
                    for k in -r...r {
                        let row = src + min(h - 1, max(0, k)) * w
                        for x in 0..<w { acc[x] += row[x] }
                    }
                    for y in 0..<h {
                        let add = src + min(h - 1, y + r + 1) * w, sub = src + max(0, y - r) * w
                        let d = dst + y * w
                        for x in 0..<w {
                            d[x] = acc[x] * norm
                            acc[x] += add[x] - sub[x]
                        }
                    }
                }
            }
        }
        return out
    }

    /// Separable `[1, 2, 1] / 4` smoothing, edges clamped: a low-pass before reading every second sample (it keeps
    /// 0.2 cycles/pixel at 0.65 of its amplitude and takes 0.45 and more down to under 0.03).
    func binomialSmoothed() -> FloatImage {
        let w = width, h = height
        guard w >= 2, h >= 2 else { return self }
        var tmp = [Float](repeating: 0, count: w * h)
        pixels.withUnsafeBufferPointer { src in
            tmp.withUnsafeMutableBufferPointer { dst in
                for y in 0..<h {
                    let row = y * w
                    dst[row] = (3 * src[row] + src[row + 1]) * 0.25
                    for x in 1..<(w - 1) { dst[row + x] = (src[row + x - 1] + 2 * src[row + x] + src[row + x + 1]) * 0.25 }
                    dst[row + w - 1] = (src[row + w - 2] + 3 * src[row + w - 1]) * 0.25
                }
            }
        }
        var out = FloatImage(width: w, height: h)
        tmp.withUnsafeBufferPointer { src in
            out.pixels.withUnsafeMutableBufferPointer { dst in
                for y in 0..<h {
                    let up = max(0, y - 1) * w, mid = y * w, down = min(h - 1, y + 1) * w
                    for x in 0..<w { dst[mid + x] = (src[up + x] + 2 * src[mid + x] + src[down + x]) * 0.25 }
                }
            }
        }
        return out
    }
}
