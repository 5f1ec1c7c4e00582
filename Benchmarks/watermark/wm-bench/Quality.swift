import AssayCore
import AssayWatermark
import Foundation

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
