import AssayCore
@testable import AssayWatermark

/// SplitMix64: a seeded generator for reproducible test content and keys.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func testKey(_ seed: UInt64) -> WatermarkKey {
    var rng = SeededGenerator(seed: seed)
    return WatermarkKey.generate(using: &rng)
}

/// Splits raw yuv420p bytes (as `ffmpeg -f rawvideo -pix_fmt yuv420p` prints them) into frames at `fps`;
/// a trailing partial frame is dropped.
func yuv420Frames(_ bytes: [UInt8], width: Int, height: Int, fps: Double) throws -> [Frame] {
    let c = Frame.chromaSize(width: width, height: height)
    let lumaSize = width * height, chromaSize = c.width * c.height
    let frameSize = lumaSize + 2 * chromaSize
    var frames: [Frame] = []
    var offset = 0
    while offset + frameSize <= bytes.count {
        let u = offset + lumaSize, v = u + chromaSize
        frames.append(try Frame(luma: Plane(width: width, height: height, samples: Array(bytes[offset..<u])),
                                cb: Plane(width: c.width, height: c.height, samples: Array(bytes[u..<v])),
                                cr: Plane(width: c.width, height: c.height, samples: Array(bytes[v..<(v + chromaSize)])),
                                time: MediaTime(seconds: Double(frames.count) / fps), index: frames.count))
        offset += frameSize
    }
    return frames
}

/// A textured, slowly moving synthetic scene (smoothed noise plus a gradient), `count` frames at `fps`.
func syntheticFrames(width: Int, height: Int, count: Int, fps: Double = 10, seed: UInt64 = 1) throws -> [Frame] {
    var rng = SeededGenerator(seed: seed)
    let pad = 2 * count + 8
    let bw = width + pad, bh = height + pad
    var noise = [Double](repeating: 0, count: bw * bh)
    for i in 0..<noise.count { noise[i] = Double(rng.next() % 1000) / 1000 }
    // Two passes of a 5x5 box blur: texture with a natural-ish falloff.
    for _ in 0..<2 {
        var out = noise
        for y in 2..<(bh - 2) {
            for x in 2..<(bw - 2) {
                var s = 0.0
                for dy in -2...2 { for dx in -2...2 { s += noise[(y + dy) * bw + x + dx] } }
                out[y * bw + x] = s / 25
            }
        }
        noise = out
    }
    var frames: [Frame] = []
    for f in 0..<count {
        var frame = try Frame(width: width, height: height, y: 128)
        for y in 0..<height {
            for x in 0..<width {
                let n = noise[(y + 4) * bw + x + 4 + 2 * f]  // pan 2 px per frame
                let v = 60 + 100 * Double(x) / Double(width) + 160 * (n - 0.5)
                frame.luma.samples[y * width + x] = UInt8(max(0, min(255, v.rounded())))
            }
        }
        frame.time = MediaTime(seconds: Double(f) / fps)
        frame.index = f
        frames.append(frame)
    }
    return frames
}

func psnr(_ a: Plane, _ b: Plane) -> Double {
    var se = 0.0
    for i in 0..<a.samples.count {
        let d = Double(Int(a.samples[i]) - Int(b.samples[i]))
        se += d * d
    }
    return se == 0 ? .infinity : 10 * log10(255 * 255 / (se / Double(a.samples.count)))
}

import Foundation
