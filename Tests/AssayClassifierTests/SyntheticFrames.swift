import AssayClassifier
import AssayCore

/// Deterministic synthetic frames for tests (no media files): a smoothed pseudo-random texture
/// with colour, and resampled versions of it.
enum SyntheticFrames {
    /// A 64-bit LCG: the same seed always gives the same texture.
    struct Generator {
        var state: UInt64
        mutating func next() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
    }

    /// A texture of `width`×`height` doubles in 0...255: white noise smoothed by a 3×3 box, plus a ramp.
    static func texture(width: Int, height: Int, seed: UInt64) -> [Double] {
        var g = Generator(state: seed)
        let noise = (0..<(width * height)).map { _ in g.next() * 255 }
        var out = [Double](repeating: 0, count: width * height)
        for y in 0..<height {
            for x in 0..<width {
                var s = 0.0, n = 0.0
                for dy in -1...1 {
                    for dx in -1...1 {
                        let xx = min(max(x + dx, 0), width - 1), yy = min(max(y + dy, 0), height - 1)
                        s += noise[yy * width + xx]
                        n += 1
                    }
                }
                out[y * width + x] = 0.6 * s / n + 0.4 * 255 * Double(x + y) / Double(width + height)
            }
        }
        return out
    }

    /// Nearest-neighbour 2× upsampling.
    static func nearest2x(_ t: [Double], width: Int, height: Int) -> [Double] {
        var out = [Double](repeating: 0, count: 4 * width * height)
        for y in 0..<(2 * height) { for x in 0..<(2 * width) { out[y * 2 * width + x] = t[(y / 2) * width + x / 2] } }
        return out
    }

    /// Bilinear resampling of `t` (w×h) to (nw×nh), pixel-centre aligned.
    static func bilinear(_ t: [Double], width w: Int, height h: Int, to nw: Int, _ nh: Int) -> [Double] {
        var out = [Double](repeating: 0, count: nw * nh)
        for y in 0..<nh {
            let sy = min(max((Double(y) + 0.5) * Double(h) / Double(nh) - 0.5, 0), Double(h - 1))
            let y0 = Int(sy), y1 = min(y0 + 1, h - 1), fy = sy - Double(y0)
            for x in 0..<nw {
                let sx = min(max((Double(x) + 0.5) * Double(w) / Double(nw) - 0.5, 0), Double(w - 1))
                let x0 = Int(sx), x1 = min(x0 + 1, w - 1), fx = sx - Double(x0)
                let top = t[y0 * w + x0] * (1 - fx) + t[y0 * w + x1] * fx
                let bottom = t[y1 * w + x0] * (1 - fx) + t[y1 * w + x1] * fx
                out[y * nw + x] = top * (1 - fy) + bottom * fy
            }
        }
        return out
    }

    static func quantise(_ t: [Double]) -> [UInt8] { t.map { UInt8(min(max($0.rounded(), 0), 255)) } }

    /// A 4:2:0 frame whose luma is `luma` and whose chroma is a textured pattern (or flat 128 when `gray`).
    static func frame(luma: [Double], width: Int, height: Int, index: Int, gray: Bool = false) throws -> Frame {
        let c = Frame.chromaSize(width: width, height: height)
        var cb = [UInt8](repeating: 128, count: c.width * c.height), cr = cb
        if !gray {
            for y in 0..<c.height {
                for x in 0..<c.width {
                    let l = luma[min(2 * y, height - 1) * width + min(2 * x, width - 1)]
                    cb[y * c.width + x] = UInt8(min(max(100 + 0.2 * l, 0), 255))
                    cr[y * c.width + x] = UInt8(min(max(150 - 0.15 * l + Double((x * 7 + y * 3) % 11), 0), 255))
                }
            }
        }
        return try Frame(
            luma: Plane(width: width, height: height, samples: quantise(luma)),
            cb: Plane(width: c.width, height: c.height, samples: cb),
            cr: Plane(width: c.width, height: c.height, samples: cr),
            time: MediaTime(seconds: Double(index) / 25), duration: MediaTime(seconds: 0.04), index: index)
    }

    /// A run of `count` frames panning over a texture by one pixel per frame, with fresh noise each frame.
    static func clip(width: Int, height: Int, count: Int, seed: UInt64, gray: Bool = false) throws -> [Frame] {
        let big = texture(width: width + count, height: height, seed: seed)
        var g = Generator(state: seed ^ 0x9E37_79B9)
        return try (0..<count).map { i in
            var luma = [Double](repeating: 0, count: width * height)
            for y in 0..<height {
                for x in 0..<width { luma[y * width + x] = big[y * (width + count) + x + i] + (g.next() - 0.5) * 4 }
            }
            return try frame(luma: luma, width: width, height: height, index: i, gray: gray)
        }
    }
}
