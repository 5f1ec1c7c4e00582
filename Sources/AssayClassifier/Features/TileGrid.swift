import AssayCore

/// Tiles at native resolution on a fixed 64-pixel grid (never resized), so that phase-sensitive
/// features (upsampling grids, codec blocks) line up across tiles and frames.
struct TileGrid: Sendable {
    /// Tile side in luma samples.
    static let tileSize = 64
    /// Luma standard deviation below which a tile is flat and unusable.
    static let minimumTileStd = 2.0

    /// Top-left luma corners of every tile that fits in the frame.
    static func allTiles(width: Int, height: Int) -> [(x: Int, y: Int)] {
        let s = tileSize
        guard width >= s, height >= s else { return [] }
        var result: [(x: Int, y: Int)] = []
        for ty in 0..<(height / s) { for tx in 0..<(width / s) { result.append((tx * s, ty * s)) } }
        return result
    }

    /// Usable tiles (not flat, not clipped) of `luma`, at most `limit`, picked evenly and deterministically.
    static func usableTiles(of luma: Plane, limit: Int) -> (usable: [(x: Int, y: Int)], total: Int) {
        let all = allTiles(width: luma.width, height: luma.height)
        // Bound the work on huge frames: test at most 16 × limit evenly spread candidates.
        let cap = max(limit, 1) * 16
        let candidates = all.count > cap ? (0..<cap).map { all[$0 * all.count / cap] } : all
        var usable: [(x: Int, y: Int)] = []
        for t in candidates where isUsable(luma, x: t.x, y: t.y) { usable.append(t) }
        guard usable.count > limit, limit > 0 else { return (usable, all.count) }
        let picked = (0..<limit).map { usable[$0 * usable.count / limit] }
        return (picked, all.count)
    }

    /// A tile is usable when it has texture and is not mostly clipped to black or white.
    static func isUsable(_ luma: Plane, x: Int, y: Int) -> Bool {
        let s = tileSize
        var sum = 0.0, sum2 = 0.0, clipped = 0
        luma.samples.withUnsafeBufferPointer { p in
            for yy in y..<(y + s) {
                let row = yy * luma.width
                for xx in x..<(x + s) {
                    let v = Double(p[row + xx])
                    sum += v
                    sum2 += v * v
                    if v <= 16 || v >= 235 { clipped += 1 }
                }
            }
        }
        let n = Double(s * s)
        let mean = sum / n
        let std = (max(sum2 / n - mean * mean, 0)).squareRoot()
        return std >= minimumTileStd && Double(clipped) < 0.5 * n
    }

    /// Copies a `size`×`size` block of `plane` at (`x`, `y`) as doubles (row-major).
    static func block(_ plane: Plane, x: Int, y: Int, size: Int) -> [Double] {
        var out = [Double](repeating: 0, count: size * size)
        plane.samples.withUnsafeBufferPointer { p in
            for yy in 0..<size {
                let row = (y + yy) * plane.width + x
                for xx in 0..<size { out[yy * size + xx] = Double(p[row + xx]) }
            }
        }
        return out
    }
}
