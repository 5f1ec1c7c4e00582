import Testing
@testable import AssayWatermark

/// Session 13's faster detector code against the code it replaced: the detector's output may not change by a bit
/// (the intra-frame test's ship rule was measured on the old code), so every comparison is exact equality of bit
/// patterns.
/// - The axis-aligned fold against the general one, which still serves rotated and sheared hypotheses.
/// - The box blur and the area downscale against plain copies of their pre-session-13 code, kept here.
@Suite("Watermark: session 13's fast paths equal the code they replaced, to the bit")
struct FastPathTests {
    /// A residual-like image: seeded noise, a black (zero) border band, and large values.
    static func image(width: Int, height: Int, seed: UInt64) -> FloatImage {
        var rng = SeededGenerator(seed: seed)
        var image = FloatImage(width: width, height: height)
        for y in 0..<height {
            for x in 0..<width where y >= height / 10 {
                image.pixels[y * width + x] = Float(Int(rng.next() % 20_001) - 10_000) / 997
            }
        }
        return image
    }

    /// Grid, native and odd periods, each plain and mirrored.
    static func hypotheses(height: Int) -> [GeometryHypothesis] {
        let n = Double(TileGeometry.size)
        let scale = min(1.0, TileGeometry.gridHeight / Double(height))
        let periods = [n * Double(height) / TileGeometry.gridHeight * scale, n * scale, 170.667, 97.3, 301.9, 255.5]
        var all: [GeometryHypothesis] = []
        for (i, period) in periods.enumerated() {
            for mirrored in [false, true] {
                // Slightly different scales on the two axes (an anisotropic rescale) for every second period.
                let ay = i.isMultiple(of: 2) ? period / n : period * 1.013 / n
                all.append(GeometryHypothesis(slot: i, a00: period / n, a01: 0, a10: mirrored ? -0.0 : 0, a11: ay,
                                              mirrored: mirrored))
            }
        }
        return all
    }

