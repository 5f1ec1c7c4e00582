import AssayCore
import Foundation

/// PSNR/SSIM accumulation and worst-case crops.
struct QualityMeter {
    var squaredError = 0.0
    var samples = 0
    var ssimTotal = 0.0
    var ssimCount = 0
    var maxAbs = 0

    mutating func add(original: Plane, marked: Plane, computeSSIM: Bool) {
        var se = 0.0
        for i in 0..<original.samples.count {
            let d = Int(marked.samples[i]) - Int(original.samples[i])
            se += Double(d * d)
            maxAbs = max(maxAbs, abs(d))
        }
        squaredError += se
        samples += original.samples.count
        if computeSSIM {
            ssimTotal += ssim(original, marked)
            ssimCount += 1
        }
    }

    var psnr: Double { samples == 0 || squaredError == 0 ? .infinity : 10 * log10(255 * 255 / (squaredError / Double(samples))) }
    var ssimMean: Double { ssimCount == 0 ? .nan : ssimTotal / Double(ssimCount) }

    /// SSIM with an 11-tap Gaussian (sigma 1.5), as in Wang et al.
    func ssim(_ a: Plane, _ b: Plane) -> Double {
        let w = a.width, h = a.height
        let g: [Double] = {
            let raw = (-5...5).map { exp(-Double($0 * $0) / (2 * 1.5 * 1.5)) }
            let s = raw.reduce(0, +)
            return raw.map { $0 / s }
        }()
        func blur(_ x: [Double]) -> [Double] {
            var t = [Double](repeating: 0, count: w * h)
            for y in 0..<h {
                for xx in 0..<w {
                    var acc = 0.0
                    for k in -5...5 { acc += g[k + 5] * x[y * w + min(w - 1, max(0, xx + k))] }
                    t[y * w + xx] = acc
                }
            }
            var o = [Double](repeating: 0, count: w * h)
            for y in 0..<h {
                for xx in 0..<w {
                    var acc = 0.0
                    for k in -5...5 { acc += g[k + 5] * t[min(h - 1, max(0, y + k)) * w + xx] }
                    o[y * w + xx] = acc
                }
            }
            return o
        }
        let x = a.samples.map(Double.init), y = b.samples.map(Double.init)
        let mx = blur(x), my = blur(y)
        let xx = blur(zip(x, x).map { $0 * $1 }), yy = blur(zip(y, y).map { $0 * $1 }), xy = blur(zip(x, y).map { $0 * $1 })
        let c1: Double = 6.5025, c2: Double = 58.5225
        var total = 0.0
        for i in 0..<(w * h) {
            let va = xx[i] - mx[i] * mx[i], vb = yy[i] - my[i] * my[i], cab = xy[i] - mx[i] * my[i]
            total += ((2 * mx[i] * my[i] + c1) * (2 * cab + c2)) / ((mx[i] * mx[i] + my[i] * my[i] + c1) * (va + vb + c2))
        }
        return total / Double(w * h)
    }
}

/// Saves the flattest 256x256 (or smaller) crop: original, marked, difference x32, marked stretched x8 (PNG via ffmpeg).
func saveFlatCrops(original: Plane, marked: Plane, prefix: String) {
    let w = original.width, h = original.height
    let side = min(256, w, h)
    var best = (Double.infinity, 0, 0)
    for y in stride(from: 0, through: h - side, by: 16) {
        for x in stride(from: 0, through: w - side, by: 16) {
            var act = 0.0
            for yy in stride(from: y, to: y + side - 1, by: 2) {
                for xx in stride(from: x, to: x + side - 1, by: 2) {
                    act += Double(abs(Int(original[xx + 1, yy]) - Int(original[xx, yy])))
                        + Double(abs(Int(original[xx, yy + 1]) - Int(original[xx, yy])))
                }
            }
            if act < best.0 { best = (act, x, y) }
        }
    }
    let (_, x0, y0) = best
    var mean = 0.0
    for yy in y0..<(y0 + side) { for xx in x0..<(x0 + side) { mean += Double(original[xx, yy]) } }
    mean /= Double(side * side)
    func crop(_ f: (Int, Int) -> UInt8) -> [UInt8] {
        var out = [UInt8]()
        for yy in y0..<(y0 + side) { for xx in x0..<(x0 + side) { out.append(f(xx, yy)) } }
        return out
    }
    let images: [(String, [UInt8])] = [
        ("orig", crop { original[$0, $1] }),
        ("marked", crop { marked[$0, $1] }),
        ("diff_x32", crop { UInt8(max(0, min(255, 128 + 32 * (Int(marked[$0, $1]) - Int(original[$0, $1]))))) }),
        ("marked_stretch8", crop { UInt8(max(0, min(255, 128 + 8 * (Double(marked[$0, $1]) - mean)))) }),
        ("orig_stretch8", crop { UInt8(max(0, min(255, 128 + 8 * (Double(original[$0, $1]) - mean)))) }),
    ]
    for (name, pixels) in images {
        let pgm = "\(prefix)_\(name).pgm"
        var d = Data("P5\n\(side) \(side)\n255\n".utf8)
        d.append(contentsOf: pixels)
        try? d.write(to: URL(fileURLWithPath: pgm))
        _ = try? VideoIO.run("/usr/bin/ffmpeg", ["-v", "error", "-y", "-i", pgm, "-vf", "scale=iw*2:ih*2:flags=neighbor",
                                                 "\(prefix)_\(name).png"])
        try? FileManager.default.removeItem(atPath: pgm)
    }
}
