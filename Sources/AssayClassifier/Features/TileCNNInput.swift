import AssayCore

/// What a ``TileCNNModel`` sees (input version `assay-cnn-in-1`; `Classifiers/assay-npr-cnn-1/cnn.py` is the
/// Python mirror the model was trained with).
///
/// - Candidates: ``TileGrid/usableTiles(of:limit:)`` of a segment's first frame with ``candidateTilesPerFrame``
///   (the same tiles the feature extractor and the content profile use).
/// - Per analysed frame: the candidates usable in that frame, at most `perFrame`, picked evenly
///   (`usable[i * n / perFrame]`).
/// - Each tile becomes its NPR residual: luma minus its 2×2 nearest-neighbour down/up-sample on the frame's own
///   2×2 grid (tile corners are multiples of 64), divided by the model's scale. Never resized.
public enum TileCNNInput {
    /// The input version a model must have been trained on.
    public static let version = "assay-cnn-in-1"
    /// Candidate tiles per frame (``FeatureExtractor``'s default `maximumTilesPerFrame`).
    public static let candidateTilesPerFrame = 24
    /// The residual's name in `model.json`.
    static let residual = "npr-2x2-nearest"

    /// The tiles of `luma` a model scores: the candidates usable in this frame, at most `perFrame`, evenly picked.
    public static func tiles(of luma: Plane, candidates: [(x: Int, y: Int)], perFrame: Int) -> [(x: Int, y: Int)] {
        let usable = candidates.filter { TileGrid.isUsable(luma, x: $0.x, y: $0.y) }
        guard usable.count > perFrame else { return usable }
        return (0..<perFrame).map { usable[$0 * usable.count / perFrame] }
    }

    /// Writes the NPR residual of the 64×64 tile at (`x`, `y`) of `luma`, divided by `scale`, into `out`
    /// (row-major, 4096 values). `x` and `y` must be even.
    public static func residual(_ luma: Plane, x: Int, y: Int, scale: Float, into out: inout [Float]) {
        let s = TileGrid.tileSize
        precondition(x % 2 == 0 && y % 2 == 0 && x + s <= luma.width && y + s <= luma.height)
        if out.count != s * s { out = [Float](repeating: 0, count: s * s) }
        luma.samples.withUnsafeBufferPointer { p in
            out.withUnsafeMutableBufferPointer { o in
                for yy in 0..<s {
                    let row = (y + yy) * luma.width + x
                    let base = (y + (yy & ~1)) * luma.width + x
                    for xx in 0..<s {
                        let d = Float(Int(p[row + xx]) - Int(p[base + (xx & ~1)]))
                        o[yy * s + xx] = d / scale
                    }
                }
            }
        }
    }
}