    @Test("Bit-identical for the detector's sizes, odd and tiny ones, plain and mirrored, whole and decimated tiles",
          arguments: [(1280, 720), (1279, 719), (853, 480), (640, 361), (300, 200), (17, 9), (1, 1), (2, 300)])
    func identical(width: Int, height: Int) {
        let residual = Self.image(width: width, height: height, seed: UInt64(width * 10_007 + height))
        var compared = 0
        for h in Self.hypotheses(height: height) {
            for decimation in [1, 2] {
                let fast = WindowAnalysis.foldAxisAligned(residual, h, decimation: decimation)
                let reference = WindowAnalysis.foldGeneral(residual, h, decimation: decimation)
                #expect(fast.count == reference.count)
                let same = zip(fast, reference).allSatisfy { $0.bitPattern == $1.bitPattern }
                #expect(same, "\(width)x\(height), period \(h.a00 * 256), mirrored \(h.mirrored), d \(decimation)")
                if reference.contains(where: { $0 != 0 }) { compared += 1 }
            }
        }
        // Images with more than one row and column of valid samples must have given non-trivial tiles.
        if width > 2 && height > 2 { #expect(compared > 0) }
    }

    @Test("fold() takes the axis-aligned path only without shear or rotation")
    func dispatch() {
        let residual = Self.image(width: 400, height: 300, seed: 3)
        let rotated = GeometryHypothesis(slot: 2, a00: 0.99, a01: -0.05, a10: 0.05, a11: 0.99, mirrored: false)
        let general = WindowAnalysis.foldGeneral(residual, rotated)
        #expect(WindowAnalysis.fold(residual, rotated).elementsEqual(general))
        // The axis-aligned path on a rotated hypothesis would ignore the rotation: the tiles must differ, which
        // shows the comparison above can fail.
        #expect(!WindowAnalysis.foldAxisAligned(residual, rotated).elementsEqual(general))
    }

    /// The box blur as it was before session 13 (array subscripts, every index clamped).
    static func plainBoxBlur(_ image: FloatImage, radius r: Int) -> FloatImage {
        var out = FloatImage(width: image.width, height: image.height)
        let w = image.width, h = image.height
        var tmp = [Float](repeating: 0, count: w * h)
        let norm = 1 / Float(2 * r + 1)
        for y in 0..<h {
            let row = y * w
            var acc: Float = 0
            for k in -r...r { acc += image.pixels[row + min(w - 1, max(0, k))] }
            for x in 0..<w {
                tmp[row + x] = acc * norm
                acc += image.pixels[row + min(w - 1, x + r + 1)] - image.pixels[row + max(0, x - r)]
            }
        }
        var acc = [Float](repeating: 0, count: w)
        for k in -r...r {
            let row = min(h - 1, max(0, k)) * w
            for x in 0..<w { acc[x] += tmp[row + x] }
        }
        for y in 0..<h {
            let add = min(h - 1, y + r + 1) * w, sub = max(0, y - r) * w
            for x in 0..<w {
                out.pixels[y * w + x] = acc[x] * norm
                acc[x] += tmp[add + x] - tmp[sub + x]
            }
        }
        return out
    }

    /// The area downscale as it was before session 13 (nested weight lists).
    static func plainDownscale(_ image: FloatImage, width newWidth: Int, height newHeight: Int) -> FloatImage {
        if newWidth == image.width && newHeight == image.height { return image }
        let wx = FloatImage.areaWeights(from: image.width, to: newWidth)
        let wy = FloatImage.areaWeights(from: image.height, to: newHeight)
        var tmp = [Float](repeating: 0, count: newWidth * image.height)
        for y in 0..<image.height {
            for x in 0..<newWidth {
                var acc: Float = 0
                for (i, weight) in wx[x] { acc += image.pixels[y * image.width + i] * weight }
                tmp[y * newWidth + x] = acc
            }
        }
        var out = FloatImage(width: newWidth, height: newHeight)
        for y in 0..<newHeight {
            for (i, weight) in wy[y] {
                for x in 0..<newWidth { out.pixels[y * newWidth + x] += tmp[i * newWidth + x] * weight }
            }
        }
        return out
    }

    static func same(_ a: FloatImage, _ b: FloatImage) -> Bool {
        a.width == b.width && a.height == b.height
            && zip(a.pixels, b.pixels).allSatisfy { $0.bitPattern == $1.bitPattern }
    }

    @Test("The box blur: every radius the detector uses, sizes down to one pixel and under the window",
          arguments: [(1280, 720), (853, 480), (17, 9), (7, 3), (1, 1), (2, 300), (300, 2)])
    func boxBlur(width: Int, height: Int) {
        let image = Self.image(width: width, height: height, seed: UInt64(width * 31 + height))
        for radius in [1, 3, 4, 9] {
            #expect(Self.same(image.boxBlurred(radius: radius), Self.plainBoxBlur(image, radius: radius)),
                    "\(width)x\(height), radius \(radius)")
        }
        // The comparison can fail: a blur of another radius differs.
        if width > 2 && height > 2 {
            #expect(!Self.same(image.boxBlurred(radius: 3), Self.plainBoxBlur(image, radius: 4)))
        }
    }

