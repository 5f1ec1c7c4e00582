import AssayCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Temporal features across consecutive frames of one segment: block matching (±4 px full search
/// on 16×16 blocks), the correlation of the noise residual of matched blocks (real sensor noise is
/// independent between frames; a per-frame generator's is not, or is too independent of content),
/// high-frequency energy flicker and the motion-compensated warp residual.
struct TemporalAnalyzer {
    static let blockSize = 16
    static let searchRange = 4
    static let maximumBlocks = 48

    private var correlationSum = 0.0, correlationCount = 0.0
    private var sadSum = 0.0, gradientSum = 0.0
    private var displacementSum = 0.0, matchCount = 0.0
    private var highFrequencyEnergy: [Double] = []

    /// Adds the high-frequency energy of one frame, measured on `tiles`.
    mutating func addEnergy(of luma: Plane, tiles: [(x: Int, y: Int)]) {
        guard !tiles.isEmpty else { return }
        var total = 0.0, count = 0.0
        let w = luma.width, s = TileGrid.tileSize
        luma.samples.withUnsafeBufferPointer { p in
            for t in tiles {
                var y = t.y + 1
                while y < t.y + s - 1 {
                    var x = t.x + 1
                    while x < t.x + s - 1 {
                        let i = y * w + x
                        let neighbours = Double(p[i - 1]) + Double(p[i + 1]) + Double(p[i - w]) + Double(p[i + w])
                        let e = Double(p[i]) - 0.25 * neighbours
                        total += e * e
                        count += 1
                        x += 2
                    }
                    y += 2
                }
            }
        }
        highFrequencyEnergy.append(total / max(count, 1))
    }

    /// Matches blocks of `current` against `previous`.
    mutating func addPair(previous: Plane, current: Plane) {
        let b = Self.blockSize, r = Self.searchRange, w = current.width, h = current.height
        guard w >= b + 2 * r + 2, h >= b + 2 * r + 2 else { return }
        var positions: [(Int, Int)] = []
        var y = r + 1
        while y + b + r + 1 <= h {
            var x = r + 1
            while x + b + r + 1 <= w {
                positions.append((x, y))
                x += 32
            }
            y += 32
        }
        if positions.count > Self.maximumBlocks {
            positions = (0..<Self.maximumBlocks).map { positions[$0 * positions.count / Self.maximumBlocks] }
        }
        previous.samples.withUnsafeBufferPointer { prev in
            current.samples.withUnsafeBufferPointer { cur in
                for (bx, by) in positions {
                    // Skip flat blocks.
                    var s = 0, s2 = 0, grad = 0
                    for yy in by..<(by + b) {
                        for xx in bx..<(bx + b) {
                            let v = Int(cur[yy * w + xx])
                            s += v
                            s2 += v * v
                            grad += abs(Int(cur[yy * w + xx + 1]) - v) + abs(Int(cur[(yy + 1) * w + xx]) - v)
                        }
                    }
                    let n = Double(b * b)
                    let variance = Double(s2) / n - (Double(s) / n) * (Double(s) / n)
                    if variance < 4 { continue }
                    var bestSAD = Int.max, bestDX = 0, bestDY = 0
                    for dy in -r...r {
                        for dx in -r...r {
                            var sad = 0
                            for yy in by..<(by + b) {
                                let rc = yy * w, rp = (yy + dy) * w + dx
                                for xx in bx..<(bx + b) { sad += abs(Int(cur[rc + xx]) - Int(prev[rp + xx])) }
                                if sad >= bestSAD { break }
                            }
                            let shorter = dx * dx + dy * dy < bestDX * bestDX + bestDY * bestDY
                            if sad < bestSAD || (sad == bestSAD && shorter) {
                                bestSAD = sad
                                bestDX = dx
                                bestDY = dy
                            }
                        }
                    }
                    sadSum += Double(bestSAD) / n
                    gradientSum += Double(grad) / n
                    displacementSum += Double(bestDX * bestDX + bestDY * bestDY).squareRoot()
                    matchCount += 1
                    // Noise residual correlation of the matched blocks (interior).
                    var ab = 0.0, aa = 0.0, bb = 0.0
                    for yy in (by + 1)..<(by + b - 1) {
                        for xx in (bx + 1)..<(bx + b - 1) {
                            let i = yy * w + xx
                            let j = (yy + bestDY) * w + xx + bestDX
                            let ea = Double(cur[i]) - 0.25 * (Double(cur[i - 1]) + Double(cur[i + 1])
                                + Double(cur[i - w]) + Double(cur[i + w]))
                            let eb = Double(prev[j]) - 0.25 * (Double(prev[j - 1]) + Double(prev[j + 1])
                                + Double(prev[j - w]) + Double(prev[j + w]))
                            ab += ea * eb
                            aa += ea * ea
                            bb += eb * eb
                        }
                    }
                    if aa > 1e-6 && bb > 1e-6 {
                        correlationSum += ab / (aa * bb).squareRoot()
                        correlationCount += 1
                    }
                }
            }
        }
    }

    /// The temporal features in ``FeatureSet`` order (indices 20...23); `nil` without any matched pair.
    func features() -> [Double]? {
        guard matchCount > 0, highFrequencyEnergy.count >= 2 else { return nil }
        let corr = correlationCount > 0 ? correlationSum / correlationCount : 0
        let warp = log((sadSum / matchCount + 1e-3) / (gradientSum / matchCount + 1e-3))
        var flicker = 0.0
        for i in 1..<highFrequencyEnergy.count {
            flicker += abs(log((highFrequencyEnergy[i] + 1e-3) / (highFrequencyEnergy[i - 1] + 1e-3)))
        }
        flicker /= Double(highFrequencyEnergy.count - 1)
        let motion = log(1 + displacementSum / matchCount)
        return [corr, warp, flicker, motion]
    }
}