    @Test("The area downscale: 1080p and 4K to the analysis grid, halvings, odd ratios",
          arguments: [(1920, 1080, 1280, 720), (3840, 2160, 1280, 720), (1279, 719, 639, 359), (853, 480, 427, 240),
                      (300, 200, 299, 133), (5, 5, 1, 1)])
    func downscale(width: Int, height: Int, toWidth: Int, toHeight: Int) {
        let image = Self.image(width: width, height: height, seed: UInt64(width + height))
        #expect(Self.same(image.downscaled(width: toWidth, height: toHeight),
                          Self.plainDownscale(image, width: toWidth, height: toHeight)))
    }

    @Test("The residual and its local normalisation keep the values of the plain code")
    func residual() {
        // The residual is built from the blur above and element-wise steps; checked end to end against the same
        // steps written with the plain blur.
        let image = Self.image(width: 640, height: 360, seed: 77)
        var y = image
        for i in y.pixels.indices { y.pixels[i] = 128 + y.pixels[i] * 9 }
        var blur = y
        for _ in 0..<3 { blur = Self.plainBoxBlur(blur, radius: 3) }
        var valid = FloatImage(width: y.width, height: y.height)
        for i in y.pixels.indices { valid.pixels[i] = y.pixels[i] > 20 ? 1 : 0 }
        valid = Self.plainBoxBlur(valid, radius: 4)
        var plain = FloatImage(width: y.width, height: y.height)
        for i in y.pixels.indices where valid.pixels[i] > 0.999 {
            plain.pixels[i] = max(-10, min(10, y.pixels[i] - blur.pixels[i]))
        }
        #expect(Self.same(WindowAnalysis.residual(y, normalized: false), plain))
        var energy = plain
        for i in energy.pixels.indices { energy.pixels[i] *= energy.pixels[i] }
        let r = WindowAnalysis.normalizationRadius
        energy = Self.plainBoxBlur(Self.plainBoxBlur(energy, radius: r), radius: r)
        var normalized = plain
        for i in normalized.pixels.indices {
            normalized.pixels[i] /= max(0, energy.pixels[i]).squareRoot() + WindowAnalysis.normalizationFloor
        }
        #expect(Self.same(WindowAnalysis.residual(y, normalized: true), normalized))
    }

    @Test("The column pass of the FFT: all columns at once equals one column at a time through transform(_:_:inverse:)",
          arguments: [(256, 256, 0, 256), (256, 256, 0, 41), (256, 256, 216, 256), (512, 1024, 0, 513), (8, 2, 0, 2),
                      (2, 4, 1, 3)])
    func columnPass(rows: Int, stride: Int, low: Int, high: Int) {
        var rng = SeededGenerator(seed: UInt64(rows * 7 + stride + low))
        let count = rows * stride
        let re0 = (0..<count).map { _ in Double(Int(rng.next() % 2_000_001) - 1_000_000) / 7_919 }
        let im0 = (0..<count).map { _ in Double(Int(rng.next() % 2_000_001) - 1_000_000) / 104_729 }
        let plan = FFT(count: rows)
        for inverse in [false, true] {
            var re = re0, im = im0, refRe = re0, refIm = im0
            re.withUnsafeMutableBufferPointer { r in
                im.withUnsafeMutableBufferPointer { i in
                    plan.transformColumns(r.baseAddress!, i.baseAddress!, stride: stride, columns: low..<high,
                                          inverse: inverse)
                }
            }
            // The code before session 13: each column copied out, transformed, copied back.
            var a = [Double](repeating: 0, count: rows), b = a
            for x in low..<high {
                for y in 0..<rows {
                    a[y] = refRe[y * stride + x]
                    b[y] = refIm[y * stride + x]
                }
                a.withUnsafeMutableBufferPointer { ap in
                    b.withUnsafeMutableBufferPointer { bp in plan.transform(ap.baseAddress!, bp.baseAddress!, inverse: inverse) }
                }
                for y in 0..<rows {
                    refRe[y * stride + x] = a[y]
                    refIm[y * stride + x] = b[y]
                }
            }
            #expect(zip(re, refRe).allSatisfy { $0.bitPattern == $1.bitPattern }, "inverse \(inverse)")
            #expect(zip(im, refIm).allSatisfy { $0.bitPattern == $1.bitPattern }, "inverse \(inverse)")
            // Columns outside the range are untouched, and the transform did something inside it.
            #expect((0..<count).allSatisfy { (low..<high).contains($0 % stride) || re[$0] == re0[$0] })
            #expect(re != re0)
        }
    }
}
